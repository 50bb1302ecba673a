"""Which exercise of the family is this: bench or floor, one leg or two.

Bench vs floor: on a bench the shoulders rest about a thigh's length above the feet and the hips
start low (hip ~90-120° at the bottom); on the floor the shoulders are level with the feet and
the hips start near 130-140°. One leg vs two: how often one ankle is held clearly above the other
at the top of the reps.
"""

from __future__ import annotations

import warnings

import numpy as np

from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED, RIGHT_PLANTED

NAMES = {
    ("bench", True): "single-leg-hip-thrust",
    ("bench", False): "hip-thrust",
    ("floor", False): "glute-bridge",
    ("floor", True): "single-leg-glute-bridge",
}
# Geometry that tells a bench from the floor (body proportions, not form thresholds).
BENCH_SHOULDER_ABOVE_FEET_TL = 0.45  # bench ~0.8 torso lengths, floor ~0.1
BENCH_MAX_BOTTOM_HIP_DEG = 122.0


def _nanmedian(x: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmedian(x)) if np.size(x) else float("nan")


def classify(m: dict[str, np.ndarray], leg_state: np.ndarray, top_mask: np.ndarray,
             use_height: bool) -> tuple[str, str]:
    """Exercise name and a one-line reason.

    ``top_mask``: frames at the top of the reps (or all frames when no rep was found).
    ``use_height``: the shoulder-above-feet height is only trusted in side views.
    """
    st = leg_state[top_mask]
    known = np.isin(st, (LEFT_PLANTED, RIGHT_PLANTED, BOTH_PLANTED))
    single_share = float(np.mean(np.isin(st[known], (LEFT_PLANTED, RIGHT_PLANTED)))) if known.any() else 0.0
    single = single_share >= 0.4

    planted_up = np.where(m["work_index"] == 0, m["ankle_up_left_px"], m["ankle_up_right_px"])
    with np.errstate(invalid="ignore", divide="ignore"):
        height_tl = (m["shoulder_up_px"] - planted_up) / m["torso_len_px"]
    height = _nanmedian(height_tl)
    bottom_hip = float(np.nanpercentile(m["hip_deg"], 10)) if np.isfinite(m["hip_deg"]).any() else float("nan")
    if use_height and np.isfinite(height):
        bench = height > BENCH_SHOULDER_ABOVE_FEET_TL
        why = f"shoulders {height:.2f} torso lengths above the feet"
    elif np.isfinite(bottom_hip):
        bench = bottom_hip < BENCH_MAX_BOTTOM_HIP_DEG
        why = f"hips reach {bottom_hip:.0f} deg at the bottom"
    else:
        bench, why = True, "no measure: assumed a bench"
    name = NAMES[("bench" if bench else "floor", single)]
    legs = f"one foot lifted in {single_share:.0%} of top frames"
    return name, f"{why}; {legs}"
