"""Reports read back from their JSON and CSV: what the coach app and ``compare`` rely on."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from formcheck.core.errors import InputError
from formcheck.core.report import Fault, NotAssessed, Rep, SetReport, read_frames_csv

FPS = 30.0


def _report(profile: str = "builtin") -> SetReport:
    t = np.arange(0, 4.0, 1 / FPS)
    hip = 120 + 55 * np.clip(np.sin(np.pi * t / 2.0), 0, None)
    hip[10:13] = np.nan
    table = {"frame": np.arange(t.size), "t_s": t, "person": np.ones(t.size, np.int64),
             "phase": np.array(["bottom"] * t.size), "rep": np.zeros(t.size, np.int64),
             "planted": np.array(["left"] * t.size), "hip_deg": hip}
    fault = Fault("incomplete_hip_extension", "fault", 163.0, 165.0, 1.0, 30, "Drive the hips higher")
    rep = Rep(1, 0.1, 1.0, 1.9, "left", "single_leg", 163.0, math.nan, 0.4, 0.9, 0.9, 3, 30, 57, (fault,))
    partial = Rep(0, 2.0, 2.5, 3.0, "left", "single_leg", 130.0, 92.0, 0.0, 0.5, 0.5, 60, 75, 90, (), False)
    return SetReport(source="demo.mp4", exercise="single-leg-hip-thrust", view="side_head_left",
                     working_side="left", reps=(rep,), partials=(partial,),
                     not_assessed=(NotAssessed("unlevel_hips", "side view"),), frames_total=int(t.size),
                     frames_with_person=int(t.size), duration_s=4.0, warnings=("a warning",),
                     view_confidence=0.8, profile=profile, camera_advice=("film from the side",),
                     frames_table=table)


def test_json_and_csv_round_trip(tmp_path):
    report = _report()
    report.write_json(tmp_path / "set.json")
    report.write_csv(tmp_path / "set.csv")
    back = SetReport.read(tmp_path / "set.json")
    assert back.to_dict() == report.to_dict()
    assert back.reps[0].faults[0].code == "incomplete_hip_extension"
    assert math.isnan(back.reps[0].knee_at_top_deg)  # JSON's null comes back as NaN
    assert back.partials[0].counted is False
    assert back.exercise_profile is not None and back.targets_deg()
    np.testing.assert_allclose(back.frames_table["hip_deg"], report.frames_table["hip_deg"], atol=1e-3)
    assert back.frames_table["frame"].dtype == np.int64
    assert list(back.frames_table["phase"]) == ["bottom"] * report.frames_total


def test_json_without_csv_has_no_table(tmp_path):
    _report().write_json(tmp_path / "set.json")
    back = SetReport.read(tmp_path / "set.json")
    assert back.frames_table == {} and back.rep_count == 1


def test_a_vanished_user_profile_leaves_no_profile(tmp_path):
    d = _report(profile=str(tmp_path / "gone.toml")).to_dict()
    assert SetReport.from_dict(d).exercise_profile is None


@pytest.mark.parametrize("mutate", [
    lambda d: d.pop("reps"),
    lambda d: d.__setitem__("reps", [{"index": 1}]),
    lambda d: d.__setitem__("frames", "many"),
    lambda d: d.__setitem__("duration_s", "long"),
    lambda d: d["reps"][0]["faults"].append({"code": "x"}),
])
def test_malformed_reports_are_input_errors(mutate):
    d = json.loads(json.dumps(_report().to_dict()))
    mutate(d)
    with pytest.raises(InputError, match="not a formcheck report"):
        SetReport.from_dict(d)


@pytest.mark.parametrize("text", ["", "a,b\n1,2\n", "t_s,hip_deg\n0,1\n1\n", "t_s,hip_deg\n0,high\n"])
def test_malformed_tables_are_input_errors(tmp_path, text):
    (tmp_path / "t.csv").write_text(text)
    with pytest.raises(InputError):
        read_frames_csv(tmp_path / "t.csv")


@pytest.mark.parametrize("content", [b"[1, 2]", b"{not json", b"\xff\xfe"])
def test_unreadable_json_is_an_input_error(tmp_path, content):
    (tmp_path / "r.json").write_bytes(content)
    with pytest.raises(InputError):
        SetReport.read(tmp_path / "r.json")
    with pytest.raises(InputError, match="not found"):
        SetReport.read(tmp_path / "missing.json")
