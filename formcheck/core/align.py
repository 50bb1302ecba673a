"""Two sets lined up rep by rep and phase by phase: a piecewise-linear map from A's clock to B's.

Coaches compare sets side by side by syncing on a moment they pick by hand; formcheck knows each
rep's phases, so it can line the sets up itself. Each counted rep gives four anchors, the same
boundaries the report times its tempo between (``Rep.concentric_s`` / ``eccentric_s``):

- ``bottom``: the rise starts (``start_s``),
- ``lockout``: the hips reach the top (``start_s + concentric_s``),
- ``hold_end``: the descent starts (``end_s - eccentric_s``),
- ``descent_end``: back at the bottom (``end_s``).

Matched reps (by default the k-th with the k-th of the same side; a pick pairs others, and the
reps around it follow in order) give pairs of anchors; between them the map is linear, so a
slower rep stretches to match. Left leg against right leg within one set is the same map, with
the left reps as A and the right reps as B. Pure numpy, on any objects shaped like
``core.report.Rep``; the fit's level range and bands come from the profile (:class:`RepCurve`).

With the set's rep signal (:class:`RepCurve`), the anchors are not the report's frame-by-frame
band crossings but where a minimum-jerk movement fitted to the steep middle of each rise and
descent enters those bands: through the pose model the top creeps by a degree or two and lags a
frame or two, so the first frame within 2 degrees of the maximum lands up to 3 frames late on a
quick rep and the map stretched that by the slow rep's pace; the steep middle barely moves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["PHASES", "RepCurve", "RepLike", "TimeMap", "build_time_map", "fitted_anchors", "normalised_curve",
           "pair_reps", "rep_anchors"]

PHASES = ("bottom", "lockout", "hold_end", "descent_end")


class RepLike(Protocol):
    index: int
    side: str
    start_s: float
    end_s: float
    concentric_s: float
    eccentric_s: float
    start_frame: int
    end_frame: int
    top_frame: int


@dataclass(frozen=True)
class RepCurve:
    """A set's rep signal per frame (``values`` at ``t_s``) with the profile's settings for it.

    ``top_band`` (signal unit) and ``bottom_frac`` are the report's tempo bands; the fit uses
    the frames between ``fit_low`` and ``fit_high`` of each movement's range.
    """

    t_s: np.ndarray
    values: np.ndarray
    top_band: float
    bottom_frac: float
    fit_low: float
    fit_high: float


def rep_anchors(rep: RepLike) -> tuple[float, float, float, float]:
    """The rep's four phase times in seconds (see :data:`PHASES`); NaN where a phase is unknown.

    A rep that opened or closed at the top has no concentric or eccentric time: that anchor is
    NaN, and so is any that would fall outside the rep or out of order.
    """
    start, end = float(rep.start_s), float(rep.end_s)
    lock = start + float(rep.concentric_s)
    hold_end = end - float(rep.eccentric_s)
    return _in_order([v if start <= v <= end else math.nan for v in (start, lock, hold_end, end)])


_U = np.linspace(0.0, 1.0, 2001)
_MINJERK = _U ** 3 * (10.0 - 15.0 * _U + 6.0 * _U ** 2)  # position of a minimum-jerk move at time u


def _minjerk_time(level: np.ndarray | float) -> np.ndarray:
    """The fraction of a minimum-jerk movement's time at which it has covered ``level`` of it."""
    return np.interp(level, _MINJERK, _U)


def _fit_move(t_s: np.ndarray, covered: np.ndarray, curve: RepCurve):
    """(time at fraction u of the fitted movement) from the frames' covered fraction, or None.

    A minimum-jerk movement's fraction of time is linear in t: a straight line through the
    inverted samples of the steep middle gives its start and duration."""
    ok = np.isfinite(covered) & (covered >= curve.fit_low) & (covered <= curve.fit_high)
    if ok.sum() < 3:
        return None
    rate, offset = np.polyfit(t_s[ok], _minjerk_time(covered[ok]), 1)
    if not rate > 0:
        return None
    return lambda u: float((u - offset) / rate)


