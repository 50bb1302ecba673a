"""The progress page's charts: inline SVG drawn on the server, one point per set, each a link.

The look follows the report's chart (``formcheck/outputs/html/chart.py``: its tick steps, grid,
frame and colours), at a size for a grid of small charts. Points are ``<a>`` elements, so a
click opens the set without any script, and the SVG prints as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from formcheck.outputs.html.chart import _fmt_tick, _nice_ticks, _path  # the report's tick and line rules

_W, _H = 480.0, 210.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 54.0, 10.0, 12.0, 30.0
_INSET = 22.0  # the first and last points (and their date labels) sit this far inside the frame
_MAX_DATE_LABELS = 6


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the x axis's date, e.g. "03-14"
    value: float | None
    href: str
    tip: str  # the point's tooltip: date, value, reps


def _value_range(values: list[float], min_span: float, zero_line: bool, floor: float | None) -> tuple[float, float]:
    """The plotted range: the values with a margin, at least ``min_span`` wide (flat series stay
    readable), zero included for a difference, never below ``floor`` (counts)."""
    lo, hi = min(values), max(values)
    if zero_line:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = max(0.12 * (hi - lo), (min_span - (hi - lo)) / 2, 0.0)
    lo, hi = lo - pad, hi + pad
    if floor is not None and lo < floor:
        lo, hi = floor, hi + (floor - lo)
    return lo, hi


def series_svg(points: list[ChartPoint], unit: str, css: str = "s-hip", min_span: float = 1.0,
               zero_line: bool = False, floor: float | None = None) -> str:
    """A line through the points in order (a gap where a value is missing), each point a link."""
    values = [p.value for p in points if p.value is not None and math.isfinite(p.value)]
    if not values:
        return '<p class="meta">No values for this measure yet.</p>'
    v0, v1 = _value_range(values, min_span, zero_line, floor)
    n = len(points)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(i: int) -> float:
        return _LEFT + (plot_w / 2 if n == 1 else _INSET + i / (n - 1) * (plot_w - 2 * _INSET))

    def y(v: float) -> float:
        return _TOP + (v1 - v) / (v1 - v0) * plot_h

    out = [f'<svg class="pchart" viewBox="0 0 {_W:g} {_H:g}" role="img" aria-label="{escape(unit)} per set">']
    for tv in _nice_ticks(v0, v1, 4):
        if v0 <= tv <= v1:
            out.append(f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y(tv):.1f}" y2="{y(tv):.1f}"/>'
                       f'<text class="tick" x="{_LEFT - 6}" y="{y(tv) + 5:.1f}" text-anchor="end">{_fmt_tick(tv)}</text>')
    if zero_line and v0 < 0 < v1 and floor is None:
        out.append(f'<line class="zero" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>')
    out.append(f'<rect class="frame" x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}"/>')
    step = max(1, math.ceil(n / _MAX_DATE_LABELS))
    for i in range(0, n, step):
        out.append(f'<text class="tick" x="{x(i):.1f}" y="{_H - 8}" text-anchor="middle">{escape(points[i].label)}</text>')
    ys = [y(p.value) if p.value is not None and math.isfinite(p.value) else math.nan for p in points]
    out.append(f'<path class="series {css}" d="{_path([x(i) for i in range(n)], ys)}"/>')
    for i, p in enumerate(points):
        if p.value is None or not math.isfinite(p.value):
            continue
        out.append(f'<a class="pt" href="{escape(p.href)}" data-i="{i}"><circle class="{css}" cx="{x(i):.1f}" '
                   f'cy="{y(p.value):.1f}" r="{5.5 if n <= 30 else 4.5}"/><title>{escape(p.tip)}</title></a>')
    out.append("</svg>")
    return "".join(out)

