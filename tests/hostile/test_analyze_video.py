"""Hostile conditions around a real video: signals part-way, full disks, bad models, concurrent
runs, a corrupt middle. These run the pose model (marked ``mediapipe``); the landmark cache of
one bundled sample is built once and copied, so most cases skip the pose pass."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.errors import (EXIT_INTERRUPTED, EXIT_TERMINATED, ModelError, NoPersonError, OutputError,
                                   VideoError)

from hostile_probe import (SAMPLES, assert_failed, assert_nothing_complete, assert_ok, finish, formcheck,
                           leftovers, start, wait_for)

pytestmark = pytest.mark.mediapipe
SAMPLE = "slht_left_good.mp4"


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Path:
    """A folder with the sample and, in ``cache/``, its landmark cache (one pose pass)."""
    if not (SAMPLES / SAMPLE).is_file():
        pytest.skip("bundled sample missing")
    folder = tmp_path_factory.mktemp("video")
    shutil.copy(SAMPLES / SAMPLE, folder / SAMPLE)
    assert_ok(formcheck("analyze", SAMPLE, "--out", "cache", "--no-annotate", "-q", cwd=folder))
    return folder


def _out_with_cache(cached: Path, name: str) -> Path:
    out = cached / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    shutil.copy(cached / "cache" / "slht_left_good.landmarks.npz", out)
    return out


def _partial_video(out: Path) -> bool:
    # a hidden temporary beside the target: the serial writer's .NAME.partial-*.mp4, or the
    # parallel writer's hidden folder of segments
    return any(p.name.startswith(".") for p in out.iterdir())


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)],
                         ids=["sigint", "sigterm"])
def test_signal_while_writing_the_annotated_video(sig, code, cached):
    out = _out_with_cache(cached, f"sig{sig}")
    t0 = time.monotonic()
    proc = start(["analyze", SAMPLE, "--out", out.name, "-q"], cached)
    assert wait_for(lambda: _partial_video(out), 120), "the annotated video never started"
    time.sleep(0.3)
    proc.send_signal(sig)
    run = finish(proc, t0)
    assert_failed(run, code, says="terminated" if sig == signal.SIGTERM else "interrupted")
    assert_nothing_complete(out, "slht_left_good")
    assert (out / "slht_left_good.landmarks.npz").is_file()  # the finished cache is kept


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)],
                         ids=["sigint", "sigterm"])
def test_signal_during_the_pose_pass(sig, code, cached):
    out = cached / f"pose{sig}"
    t0 = time.monotonic()
    proc = start(["analyze", SAMPLE, "--out", out.name, "--no-cache", "-q"], cached)
    time.sleep(3.0)
    proc.send_signal(sig)
    run = finish(proc, t0)
    if run.code == 0:
        pytest.skip("the machine finished the clip before the signal")
    assert_failed(run, code)
    assert_nothing_complete(out, "slht_left_good")


def test_sigterm_twice_still_cleans_up(cached):
    out = _out_with_cache(cached, "twice")
    t0 = time.monotonic()
    proc = start(["analyze", SAMPLE, "--out", out.name, "-q"], cached)
    assert wait_for(lambda: _partial_video(out), 120)
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGTERM)
    run = finish(proc, t0)
    assert_failed(run, EXIT_TERMINATED)
    assert_nothing_complete(out, "slht_left_good")


def test_disk_full_while_encoding_the_video(cached, small_disk):
    disk = small_disk("420k")
    out = disk / "o"
    out.mkdir()
    shutil.copy(cached / "cache" / "slht_left_good.landmarks.npz", out)  # ~320 kB: the video cannot fit
    run = formcheck("analyze", cached / SAMPLE, "--out", out, "-q", cwd=cached)
    assert_failed(run, OutputError.exit_code, says="No space left")
    assert_nothing_complete(out, "slht_left_good")


def test_output_place_is_refused_before_the_pose_model_loads(cached):
    (cached / "afile").write_text("x")
    run = formcheck("analyze", SAMPLE, "--out", "afile", "--no-cache", cwd=cached)
    assert_failed(run, OutputError.exit_code, says="is a file")
    assert run.max_rss_mb < 250, f"{run.max_rss_mb:.0f} MB: the pose model was loaded"


@pytest.mark.parametrize("model,says", [("nothere.task", "not found"), ("garbage.task", "not a MediaPipe"),
                                        ("folder", None)], ids=["missing", "garbage", "folder"])
def test_bad_model_is_exit_4(model, says, cached):
    (cached / "garbage.task").write_bytes(b"\0" * 1000)
    (cached / "folder").mkdir(exist_ok=True)
    out = cached / f"m-{model}"
    run = formcheck("analyze", SAMPLE, "--model", model, "--out", out.name, "--no-cache", "-q", cwd=cached)
    assert_failed(run, ModelError.exit_code, says=says)
    assert_nothing_complete(out, "slht_left_good")


def _frames_of(path: Path, first: int, count: int, out: Path, fps: float = 30.0) -> Path:
    import cv2

    from formcheck.adapters.video import VideoWriter

    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, first)
    with VideoWriter(out, fps=fps) as w:
        for _ in range(count):
            ok, frame = cap.read()
            assert ok
            w.write(frame)
    cap.release()
    return out


def test_one_frame_clip_with_a_person_says_too_short(cached):
    _frames_of(cached / SAMPLE, 60, 1, cached / "one.mp4")
    run = formcheck("analyze", "one.mp4", "--out", "one", "-q", cwd=cached)
    assert_failed(run, NoPersonError.exit_code, says="too short")
    assert "no person" not in run.err
    assert_nothing_complete(cached / "one", "one")


def test_clip_with_no_person(cached, tmp_path):
    from hostile_probe import tiny_video

    tiny_video(cached / "noise.mp4", frames=20, size=(160, 120))
    run = formcheck("analyze", "noise.mp4", "--out", "noise", "-q", cwd=cached)
    assert_failed(run, NoPersonError.exit_code, says="no person")
    assert_nothing_complete(cached / "noise", "noise")


def test_rerun_after_the_clip_is_replaced_by_one_without_a_person(cached):
    """Issue 14 item 4 through the real pose model."""
    from hostile_probe import tiny_video

    shutil.copy(cached / SAMPLE, cached / "re.mp4")
    out = cached / "re"
    assert_ok(formcheck("analyze", "re.mp4", "--out", out.name, "--no-annotate", "-q", cwd=cached))
    report = (out / "re.json").read_text()
    tiny_video(cached / "re.mp4", frames=20, size=(160, 120))
    run = formcheck("analyze", "re.mp4", "--out", out.name, "--no-annotate", "-q", cwd=cached)
    assert_failed(run, NoPersonError.exit_code, says="stale")
    assert_nothing_complete(out, "re")
    assert (out / "re.json.stale").read_text() == report


def _decodes(path: Path) -> int:
    import cv2

    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def test_two_runs_into_one_out_at_once_leave_whole_files(cached):
    out = _out_with_cache(cached, "twice-at-once")
    t0 = time.monotonic()
    procs = [start(["analyze", SAMPLE, "--out", out.name, "-q"], cached) for _ in range(2)]
    runs = [finish(p, t0) for p in procs]
    for run in runs:
        assert_ok(run)
    assert json.loads((out / "slht_left_good.json").read_text())["rep_count"] == 3
    assert _decodes(out / "slht_left_good.annotated.mp4") > 100
    assert leftovers(out) == []


def test_corrupt_middle_keeps_the_rest_of_the_clip(cached):
    data = bytearray((cached / SAMPLE).read_bytes())
    mid = len(data) // 2
    data[mid: mid + 4000] = os.urandom(4000)
    (cached / "corrupt.mp4").write_bytes(bytes(data))
    total = _decodes(cached / SAMPLE)
    run = formcheck("analyze", "corrupt.mp4", "--out", "corrupt", "--no-annotate", "-q", cwd=cached)
    assert_ok(run)
    report = json.loads((cached / "corrupt" / "corrupt.json").read_text())
    assert report["frames"]["total"] > 0.8 * total
    assert any("lost" in w or "skipped" in w for w in report["warnings"])


assert VideoError.exit_code == 3 and np is not None
