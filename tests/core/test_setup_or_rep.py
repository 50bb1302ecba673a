"""Set-up or rep: straight-knee tops are counted when the hips rose and the movement repeats."""

from __future__ import annotations

import numpy as np

from formcheck.core.analyzer import analyze_series
from formcheck.core.profile import load_profile
from formcheck.core.reps import RepWindow
from formcheck.core.setup import decide_setup
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate

HIPS, KNEES, ANKLES = (23, 24), (25, 26), (27, 28)


def _straighten_knees(image: np.ndarray) -> np.ndarray:
    """Put each knee on its hip-ankle line: MediaPipe's guess when a plate hides the knee."""
    out = image.copy()
    for h, k, a in zip(HIPS, KNEES, ANKLES):
        out[:, k, :2] = 0.5 * (image[:, h, :2] + image[:, a, :2])
    return out


def test_reps_under_a_plate_count_although_the_knee_reads_straight() -> None:
    m = simulate(MotionParams(exercise="hip_thrust", reps=5, seed=2), fps=30.0)
    series = synth_series(m, Camera(view="side_left", width=480, height=360), seed=0)
    hidden = type(series)(series.t_s, _straighten_knees(series.image), series.image_size, None, "plate", {})
    report = analyze_series(hidden, exercise="hip-thrust")
    assert report.rep_count == 5
    assert not any("straight legs ignored" in w for w in report.warnings)


def test_lie_flat_sample_motion_stays_a_setup() -> None:
    m = simulate(MotionParams(setup="lie_flat", setup_s=3.0, reps=2, seed=15), fps=30.0)
    report = analyze_series(synth_series(m, Camera(view="side_left", width=480, height=360), seed=0))
    assert report.rep_count == 2


def _table(torso_deg: np.ndarray) -> dict[str, np.ndarray]:
    hip = np.full(torso_deg.size, 100.0)
    hip[5] = hip[15] = hip[25] = 180.0
    return {"torso_deg": torso_deg, "hip_deg": hip}


def _win(start: int, peak: int, end: int, *, straight: bool, counted: bool = False) -> RepWindow:
    return RepWindow(start, peak, end, 180.0, 178.0 if straight else 90.0, counted, straight_knee=straight)


def test_a_lone_straight_knee_movement_stays_a_setup() -> None:
    profile = load_profile("single-leg-hip-thrust")
    torso = np.full(30, 42.0)
    torso[5] = 0.0  # the hips rose level with the shoulders, but it happens once
    windows, ignored = decide_setup([_win(0, 5, 10, straight=True)], _table(torso), profile, "side_head_left")
    assert (windows, ignored) == ([], 1)


def test_lying_back_flat_between_reps_is_not_a_rep() -> None:
    """Torso turns 24 deg (lying flat from a bench), under the 32 deg of a rep: set-up."""
    profile = load_profile("single-leg-hip-thrust")
    torso = np.full(30, 42.0)
    torso[5], torso[15], torso[25] = 1.0, 18.0, 1.0
    wins = [_win(0, 5, 10, straight=False, counted=True), _win(10, 15, 20, straight=True),
            _win(20, 25, 29, straight=False, counted=True)]
    windows, ignored = decide_setup(wins, _table(torso), profile, "side_head_left")
    assert ignored == 1 and [w.peak_frame for w in windows] == [5, 25]


def test_repeating_straight_knee_tops_count_side_on_not_from_the_feet() -> None:
    profile = load_profile("single-leg-hip-thrust")
    torso = np.full(30, 42.0)
    torso[5] = torso[15] = 1.0
    wins = [_win(0, 5, 10, straight=True), _win(10, 15, 20, straight=True)]
    windows, ignored = decide_setup(wins, _table(torso), profile, "side_head_left")
    assert ignored == 0 and all(w.counted for w in windows)
    windows, ignored = decide_setup(wins, _table(torso), profile, "front")
    assert (windows, ignored) == ([], 2)
