"""The command line: analysing landmark files, outputs, and bad input as one line + exit code."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from formcheck.cli.app import app
from formcheck.core.landmarks import LandmarkSeries
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate

runner = CliRunner()


@pytest.fixture(scope="module")
def npz(tmp_path_factory):
    m = simulate(MotionParams(reps=3, peak_hip_deg=152.0), fps=30.0)
    s = synth_series(m, noise_px=1.0, seed=2)
    path = tmp_path_factory.mktemp("lm") / "set.landmarks.npz"
    s.save_npz(path)
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_analyze_landmark_file_writes_reports(npz, tmp_path):
    out = tmp_path / "out"
    res = run("analyze", npz, "--out", out, "--json", tmp_path / "r.json", "--csv", tmp_path / "f.csv")
    assert res.exit_code == 0, res.output
    assert "Reps: 3" in res.output
    assert "incomplete_hip_extension" in res.output
    data = json.loads((out / "set.json").read_text())
    assert data["rep_count"] == 3 and data["exercise"] == "single-leg-hip-thrust"
    assert json.loads((tmp_path / "r.json").read_text()) == data
    assert (out / "set.csv").read_text().startswith("frame,t_s,")
    png = (out / "set.angles.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob("*.part"))


def test_profile_override_changes_the_verdict(npz, tmp_path):
    prof = tmp_path / "lenient.toml"
    prof.write_text("[faults.incomplete_hip_extension]\nfault_below_deg = 140.0\nwarn_below_deg = 145.0\n")
    res = run("analyze", npz, "--out", tmp_path / "o", "--profile", prof)
    assert res.exit_code == 0, res.output
    assert "incomplete_hip_extension" not in res.output


def _file(name: str, data: bytes | None):
    def make(folder):
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        return path
    return make


@pytest.mark.parametrize(
    "make, code, message",
    [
        (_file("missing.mp4", None), 2, "not found"),
        (_file("notes.txt", b"hello"), 2, "not a video"),
        (_file("fake.mp4", b"not really a video"), 3, "fake.mp4"),
        (_file("empty.mp4", b""), 3, "empty"),
        (_file("bad.npz", b"PK\x03\x04garbage"), 2, "not a readable landmark file"),
    ],
    ids=["missing", "text", "fake_video", "empty_video", "corrupt_npz"],
)
def test_bad_input_one_line_and_exit_code(tmp_path, make, code, message):
    path = make(tmp_path)
    res = run("analyze", path, "--out", tmp_path / "out")
    assert res.exit_code == code, res.output
    err = res.output.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.json"))


def test_no_person_is_a_clear_error(tmp_path):
    s = LandmarkSeries(t_s=np.arange(30) / 30, image=np.full((30, 33, 4), np.nan), image_size=(640, 480))
    path = tmp_path / "nobody.npz"
    s.save_npz(path)
    res = run("analyze", path, "--out", tmp_path / "out")
    assert res.exit_code == 6
    assert "no person detected" in res.output
    assert not (tmp_path / "out" / "nobody.json").exists()


def test_wrong_profile_key_names_the_key(npz, tmp_path):
    prof = tmp_path / "typo.toml"
    prof.write_text("[reps]\nmin_rise_degs = 20\n")
    res = run("analyze", npz, "--out", tmp_path / "o", "--profile", prof)
    assert res.exit_code == 5
    assert "reps.min_rise_degs" in res.output


def test_several_inputs_continue_past_a_failure(npz, tmp_path):
    res = run("analyze", npz, tmp_path / "missing.npz", "--out", tmp_path / "o")
    assert res.exit_code == 2  # missing files are refused before anything runs
    res = run("analyze", npz, npz, "--out", tmp_path / "o", "--json", tmp_path / "x.json")
    assert res.exit_code == 5 and "one input" in res.output


def test_profile_command_prints_a_loadable_profile(tmp_path):
    res = run("profile", "glute-bridge")
    assert res.exit_code == 0
    assert "extends" in res.output and "foot_placement" in res.output


SAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "samples" / "slht_left_good.mp4"


@pytest.mark.mediapipe
def test_truncated_video_is_analysed_as_far_as_it_goes_and_says_so(tmp_path):
    data = SAMPLE.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * 0.57)])
    import subprocess
    import sys

    # a real process: native libraries write to file descriptor 2, which CliRunner cannot see
    proc = subprocess.run([sys.executable, "-m", "formcheck.cli", "analyze", str(cut), "--out",
                           str(tmp_path / "out"), "--no-annotate", "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "truncated" in proc.stdout and "descent was complete" in proc.stdout
    assert "Reps: 2" in proc.stdout
    assert proc.stderr.strip() == ""  # no FFmpeg or MediaPipe noise
    data = json.loads((tmp_path / "out" / "cut.json").read_text())
    assert any("truncated" in w for w in data["warnings"])
