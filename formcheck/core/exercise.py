"""Which exercise of the family is this: bench or floor, one leg or two.

Bench vs floor: on a bench the shoulders rest about a thigh's length above the feet and the hips
start low (hip ~90-120° at the bottom); on the floor the shoulders are level with the feet and
the hips start near 130-140°. One leg vs two: how often one ankle is held clearly above the other
at the top of the reps.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED, RIGHT_PLANTED
from formcheck.core.profile_schema import Classify
from formcheck.core.stats import finite_median
from formcheck.core.vocab import Exercise, Support

NAMES = {
    (Support.BENCH, True): Exercise.SINGLE_LEG_HIP_THRUST,
    (Support.BENCH, False): Exercise.HIP_THRUST,
    (Support.FLOOR, False): Exercise.GLUTE_BRIDGE,
    (Support.FLOOR, True): Exercise.SINGLE_LEG_GLUTE_BRIDGE,
}


def classify(m: dict[str, np.ndarray], leg_state: np.ndarray, top_mask: np.ndarray,
             use_height: bool, cfg: Classify) -> tuple[Exercise, str]:
    """Exercise name and a one-line reason.

    ``top_mask``: frames at the top of the reps (or all frames when no rep was found).
    ``use_height``: the shoulder-above-feet height is only trusted in side views.
    ``cfg``: the profile's ``[classify]`` proportions.
    """
    st = leg_state[top_mask]
    known = np.isin(st, (LEFT_PLANTED, RIGHT_PLANTED, BOTH_PLANTED))
    single_share = float(np.mean(np.isin(st[known], (LEFT_PLANTED, RIGHT_PLANTED)))) if known.any() else 0.0
    single = single_share >= cfg.single_leg_min_top_share

    planted_up = np.where(m["work_index"] == 0, m["ankle_up_left_px"], m["ankle_up_right_px"])
    with np.errstate(invalid="ignore", divide="ignore"):
        height_tl = (m["shoulder_up_px"] - planted_up) / m["torso_len_px"]
    height = finite_median(height_tl)
    bottom_hip = float(np.nanpercentile(m["hip_deg"], 10)) if np.isfinite(m["hip_deg"]).any() else float("nan")
    if use_height and np.isfinite(height):
        bench = height > cfg.bench_min_shoulder_above_feet_tl
        why = f"shoulders {height:.2f} torso lengths above the feet"
    elif np.isfinite(bottom_hip):
        bench = bottom_hip < cfg.bench_max_bottom_hip_deg
        why = f"hips reach {bottom_hip:.0f} deg at the bottom"
    else:
        bench, why = True, "no measure: assumed a bench"
    name = NAMES[(Support.BENCH if bench else Support.FLOOR, single)]
    legs = f"one foot lifted in {single_share:.0%} of top frames"
    return name, f"{why}; {legs}"
