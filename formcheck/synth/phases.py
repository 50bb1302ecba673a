"""Phase moments of a rendered clip's reps, read from its truth JSON (for alignment checks).

The truth gives two lockouts per rep: the plan's (``top_start_s``, where the rise's easing ends)
and, from the true hip angle frame by frame, the first frame within a band of the rep's peak,
which is what the report's tempo measures as "reaching the top" (the profile's
``tempo_top_band_deg``). On a smooth rise the two differ by a few frames, in proportion to its
length, so an alignment check looks at both.
"""

from __future__ import annotations

import numpy as np

__all__ = ["true_lockouts_s"]


def true_lockouts_s(truth: dict, band_deg: float) -> list[tuple[float, float]]:
    """Per rep: (first time within ``band_deg`` of the rep's true peak, the plan's top start)."""
    t = np.asarray(truth["frames"]["t_s"], dtype=float)
    hip = np.array([np.nan if v is None else v for v in truth["frames"]["hip_extension_deg"]], dtype=float)
    out = []
    for rep in truth["reps"]:
        inside = (t >= rep["start_s"]) & (t <= rep["end_s"])
        near = np.flatnonzero(inside & (hip >= np.nanmax(hip[inside]) - band_deg))
        out.append((float(t[near[0]]), float(rep["top_start_s"])))
    return out
