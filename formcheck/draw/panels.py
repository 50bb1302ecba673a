"""The overlay's panels, each drawn inside the slot the layout gave it (never past its edges)."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.core.report import FrameResult
from formcheck.draw.layout import Box
from formcheck.draw.primitives import (
    AA, AMBER, BLACK, DARK, FAULT, FONT_BOLD, GREEN, GREY, WARN, WHITE, WORK, Pen, Style,
    ascii_text, deg_size, finite, fit_scale, text_size, wrap,
)

# Display range of the hip-extension gauge (a scale, not a threshold). It widens to include any
# target from ``targets_deg`` that falls outside it.
GAUGE_RANGE_DEG = (80.0, 210.0)
PHASE_COLOURS = {"setup": GREY, "bottom": (235, 235, 235), "concentric": (255, 200, 0), "top": GREEN,
                 "eccentric": (0, 200, 255), "unknown": GREY}
PHASE_WORDS = {"setup": "SETUP", "bottom": "BOTTOM", "concentric": "LIFTING", "top": "TOP",
               "eccentric": "LOWERING", "unknown": "--"}
# Angles shown in the panel, in this order, when present and finite in ``angles_deg``.
ANGLE_LABELS = (("hip_deg", "Hip"), ("knee_deg", "Knee"), ("neck_deg", "Neck"), ("pelvis_deg", "Pelvis"))
# Lines on the hip gauge: targets_deg keys starting with "hip"; known ones get a colour.
TARGET_COLOURS = {"hip_top": GREEN, "hip_min_top": AMBER, "hip_max_top": FAULT}
MAX_CUES = 3


def _right_aligned(pen: Pen, slot: Box) -> bool:
    return (slot.x0 + slot.x1) / 2 > pen.img.shape[1] / 2


def _count_columns(result: FrameResult, side: str) -> list[tuple[str, int, tuple]]:
    by_side = {k: int(v) for k, v in (result.reps_by_side or {}).items()}
    order = ["left", "right", "both"] + sorted(k for k in by_side if k not in ("left", "right", "both"))
    names = {"left": "LEFT", "right": "RIGHT", "both": "REPS"}
    cols = [(names.get(k, k.upper()[:6]), by_side[k], WORK if k in (side, "both") else WHITE)
            for k in order if k in by_side]
    if not cols:
        cols.append(("REPS", int(result.rep_count), WHITE))
    elif len(cols) > 1:
        cols.append(("TOTAL", int(result.rep_count), WHITE))
    return cols


def count_columns(result: FrameResult) -> int:
    """How many columns the rep counter shows (one per side, plus the total when several)."""
    return len(_count_columns(result, ""))


def draw_counter(pen: Pen, result: FrameResult, side: str, st: Style, slot: Box, alpha: float) -> None:
    """Rep counts per side and in total; the digits shrink (labels do not) to fit the slot."""
    cols = _count_columns(result, side)
    gap = 4 * st.pad  # wide, with a rule between columns, so "3 2 5" never reads as 325
    lab_s, lab_t = st.small, st.thick(st.small)
    k = 1.0
    while True:
        big_s = st.big * k
        big_t = max(2, st.thick(big_s) - 1)
        widths = [max(text_size(lab, lab_s, lab_t)[0], text_size(str(n), big_s, big_t, FONT_BOLD)[0])
                  for lab, n, _ in cols]
        pw = 2 * st.pad + sum(widths) + gap * (len(cols) - 1)
        if pw <= slot.w or k < 0.5:
            break
        k *= 0.9
    lab_h = text_size("LEFT", lab_s, lab_t)[1]
    big_h = text_size("0", big_s, big_t, FONT_BOLD)[1]
    x0 = slot.x1 - pw if _right_aligned(pen, slot) else slot.x0
    y0 = slot.y0
    y1 = y0 + st.pad * 4 + lab_h + big_h
    pen.panel(x0, y0, x0 + pw, y1, alpha=alpha)
    x = x0 + st.pad
    for (label, n, colour), cw in zip(cols, widths):
        lw = text_size(label, lab_s, lab_t)[0]
        pen.text(label, (x + (cw - lw) // 2, y0 + st.pad + lab_h), lab_s, GREY, lab_t)
        nw = text_size(str(n), big_s, big_t, FONT_BOLD)[0]
        pen.text(str(n), (x + (cw - nw) // 2, y0 + st.pad * 3 + lab_h + big_h), big_s, colour, big_t, FONT_BOLD)
        x += cw + gap
        if x < x0 + pw - st.pad:
            sx = x - gap // 2
            cv2.line(pen.img, (sx, y0 + st.pad), (sx, y1 - st.pad), (110, 110, 110), max(1, st.line // 2), AA)


def draw_phase(pen: Pen, result: FrameResult, st: Style, slot: Box, show_fps, latency_ms, alpha: float) -> None:
    """Phase word (and the live fps/latency readout)."""
    phase = (result.phase or "unknown").lower()
    word = "" if phase == "unknown" else PHASE_WORDS.get(phase, ascii_text(phase).upper())
    thick = st.thick(st.cue)
    tw, th, base = text_size(word, st.cue, thick, FONT_BOLD) if word else (0, 0, 0)
    parts = [f"{float(show_fps):.0f} fps"] if finite(show_fps) else []
    parts += [f"{float(latency_ms):.0f} ms"] if finite(latency_ms) else []
    info = "  ".join(parts)
    iw, ih = text_size(info, st.small, st.thick(st.small))[:2] if info else (0, 0)
    if not word and not info:
        return
    pw = max(tw, iw) + 2 * st.pad
    x0 = slot.x1 - pw if _right_aligned(pen, slot) else slot.x0
    y0 = slot.y0
    y1 = y0 + 2 * st.pad + (th + base if word else 0) + ((st.pad if word else 0) + ih if info else 0)
    pen.panel(x0, y0, x0 + pw, y1, alpha=alpha)
    y = y0 + st.pad
    if word:
        y += th
        pen.text(word, (x0 + st.pad, y), st.cue, PHASE_COLOURS.get(phase, WHITE), thick, FONT_BOLD)
        y += base
    if info:
        y += (st.pad if word else 0) + ih
        pen.text(info, (x0 + st.pad, y), st.small, GREY, st.thick(st.small))


def draw_angles(pen: Pen, angles: dict, st: Style, slot: Box, alpha: float) -> None:
    """Joint angles, one row each; rows that do not fit the slot are dropped."""
    rows = [(label, float(angles[k])) for k, label in ANGLE_LABELS if finite(angles.get(k))]
    lab_s, val_s = st.small * 1.1, st.body
    lab_t, val_t = st.thick(lab_s), st.thick(val_s)
    row_h = text_size("0", val_s, val_t)[1] + st.pad * 2
    rows = rows[: max(0, (slot.h - st.pad) // row_h)]
    if not rows:
        return
    lab_w = max(text_size(lab, lab_s, lab_t)[0] for lab, _ in rows)
    val_w = max(deg_size(str(round(v)), val_s, val_t)[0] for _, v in rows)
    pw = st.pad * 3 + lab_w + val_w
    x0 = slot.x1 - pw if _right_aligned(pen, slot) else slot.x0
    y0 = slot.y0
    pen.panel(x0, y0, x0 + pw, y0 + st.pad + row_h * len(rows), alpha=alpha)
    y = y0 + st.pad
    for label, v in rows:
        baseline = y + row_h - st.pad
        pen.text(label, (x0 + st.pad, baseline), lab_s, GREY, lab_t)
        pen.text_deg(str(round(v)), (x0 + st.pad * 2 + lab_w, baseline), val_s, WHITE, val_t)
        y += row_h


def draw_gauge(pen: Pen, result: FrameResult, st: Style, slot: Box, alpha: float) -> None:
    """Vertical hip-extension bar filling the slot's height, target lines from ``targets_deg``."""
    img = pen.img
    targets = {k: float(v) for k, v in (result.targets_deg or {}).items() if k.startswith("hip") and finite(v)}
    value = (result.angles_deg or {}).get("hip_deg")
    value = float(value) if finite(value) else None
    lo, hi = GAUGE_RANGE_DEG
    if targets:
        lo, hi = min(lo, min(targets.values()) - 10.0), max(hi, max(targets.values()) + 10.0)
    lab_s, val_s = st.small, st.body
    lab_t, val_t = st.thick(lab_s), st.thick(val_s)
    bar_w = max(8, round(0.045 * st.short_px))
    val_text = str(round(value)) if value is not None else "--"
    vw, vh, _ = deg_size(val_text, val_s, val_t) if value is not None else text_size(val_text, val_s, val_t)
    title_h = text_size("HIP", lab_s, lab_t)[1]
    x0, y0, x1, y1 = slot.x0, slot.y0, slot.x1, slot.y1
    bar_top, bar_bot = y0 + st.pad * 2 + title_h, y1 - st.pad * 2 - vh
    if bar_bot - bar_top < 3 * title_h:  # not enough room: skip rather than draw a smudge
        return
    pen.panel(x0, y0, x1, y1, alpha=alpha)
    pen.text("HIP", (x1 - st.pad - text_size("HIP", lab_s, lab_t)[0], y0 + st.pad + title_h), lab_s, GREY, lab_t)
    bx1 = x1 - st.pad
    bx0 = bx1 - bar_w

    def y_of(v: float) -> int:
        f = (min(max(v, lo), hi) - lo) / (hi - lo)
        return int(round(bar_bot - f * (bar_bot - bar_top)))

    cv2.rectangle(img, (bx0, bar_top), (bx1, bar_bot), (60, 60, 60), -1)
    fill = WHITE
    if value is not None:
        # Green once at/above the profile's own incomplete-extension target.
        if "hip_min_top" in targets and value >= targets["hip_min_top"]:
            fill = GREEN
        cv2.rectangle(img, (bx0, y_of(value)), (bx1, bar_bot), fill, -1)
    cv2.rectangle(img, (bx0, bar_top), (bx1, bar_bot), GREY, max(1, st.line // 2))
    for key, t in sorted(targets.items(), key=lambda kv: kv[1]):
        colour = TARGET_COLOURS.get(key, GREY)
        y = y_of(t)
        cv2.line(img, (bx0 - st.pad // 2, y), (bx1 + st.pad // 2, y), DARK, st.line + 2, AA)
        cv2.line(img, (bx0 - st.pad // 2, y), (bx1 + st.pad // 2, y), colour, st.line, AA)
        lw, lh, _ = text_size(f"{round(t)}", lab_s, lab_t)
        pen.text(f"{round(t)}", (bx0 - st.pad - lw, y + lh // 2), lab_s, colour, lab_t)
    if value is not None:
        pen.text_deg(val_text, (x1 - st.pad - vw, y1 - st.pad), val_s, fill, val_t)
    else:
        pen.text(val_text, (x1 - st.pad - vw, y1 - st.pad), val_s, GREY, val_t)


def cue_severities(result: FrameResult) -> list[str]:
    """"fault" or "warn" per cue: from ``cue_severity``, else from the frame's new rep's faults."""
    if len(result.cue_severity) == len(result.cues):
        return list(result.cue_severity)
    known: dict[str, str] = {}
    if result.new_rep is not None:
        for f in result.new_rep.faults:
            if f.cue and known.get(f.cue) != "fault":
                known[f.cue] = f.severity
    return [known.get(c, "warn") for c in result.cues]


def _severity_icon(pen: Pen, sev: str, cx: int, cy: int, r: int, fg: tuple) -> None:
    """A warning triangle with '!' for a fault, a ring with 'i' for a warning (not colour alone)."""
    t = max(1, r // 4)
    if sev == "fault":
        pts = [(cx, cy - r), (cx + r, cy + int(0.8 * r)), (cx - r, cy + int(0.8 * r))]
        cv2.fillPoly(pen.img, [np.int32(pts)], fg, AA)
        cv2.line(pen.img, (cx, cy - r // 3), (cx, cy + r // 4), FAULT, t, AA)
        cv2.circle(pen.img, (cx, cy + int(0.55 * r)), max(1, t // 2 + 1), FAULT, -1, AA)
    else:
        cv2.circle(pen.img, (cx, cy), r, fg, t, AA)
        cv2.line(pen.img, (cx, cy - r // 6), (cx, cy + r // 2), fg, t, AA)
        cv2.circle(pen.img, (cx, cy - r // 2), max(1, t // 2 + 1), fg, -1, AA)


def draw_cues(pen: Pen, result: FrameResult, st: Style, slot: Box) -> None:
    """Cue banners stacked in the slot: vermilion with a triangle for faults, yellow with a ring
    for warnings. Banners that do not fit are counted as "+N more"."""
    items = [(ascii_text(c).strip(), s) for c, s in zip(result.cues, cue_severities(result)) if str(c).strip()]
    if not items:
        return
    scale, thick = st.cue, st.thick(st.cue)
    line_h = text_size("Ag", scale, thick)[1]
    icon_r = int(line_h * 0.6)
    text_x = slot.x0 + st.pad * 2 + 2 * icon_r
    max_w = slot.x1 - text_x - st.pad
    step = int(line_h * 1.5)
    from_bottom = (slot.y0 + slot.y1) / 2 > pen.img.shape[0] / 2
    blocks = [(wrap(text, scale, thick, max_w), sev) for text, sev in items[:MAX_CUES]]
    heights = [step * (len(lines) - 1) + line_h + 2 * st.pad for lines, _ in blocks]
    shown = 0
    while shown < len(blocks) and sum(heights[: shown + 1]) + st.pad * shown <= slot.h:
        shown += 1
    shown = max(shown, 1)
    y = slot.y1 - sum(heights[:shown]) - st.pad * (shown - 1) if from_bottom else slot.y0
    for (lines, sev), bh in zip(blocks[:shown], heights):
        bg, fg = (FAULT, WHITE) if sev == "fault" else (WARN, BLACK)
        pen.panel(slot.x0, y, slot.x1, y + bh, bg, 0.9)
        _severity_icon(pen, sev, slot.x0 + st.pad + icon_r, y + bh // 2, icon_r, fg)
        ty = y + st.pad + line_h
        for ln in lines:
            s2 = fit_scale(ln, scale, thick, max_w, st.small)
            pen.text(ln, (text_x, ty), s2, fg, thick)
            ty += step
        y += bh + st.pad
    extra = len(items) - shown
    if extra > 0:
        more = f"+{extra} more"
        tw, th, _ = text_size(more, st.small, st.thick(st.small))
        yb = slot.y1 - sum(heights[:shown]) - st.pad * shown if from_bottom else min(y + th + st.pad, slot.y1)
        pen.panel(slot.x1 - tw - 2 * st.pad, yb - th - 2 * st.pad, slot.x1, yb)
        pen.text(more, (slot.x1 - st.pad - tw, yb - st.pad), st.small, WHITE, st.thick(st.small))


def draw_notice(pen: Pen, text: str, st: Style, slot: Box, *, border=None, scale: float | None = None) -> None:
    """A box of wrapped text centred in the slot (a live set-up notice, "No person in view")."""
    scale = scale or st.cue
    thick = st.thick(scale)
    max_w = slot.w - 4 * st.pad
    lines = wrap(ascii_text(text), scale, thick, max_w)
    scales = [fit_scale(ln, scale, thick, max_w, st.small) for ln in lines]
    widths = [text_size(ln, sc, thick)[0] for ln, sc in zip(lines, scales)]
    line_h = text_size("Ag", scale, thick)[1]
    step = int(line_h * 1.55)
    box_w = max(widths) + 4 * st.pad
    box_h = step * (len(lines) - 1) + line_h + 4 * st.pad
    x0 = slot.x0 + (slot.w - box_w) // 2
    y0 = slot.y0 + max(0, (slot.h - box_h) // 2) if box_h <= slot.h else max(0, slot.y1 - box_h)
    pen.panel(x0, y0, x0 + box_w, y0 + box_h, BLACK, 0.75)
    if border is not None:
        cv2.rectangle(pen.img, (x0, y0), (x0 + box_w, y0 + box_h), border, st.line, AA)
    ty = y0 + 2 * st.pad + line_h
    for ln, sc, lw in zip(lines, scales, widths):
        pen.text(ln, (x0 + (box_w - lw) // 2, ty), sc, WHITE, thick)
        ty += step
