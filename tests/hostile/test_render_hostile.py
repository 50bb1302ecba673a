"""Hostile options, places and signals for ``formcheck render`` (real processes, tiny clips)."""

from __future__ import annotations

import signal
import time

import pytest

from formcheck.core.errors import ConfigError, EXIT_INTERRUPTED, EXIT_TERMINATED, OutputError

from hostile_probe import assert_failed, assert_ok, complete_looking, finish, formcheck, leftovers, start, wait_for

TINY = ["--reps", "1", "--width", "96", "--height-px", "72", "--fps", "8"]
STEM = "single-leg-hip-thrust_left_side_left"

BAD_OPTIONS = [
    ("reps negative", ["--reps", "-2"]),
    ("reps not a number", ["--reps", "many"]),
    ("fps zero", ["--fps", "0"]),
    ("fps nan", ["--fps", "nan"]),
    ("fps huge", ["--fps", "1e9"]),
    ("duration negative", ["--duration", "-1"]),
    ("duration huge", ["--duration", "1e9"]),
    ("width zero", ["--width", "0"]),
    ("width negative", ["--width", "-64"]),
    ("height tiny", ["--height-px", "2"]),
    ("name with slash", ["--name", "../escape"]),
    ("name hidden", ["--name", ".hidden"]),
    ("name dot", ["--name", "."]),
    ("rep override garbage", ["--rep-override", "garbage"]),
    ("rep override unknown key", ["--rep-override", "1:colour=red"]),
    ("rep override not a number", ["--rep-override", "1:peak_hip_deg=high"]),
    ("supersample huge", ["--supersample", "100"]),
    ("unknown view", ["--view", "sideways"]),
    ("unknown exercise", ["--exercise", "squat"]),
    ("yaw without oblique", ["--yaw", "30"]),
    ("fov zero", ["--fov", "0"]),
    ("noise negative", ["--noise", "-1"]),
    ("blur nan", ["--blur", "nan"]),
    ("bench depth huge", ["--bench-depth", "99"]),
    ("peak hip absurd", ["--peak-hip", "1000"]),
    ("elbow push above 1", ["--elbow-push", "5"]),
    ("unknown option", ["--colour", "red"]),
]


@pytest.mark.parametrize("args", [b[1] for b in BAD_OPTIONS], ids=[b[0] for b in BAD_OPTIONS])
def test_bad_render_option_is_exit_5_in_one_line(args, tmp_path):
    run = formcheck("render", "--out", "r", *TINY, *args, cwd=tmp_path, timeout=60)
    assert_failed(run, ConfigError.exit_code)
    assert not (tmp_path / "escape.mp4").exists()
    assert complete_looking(tmp_path / "r", "") == [] and leftovers(tmp_path) == []


@pytest.mark.parametrize("place,says", [("afile", "is a file"), ("afile/sub", "is a file"),
                                        ("/dev/null", "device")], ids=["file", "under a file", "device"])
def test_render_out_place_is_one_line(place, says, tmp_path):
    (tmp_path / "afile").write_text("x")
    run = formcheck("render", "--out", place, *TINY, cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says=says)
    assert (tmp_path / "afile").read_text() == "x"


def test_render_out_read_only(tmp_path, read_only_dir):
    run = formcheck("render", "--out", read_only_dir / "r", *TINY, cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code)


@pytest.mark.parametrize("size", ["32k", "100k"], ids=["full", "fills up"])
def test_render_on_a_full_disk(size, tmp_path, small_disk):
    disk = small_disk(size)
    run = formcheck("render", "--out", disk / "r", "--reps", "2", "--width", "320", "--height-px", "240",
                    "--noise", "20", cwd=tmp_path, timeout=120)
    assert_failed(run, OutputError.exit_code, says="full" if size == "32k" else "no space left")
    assert complete_looking(disk / "r", STEM) == [] and leftovers(disk) == []


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)],
                         ids=["sigint", "sigterm"])
def test_signal_mid_render_leaves_nothing(sig, code, tmp_path):
    out = tmp_path / "r"
    t0 = time.monotonic()
    proc = start(["render", "--out", "r", "--reps", "3", "--width", "320", "--height-px", "240"], tmp_path)
    assert wait_for(lambda: out.is_dir() and any("partial" in p.name for p in out.iterdir()), 120)
    time.sleep(0.3)
    proc.send_signal(sig)
    run = finish(proc, t0)
    assert_failed(run, code)
    assert list(out.iterdir()) == []


def test_render_then_analyze_the_rendered_landmarks(tmp_path):
    """A finished render is whole: its landmark file analyses with the rep count it declares."""
    assert_ok(formcheck("render", "--out", "r", *TINY, cwd=tmp_path, timeout=120))
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        f"{STEM}.landmarks.npz", f"{STEM}.mp4", f"{STEM}.truth.json"]
    run = formcheck("analyze", f"r/{STEM}.landmarks.npz", "--out", "o", "-q", cwd=tmp_path)
    assert run.code in (0, 6) and "Traceback" not in run.err
