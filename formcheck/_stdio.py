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
