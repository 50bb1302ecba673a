"""render --plate: a loaded barbell over the hips hides them side-on."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.synth.camera import Camera
from formcheck.synth.motion import MotionParams, simulate
from formcheck.synth.render import Renderer, RenderOptions


def test_plate_covers_the_hips_side_on() -> None:
    motion = simulate(MotionParams(exercise="hip_thrust", reps=1, lead_in_s=0.2, lead_out_s=0.2), fps=10.0)
    top = int(np.flatnonzero(motion.phase == "top")[0])
    cam = Camera(view="side_left", width=160, height=120)
    bare = Renderer(motion, cam, RenderOptions(shadows=False))
    plated = Renderer(motion, cam, RenderOptions(shadows=False, plate=True))
    hips = 0.5 * (motion.joints_m[top, 23] + motion.joints_m[top, 24])
    over = hips + np.array([0.0, 0.28, 0.0])  # above the hips, inside the plate's 22.5 cm radius
    px, _ = plated.camera.project(over[None, None])
    x, y = np.round(px[0, 0]).astype(int)
    a, b = bare.frame(top)[y - 1:y + 2, x - 1:x + 2], plated.frame(top)[y - 1:y + 2, x - 1:x + 2]
    assert b.mean() < 40 < a.mean()  # dark iron where the room showed above the hips


@pytest.mark.mediapipe
def test_plated_two_leg_set_is_recognised_as_a_hip_thrust() -> None:
    """MediaPipe puts the far leg up on the rendered plate: before, 100% of the top frames read
    as one foot lifted (single-leg)."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.core.analyzer import analyze_series
    from formcheck.core.landmarks import LandmarkSeries

    motion = simulate(MotionParams(exercise="hip_thrust", working_side="left", reps=2, seed=3, concentric_s=0.8,
                                   hold_s=0.8, eccentric_s=1.2, bottom_pause_s=0.4, lead_in_s=0.6, lead_out_s=0.6),
                      fps=15.0)
    rnd = Renderer(motion, Camera(view="side_right", width=480, height=360), RenderOptions(plate=True, seed=3))
    image = np.full((len(motion), 33, 4), np.nan)
    world = np.full((len(motion), 33, 4), np.nan)
    with PoseEstimator() as est:
        for i in range(len(motion)):
            res = est.detect(rnd.frame(i), float(motion.t_s[i]) * 1000.0)
            image[i], world[i] = res.image, res.world
    report = analyze_series(LandmarkSeries(motion.t_s, image, (480, 360), world, "plate", {}))
    assert report.exercise == "hip-thrust", report.warnings
    assert report.rep_count == 2
