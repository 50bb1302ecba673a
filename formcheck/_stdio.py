"""Native stderr silencing shared by the OpenCV and MediaPipe adapters."""

from __future__ import annotations

import contextlib
import os
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
