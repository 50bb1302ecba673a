"""A bad profile is one line and exit 5, found before the pose model runs on a video."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "slht_left_good.mp4"


@pytest.mark.parametrize("text, key", [
    ("[measure]\nmin_visibility = 1.5\n", "measure.min_visibility"),
    ("[faults.no_top_hold]\nmin_hold_s = -1\n", "faults.no_top_hold.min_hold_s"),
    ("[reps]\nmin_peak_hip_deg = nan\n", "reps.min_peak_hip_deg"),
    ("[smoothing]\noffline_sigma_s = 1e9\n", "smoothing.offline_sigma_s"),
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
])
def test_bad_profile_fails_before_the_pose_model(tmp_path, text, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyze", str(SAMPLE), "--profile", str(bad), "--out", str(out), "-q"])
    assert res.exit_code == 5
    assert key in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    # The pose model never ran: it would have left its landmark cache in the output folder.
    assert not out.exists() or not any(out.iterdir())
