"""Where the near arm hides the head, the neck is not judged and the report says why."""

from __future__ import annotations

import numpy as np

from formcheck.core.analyzer import analyze_series
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate


def _series(hide: bool):
    m = simulate(MotionParams(reps=2, neck_top_deg=-35.0, bench_depth_m=0.14, seed=4), fps=30.0)
    s = synth_series(m, Camera(view="side_left", width=480, height=360, height_m=1.0), seed=0)
    image = s.image.copy()
    if hide:
        # MediaPipe's guess for a head behind the arm: the ears on the upper arm, head level
        for ear, (sh, el) in ((7, (11, 13)), (8, (12, 14))):
            image[:, ear, :2] = 0.5 * (image[:, sh, :2] + image[:, el, :2])
    return type(s)(s.t_s, image, s.image_size, None, "x", {})


def test_hidden_head_is_reported_not_judged() -> None:
    report = analyze_series(_series(hide=True), exercise="single-leg-hip-thrust")
    notes = [n.reason for n in report.not_assessed if n.code == "neck_hyperextension"]
    assert notes and "head was hidden" in notes[0]
    assert not any(f.code == "neck_hyperextension" for r in report.reps for f in r.faults)


def test_visible_dropped_head_is_judged() -> None:
    report = analyze_series(_series(hide=False), exercise="single-leg-hip-thrust")
    assert all(n.code != "neck_hyperextension" for n in report.not_assessed)
    assert all(any(f.code == "neck_hyperextension" for f in r.faults) for r in report.reps)
    assert np.isfinite(report.frames_table["neck_deg"]).any()
