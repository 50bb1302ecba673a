"""One leg or two is read from the lifted foot only where the feet show.

From behind the head the body hides the lifted foot (rendered single-leg sets read 0-58 % of top
frames lifted, two-leg 0-62 %), so the profile's assumption stands and the reason says so.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from formcheck.core.exercise import classify
from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED
from formcheck.core.profile import load_profile
from formcheck.core.vocab import Exercise

N = 40


def _measures(bottom_hip_deg: float) -> dict[str, np.ndarray]:
    hip = np.linspace(bottom_hip_deg, 180.0, N)
    return {
        "work_index": np.zeros(N, dtype=np.int64),
        "ankle_up_left_px": np.full(N, 10.0), "ankle_up_right_px": np.full(N, 10.0),
        "shoulder_up_px": np.full(N, 90.0), "torso_len_px": np.full(N, 100.0), "hip_deg": hip,
    }


def _cfg(**over):
    return dataclasses.replace(load_profile("single-leg-hip-thrust").classify, **over)


def test_from_the_feet_both_feet_planted_is_a_two_leg_set() -> None:
    name, why = classify(_measures(100.0), np.full(N, BOTH_PLANTED), np.ones(N, bool), "front", _cfg())
    assert name == Exercise.HIP_THRUST
    assert "one foot lifted in 0% of top frames" in why


def test_from_behind_the_head_the_feet_are_not_evidence() -> None:
    # Both feet read planted (the body hides the lifted one): the profile's single leg stands.
    name, why = classify(_measures(100.0), np.full(N, BOTH_PLANTED), np.ones(N, bool), "back", _cfg())
    assert name == Exercise.SINGLE_LEG_HIP_THRUST
    assert "cannot be seen from behind the head" in why and "single-leg assumed" in why
    # ... and a foot read lifted there does not make it single-leg when the profile assumes two.
    name, why = classify(_measures(150.0), np.full(N, LEFT_PLANTED), np.ones(N, bool), "back",
                         _cfg(legs_unseen="two"))
    assert name == Exercise.GLUTE_BRIDGE
    assert "two-leg assumed" in why


def test_the_views_that_see_the_feet_are_profile_data() -> None:
    cfg = _cfg(legs_seen_in=("side", "oblique", "front", "back"))
    name, _ = classify(_measures(100.0), np.full(N, BOTH_PLANTED), np.ones(N, bool), "back", cfg)
    assert name == Exercise.HIP_THRUST
