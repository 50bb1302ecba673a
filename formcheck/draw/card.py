"""The end card of an annotated video: a SetReport summarised on one image."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.report import Rep, SetReport
from formcheck.draw.primitives import (
    AA, FAULT, FONT_BOLD, GREEN, GREY, WARN, WHITE, WORK, Pen, Style, ascii_text, ellipsize, finite, fit_scale,
    text_size, wrap,
)


def rep_faults(rep: Rep) -> tuple[str, tuple]:
    if not rep.faults:
        return "clean", GREEN
    sev = "fault" if any(f.severity == "fault" for f in rep.faults) else "warn"
    names: list[str] = []
    for f in rep.faults:
        name = f.code.replace("_", " ")
        if name not in names:
            names.append(name)
    return ", ".join(names), (FAULT if sev == "fault" else WARN)


def draw_summary_card(report: SetReport, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """An end card summarising the set; returns a new uint8 BGR image of ``size`` = (w, h).

    Header: exercise, view, source; reps per side in large type, partial reps and duration.
    Then one row per counted rep: number, side, peak hip extension, knee at the top, hold and
    faults (red: a fault, amber: warnings only, green: clean). Rows shrink to fit; those that
    still do not fit are summarised as "+N more reps". Narrow (portrait) cards put each rep's
    faults on a second line. Views that could not judge a fault are listed at the bottom.
    """
    w, h = (int(v) for v in size)
    if w <= 0 or h <= 0:
        raise InputError(f"summary card size must be positive (width, height), got {size}")
    img = np.full((h, w, 3), (32, 26, 22), np.uint8)
    pen = Pen(img)
    st = Style.for_size(w, h)
    m = 2 * st.margin
    max_w = w - 2 * m
    narrow = w < 1.2 * h
    y = _title(pen, report, st, m, max_w)
    y = _counts(pen, report, st, m, y, narrow)
    foot_bottom = _footer(pen, report, st, m, h - m, max_w)
    _table(pen, report, st, m, y, foot_bottom, narrow)
    return img


def _title(pen: Pen, report: SetReport, st: Style, m: int, max_w: int) -> int:
    """Exercise, view and source file; returns the baseline reached."""
    exercise = ascii_text(report.exercise.replace("_", " ").replace("-", " ")).strip() or "exercise"
    view = ascii_text(report.view.replace("_", " ")).strip()
    title = exercise[:1].upper() + exercise[1:] + (f" - {view} view" if view and view != "unknown" else "")
    t_s = st.cue * 1.1
    t_t = st.thick(t_s)
    y = m
    for line in wrap(title, t_s, t_t, max_w)[:2]:  # a narrow card takes the title on two lines
        line = ellipsize(line, t_s, t_t, max_w)
        y += text_size(line, t_s, t_t)[1] + (st.pad if y > m else 0)
        pen.text(line, (m, y), t_s, WHITE, t_t)
    if report.source:
        src = ascii_text(report.source.replace("\\", "/").rsplit("/", 1)[-1])
        s_t = st.thick(st.small)
        src = ellipsize(src, st.small, s_t, max_w)
        y += st.pad + text_size(src, st.small, s_t)[1] + st.pad // 2
        pen.text(src, (m, y), st.small, GREY, s_t)
    return y


def _counts(pen: Pen, report: SetReport, st: Style, m: int, y: int, narrow: bool) -> int:
    """One column of reps per side, then the total, then partials and duration; returns the next y."""
    w = pen.img.shape[1]
    max_w = w - 2 * m
    y += st.pad * 3
    by_side = report.reps_by_side
    cols: list[tuple[str, int, tuple]] = []
    for k, name in (("left", "LEFT"), ("right", "RIGHT"), ("both", "REPS")):
        if k in by_side:
            cols.append((name, by_side[k], WORK))
    for k in sorted(by_side):
        if k not in ("left", "right", "both"):
            cols.append((ascii_text(k).upper()[:6], by_side[k], WORK))
    if len(cols) != 1:
        cols.append(("TOTAL" if cols else "REPS", report.rep_count, WHITE))
    big_s = st.big * 0.9
    big_t = max(2, st.thick(big_s) - 1)
    lab_s, lab_t = st.small, st.thick(st.small)
    lab_h = text_size("L", lab_s, lab_t)[1]
    big_h = text_size("0", big_s, big_t, FONT_BOLD)[1]
    x = m
    for name, n, colour in cols:
        cw = max(text_size(name, lab_s, lab_t)[0], text_size(str(n), big_s, big_t, FONT_BOLD)[0])
        pen.text(name, (x, y + lab_h), lab_s, GREY, lab_t)
        pen.text(str(n), (x, y + lab_h + st.pad * 2 + big_h), big_s, colour, big_t, FONT_BOLD)
        x += cw + st.pad * 5
    counts_bottom = y + lab_h + st.pad * 2 + big_h
    extra = []
    if report.partials:
        k = len(report.partials)
        extra.append(f"{k} partial rep{'s' if k != 1 else ''} (not counted)")
    if finite(report.duration_s) and report.duration_s > 0:
        extra.append(f"{report.duration_s:.0f} s")
    if extra:
        i_s = st.small * 1.1
        i_t = st.thick(i_s)
        if narrow or x + text_size("   ".join(extra), i_s, i_t)[0] > w - m:
            counts_bottom += st.pad * 2 + text_size("A", i_s, i_t)[1]
            pen.text(ellipsize("   ".join(extra), i_s, i_t, max_w), (m, counts_bottom), i_s, GREY, i_t)
        else:
            pen.text("   ".join(extra), (x, counts_bottom), i_s, GREY, i_t)
    return counts_bottom + st.pad * 4


def _footer(pen: Pen, report: SetReport, st: Style, m: int, foot_bottom: int, max_w: int) -> int:
    """What the view could not judge, at the bottom; returns the room's new bottom."""
    if report.not_assessed:
        names = ", ".join(dict.fromkeys(n.code.replace("_", " ") for n in report.not_assessed))
        f_s, f_t = st.small, st.thick(st.small)
        text = ellipsize(f"Not assessed from this view: {ascii_text(names)}", f_s, f_t, max_w)
        pen.text(text, (m, foot_bottom), f_s, GREY, f_t)
        foot_bottom -= text_size(text, f_s, f_t)[1] + st.pad * 2
    return foot_bottom


