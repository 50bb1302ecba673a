"""The angle chart of the HTML report: inline SVG drawn here, plus the data its hover script reads.

Same content as the PNG plot (``outputs/plots.py``, whose series choice and target lines it
reuses): hip extension with reps shaded, tops and faults marked, target lines from the profile's
``targets_deg``; knee, neck and pelvis below. From the feet or the head the hips' lift replaces
the angles, as in the plot. The SVG is static (it prints and reads without a script); the page
script adds the hover read-out and click-to-seek from ``ChartData``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np

from formcheck.core.report import SetReport
from formcheck.outputs.plots import _FAULT_SERIES, _target_lines, plotted_series

__all__ = ["Chart", "build_chart", "SERIES_LABELS"]

# viewBox geometry (user units; the SVG scales to its box).
_W = 1000.0
_LEFT, _RIGHT = 52.0, 12.0
_TOP_PANEL = (34.0, 250.0)
_LOW_PANEL = (282.0, 420.0)
_H = 448.0
_MAX_POINTS = 1200  # per series: enough for 1 px resolution at the chart's widest

SERIES_LABELS = {  # column: (label, css class)
    "hip_deg": ("hip extension", "s-hip"),
    "knee_deg": ("knee", "s-knee"),
    "neck_deg": ("neck", "s-neck"),
    "pelvis_deg": ("pelvis tilt", "s-pelvis"),
    "hip_lift_sw": ("hips above the knees (shoulder widths)", "s-hip"),
}


@dataclass(frozen=True)
class Chart:
    svg: str  # the <svg> element
    data: dict = field(default_factory=dict)  # JSON-ready: what the hover script needs
    legend: tuple[tuple[str, str], ...] = ()  # (label, css class) of each drawn series


@dataclass(frozen=True)
class _Panel:
    y0: float  # top, user units
    y1: float  # bottom
    v0: float  # value at the bottom
    v1: float  # value at the top

    def y(self, v: float) -> float:
        return self.y1 - (v - self.v0) / (self.v1 - self.v0) * (self.y1 - self.y0)


def _range(cols: list[np.ndarray], extra: list[float]) -> tuple[float, float]:
    vals = [float(np.nanmin(c)) for c in cols] + [float(np.nanmax(c)) for c in cols] + extra
    vals = [v for v in vals if math.isfinite(v)]
    if not vals:
        return 0.0, 1.0
    lo, hi = min(vals), max(vals)
    pad = max(0.08 * (hi - lo), 1.0 if hi - lo < 5 else 0.0, 1e-6)
    return lo - pad, hi + pad


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 6) for i in range(int((hi - first) / step) + 1)]


def _decimate(n: int) -> np.ndarray:
    return np.arange(n) if n <= _MAX_POINTS else np.unique(np.linspace(0, n - 1, _MAX_POINTS).round().astype(int))


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path through the finite points; a gap (NaN) lifts the pen."""
    parts: list[str] = []
    pen_down = False
    for x, y in zip(xs, ys):
        if not (math.isfinite(x) and math.isfinite(y)):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down = True
    return "".join(parts)


