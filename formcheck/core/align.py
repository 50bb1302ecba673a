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
``core.report.Rep``; nothing here is a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["PHASES", "RepLike", "TimeMap", "build_time_map", "normalised_curve", "pair_reps", "rep_anchors"]

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


def rep_anchors(rep: RepLike) -> tuple[float, float, float, float]:
    """The rep's four phase times in seconds (see :data:`PHASES`); NaN where a phase is unknown.

    A rep that opened or closed at the top has no concentric or eccentric time: that anchor is
    NaN, and so is any that would fall outside the rep or out of order.
    """
    start, end = float(rep.start_s), float(rep.end_s)
    lock = start + float(rep.concentric_s)
    hold_end = end - float(rep.eccentric_s)
    out = [start, lock, hold_end, end]
    last = -math.inf
    for k, v in enumerate(out):
        if not math.isfinite(v) or v < last or v < start or v > end:
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
                   pairs: Sequence[tuple[int, int]]) -> TimeMap:
    """The map through every anchor both reps of a pair know, in order.

    An anchor that would make either clock run backwards (a pick that crosses an earlier pair)
    is left out, so the map is always increasing and invertible. No pairs: the identity.
    """
    a = {r.index: r for r in reps_a}
    b = {r.index: r for r in reps_b}
    xs: list[float] = []
    ys: list[float] = []
    for ia, ib in sorted(pairs, key=lambda p: a[p[0]].start_s):
        for ta, tb in zip(rep_anchors(a[ia]), rep_anchors(b[ib])):
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