def fitted_anchors(rep: RepLike, curve: RepCurve) -> tuple[float, float, float, float]:
    """The rep's four phase times from minimum-jerk fits of its rise and descent on ``curve``.

    The range runs from the lowest value before (after) the peak to the median of the rep's top
    (between the report's lockout and descent start: a creeping top reads high at its maximum).
    An anchor whose movement cannot be fitted keeps the report's (:func:`rep_anchors`).
    """
    out = list(rep_anchors(rep))
    lock, hold_end = out[1], out[2]
    t, x = curve.t_s, curve.values
    s, p, e = int(rep.start_frame), int(rep.top_frame), int(rep.end_frame)
    top = (t >= lock) & (t <= hold_end) & np.isfinite(x)
    if not (math.isfinite(lock) and math.isfinite(hold_end) and top.any()):
        return out[0], out[1], out[2], out[3]
    plateau = float(np.median(x[top]))
    for lo, hi, rising, at in ((s, p, True, (0, 1)), (p, e, False, (2, 3))):
        part = x[lo:hi + 1]
        if not np.isfinite(part).any():
            continue
        span = plateau - float(np.nanmin(part))
        if not span > curve.top_band:
            continue
        covered = (part - (plateau - span)) / span if rising else (plateau - part) / span
        move = _fit_move(t[lo:hi + 1], covered, curve)
        if move is None:
            continue
        near_top = _minjerk_time(1.0 - curve.top_band / span)
        near_bottom = _minjerk_time(curve.bottom_frac)
        times = (move(near_bottom), move(near_top)) if rising else (move(1.0 - near_top), move(1.0 - near_bottom))
        out[at[0]], out[at[1]] = times
    return _in_order(out)


def _in_order(out: list[float]) -> tuple[float, float, float, float]:
    """NaN for any anchor before the one it follows (a fit of a short hold that crossed)."""
    last = -math.inf
    for k, v in enumerate(out):
        if not math.isfinite(v) or v < last:
            out[k] = math.nan
        else:
            last = v
    return out[0], out[1], out[2], out[3]


def pair_reps(reps_a: Sequence[RepLike], reps_b: Sequence[RepLike], pick: tuple[int, int] | None = None, *,
              same_side: bool = True) -> list[tuple[int, int]]:
    """Pairs of rep indices (A's, B's), in A's order.

    Without ``pick``: the k-th rep of each side in A with the k-th of that side in B (with
    ``same_side=False``, the k-th with the k-th whatever the side: left against right). With
    ``pick=(i, j)``: rep i of A with rep j of B, and the reps before and after them (of i's side
    in A and j's side in B) in step. Raises ValueError for a picked index that is not a rep.
    """
    if pick is None:
        return _default_pairs(reps_a, reps_b, same_side)
    i, j = pick
    a = {r.index: r for r in reps_a}
    b = {r.index: r for r in reps_b}
    if i not in a:
        raise ValueError(f"set A has no rep {i} (reps: {_listing(reps_a)})")
    if j not in b:
        raise ValueError(f"set B has no rep {j} (reps: {_listing(reps_b)})")
    seq_a = [r.index for r in reps_a if r.side == a[i].side or not same_side]
    seq_b = [r.index for r in reps_b if r.side == b[j].side or not same_side]
    shift = seq_b.index(j) - seq_a.index(i)
    pairs = [(ia, seq_b[k + shift]) for k, ia in enumerate(seq_a) if 0 <= k + shift < len(seq_b)]
    if same_side:  # the other sides' reps stay paired as by default
        rest_a = [r for r in reps_a if r.side not in (a[i].side, b[j].side)]
        rest_b = [r for r in reps_b if r.side not in (a[i].side, b[j].side)]
        pairs += _default_pairs(rest_a, rest_b, True)
    return sorted(pairs)


def _default_pairs(reps_a: Sequence[RepLike], reps_b: Sequence[RepLike], same_side: bool) -> list[tuple[int, int]]:
    if not same_side:
        return [(ra.index, rb.index) for ra, rb in zip(reps_a, reps_b)]
    pairs: list[tuple[int, int]] = []
    for side in dict.fromkeys(r.side for r in reps_a):
        side_a = [r.index for r in reps_a if r.side == side]
        side_b = [r.index for r in reps_b if r.side == side]
        pairs += list(zip(side_a, side_b))
    return sorted(pairs)


