"""Small numeric helpers the analysis shares (each written once)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def finite_median(x: np.ndarray) -> float:
    """The median of the finite values, NaN when there are none; never warns.

    Landmarks are often missing (NaN rows), so an all-NaN window is a normal case, not a
    RuntimeWarning.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def count_by_side(reps: Iterable) -> dict[str, int]:
    """Reps per side (``{"left": 3, "right": 2}``), in order of first appearance."""
    out: dict[str, int] = {}
    for rep in reps:
        out[rep.side] = out.get(rep.side, 0) + 1
    return out


def working_side(reps: Iterable) -> str:
    """The set's working side: the reps' one side, ``left+right`` when both worked, else unknown."""
    sides = {rep.side for rep in reps}
    if not sides:
        return "unknown"
    if len(sides) == 1:
        return sides.pop()
    return "+".join(sorted(sides))
