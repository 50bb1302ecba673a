"""Hostile conditions for ``formcheck live`` as a real process under a virtual display (Xvfb):
bad options and places before anything opens, Ctrl-C and SIGTERM with --record, the source
vanishing mid-set. Skips cleanly without Xvfb; cases that run the model are ``mediapipe``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.errors import (ConfigError, DisplayError, EXIT_INTERRUPTED, EXIT_TERMINATED, InputError,
                                   OutputError, VideoError)

from tests.support.xvfb import xvfb_env
from hostile_probe import SAMPLES, assert_failed, cli_env, finish, formcheck, leftovers, start, wait_for

SAMPLE = SAMPLES / "slht_left_good.mp4"


@pytest.fixture(scope="module")
def display():
    with xvfb_env(300, base_env=cli_env()) as env:
        yield env


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory) -> Path:
    """The sample played four times over (~45 s), so a signal always lands mid-set."""
    import cv2

    from formcheck.adapters.video import VideoWriter

    if not SAMPLE.is_file():
        pytest.skip("bundled sample missing")
    cap = cv2.VideoCapture(str(SAMPLE))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    path = tmp_path_factory.mktemp("live") / "long.mp4"
    with VideoWriter(path, fps=30.0) as w:
        for _ in range(4):
            for frame in frames:
                w.write(frame)
    return path


def test_no_display_is_exit_7(tmp_path):
    env = {k: v for k, v in cli_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = formcheck("live", "--source", SAMPLE, "--mute", cwd=tmp_path, env=env, timeout=60)
    assert_failed(run, DisplayError.exit_code, says="no display")


BEFORE_ANYTHING = [
    ("missing source", ["--source", "nothere.mp4"], InputError.exit_code, "not found"),
    ("fifo source", ["--source", "pipe.mp4"], InputError.exit_code, None),
    ("dev zero source", ["--source", "/dev/zero"], InputError.exit_code, None),
    ("garbage source", ["--source", "garbage.mp4"], VideoError.exit_code, None),
    ("no camera", ["--camera", "99"], VideoError.exit_code, "camera"),
    ("realtime without source", ["--realtime"], ConfigError.exit_code, "--source"),
    ("unknown exercise", ["--exercise", "squat", "--source", "x.mp4"], ConfigError.exit_code, "squat"),
    ("unknown side", ["--side", "up", "--source", "x.mp4"], ConfigError.exit_code, None),
    ("record is a file", ["--source", "garbage.mp4", "--record", "afile"], OutputError.exit_code, "is a file"),
    ("record under a file", ["--source", "garbage.mp4", "--record", "afile/rec"], OutputError.exit_code, None),
    ("record is a device", ["--source", "garbage.mp4", "--record", "/dev/null"], OutputError.exit_code, "device"),
    ("camera not a number", ["--camera", "front"], ConfigError.exit_code, None),
]


@pytest.mark.parametrize("args,code,says", [b[1:] for b in BEFORE_ANYTHING], ids=[b[0] for b in BEFORE_ANYTHING])
def test_live_refuses_bad_setups_in_one_line(args, code, says, display, tmp_path):
    os.mkfifo(tmp_path / "pipe.mp4")
    (tmp_path / "garbage.mp4").write_bytes(os.urandom(5000))
    (tmp_path / "afile").write_text("x")
    run = formcheck("live", "--mute", *args, cwd=tmp_path, env=display, timeout=90)
    assert_failed(run, code, says=says)
    assert (tmp_path / "afile").read_text() == "x"


def test_live_record_read_only(display, tmp_path, read_only_dir):
    run = formcheck("live", "--mute", "--source", SAMPLE, "--record", read_only_dir / "rec", cwd=tmp_path,
                    env=display, timeout=90)
    assert_failed(run, OutputError.exit_code)


def _recording_is_whole(rec: Path) -> dict[str, Path]:
    """Every file in ``rec`` is finished: report parses, landmarks load, video decodes."""
    import cv2

    from formcheck.core.landmarks import LandmarkSeries

    assert leftovers(rec) == []
    files = {p.name.split(".", 1)[1]: p for p in rec.iterdir()}
    assert {"mp4", "landmarks.npz", "live.json"} <= set(files), sorted(files)
    json.loads(files["live.json"].read_text())
    if "json" in files:
        json.loads(files["json"].read_text())
    n = len(LandmarkSeries.load_npz(files["landmarks.npz"]))
    cap = cv2.VideoCapture(str(files["mp4"]))
    decoded = 0
    while cap.read()[0]:
        decoded += 1
    cap.release()
    assert decoded > 0 and n > 0
    return files


def _live_until_running(args, cwd: Path, env: dict, settle_s: float = 4.0):
    t0 = time.monotonic()
    proc = start(["live", "--mute", "--realtime", *args], cwd, env)
    if shutil.which("xdotool"):
        wait_for(lambda: subprocess.run(["xdotool", "search", "--name", "formcheck live"], env=env,
                                        capture_output=True).returncode == 0 or proc.poll() is not None, 120)
    time.sleep(settle_s)
    assert proc.poll() is None, "live ended before the signal"
    return proc, t0


@pytest.mark.mediapipe
@pytest.mark.parametrize("sig,code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)],
                         ids=["sigint", "sigterm"])
def test_signal_with_record_keeps_the_set(sig, code, display, long_clip, tmp_path):
    proc, t0 = _live_until_running(["--source", long_clip, "--record", "rec"], tmp_path, display)
    proc.send_signal(sig)
    run = finish(proc, t0, timeout=120)
    assert "Traceback" not in run.err and run.code == code, run.err
    assert run.error_lines[-1] == ("formcheck: terminated" if sig == signal.SIGTERM else "formcheck: interrupted")
    _recording_is_whole(tmp_path / "rec")


@pytest.mark.mediapipe
def test_source_vanishing_mid_set_keeps_what_was_recorded(display, long_clip, tmp_path):
    """The nearest to a camera unplugged that a test machine has: the file is cut while it plays."""
    shutil.copy(long_clip, tmp_path / "cam.mp4")
    proc, t0 = _live_until_running(["--source", "cam.mp4", "--record", "rec"], tmp_path, display)
    os.truncate(tmp_path / "cam.mp4", (tmp_path / "cam.mp4").stat().st_size // 3)
    run = finish(proc, t0, timeout=120)
    assert "Traceback" not in run.err and run.code in (0, VideoError.exit_code), run.err
    assert len(run.error_lines) <= 1
    _recording_is_whole(tmp_path / "rec")


@pytest.mark.mediapipe
def test_terminal_ctrl_c_with_record_keeps_the_recording(display, long_clip, tmp_path):
    proc, t0 = _live_until_running(["--source", long_clip, "--record", "rec"], tmp_path, display)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    run = finish(proc, t0, timeout=120)
    assert "Traceback" not in run.err and run.code == EXIT_INTERRUPTED, run.err
    _recording_is_whole(tmp_path / "rec")


assert np is not None
