"""The overlay's public face: ``draw_overlay`` (one frame) and ``draw_summary_card`` (the end card).

The work is split by concern: ``primitives`` (colours, sizes, text), ``layout`` (where panels go,
never over the athlete), ``panels`` (each panel in its slot), ``frame`` (the skeleton and one
frame's overlay), ``card`` (the summary card).
"""

from __future__ import annotations

from formcheck.draw.card import draw_summary_card
from formcheck.draw.frame import Drawn, draw_overlay, overlay_frame
from formcheck.draw.layout import MIN_VISIBILITY, Layout, LivePlacer, clip_box, plan_layout
from formcheck.draw.primitives import BONE as _BONE
from formcheck.draw.primitives import FAULT as _FAULT
from formcheck.draw.primitives import GREEN as _GREEN
from formcheck.draw.primitives import WARN as _WARN
from formcheck.draw.primitives import WHITE as _WHITE
from formcheck.draw.primitives import WORK as _WORK
from formcheck.draw.primitives import AMBER as _AMBER

__all__ = ["Drawn", "Layout", "LivePlacer", "MIN_VISIBILITY", "clip_box", "draw_overlay", "draw_summary_card",
           "overlay_frame", "plan_layout"]
# Colours the tests look for in the pixels.
COLOURS = {"bone": _BONE, "work": _WORK, "fault": _FAULT, "warn": _WARN, "green": _GREEN, "white": _WHITE,
           "target_min": _AMBER}
