"""A barbell's plate fools the leg tracking: the far leg put up on the plate is no lifted leg."""

from __future__ import annotations

import numpy as np

from formcheck.core.analyzer import analyze_series
from formcheck.core.kinematics import BOTH_PLANTED, LEFT_PLANTED, RIGHT_PLANTED, LegGeometry, drop_bunched_lifts
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate

HIPS, SHOULDERS, KNEE_R, ANKLE_R = (23, 24), (11, 12), 26, 28


def _leg_on_the_plate(image: np.ndarray) -> np.ndarray:
    """Put the right knee and ankle over the hips, as MediaPipe does under a rendered plate
    (the ankle about half a torso length from the mid-hip, up on the plate)."""
    out = image.copy()
    hip = image[:, HIPS, :2].mean(axis=1)
    torso = np.linalg.norm(image[:, SHOULDERS, :2].mean(axis=1) - hip, axis=-1)[:, None]
    out[:, KNEE_R, :2] = hip + torso * np.array([0.15, -0.3])
    out[:, ANKLE_R, :2] = hip + torso * np.array([0.3, -0.45])
    return out


def _series(exercise: str, plate: bool):
    m = simulate(MotionParams(exercise=exercise, reps=3, seed=4), fps=30.0)
    s = synth_series(m, Camera(view="side_left", width=480, height=360), seed=0)
    image = _leg_on_the_plate(s.image) if plate else s.image
    return type(s)(s.t_s, image, s.image_size, None, "plate", {})


def test_two_leg_set_with_the_far_leg_on_the_plate_is_a_hip_thrust() -> None:
    report = analyze_series(_series("hip_thrust", plate=True))
    assert report.exercise == "hip-thrust"
    assert report.rep_count == 3
    assert all(r.side == "both" for r in report.reps if r.counted)


def test_true_single_leg_set_stays_single_leg() -> None:
    assert analyze_series(_series("single_leg_hip_thrust", plate=False)).exercise == "single-leg-hip-thrust"


def test_only_a_bunched_lifted_leg_is_dropped() -> None:
    """Lifted ankles 0.5 and 1.1 torso lengths from the mid-hip: the first is no leg."""
    state = np.array([LEFT_PLANTED, RIGHT_PLANTED, LEFT_PLANTED, BOTH_PLANTED])
    reach = np.array([[0.3, 0.5], [0.5, 1.1], [0.4, 1.1], [0.4, 0.4]])  # (T, 2) [left, right] ankle
    nan = np.full((4, 2), np.nan)
    legs = LegGeometry(hip=nan, knee=nan, shin=nan, flex=nan, ankle_up_px=nan, reach_px=reach, vis=nan)
    out = drop_bunched_lifts(state, legs, np.ones(4), min_reach_tl=0.85)
    assert out.tolist() == [BOTH_PLANTED, BOTH_PLANTED, LEFT_PLANTED, BOTH_PLANTED]


def test_end_on_views_keep_a_short_lifted_leg() -> None:
    """From the feet a truly lifted leg can look short (foreshortened): the rule is side/oblique only."""
    from formcheck.core.kinematics import LegTracker
    from formcheck.core.measures import measure_table
    from formcheck.core.profile import load_profile

    s = _series("hip_thrust", plate=True)
    profile = load_profile("hip-thrust")
    states = {}
    for view in ("side_head_left", "oblique", "front"):
        tracker = LegTracker(profile.measure.free_leg_up_tl, profile.measure.free_leg_down_tl)
        m = measure_table(s.image, None, s.image_size, view, profile, tracker, preferred=0)
        states[view] = np.isin(m["leg_state"], (LEFT_PLANTED, RIGHT_PLANTED)).mean()
    assert states["side_head_left"] == states["oblique"] == 0.0 < 0.5 < states["front"]
