"""Frame sources for the live loop: a capture thread that keeps only the newest frame.

The loop talks to a ``FrameSource`` (a Protocol, like the pose backend and the display), so tests
can feed it anything; ``LatestFrame`` is the real one over a camera or a file.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol

import numpy as np

from formcheck.core.errors import FormcheckError, VideoError

CAMERA_JOIN_S = 2.0  # how long closing waits for the capture thread


@dataclass(frozen=True)
class Captured:
    """One frame handed to the loop."""

    seq: int  # capture order from 0 (gaps between frames taken = frames dropped)
    t_s: float  # the frame's own time: camera seconds since opening, or the file's timestamp
    t_wall: float  # clock() when the frame became available: latency is measured from here
    bgr: np.ndarray


class LatestFrame:
    """A capture thread over an iterable of frames (``Frame(index, t_s, bgr)``).

    ``pace=True`` releases each frame at its timestamp relative to the first (a file played at
    its real pace, like a camera). ``drop=True`` keeps only the newest frame: one the loop did
    not take before the next arrived is dropped (counted). ``drop=False`` hands over every frame
    (the thread waits for the loop; for files analysed as fast as possible).

    Errors of the source (a camera that stops) are kept in ``error`` for the loop to report.
    ``close_source`` is called on the capture thread when it ends.
    """

    def __init__(self, frames: Iterable[Any], *, size: tuple[int, int], fps: float, name: str,
                 pace: bool = False, drop: bool = True, clock: Callable[[], float] = time.monotonic,
                 close_source: Callable[[], None] | None = None) -> None:
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps) if fps and math.isfinite(fps) and fps > 0 else 30.0
        self.name = name
        self.pace = pace
        self.drop = drop
        self.clock = clock
        self.frames_captured = 0
        self.frames_dropped = 0
        self.error: FormcheckError | None = None
        self._frames = frames
        self._close_source = close_source
        self._cond = threading.Condition()
        self._slot: Captured | None = None
        self._done = False
        self._stop = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
            self._thread.start()

    @property
    def finished(self) -> bool:
        """The source has ended (or failed) and every frame it gave was taken or dropped."""
        with self._cond:
            return self._done and self._slot is None

    def take(self, timeout: float = 0.0) -> Captured | None:
        """The newest frame not taken yet; waits up to ``timeout`` s for one."""
        with self._cond:
            if self._slot is None and timeout > 0 and not self._done:
                self._cond.wait(timeout)
            cap, self._slot = self._slot, None
            if cap is not None:
                self._cond.notify_all()
            return cap

    def discard(self) -> None:
        """Drop the waiting frame (paused)."""
        with self._cond:
            if self._slot is not None:
                self._slot = None
                self.frames_dropped += 1
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(CAMERA_JOIN_S)

    def _run(self) -> None:
        t0_wall: float | None = None
        t0: float | None = None
        try:
            for seq, frame in enumerate(self._frames):
                _, t_s, bgr = frame[0], float(frame[1]), frame[2]
                if self.pace:
                    if t0_wall is None:
                        t0_wall, t0 = self.clock(), t_s
                    due = t0_wall + (t_s - t0)
                    with self._cond:
                        while not self._stop and (wait := due - self.clock()) > 0:
                            self._cond.wait(wait)
                with self._cond:
                    while not self.drop and self._slot is not None and not self._stop:
                        self._cond.wait(0.1)
                    if self._stop:
                        return
                    if self._slot is not None:
                        self.frames_dropped += 1
                    self._slot = Captured(seq, t_s, self.clock(), bgr)
                    self.frames_captured += 1
                    self._cond.notify_all()
        except FormcheckError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - cv2.error, OSError...: kept for the loop to report
            self.error = VideoError(f"{self.name}: reading frames failed ({exc.__class__.__name__}: {exc})")
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()
            if self._close_source is not None:
                self._close_source()



class FrameSource(Protocol):
    """What the loop needs of a frame source (``LatestFrame`` is the real one)."""

    size: tuple[int, int]
    fps: float
    name: str
    frames_captured: int
    frames_dropped: int
    error: FormcheckError | None

    @property
    def finished(self) -> bool: ...

    def start(self) -> None: ...

    def take(self, timeout: float = 0.0) -> Captured | None: ...

    def discard(self) -> None: ...

    def close(self) -> None: ...


class InFlight:
    """The one frame whose pose is being computed (LIVE_STREAM mode keeps one in flight).

    Pose timestamps must increase strictly, so a frame whose clock did not move is sent 1 ms on.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.cap: Captured | None = None
        self.since = 0.0  # clock() when the frame was sent
        self._t_ms = -1
        self._last_ms = -1

    @property
    def busy(self) -> bool:
        return self.cap is not None

    def send(self, cap: Captured, pose: Any) -> None:
        t_ms = max(int(round(cap.t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = t_ms
        self.cap, self._t_ms, self.since = cap, t_ms, self.clock()
        pose.submit(cap.bgr, t_ms)

    def finished_by(self, res: Any) -> Captured | None:
        """The frame in flight if ``res`` (a pose result or None) is its result; it lands."""
        if self.cap is None or res is None or res.t_ms != self._t_ms:
            return None
        cap, self.cap = self.cap, None
        return cap

    def older_than(self, age_s: float) -> bool:
        return self.cap is not None and self.clock() - self.since > age_s

    def drop(self) -> None:
        self.cap = None

