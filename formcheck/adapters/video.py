"""OpenCV video I/O: read clips and cameras, write browser-playable video atomically.

The only cv2 build is the one mediapipe brings in (``opencv-contrib-python``, FFmpeg inside).
What it can do, measured on opencv-contrib-python 5.0.0.93 (see models/README.md):

- read mp4/mov/avi/webm/mkv; phone clips with rotation metadata come out upright
  (``CAP_PROP_ORIENTATION_AUTO`` is on by default) and width/height are reported after rotation;
- write VP8 in WebM (plays in Chromium/Firefox; about 26 fps at 1280x720 on 2 CPU cores) but
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, NamedTuple

# FFmpeg's decoder log (e.g. "Invalid NAL unit size" on a truncated file) goes straight to
# stderr; VideoSource reports truncation in its warnings instead. Must be set before cv2 loads.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from formcheck.adapters.stdio import native_stderr_silenced as _native_stderr_silenced
from formcheck.core.errors import InputError, VideoError

VIDEO_EXTENSIONS: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")
WRITER_EXTENSIONS: tuple[str, ...] = (".webm", ".mp4")

# A reported frame rate outside this range is treated as unknown.
_MAX_PLAUSIBLE_FPS = 1000.0
_FALLBACK_FPS = 30.0
# Decoding that stops this many frames (and this fraction) short of the container's count
# is reported as truncated. Frame counts of some containers are estimates (duration * fps).
_TRUNCATED_MIN_MISSING = 3
_TRUNCATED_MIN_FRACTION = 0.05


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
    already applied). After iterating: ``frames_read``, ``truncated``, ``timestamps_from``
    ("container" or "index"), ``warnings`` (messages for the user, in order).

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
        self.truncated = False
        self.timestamps_from = "container"
        self._capture: cv2.VideoCapture | None = None

    def _open_capture(self) -> cv2.VideoCapture:
        # FFmpeg's own log ("error reading header") bypasses OpenCV's level: silence fd 2 too,
        # our VideoError says what went wrong in one line.
        with _opencv_log_level(cv2.utils.logging.LOG_LEVEL_SILENT), _native_stderr_silenced():
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise VideoError(
                f"{self.name} could not be opened as a video (not a video file, an unsupported "
                "codec, or a damaged/truncated file)"
            )
        return cap

    def __iter__(self) -> Iterator[Frame]:
        self.close()
        cap = self._capture = self._open_capture()
        self.frames_read = 0
        self.truncated = False
        self.timestamps_from = "container"
        self.warnings = list(self._open_warnings)
        step = 1.0 / self.fps
        prev: float | None = None
        index = 0
        try:
            while True:
                ok, bgr = cap.read()
                if not ok or bgr is None:
                    break
                t_s: float | None = None
                if self.timestamps_from == "container":
                    t_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
                    if math.isfinite(t_ms) and (prev is None or t_ms / 1000.0 > prev):
                        t_s = t_ms / 1000.0
                    else:
                        self.timestamps_from = "index"
                        self.warnings.append(
                            f"{self.name}: container timestamps stop increasing at frame {index} "
                            f"({t_ms:.1f} ms); using steps of 1/{self.fps:g} s from there"
                        )
                if t_s is None:
                    t_s = 0.0 if prev is None else prev + step
                prev = t_s
                self.frames_read = index + 1
                yield Frame(index, t_s, bgr)
                index += 1
        finally:
            self.close()
        self._check_complete()

    def _check_complete(self) -> None:
        expected = self.frame_count
        if expected is None:
            return
        missing = expected - self.frames_read
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


def open_video(path: str | Path) -> VideoSource:
    """Open a video file: InputError if it does not exist, VideoError if it cannot be decoded."""
    return VideoSource(path)


def list_videos(folder: str | Path) -> list[Path]:
    """Video files directly in ``folder`` (by extension, any case), sorted by name.

    Hidden files are skipped (including the writer's ``.NAME.partial.EXT`` temporaries).
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


# -- writing ----------------------------------------------------------------------------------
def _ffmpeg_exe() -> str | None:
    """The ffmpeg binary shipped by the optional imageio-ffmpeg package, if installed."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


class VideoWriter:
    """Write a browser-playable video atomically.

    ``.webm``: VP8 through OpenCV (always available). ``.mp4``: H.264 (yuv420p, faststart)
    through the ffmpeg of the optional ``imageio-ffmpeg`` package; VideoError if it is missing.
    Frames go to a hidden temporary file beside the target (``.NAME.partial.EXT``) that is
    renamed over the target by ``close()``. ``abort()`` - and leaving the ``with`` block by an
    exception - deletes it, so a half-written file never looks like a finished one.

    ``size`` is (width, height); when omitted it is taken from the first frame.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int] | None = None) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in WRITER_EXTENSIONS:
            raise VideoError(
                f"cannot write {self.path.name}: browser-playable output must end in "
                f"{' or '.join(WRITER_EXTENSIONS)}"
            )
        if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
            raise VideoError(f"cannot write {self.path.name}: frame rate must be positive, got {fps!r}")
        self._ffmpeg = None
        if suffix == ".mp4":
            self._ffmpeg = _ffmpeg_exe()
            if self._ffmpeg is None:
                raise VideoError(
                    f"cannot write {self.path.name}: H.264 .mp4 output needs the imageio-ffmpeg "
                    "package (pip install imageio-ffmpeg); or write .webm instead"
                )
        if not self.path.parent.is_dir():
            raise VideoError(f"cannot write {self.path.name}: folder {self.path.parent} does not exist")
        self.fps = float(fps)
        self.size = None if size is None else (int(size[0]), int(size[1]))
        self.tmp_path = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix}")
        self.frames_written = 0
        self._cv_writer: cv2.VideoWriter | None = None
        self._proc: subprocess.Popen | None = None
        self._stderr: tempfile.SpooledTemporaryFile | None = None
        self._closed = False
        if self.size is not None:
            self._start()

    # the encoder starts when the frame size is known
    def _start(self) -> None:
        assert self.size is not None
        w, h = self.size
        if w <= 0 or h <= 0:
            raise VideoError(f"cannot write {self.path.name}: bad frame size {w}x{h}")
        self.tmp_path.unlink(missing_ok=True)
        if self._ffmpeg is None:
            with _native_stderr_silenced():
                writer = cv2.VideoWriter(
                    str(self.tmp_path), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*"VP80"),
                    self.fps, (w, h),
                )
            if not writer.isOpened():
                writer.release()
                self.tmp_path.unlink(missing_ok=True)
                raise VideoError(f"cannot write {self.path.name}: OpenCV could not start a VP8 encoder")
            self._cv_writer = writer
        else:
            self._stderr = tempfile.SpooledTemporaryFile(max_size=1 << 16)
            cmd = [
                self._ffmpeg, "-nostdin", "-y", "-loglevel", "error",
                "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", f"{self.fps:.6g}",
                "-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", "-f", "mp4", str(self.tmp_path),
            ]
            try:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=self._stderr)
            except OSError as exc:
                raise VideoError(f"cannot write {self.path.name}: could not start ffmpeg ({exc})") from exc

    def write(self, frame_bgr: np.ndarray) -> None:
        """Append one BGR uint8 frame of the writer's size."""
        if self._closed:
            raise VideoError(f"{self.path.name}: write after close")
        frame = np.asarray(frame_bgr)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise VideoError(
                f"{self.path.name}: frames must be BGR uint8 (H, W, 3), got {frame.dtype} {frame.shape}"
            )
        if self.size is None:
            self.size = (frame.shape[1], frame.shape[0])
            self._start()
        if (frame.shape[1], frame.shape[0]) != self.size:
            raise VideoError(
                f"{self.path.name}: frame is {frame.shape[1]}x{frame.shape[0]}, "
                f"the video is {self.size[0]}x{self.size[1]}"
            )
        if self._cv_writer is not None:
            self._cv_writer.write(frame)
        else:
            assert self._proc is not None and self._proc.stdin is not None
            try:
                self._proc.stdin.write(np.ascontiguousarray(frame).tobytes())
            except (BrokenPipeError, OSError) as exc:
                raise VideoError(f"{self.path.name}: ffmpeg stopped ({self._ffmpeg_error()})") from exc
        self.frames_written += 1

    def _ffmpeg_error(self) -> str:
        if self._stderr is None:
            return "no message"
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else "no message"

    def _finish_encoder(self) -> None:
        if self._cv_writer is not None:
            self._cv_writer.release()
            self._cv_writer = None
        if self._proc is not None:
            proc, self._proc = self._proc, None
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
            except OSError:
                pass
            code = proc.wait()
            if code != 0:
                raise VideoError(f"{self.path.name}: ffmpeg failed ({self._ffmpeg_error()})")

    def close(self) -> Path:
        """Finish the file and move it into place; returns the final path."""
        if self._closed:
            return self.path
        self._closed = True
        try:
            if self.frames_written == 0:
                raise VideoError(f"{self.path.name}: no frames were written")
            self._finish_encoder()
            if not self.tmp_path.is_file() or self.tmp_path.stat().st_size == 0:
                raise VideoError(f"{self.path.name}: the encoder produced no output")
            self.tmp_path.replace(self.path)
        except BaseException:
            self._discard()
            raise
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        return self.path

    def abort(self) -> None:
        """Stop and delete the partial file; the target path is left untouched."""
        self._closed = True
        self._discard()

    def _discard(self) -> None:
        if self._cv_writer is not None:
            self._cv_writer.release()
            self._cv_writer = None
        if self._proc is not None:
            proc, self._proc = self._proc, None
            proc.kill()
            proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def display_available() -> bool:
    """Whether a highgui window can be opened.

    On Linux the wheel's highgui is Qt5 with only the ``xcb`` platform plugin: without an X
    display ``cv2.namedWindow`` does not raise, Qt aborts the whole process (SIGABRT). Check this
    first and raise a clear error instead.
    """
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY"))
    return True


def ffmpeg_available() -> bool:
    """True when ``.mp4`` (H.264) output is possible (imageio-ffmpeg installed)."""
    return _ffmpeg_exe() is not None


__all__ = [
    "VIDEO_EXTENSIONS", "WRITER_EXTENSIONS", "Frame", "VideoSource", "CameraSource",
    "VideoWriter", "open_video", "open_camera", "list_videos", "ffmpeg_available",
    "display_available",
]