def _table(pen: Pen, report: SetReport, st: Style, m: int, y: int, foot_bottom: int, narrow: bool) -> None:
    """Header, then one row per rep sized to fit the room left; the rest as "+N more reps"."""
    img = pen.img
    w = img.shape[1]
    max_w = w - 2 * m
    head = ("#", "SIDE", "PEAK HIP", "KNEE TOP", "HOLD") + (() if narrow else ("FAULTS",))
    frac = (0.0, 0.09, 0.25, 0.47, 0.69) if narrow else (0.0, 0.06, 0.16, 0.30, 0.44, 0.55)
    xs = [m + int(f * max_w) for f in frac]
    h_s, h_t = st.small, st.thick(st.small)
    h_h = text_size("A", h_s, h_t)[1]
    head_s = min([fit_scale(t, h_s, h_t, (xs[i + 1] - xs[i] - st.pad) if i + 1 < len(xs) else max_w, 0.7 * h_s)
                  for i, t in enumerate(head)])
    for hx, text in zip(xs, head):
        pen.text(text, (hx, y + h_h), head_s, GREY, h_t)
    y += h_h + st.pad
    cv2.line(img, (m, y), (w - m, y), GREY, max(1, st.line // 2), AA)
    y += st.pad
    reps = list(report.reps)
    room = max(0, foot_bottom - y)
    lines_per_rep = 2 if narrow else 1
    row_s = st.body * 0.85
    min_s = max(0.4, st.body * 0.4)

    def row_height(sc: float) -> int:
        return int(text_size("Ag", sc, st.thick(sc))[1] * 1.9)

    while row_s > min_s and row_height(row_s) * lines_per_rep * max(1, len(reps)) > room:
        row_s *= 0.92
    row_s = max(row_s, min_s)
    row_t = st.thick(row_s)
    line_h = row_height(row_s)
    rep_h = line_h * lines_per_rep
    if not reps:
        pen.text("No counted reps", (m, y + line_h - st.pad), row_s, GREY, row_t)
        return
    n_fit = max(0, room // rep_h)
    if n_fit < len(reps):
        n_fit = max(0, (room - line_h) // rep_h)
    text_h = text_size("0", row_s, row_t)[1]
    for i, rep in enumerate(reps[:n_fit]):
        base = y + (line_h + text_h) // 2
        if i % 2 == 1:
            pen.panel(m - st.pad, y, w - m + st.pad, y + rep_h, WHITE, 0.06)
        side = {"left": "L", "right": "R", "both": "both"}.get(rep.side, ascii_text(rep.side)[:5])
        pen.text(str(rep.index), (xs[0], base), row_s, WHITE, row_t)
        pen.text(side, (xs[1], base), row_s, WHITE, row_t)
        for col, v in ((2, rep.peak_hip_extension_deg), (3, rep.knee_at_top_deg)):
            if finite(v):
                pen.text_deg(str(round(float(v))), (xs[col], base), row_s, WHITE, row_t)
            else:
                pen.text("--", (xs[col], base), row_s, GREY, row_t)
        hold = f"{rep.hold_s:.1f} s" if finite(rep.hold_s) else "--"
        pen.text(hold, (xs[4], base), row_s, WHITE, row_t)
        text, colour = rep_faults(rep)
        if narrow:
            fx, fy = xs[1], base + line_h
        else:
            fx, fy = xs[5], base
        pen.text(ellipsize(text, row_s, row_t, w - m - fx), (fx, fy), row_s, colour, row_t)
        y += rep_h
    if n_fit < len(reps):
        pen.text(f"+{len(reps) - n_fit} more reps", (m, y + (line_h + text_h) // 2), row_s, GREY, row_t)
