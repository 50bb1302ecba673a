"""Hip level judged from given waistband readings (core: numbers keyed by frame, thresholds from the profile)."""

from __future__ import annotations

import numpy as np

from formcheck.core.hip_level import frames_to_read, judge_waistband, judged_by_waistband
from formcheck.core.profile import load_profile
from formcheck.core.report import NotAssessed, Rep, SetReport
from formcheck.core.vocab import FaultCode, Variation

THR = load_profile("hip-thrust").fault(FaultCode.UNLEVEL_HIPS).waistband_fault_above_deg


def _rep(index: int, start: int, variation: str = Variation.TWO_LEG) -> Rep:
    return Rep(index=index, start_s=start / 10, top_s=(start + 10) / 10, end_s=(start + 20) / 10, side="both",
               variation=variation, peak_hip_extension_deg=float("nan"), knee_at_top_deg=float("nan"),
               hold_s=0.5, concentric_s=1.0, eccentric_s=1.0, start_frame=start, top_frame=start + 10,
               end_frame=start + 20)


def _report(view: str = "front", exercise: str = "hip-thrust", variations=(Variation.TWO_LEG,) * 3) -> SetReport:
    n = 70
    phase = np.array(["bottom"] * n, dtype="<U10")
    for k in range(3):
        phase[k * 22 + 7:k * 22 + 14] = "top"
    reps = tuple(_rep(k + 1, k * 22, v) for k, v in enumerate(variations))
    profile = load_profile(exercise)
    reason = profile.fault(FaultCode.UNLEVEL_HIPS).not_judged_reason
    return SetReport(source="x.mp4", exercise=exercise, view=view, working_side="both", reps=reps, partials=(),
                     not_assessed=(NotAssessed(FaultCode.UNLEVEL_HIPS, reason),), frames_total=n,
                     frames_with_person=n, duration_s=6.9,
                     frames_table={"t_s": np.arange(n) / 10.0, "phase": phase}, exercise_profile=profile)


def _readings(report: SetReport, per_rep: dict[int, float | None]) -> dict[int, float | None]:
    return {f: per_rep[i] for i, frames in frames_to_read(report).items() for f in frames}


def test_a_tilted_rep_is_flagged_with_the_lower_side_and_a_level_one_is_not():
    rep = _report()
    frames = frames_to_read(rep)
    assert all(1 <= len(f) <= 5 for f in frames.values())
    assert all(rep.frames_table["phase"][f] == "top" for fs in frames.values() for f in fs)
    out = judge_waistband(rep, _readings(rep, {1: 0.4, 2: THR + 3.0, 3: -(THR + 1.0)}))
    codes = [[f.code for f in r.faults] for r in out.reps]
    assert codes == [[], [FaultCode.UNLEVEL_HIPS], [FaultCode.UNLEVEL_HIPS]]
    assert "left hip lower" in out.reps[1].faults[0].detail
    assert "right hip lower" in out.reps[2].faults[0].detail
    assert out.reps[1].faults[0].threshold == THR and out.reps[1].faults[0].frame == out.reps[1].top_frame
    assert not [n for n in out.not_assessed if n.code == FaultCode.UNLEVEL_HIPS]
    assert out.to_dict()["reps"][1]["faults"][0]["code"] == "unlevel_hips"


def test_a_rep_with_no_reading_is_not_judged_and_the_report_says_why():
    rep = _report()
    out = judge_waistband(rep, _readings(rep, {1: None, 2: 0.2, 3: THR + 2.0}))
    assert [len(r.faults) for r in out.reps] == [0, 0, 1]
    why = [n.reason for n in out.not_assessed if n.code == FaultCode.UNLEVEL_HIPS]
    assert len(why) == 1 and "reps 1" in why[0] and "about 2 m" in why[0] and "contrasts" in why[0]


def test_single_leg_reps_are_left_out_and_said_so():
    rep = _report(variations=(Variation.TWO_LEG, Variation.SINGLE_LEG, Variation.TWO_LEG))
    assert set(frames_to_read(rep)) == {1, 3}
    out = judge_waistband(rep, {f: THR + 5.0 for f in range(70)})
    assert [len(r.faults) for r in out.reps] == [1, 0, 1]
    assert any("reps 2" in n.reason and "single-leg" in n.reason for n in out.not_assessed)


def test_other_views_and_single_leg_profiles_are_unchanged():
    for rep in (_report(view="side_head_left"), _report(view="back"), _report(exercise="single-leg-hip-thrust"),
                _report(exercise="glute-bridge")):
        assert not judged_by_waistband(rep)
        assert judge_waistband(rep, {f: 30.0 for f in range(70)}) is rep


def test_the_profiles_say_how_to_film_for_hip_level():
    from formcheck.core.view import camera_advice

    p = load_profile("hip-thrust")
    advice = camera_advice("side_head_left", {c: p.judged_in(c) for c in p.enabled_faults()})
    line = [a for a in advice if "unlevel hips" in a]
    assert line and "about 2 m" in line[0] and "two-leg" in line[0]
    assert "about 2 m" in p.fault(FaultCode.UNLEVEL_HIPS).not_judged_reason


def test_a_steep_camera_at_the_feet_is_front_even_when_the_depth_says_back():
    """Two image cues (the person's left on the image right, the ankles far below the shoulders)
    outvote MediaPipe's depth, which from a camera raised to 2 m put the feet behind the shoulders."""
    from formcheck.core.view import _front_or_back
    from formcheck.core.vocab import LEFT_ANKLE, LEFT_HIP, LEFT_SHOULDER, RIGHT_ANKLE, RIGHT_HIP, RIGHT_SHOULDER

    def frames(ankle_y: float) -> tuple[np.ndarray, np.ndarray]:
        px = np.full((10, 33, 2), np.nan)
        px[:, LEFT_SHOULDER], px[:, RIGHT_SHOULDER] = (300.0, 100.0), (200.0, 100.0)   # 100 px wide
        px[:, LEFT_HIP], px[:, RIGHT_HIP] = (280.0, 200.0), (220.0, 200.0)
        px[:, LEFT_ANKLE], px[:, RIGHT_ANKLE] = (280.0, ankle_y), (220.0, ankle_y)
        depth = np.zeros((10, 33))
        depth[:, [LEFT_ANKLE, RIGHT_ANKLE]] = 0.3     # the feet "behind" the shoulders
        return px, depth

    assert _front_or_back(*frames(400.0)) == "front"    # 3 shoulder widths below
    assert _front_or_back(*frames(280.0)) == "back"     # 1.8 below: as a low camera behind the head sees it
