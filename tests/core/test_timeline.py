"""Replaying a finished report frame by frame (what the annotated video shows)."""

from __future__ import annotations

import pytest

from formcheck.core.analyzer import analyze_series
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate
from formcheck.core.timeline import replay


def _report(view: str, **params):
    m = simulate(MotionParams(reps=3, **params), fps=30.0)
    return analyze_series(synth_series(m, Camera(view=view), noise_px=1.0, seed=3))


def test_counter_steps_at_each_top_and_cues_follow_the_faults():
    report = _report("side_left", peak_hip_deg=150.0)
    frames = list(replay(report, {"hip_top": 180.0}, cue_s=2.0))
    assert len(frames) == report.frames_total
    tops = [r.top_frame for r in report.reps]
    counts = [f.rep_count for f in frames]
    assert counts[tops[0] - 1] == 0 and counts[tops[0]] == 1 and counts[-1] == 3
    assert [f.frame for f in frames if f.new_rep is not None] == tops
    fault_t = report.reps[0].faults[0].t_s
    cued = [f.t_s for f in frames if "Drive the hips higher" in f.cues]
    assert cued and min(cued) >= fault_t - 1e-9 and max(cued) < report.reps[-1].faults[0].t_s + 2.0


@pytest.mark.parametrize("view, shown", [("side_left", {"hip_deg", "knee_deg", "neck_deg"}),
                                         ("front", set()), ("oblique", set())])
def test_only_the_angles_a_view_judges_are_shown(view, shown):
    report = _report(view)
    frame = next(iter(replay(report, {}, cue_s=2.0)))
    assert set(frame.angles_deg) == shown
