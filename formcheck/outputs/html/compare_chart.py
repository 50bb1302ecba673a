"""The compare page's chart: each matched pair's hip-extension curves overlaid, time-normalised.

One slot per pair of reps; inside it, A's and B's curves run from 0 to 1 of their own rep's
time, so a 2 s rep and a 4 s rep share the slot. A's lockout and descent start are marked on
A's curve, B's on B's: where they fall apart, the phases took different shares of the rep.
Inline SVG like the report's chart (``chart.py``, whose axes and path helpers it reuses); it
prints and reads without a script, and the page script only picks a pair on click.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from formcheck.core.align import normalised_curve, rep_anchors
from formcheck.core.report import Rep, SetReport
from formcheck.outputs.html.chart import _axes, _nice_ticks, _Panel, _path, _range

__all__ = ["overlay_series", "build_overlay"]

_W, _H = 1000.0, 300.0
_LEFT, _RIGHT = 52.0, 12.0
_PANEL = (40.0, 262.0)
_POINTS = 101
_PAD = 0.05  # of a slot, either side: slots stay apart


def overlay_series(report: SetReport) -> tuple[str, str] | None:
    """(column, axis label) of the curve to overlay: hip extension, or the hips' lift where the
    set has no hip angle (from the feet or the head); None without a per-frame table."""
    table = report.frames_table or {}
    for name, label in (("hip_deg", "hip extension (deg)"), ("hip_lift_sw", "hips' lift (shoulder widths)")):
        col = table.get(name)
        if col is not None and np.isfinite(np.asarray(col, dtype=float)).any():
            return name, label
    return None


def _curve(report: SetReport, rep: Rep, column: str) -> np.ndarray:
    table = report.frames_table
    return normalised_curve(table["t_s"], table[column], rep, _POINTS)


def _marks(rep: Rep) -> list[float]:
    """Lockout and descent start as fractions of the rep's time (NaN when unknown)."""
    start, lock, hold_end, end = rep_anchors(rep)
    span = end - start
    return [(v - start) / span if span > 0 else math.nan for v in (lock, hold_end)]


def build_overlay(a: SetReport, reps_a: dict[int, Rep], b: SetReport, reps_b: dict[int, Rep],
                  pairs: list[tuple[int, int]]) -> str:
    """The SVG for ``pairs`` of (A's rep index, B's rep index); a note when there is nothing to draw."""
    col_a, col_b = overlay_series(a), overlay_series(b)
    if not pairs or col_a is None or col_b is None or col_a[0] != col_b[0]:
        return '<p class="fcr-muted">No per-frame curve to overlay for these sets.</p>'
    column, label = col_a
    curves = [(_curve(a, reps_a[i], column), _curve(b, reps_b[j], column)) for i, j in pairs]
    panel = _Panel(*_PANEL, *_range([c for pair in curves for c in pair], []))
    slot = (_W - _LEFT - _RIGHT) / len(pairs)
    out = [f'<svg class="chart fcc-overlay" viewBox="0 0 {_W:g} {_H:g}" role="img" '
           f'aria-label="{escape(label)} per rep, A and B overlaid">']
    for k, (i, j) in enumerate(pairs):
        x0 = _LEFT + k * slot
        out.append(f'<rect class="pair-band" x="{x0 + 2:.1f}" y="{_PANEL[0]}" width="{slot - 4:.1f}" '
                   f'height="{_PANEL[1] - _PANEL[0]}" data-pair="{i}:{j}"><title>A rep {i} with B rep {j}: '
                   f'click to play them</title></rect>')
        out.append(f'<text class="rep-label" x="{x0 + slot / 2:.1f}" y="{_PANEL[0] - 10}" text-anchor="middle" '
                   f'data-pair="{i}:{j}">A{i} · B{j}</text>')
    _axes(out, panel, _nice_ticks(panel.v0, panel.v1), label.split(" (")[0] if len(label) > 24 else label)
    u = np.linspace(0.0, 1.0, _POINTS)
    for k, ((i, j), (ca, cb)) in enumerate(zip(pairs, curves)):
        xs = _LEFT + (k + _PAD + u * (1 - 2 * _PAD)) * slot
        for css, curve, rep, who in (("s-a", ca, reps_a[i], "A"), ("s-b", cb, reps_b[j], "B")):
            ys = np.array([panel.y(v) if math.isfinite(v) else math.nan for v in curve])
            out.append(f'<path class="series {css}" d="{_path(xs, ys)}"><title>{who} rep {rep.index}</title></path>')
            for f in _marks(rep):
                if math.isfinite(f):
                    x = _LEFT + (k + _PAD + f * (1 - 2 * _PAD)) * slot
                    y = panel.y(float(np.interp(f, u, np.nan_to_num(curve, nan=panel.v0))))
                    out.append(f'<circle class="phase-mark {css}" cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>')
    for frac, text in ((0.0, "start"), (1.0, "end")):
        x = _LEFT + (_PAD + frac * (1 - 2 * _PAD)) * slot
        out.append(f'<text class="tick" x="{x:.1f}" y="{_PANEL[1] + 18}" text-anchor="middle">{text}</text>')
    out.append(f'<text class="axis-label" x="{_W - _RIGHT}" y="{_H - 4}" text-anchor="end">'
               f'each rep from its start to its end</text>')
    out.append("</svg>")
    return "".join(out)
