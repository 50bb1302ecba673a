"""Native libraries' log lines never reach the user's terminal, whatever a release prints.

Each command that loads the pose model or writes video runs as a real process (native code
writes to file descriptor 2, which no in-process runner sees) and must leave stderr empty on
success; our own messages still get through, as one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.support.xvfb import xvfb_env

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "slht_left_good.mp4"


def formcheck(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=timeout)


ROUTED = textwrap.dedent("""
    import atexit, os, sys
    from formcheck.adapters.stdio import route_native_stderr
    os.write(2, b"before: stays on the terminal\\n")
    route_native_stderr()
    route_native_stderr()  # idempotent
    os.write(2, b"I0000 native noise from a library thread\\n")
    print("formcheck: warning: ours still reaches the user", file=sys.stderr)
    atexit.register(lambda: os.write(2, b"INFO: DestroyAccelerator at exit\\n"))
""")


def test_native_writes_are_dropped_and_ours_kept():
    proc = subprocess.run([sys.executable, "-c", ROUTED], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    assert proc.stderr == "before: stays on the terminal\nformcheck: warning: ours still reaches the user\n"


def test_native_log_can_be_kept_in_a_file_for_debugging(tmp_path):
    log = tmp_path / "native.log"
    env = {**os.environ, "FORMCHECK_NATIVE_LOG": str(log)}
    proc = subprocess.run([sys.executable, "-c", ROUTED], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "native noise" not in proc.stderr and "ours still reaches" in proc.stderr
    assert log.read_text() == "I0000 native noise from a library thread\nINFO: DestroyAccelerator at exit\n"


def test_native_log_dash_leaves_the_terminal_alone():
    env = {**os.environ, "FORMCHECK_NATIVE_LOG": "-"}
    proc = subprocess.run([sys.executable, "-c", ROUTED], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "native noise" in proc.stderr and "DestroyAccelerator" in proc.stderr


def test_a_python_traceback_would_still_be_seen():
    # The private stderr is where Python reports what it cannot handle: a bug must not vanish.
    code = ROUTED + "\nraise SystemExit(sys.stderr.write('still visible\\n') and 3)\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 3 and proc.stderr.endswith("still visible\n")


@pytest.mark.mediapipe
def test_analyze_with_every_output_prints_nothing_on_stderr(tmp_path):
    proc = formcheck("analyze", SAMPLE, "--out", tmp_path / "out", "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Reps: 3" in proc.stdout


@pytest.mark.mediapipe
def test_a_broken_model_is_our_one_line_not_mediapipe_logs(tmp_path):
    # A bundle with the right members but garbage inside: MediaPipe itself fails to load it.
    from formcheck.adapters.pose import TASK_MEMBERS

    bad = tmp_path / "broken.task"
    with zipfile.ZipFile(bad, "w") as bundle:
        for member in TASK_MEMBERS:
            bundle.writestr(member, b"TFL3 this is not a flatbuffer" * 40)
    proc = formcheck("analyze", SAMPLE, "--out", tmp_path / "out", "--model", bad, "-q")
    assert proc.returncode == 4
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("formcheck: ") and "broken.task" in lines[0]


def test_render_prints_nothing_on_stderr(tmp_path):
    out = tmp_path / "r"
    proc = formcheck("render", "--out", out, "--name", "one", "--reps", "1", "--width", "160",
                     "--height-px", "120", "--supersample", "1", "--no-landmarks")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and (out / "one.mp4").stat().st_size > 0


@pytest.fixture
def display_env():
    with xvfb_env(700) as env:
        yield env


@pytest.mark.mediapipe
def test_live_on_a_clip_prints_nothing_on_stderr(display_env, tmp_path):
    proc = formcheck("live", "--source", SAMPLE, "--mute", "--record", tmp_path / "rec", env=display_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Reps: 3" in proc.stdout
