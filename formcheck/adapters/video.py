"""OpenCV video I/O: read clips and cameras, write browser-playable video atomically.

The only cv2 build is the one mediapipe brings in (``opencv-contrib-python``, FFmpeg inside).
What it can do, measured on opencv-contrib-python 5.0.0.93 (see models/README.md):

- read mp4/mov/avi/webm/mkv; phone clips with rotation metadata come out upright
  (``CAP_PROP_ORIENTATION_AUTO`` is on by default) and width/height are reported after rotation;
- (writing lives in ``video_writer``, re-exported here) write VP8 in WebM (plays in Chromium/Firefox; about 26 fps at 1280x720 on 2 CPU cores) but
  not H.264 (no encoder in the wheel). ``.mp4`` output (H.264) is therefore written through the
  ffmpeg binary of the optional ``imageio-ffmpeg`` package when it is installed.

Reading:

    with open_video("clip.mp4") as src:
        for frame in src:                    # Frame(index, t_s, bgr)
            ...
        if src.truncated: ...                # decoding stopped well before the expected end

Timestamps come from the container (``CAP_PROP_POS_MSEC`` of each decoded frame), so variable
frame rate clips keep their real timing. If they are missing or ever fail to increase, the rest
of the clip falls back to steps of ``1 / fps`` and a message is added to ``source.warnings``.
The library never prints: ``warnings`` and ``truncated`` are for the caller to report.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from pathlib import Path
from typing import Iterator, NamedTuple


import cv2
import numpy as np

from formcheck.adapters.stdio import native_stderr_silenced as _native_stderr_silenced
from formcheck.adapters.stdio import quiet_ffmpeg_logs
from formcheck.core.errors import InputError, VideoError
from formcheck.adapters.video_writer import (  # noqa: F401 - re-exported
    WRITER_EXTENSIONS, VideoWriter, ffmpeg_available,
)

VIDEO_EXTENSIONS: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")

# A reported frame rate outside this range is treated as unknown.
_MAX_PLAUSIBLE_FPS = 1000.0
_FALLBACK_FPS = 30.0
# Decoding that stops this many frames (and this fraction) short of the container's count
# is reported as truncated. Frame counts of some containers are estimates (duration * fps).
_TRUNCATED_MIN_MISSING = 3
_TRUNCATED_MIN_FRACTION = 0.05
MODEL_FPS = 30.0  # the pose model's rate on high frame rate clips (see model_step)
# A damaged packet is skipped; this many failed reads in a row (seconds of frames, at least
# _MIN_SKIP_LIMIT) mean the end of the file. Failed reads at the real end cost microseconds.
_SKIP_LIMIT_S = 10.0
_MIN_SKIP_LIMIT = 100


class _Clock:
    """Frame times: the container's while they increase, else steps of 1/fps (with a warning)."""

    def __init__(self, source: "VideoSource", start: int = 0) -> None:
        self.source = source
        self.start = start  # frames before it are skipped: their warnings are not ours
        self.prev: float | None = None

    def next(self, cap: cv2.VideoCapture, index: int) -> float:
        src = self.source
        t_s: float | None = None
        if src.timestamps_from == "container":
            t_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            if math.isfinite(t_ms) and (self.prev is None or t_ms / 1000.0 > self.prev):
                t_s = t_ms / 1000.0
            else:
                src.timestamps_from = "index"
                if index >= self.start:
                    src.warnings.append(
                        f"{src.name}: container timestamps stop increasing at frame {index} "
                        f"({t_ms:.1f} ms); using steps of 1/{src.fps:g} s from there"
                    )
        if t_s is None:
            t_s = 0.0 if self.prev is None else self.prev + 1.0 / src.fps
        self.prev = t_s
        return t_s


class Frame(NamedTuple):
    """One decoded frame: its index from 0, time in seconds, and the BGR uint8 image."""

    index: int
    t_s: float
    bgr: np.ndarray


@contextlib.contextmanager
def _opencv_log_level(level: int) -> Iterator[None]:
    """Quieten OpenCV's own log while opening (our exception says what went wrong)."""
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(level)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(previous)




def _plausible_fps(value: float) -> float | None:
    return float(value) if math.isfinite(value) and 0 < value <= _MAX_PLAUSIBLE_FPS else None