def _listing(reps: Sequence[RepLike]) -> str:
    return ", ".join(str(r.index) for r in reps) or "none"


@dataclass(frozen=True)
class TimeMap:
    """A's seconds -> B's seconds through matched anchors (``a_s``, ``b_s``, both increasing).

    Between knots the map is linear; before the first and after the last it runs at B = A's
    pace (slope 1), so both clips keep playing at their own speed outside the matched reps.
    """

    a_s: np.ndarray
    b_s: np.ndarray

    def to_b(self, t_a: float | np.ndarray) -> np.ndarray:
        return _through(np.asarray(t_a, dtype=float), self.a_s, self.b_s)

    def to_a(self, t_b: float | np.ndarray) -> np.ndarray:
        return _through(np.asarray(t_b, dtype=float), self.b_s, self.a_s)

    def slopes(self) -> np.ndarray:
        """B's seconds per A's second on each segment between knots (what B's player rate is)."""
        return np.diff(self.b_s) / np.diff(self.a_s) if self.a_s.size > 1 else np.ones(0)

    def knots(self) -> list[list[float]]:
        """[[a_s, b_s], ...] rounded to the millisecond: what a page's script interpolates."""
        return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(self.a_s, self.b_s)]


def _through(t: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    if xs.size == 0:
        return t.copy()
    inside = np.interp(t, xs, ys)
    before = ys[0] + (t - xs[0])
    after = ys[-1] + (t - xs[-1])
    return np.where(t < xs[0], before, np.where(t > xs[-1], after, inside))


def build_time_map(reps_a: Sequence[RepLike], reps_b: Sequence[RepLike],
                   pairs: Sequence[tuple[int, int]], curve_a: RepCurve | None = None,
                   curve_b: RepCurve | None = None) -> TimeMap:
    """The map through every anchor both reps of a pair know, in order.

    With both sets' curves the anchors are fitted (:func:`fitted_anchors`), else the report's.
    An anchor that would make either clock run backwards (a pick that crosses an earlier pair)
    is left out, so the map is always increasing and invertible. No pairs: the identity.
    """
    both = curve_a is not None and curve_b is not None

    def anchors(rep: RepLike, curve: RepCurve | None) -> tuple[float, float, float, float]:
        return fitted_anchors(rep, curve) if curve is not None and both else rep_anchors(rep)

    a = {r.index: r for r in reps_a}
    b = {r.index: r for r in reps_b}
    xs: list[float] = []
    ys: list[float] = []
    for ia, ib in sorted(pairs, key=lambda p: a[p[0]].start_s):
        for ta, tb in zip(anchors(a[ia], curve_a), anchors(b[ib], curve_b)):
            if not (math.isfinite(ta) and math.isfinite(tb)):
                continue
            if xs and (ta <= xs[-1] or tb <= ys[-1]):
                continue
            xs.append(ta)
            ys.append(tb)
    return TimeMap(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))


def normalised_curve(t_s: np.ndarray, values: np.ndarray, rep: RepLike, points: int = 101) -> np.ndarray:
    """``values`` over the rep resampled at ``points`` evenly spaced fractions 0..1 of its time.

    For overlaying reps of different lengths: the curve of a slow rep and a quick one share one
    x axis. NaN gaps stay NaN (a fraction whose nearest frames are both unknown).
    """
    t_s = np.asarray(t_s, dtype=float)
    values = np.asarray(values, dtype=float)
    lo, hi = int(rep.start_frame), int(rep.end_frame) + 1
    t, v = t_s[lo:hi], values[lo:hi]
    u = np.linspace(0.0, 1.0, points)
    if t.size < 2 or not np.isfinite(v).any() or t[-1] <= t[0]:
        return np.full(points, np.nan)
    at = t[0] + u * (t[-1] - t[0])
    ok = np.isfinite(v)
    out = np.interp(at, t[ok], v[ok])
    # a fraction far from any measured frame is not invented: NaN where both neighbours are NaN
    k = np.clip(np.searchsorted(t, at), 1, t.size - 1)
    gap = ~ok[k - 1] & ~ok[k]
    out[gap] = np.nan
    return out
