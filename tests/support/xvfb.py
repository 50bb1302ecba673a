"""A virtual X display for the tests that open the live window (Debian's xvfb), always stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_display(first: int) -> int:
    """The first display number from ``first`` with no X server's socket or lock file."""
    num = first
    while Path(f"/tmp/.X11-unix/X{num}").exists() or Path(f"/tmp/.X{num}-lock").exists():
        num += 1
    return num


@contextlib.contextmanager
def xvfb_env(first: int, base_env: dict[str, str] | None = None, timeout_s: float = 15.0) -> Iterator[dict[str, str]]:
    """Start Xvfb on a free display (from ``first``) and yield an environment that uses it.

    Skips the test when Xvfb is not installed or does not come up."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.skip("Xvfb not installed (apt install xvfb)")
    num = _free_display(first)
    proc = subprocess.Popen([exe, f":{num}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while not Path(f"/tmp/.X11-unix/X{num}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(10)
            pytest.skip("Xvfb did not start")
        time.sleep(0.1)
    env = dict(os.environ if base_env is None else base_env, DISPLAY=f":{num}")
    env.pop("WAYLAND_DISPLAY", None)
    try:
        yield env
    finally:
        proc.terminate()
        proc.wait(10)