# -- reading files ----------------------------------------------------------------------------
class VideoSource:
    """A video file, decoded frame by frame with container timestamps.

    Attributes known at open: ``width``/``height`` (of the decoded, upright frames), ``fps``
    (nominal, from the container), ``frame_count`` (the container's count or estimate, ``None``
    when unknown), ``duration`` (seconds, estimate), ``rotation`` (degrees of rotation metadata
    already applied). After iterating: ``frames_read``, ``frames_lost`` (damaged, skipped),
    ``truncated``, ``timestamps_from`` ("container" or "index"), ``warnings`` (messages for the
    user, in order).

    Each ``iter()`` decodes from the first frame again.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if not self.path.exists():
            raise InputError(f"video not found: {self.path}")
        if not self.path.is_file():
            raise InputError(f"not a video file: {self.path} is a directory or special file")
        if self.path.stat().st_size == 0:
            raise VideoError(f"{self.name} is empty (0 bytes)")
        cap = self._open_capture()
        try:
            ok, first = cap.read()
            if not ok or first is None or first.size == 0:
                raise VideoError(f"{self.name}: opened, but no video frame could be decoded")
            self.height, self.width = (int(v) for v in first.shape[:2])
            nominal = _plausible_fps(cap.get(cv2.CAP_PROP_FPS))
            count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
            self.rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
        finally:
            cap.release()
        self._open_warnings: list[str] = []
        if nominal is None:
            self._open_warnings.append(
                f"{self.name}: the container gives no usable frame rate; assuming {_FALLBACK_FPS:g} fps"
            )
        self.warnings: list[str] = list(self._open_warnings)
        self.fps: float = nominal if nominal is not None else _FALLBACK_FPS
        self.frame_count: int | None = int(count) if math.isfinite(count) and count > 0 else None
        self.duration: float | None = (
            self.frame_count / self.fps if self.frame_count is not None else None
        )
        self.frames_read = 0
        self.frames_lost = self._lost_total = 0
        self.step = 1  # iterating yields one frame in ``step`` (see model_step)
        self.truncated = False
        self.timestamps_from = "container"
        self._capture: cv2.VideoCapture | None = None

    def _open_capture(self) -> cv2.VideoCapture:
        # FFmpeg's own log ("error reading header") bypasses OpenCV's level: silence fd 2 too,
        # our VideoError says what went wrong in one line.
        with _opencv_log_level(cv2.utils.logging.LOG_LEVEL_SILENT), _native_stderr_silenced():
            quiet_ffmpeg_logs()
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise VideoError(
                f"{self.name} could not be opened as a video (not a video file, an unsupported "
                "codec, or a damaged/truncated file)"
            )
        return cap

    def __iter__(self) -> Iterator[Frame]:
        return self.frames(step=self.step)

    def frames(self, start: int = 0, stop: int | None = None, step: int = 1) -> Iterator[Frame]:
        """Decode frames ``start <= index < stop`` (all by default), from the first frame again;
        with ``step``, only those whose index is a multiple of it (the others are not converted).

        Frames before ``start`` are decoded but not converted (``grab``) so that indices and
        timestamps are exactly those of a full pass. A packet that fails to decode is skipped;
        after ``skip_limit`` failures in a row the file is taken to have ended. Frames lost
        inside ``[start, stop)`` are counted in ``frames_lost`` and named in ``warnings``.
        """
        self.close()
        cap = self._capture = self._open_capture()
        self.frames_read = self.frames_lost = self._lost_total = 0
        self.truncated = False
        self.timestamps_from = "container"
        self.warnings = list(self._open_warnings)
        clock = _Clock(self, start)
        index = failed = 0
        try:
            while stop is None or index < stop:
                ok = cap.grab()
                if not ok:
                    failed += 1
                    if failed >= self.skip_limit:
                        break
                    continue
                if failed:
                    self._note_lost(failed, clock.prev, index >= start)
                    failed = 0
                t_s = clock.next(cap, index)
                self.frames_read = index + 1
                if index >= start and index % step == 0:
                    yield Frame(index, t_s, cap.retrieve()[1])
                index += 1
        finally:
            self.close()
        if stop is None:
            self._check_complete()

    @property
    def open_warnings(self) -> list[str]:
        """Warnings known at open (they do not depend on which frames are read)."""
        return list(self._open_warnings)

    @property
    def skip_limit(self) -> int:
        """Failed reads in a row taken as the end of the file (about 10 s of frames)."""
        return max(_MIN_SKIP_LIMIT, int(_SKIP_LIMIT_S * self.fps))

    def _note_lost(self, n: int, after_s: float | None, counted: bool) -> None:
        self._lost_total += n
        if not counted:
            return
        self.frames_lost += n
        where = "at the start" if after_s is None else f"after {after_s:.2f} s"
        self.warnings.append(f"{self.name}: {n} damaged frame(s) skipped {where}")

    def _check_complete(self) -> None:
        expected = self.frame_count
        if expected is None:
            return
        missing = expected - self.frames_read - self._lost_total
        if missing >= _TRUNCATED_MIN_MISSING and missing >= _TRUNCATED_MIN_FRACTION * expected:
            self.truncated = True
            self.warnings.append(
                f"{self.name}: decoding stopped after {self.frames_read} of about {expected} "
                "frames; the file may be truncated or damaged"
            )

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> "VideoSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"VideoSource({self.name!r}, {self.width}x{self.height}, {self.fps:g} fps, "
            f"frames~{self.frame_count})"
        )


def model_step(fps: float) -> int:
    """Frames per pose-model frame: about 30 a second from high frame rate clips (60, 120, 240
    fps), every frame below 45 fps. Measured in benchmarks/bench_high_fps.py: the same reps and
    faults, hip angle error within 0.15 deg of running on every frame."""
    return max(1, round(fps / MODEL_FPS)) if fps >= 1.5 * MODEL_FPS else 1


def open_video(path: str | Path) -> VideoSource:
    """Open a video file: InputError if it does not exist, VideoError if it cannot be decoded."""
    return VideoSource(path)


def list_videos(folder: str | Path) -> list[Path]:
    """Video files directly in ``folder`` (by extension, any case), sorted by name.

    Hidden files are skipped (including the writer's ``.NAME.partial-*.EXT`` temporaries).
    """
    folder = Path(folder)
    if not folder.exists():
        raise InputError(f"folder not found: {folder}")
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in VIDEO_EXTENSIONS
    )


# -- cameras ----------------------------------------------------------------------------------
class CameraSource:
    """A webcam. Iterating yields frames until ``close()``; ``t_s`` is ``time.monotonic()``
    relative to when the camera was opened (strictly increasing).

    A camera that stops delivering frames (``max_failures`` reads in a row) raises VideoError.
    """

    def __init__(
        self, index: int = 0, *, width: int | None = None, height: int | None = None,
        fps: float | None = None, max_failures: int = 30,
    ) -> None:
        self.index = int(index)
        self.max_failures = max_failures
        self.warnings: list[str] = []
        with _opencv_log_level(cv2.utils.logging.LOG_LEVEL_SILENT):
            cap = cv2.VideoCapture(self.index)
        if not cap.isOpened():
            cap.release()
            raise VideoError(
                f"camera {self.index} could not be opened (no camera there, no permission, "
                "or another program is using it)"
            )
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if fps:
            cap.set(cv2.CAP_PROP_FPS, fps)
        ok, first = cap.read()
        if not ok or first is None:
            cap.release()
            raise VideoError(f"camera {self.index} opened but delivered no frame")
        self._capture: cv2.VideoCapture | None = cap
        self._pending: np.ndarray | None = first
        self.height, self.width = (int(v) for v in first.shape[:2])
        self.fps = _plausible_fps(cap.get(cv2.CAP_PROP_FPS)) or _FALLBACK_FPS
        self.t0_monotonic = time.monotonic()
        self.frames_read = 0

    def __iter__(self) -> Iterator[Frame]:
        prev = -math.inf
        failures = 0
        while self._capture is not None:
            if self._pending is not None:
                bgr, self._pending = self._pending, None
                ok = True
            else:
                ok, bgr = self._capture.read()
            if not ok or bgr is None:
                failures += 1
                if failures >= self.max_failures:
                    raise VideoError(f"camera {self.index} stopped delivering frames")
                continue
            failures = 0
            t_s = max(time.monotonic() - self.t0_monotonic, prev + 1e-6)
            prev = t_s
            yield Frame(self.frames_read, t_s, bgr)
            self.frames_read += 1

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> "CameraSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_camera(index: int = 0, **kwargs: object) -> CameraSource:
    """Open webcam ``index``; VideoError when there is none (see CameraSource for options)."""
    return CameraSource(index, **kwargs)  # type: ignore[arg-type]


def display_available() -> bool:
    """Whether a highgui window can be opened.

    On Linux the wheel's highgui is Qt5 with only the ``xcb`` platform plugin: without an X
    display ``cv2.namedWindow`` does not raise, Qt aborts the whole process (SIGABRT). Check this
    first and raise a clear error instead.
    """
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY"))
    return True


__all__ = [
    "VIDEO_EXTENSIONS", "WRITER_EXTENSIONS", "Frame", "VideoSource", "CameraSource",
    "VideoWriter", "open_video", "open_camera", "list_videos", "ffmpeg_available",
    "display_available",
]
