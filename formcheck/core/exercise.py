"""Which exercise of the family is this: bench or floor, one leg or two.

Bench vs floor: on a bench the shoulders rest about a thigh's length above the feet and the hips
start low (hip ~90-120° at the bottom); on the floor the shoulders are level with the feet and
the hips start near 130-140°. One leg vs two: how often one ankle is held clearly above the other
at the top of the reps, in the views where the feet show; from behind the head the body hides
the lifted foot and the profile's assumption stands, said so.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED, RIGHT_PLANTED
from formcheck.core.profile_schema import Classify
from formcheck.core.stats import finite_median
from formcheck.core.vocab import VIEW_WORDS, Exercise, Legs, Support, ViewFamily

NAMES = {
    (Support.BENCH, True): Exercise.SINGLE_LEG_HIP_THRUST,
    (Support.BENCH, False): Exercise.HIP_THRUST,
    (Support.FLOOR, False): Exercise.GLUTE_BRIDGE,
    (Support.FLOOR, True): Exercise.SINGLE_LEG_GLUTE_BRIDGE,
}


def classify(m: dict[str, np.ndarray], leg_state: np.ndarray, top_mask: np.ndarray,
             family: str, cfg: Classify) -> tuple[Exercise, str]:
    """Exercise name and a one-line reason.

    ``top_mask``: frames at the top of the reps (or all frames when no rep was found).
    ``family``: the view's family; the shoulder-above-feet height is only trusted side-on, the
    lifted foot only in ``cfg.legs_seen_in``.
    ``cfg``: the profile's ``[classify]`` proportions.
    """
    use_height = family == ViewFamily.SIDE
    st = leg_state[top_mask]
    known = np.isin(st, (LEFT_PLANTED, RIGHT_PLANTED, BOTH_PLANTED))
    single_share = float(np.mean(np.isin(st[known], (LEFT_PLANTED, RIGHT_PLANTED)))) if known.any() else 0.0
    if family in cfg.legs_seen_in:
        single = single_share >= cfg.single_leg_min_top_share
        legs = f"one foot lifted in {single_share:.0%} of top frames"
    else:
        single = cfg.legs_unseen == Legs.SINGLE
        legs = (f"one leg or two cannot be seen {VIEW_WORDS.get(family, family)}: "
                f"{'single' if single else 'two'}-leg assumed")

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
    return name, f"{why}; {legs}"
