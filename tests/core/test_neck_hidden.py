"""Where the near arm hides the head, a neck that reads fine is reported as not judged (with the
reason), never as a pass; a drop the readings still show is flagged."""

from __future__ import annotations

import numpy as np

from formcheck.core.analyzer import analyze_series
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate


def _series(neck_top_deg: float | None, hide: bool):
    extra = {} if neck_top_deg is None else {"neck_top_deg": neck_top_deg, "bench_depth_m": 0.14}
    m = simulate(MotionParams(reps=2, seed=4, **extra), fps=30.0)
    s = synth_series(m, Camera(view="side_left", width=480, height=360, height_m=1.0), seed=0)
    image = s.image.copy()
    if hide:
        # MediaPipe's guess for a head behind the arm: both ears snapped onto the upper arm's line
        for ear, (sh, el) in ((7, (11, 13)), (8, (12, 14))):
            a, b, p = image[:, sh, :2], image[:, el, :2], image[:, ear, :2]
            u = np.clip(np.sum((p - a) * (b - a), -1) / np.sum((b - a) ** 2, -1), 0.0, 1.0)
            image[:, ear, :2] = a + u[:, None] * (b - a)
    return type(s)(s.t_s, image, s.image_size, None, "x", {})


def _neck(report) -> tuple[list[str], int]:
    notes = [n.reason for n in report.not_assessed if n.code == "neck_hyperextension"]
    return notes, sum(any(f.code == "neck_hyperextension" for f in r.faults) for r in report.reps)


def test_hidden_head_that_reads_fine_is_reported_not_judged() -> None:
    notes, flagged = _neck(analyze_series(_series(None, hide=True), exercise="single-leg-hip-thrust"))
    assert flagged == 0
    assert notes and "head was hidden" in notes[0]


def test_visible_head_up_is_judged_and_passes() -> None:
    notes, flagged = _neck(analyze_series(_series(None, hide=False), exercise="single-leg-hip-thrust"))
    assert (notes, flagged) == ([], 0)


def test_dropped_head_is_flagged_when_visible() -> None:
    notes, flagged = _neck(analyze_series(_series(-35.0, hide=False), exercise="single-leg-hip-thrust"))
    assert (notes, flagged) == ([], 2)