def _fmt_tick(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1 or v == 0 else f"{v:.2g}"


def _axes(out: list[str], panel: _Panel, ticks: list[float], unit_label: str) -> None:
    for v in ticks:
        y = panel.y(v)
        if panel.y0 - 0.5 <= y <= panel.y1 + 0.5:
            out.append(f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
            out.append(f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt_tick(v)}</text>')
    out.append(f'<text class="axis-label" x="12" y="{(panel.y0 + panel.y1) / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 12 {(panel.y0 + panel.y1) / 2:.1f})">{escape(unit_label)}</text>')
    out.append(f'<rect class="frame" x="{_LEFT}" y="{panel.y0}" width="{_W - _LEFT - _RIGHT}" '
               f'height="{panel.y1 - panel.y0}"/>')


def build_chart(report: SetReport, targets_deg: dict[str, float] | None, video_time) -> Chart:
    """The chart for ``report``; ``video_time(frame) -> s`` maps a frame to the player's time."""
    table = report.frames_table or {}
    t = np.asarray(table.get("t_s", ()), dtype=np.float64)
    if t.size == 0:
        return Chart('<p class="fcr-muted">No per-frame data: no chart.</p>')
    cols, lift = plotted_series(report)
    top_name = "hip_lift_sw" if lift is not None else "hip_deg"
    top_col = lift if lift is not None else cols.get("hip_deg")
    low = {k: cols[k] for k in ("knee_deg", "neck_deg", "pelvis_deg") if cols.get(k) is not None}
    lines = [ln for ln in _target_lines(report, targets_deg) if cols.get(ln[0]) is not None]
    top = _Panel(*_TOP_PANEL, *_range([top_col] if top_col is not None else [],
                                      [v for c, v, *_ in lines if c == "hip_deg"]))
    bottom = _Panel(*_LOW_PANEL, *_range(list(low.values()), [v for c, v, *_ in lines if c in low]))
    plot_bottom = bottom.y1 if low else top.y1  # no lower panel from the feet or the head
    height = plot_bottom + (_H - _LOW_PANEL[1])
    t0, t1 = float(t[0]), float(t[-1]) if t[-1] > t[0] else float(t[0]) + 1.0

    def x(ts: float) -> float:
        return _LEFT + (ts - t0) / (t1 - t0) * (_W - _LEFT - _RIGHT)

    out: list[str] = [f'<svg class="chart" viewBox="0 0 {_W:g} {height:g}" role="img" '
                      f'aria-label="angles over time">']
    _defs(out)
    _rep_bands(out, report, x, plot_bottom)
    _axes(out, top, _nice_ticks(top.v0, top.v1), "shoulder widths" if lift is not None else "hip (deg)")
    if low:
        _axes(out, bottom, _nice_ticks(bottom.v0, bottom.v1, 4), "deg")
    for tv in _nice_ticks(t0, t1, 10):
        if t0 <= tv <= t1:
            out.append(f'<text class="tick" x="{x(tv):.1f}" y="{plot_bottom + 18}" text-anchor="middle">{tv:g}</text>')
    out.append(f'<text class="axis-label" x="{_W - _RIGHT}" y="{height - 2}" text-anchor="end">time (s)</text>')
    _target_marks(out, lines, top, bottom)
    keep = _decimate(t.size)
    drawn = [(top_name, top_col, top)] if top_col is not None else []
    drawn += [(k, v, bottom) for k, v in low.items()]
    xs = np.array([x(v) for v in t[keep]])
    for name, col, panel in drawn:
        label, css = SERIES_LABELS[name]
        ys = np.array([panel.y(v) if math.isfinite(v) else math.nan for v in col[keep]])
        out.append(f'<path class="series {css}" d="{_path(xs, ys)}"><title>{escape(label)}</title></path>')
    _rep_tops(out, report, top_name, top_col, t, top, x)
    _fault_marks(out, report, t, top_col, top_name == "hip_deg", top, bottom, low, x, video_time)
    out.append(f'<line class="cursor" x1="0" x2="0" y1="{_TOP_PANEL[0]}" y2="{plot_bottom}" visibility="hidden"/>')
    out.append("</svg>")
    frames = np.asarray(table.get("frame", np.arange(t.size)))[keep]
    data = {
        "x0": _LEFT, "x1": _W - _RIGHT, "width": _W, "t0": t0, "t1": t1,
        "t": [round(float(v), 3) for v in t[keep]],
        "video_t": [round(video_time(int(f)), 3) for f in frames],
        "series": {n: _rounded(c[keep], 2 if n == "hip_lift_sw" else 1) for n, c, _ in drawn},
        "labels": {n: SERIES_LABELS[n][0] for n, _, _ in drawn},
        "panels": {n: [p.y0, p.y1, p.v0, p.v1] for n, _, p in drawn},
        "reps": [[r.index, r.start_s, r.end_s] for r in report.reps],
    }
    return Chart("".join(out), data, tuple(SERIES_LABELS[n] for n, _, _ in drawn))


def _rounded(values: np.ndarray, digits: int) -> list[float | None]:
    return [round(float(v), digits) if math.isfinite(v) else None for v in values]


def _rep_bands(out: list[str], report: SetReport, x, plot_bottom: float) -> None:
    """Counted reps shaded and numbered (with the side), partials hatched: under everything."""
    for rep in report.reps:
        out.append(f'<rect class="rep-band" x="{x(rep.start_s):.1f}" y="{_TOP_PANEL[0]}" '
                   f'width="{max(x(rep.end_s) - x(rep.start_s), 1):.1f}" height="{plot_bottom - _TOP_PANEL[0]}" '
                   f'data-rep="{rep.index}"/>')
        side = {"left": " L", "right": " R"}.get(rep.side, "")
        out.append(f'<text class="rep-label" x="{x((rep.start_s + rep.end_s) / 2):.1f}" y="{_TOP_PANEL[0] - 8}" '
                   f'text-anchor="middle" data-rep="{rep.index}">{rep.index}{side}</text>')
    for rep in report.partials:
        out.append(f'<rect class="partial-band" x="{x(rep.start_s):.1f}" y="{_TOP_PANEL[0]}" '
                   f'width="{max(x(rep.end_s) - x(rep.start_s), 1):.1f}" height="{_TOP_PANEL[1] - _TOP_PANEL[0]}"/>')


def _defs(out: list[str]) -> None:
    out.append('<defs><pattern id="fc-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>')


def _target_marks(out: list[str], lines, top_panel: _Panel, low_panel: _Panel) -> None:
    for col, value, label, kind in lines:
        panel = top_panel if col == "hip_deg" else low_panel
        y = panel.y(value)
        if not panel.y0 <= y <= panel.y1:
            continue
        anchor, tx = ("start", _LEFT + 4) if kind == "target" else ("end", _W - _RIGHT - 4)
        out.append(f'<line class="target {kind}" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="target-label {kind}" x="{tx}" y="{y - 3:.1f}" text-anchor="{anchor}">'
                   f'{escape(label)} {value:g}</text>')


def _value_at(t: np.ndarray, col: np.ndarray | None, ts: float) -> float:
    if col is None:
        return math.nan
    ok = np.isfinite(col)
    return float(np.interp(ts, t[ok], col[ok])) if ok.any() else math.nan


def _rep_tops(out, report, top_name, top_col, t, panel: _Panel, x) -> None:
    for rep in report.reps:
        v = rep.peak_hip_extension_deg if top_name == "hip_deg" else math.nan
        if not math.isfinite(v):
            v = _value_at(t, top_col, rep.top_s)
        if not math.isfinite(v):
            continue
        cx, cy = x(rep.top_s), panel.y(v)
        out.append(f'<path class="top-mark" d="M{cx - 6:.1f} {cy - 11:.1f}h12l-6 10z" data-rep="{rep.index}">'
                   f'<title>rep {rep.index} top at {rep.top_s:.1f} s</title></path>')


def _fault_marks(out, report, t, top_col, top_is_hip, top_panel, low_panel, low, x, video_time) -> None:
    for rep in report.reps:
        for k, f in enumerate(rep.faults):
            col = _FAULT_SERIES.get(f.code)
            on_low = col in low
            panel = low_panel if on_low else top_panel
            own_value = f.unit == "deg" and math.isfinite(f.value) and (on_low or (col == "hip_deg" and top_is_hip))
            v = f.value if own_value else _value_at(t, top_col, f.t_s)
            cx = x(f.t_s)
            cy = panel.y(v) if math.isfinite(v) else (panel.y0 + panel.y1) / 2
            cy = min(max(cy, panel.y0 + 6), panel.y1 - 6)
            out.append(f'<line class="fault-line {f.severity}" x1="{cx:.1f}" x2="{cx:.1f}" y1="{panel.y0}" y2="{panel.y1}"/>')
            out.append(f'<g class="fault-mark {f.severity}" data-seek="{video_time(f.frame):.3f}" '
                       f'data-fault="{rep.index}-{k}" transform="translate({cx:.1f} {cy:.1f})">'
                       f'<path d="M-6 -6L6 6M-6 6L6 -6"/><title>{escape(f.code)}, rep {rep.index}, {f.t_s:.1f} s</title></g>')
