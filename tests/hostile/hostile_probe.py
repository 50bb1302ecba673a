"""The hostile probe's tools: run ``formcheck`` as a real process and judge what it left.

Every case builds its hostile input at test time (nothing large is committed), runs
``python -m formcheck.cli ...`` in its own folder, and asserts three things: the exit code from
the one table (``formcheck.core.errors``), stderr of one line per failure and never a
traceback, and the output folder (nothing complete-looking after a failure, nothing finished
lost). Cases needing the pose model are marked ``mediapipe``; live cases need Xvfb.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COMPLETE_SUFFIXES = (".json", ".csv", ".angles.png", ".annotated.mp4", ".annotated.webm", ".truth.json")


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float

    @property
    def err_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.err_lines if not ln.startswith("formcheck: note:")]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1", **extra)
    env.pop("FORCE_COLOR", None)
    return env


def start(args, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "formcheck.cli", *[str(a) for a in args]], cwd=cwd,
                            env=env or cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _vm_hwm_kb(pid: int) -> int:
    """The process's peak resident size so far (0 once it has exited or cannot be read)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def finish(proc: subprocess.Popen, t0: float, timeout: float = 180.0) -> Run:
    """Wait for ``proc`` (killed after ``timeout``); its own peak memory.

    The peak is the child's VmHWM, read while it runs: ``wait4``'s ``ru_maxrss`` starts from
    the parent's size at fork (the kernel carries it over exec), so after a long test session it
    reported pytest's own 980 MB for a child that used 60."""
    texts: dict[str, str] = {}

    def read(name: str, stream) -> None:
        texts[name] = stream.read()

    readers = [threading.Thread(target=read, args=(n, s), daemon=True)
               for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    deadline, timed_out = time.monotonic() + timeout, False
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(10)
    run = Run(proc.returncode, texts.get("out", ""), texts.get("err", ""), time.monotonic() - t0,
              peak_kb / 1024)
    if timed_out:
        pytest.fail(f"formcheck did not finish within {timeout:.0f} s; stderr: {run.err[-500:]}")
    return run


def formcheck(*args, cwd: Path, timeout: float = 180.0, env: dict | None = None) -> Run:
    t0 = time.monotonic()
    return finish(start(args, cwd, env), t0, timeout)


def assert_failed(run: Run, code: int, *, says: str | None = None, lines: int = 1) -> None:
    """Exit ``code``, ``lines`` one-line messages on stderr, no traceback."""
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err[-3000:]
    assert run.code == code, f"exit {run.code}, expected {code}; stderr: {run.err[-1500:]}"
    assert len(run.error_lines) == lines, run.err
    assert all(ln.startswith("formcheck:") for ln in run.error_lines), run.err
    if says is not None:
        assert says.lower() in run.err.lower(), run.err


def assert_ok(run: Run) -> None:
    assert "Traceback" not in run.err, run.err[-3000:]
    assert run.code == 0, run.err[-1500:]
    assert not run.error_lines, run.err


def leftovers(folder: Path) -> list[str]:
    """Temporary files a run must never leave: ``*.part``, hidden partial videos, probes."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".part") or p.name.startswith("."))


def complete_looking(folder: Path, stem: str) -> list[str]:
    """Outputs named for ``stem`` that a person would take as a finished result."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(stem + ".")
                  and p.name.endswith(COMPLETE_SUFFIXES))


def assert_nothing_complete(folder: Path, stem: str) -> None:
    assert complete_looking(folder, stem) == [], sorted(p.name for p in folder.iterdir())
    assert leftovers(folder) == []


# ------------------------------------------------------------------------------ inputs
def synth_landmarks(reps: int = 2, fps: float = 30.0, seed: int = 2, **params):
    from formcheck.synth.landmarks import synth_series
    from formcheck.synth.motion import MotionParams, simulate

    return synth_series(simulate(MotionParams(reps=reps, **params), fps=fps), noise_px=1.0, seed=seed)


@pytest.fixture(scope="session")
def good_npz(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("inputs") / "set.landmarks.npz"
    synth_landmarks().save_npz(path)
    return path


@pytest.fixture(scope="session")
def good_arrays(good_npz) -> dict[str, np.ndarray]:
    with np.load(good_npz) as data:
        return {k: data[k] for k in data.files}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    np.savez_compressed(path, **arrays)
    return path


def npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def npz_bomb(path: Path, good: dict[str, np.ndarray], frames: int, key: str = "image") -> Path:
    """A small zip whose ``key`` member declares ``frames`` x 33 x 4 float32 of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in ("t_s", "image_size", "format_version"):
            zf.writestr(f"{k}.npy", npy_bytes(good[k]))
        with zf.open(f"{key}.npy", "w", force_zip64=True) as fh:
            head = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                head, {"descr": "<f4", "fortran_order": False, "shape": (frames, 33, 4)})
            fh.write(head.getvalue())
            left, chunk = frames * 33 * 4 * 4, bytes(1 << 22)
            while left > 0:
                fh.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return path


def tiny_video(path: Path, frames: int = 10, size=(64, 48), fps: float = 10.0) -> Path:
    """A small clip with no person (noise), through the project's own writer."""
    from formcheck.adapters.video import VideoWriter

    rng = np.random.default_rng(0)
    with VideoWriter(path, fps=fps, size=size) as w:
        for _ in range(frames):
            w.write(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    return path


# ------------------------------------------------------------------------------ places
class Mount:
    """A tmpfs of ``size`` (root only): a full disk or a read-only file system for real."""

    def __init__(self, where: Path, size: str, read_only: bool = False) -> None:
        self.where = where
        where.mkdir(parents=True, exist_ok=True)
        opts = f"size={size}" + (",ro" if read_only else "")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()[:80]})")

    def umount(self) -> None:
        subprocess.run(["umount", "-l", str(self.where)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    """``small_disk(size)`` -> a folder on a tmpfs of that size; skips unless root."""
    mounts: list[Mount] = []

    def make(size: str, read_only: bool = False) -> Path:
        if not AS_ROOT or shutil.which("mount") is None:
            pytest.skip("a real full or read-only disk needs root (tmpfs mount)")
        m = Mount(tmp_path / f"disk{len(mounts)}", size, read_only)
        mounts.append(m)
        return m.where

    yield make
    for m in mounts:
        m.umount()


@pytest.fixture
def read_only_dir(tmp_path, small_disk):
    """A folder nobody may write: a read-only tmpfs as root, else a chmod 555 folder."""
    if AS_ROOT:
        yield small_disk("64k", read_only=True)
        return
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    yield d
    d.chmod(0o755)


def wait_for(predicate, timeout: float = 120.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
