"""Native stderr silencing: for the whole process (the faces call it at start), and for short
windows (the OpenCV and MediaPipe adapters, for callers that use the library directly)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a moment.

    Native libraries print harmless noise with fprintf/glog that no Python setting reaches:
    OpenCV's FFmpeg writer ("tag 'VP80' is not supported ...") and MediaPipe's start-up lines
    (XNNPACK delegate, feedback manager, NORM_RECT). Only short start-up calls run inside this
    block, so at most a few milliseconds of other native stderr output could be lost.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


class QuietStderr:
    """Keep file descriptor 2 on /dev/null between ``start()`` and ``stop()`` (idempotent).

    For native start-up noise that arrives on a library's own thread at an unknown moment (in
    MediaPipe's live mode, the first frame with a person). Callers bound the window and always
    stop it before anything meant for the user is printed.
    """

    def __init__(self) -> None:
        self._saved: int | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        if self._saved is not None:
            return
        try:
            saved = os.dup(2)
            with open(os.devnull, "wb") as devnull:
                os.dup2(devnull.fileno(), 2)
        except OSError:
            return
        self._saved = saved

    def stop(self) -> None:
        if self._saved is None:
            return
        saved, self._saved = self._saved, None
        try:
            os.dup2(saved, 2)
        finally:
            os.close(saved)


NATIVE_LOG_ENV_VAR = "FORMCHECK_NATIVE_LOG"
_routed = False


def route_native_stderr() -> None:
    """Keep native libraries' log lines off the terminal for the rest of the process.

    MediaPipe (glog/absl), TensorFlow Lite, OpenCV and FFmpeg write straight to file descriptor 2
    with fprintf, from any thread and at any moment: start-up, per frame, landmarker teardown,
    interpreter exit. Which lines a release prints changes from patch to patch (mediapipe 1.2.3
    added ``DestroyAccelerator`` at teardown), so silencing known calls cannot hold. Instead the
    faces call this once at start: fd 2 goes to /dev/null (or to the file named by
    ``FORMCHECK_NATIVE_LOG``, for debugging; ``-`` leaves fd 2 alone), and Python's ``sys.stderr``
    writes to a private copy of the real stderr, so our own messages, warnings, progress bar and
    any Python traceback still reach the user. Errors that explain a failure (a broken model file)
    reach the user as Python exceptions, which the faces turn into one line.
    Idempotent; processes started afterwards (pool workers, ffmpeg) inherit the quiet fd 2.
    """
    global _routed
    if _routed:
        return
    target = os.environ.get(NATIVE_LOG_ENV_VAR, "")
    if target == "-":
        return
    try:
        real = os.dup(2)
        sink = os.open(target or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os.dup2(sink, 2)
    os.close(sink)
    errors = getattr(sys.stderr, "errors", None) or "backslashreplace"
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(io.FileIO(real, "w", closefd=True), encoding=encoding,
                                  errors=errors, line_buffering=True, write_through=True)
    _routed = True


def quiet_ffmpeg_logs() -> None:
    """Ask OpenCV's FFmpeg backend for no decoder log (it reads the setting when it first opens
    a file, so the video adapters call this just before, never at import)."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
