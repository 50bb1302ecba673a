"""render --plate: a loaded barbell over the hips hides them side-on."""

from __future__ import annotations

import numpy as np

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
