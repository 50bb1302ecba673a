"""Writing browser-playable video atomically (split from video.py, which re-exports it).

``.webm``: VP8 through OpenCV (always available). ``.mp4``: H.264 through the ffmpeg binary of
the optional ``imageio-ffmpeg`` package. The ffmpeg child runs in its own session, so a Ctrl-C
at the terminal (SIGINT to the foreground process group) reaches only formcheck, which then
finishes or discards the file itself; the encoder never dies half-way on its own.
"""

from __future__ import annotations

import math
import os
import secrets
import subprocess
import tempfile
from pathlib import Path


import cv2
import numpy as np

from formcheck.adapters.stdio import native_stderr_silenced as _native_stderr_silenced
from formcheck.adapters.stdio import quiet_ffmpeg_logs
from formcheck.core.errors import VideoError

WRITER_EXTENSIONS: tuple[str, ...] = (".webm", ".mp4")


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
    Frames go to a hidden temporary file beside the target (``.NAME.partial-PID-TOKEN.EXT``) that is
    renamed over the target by ``close()``. ``abort()`` - and leaving the ``with`` block by an
    exception - deletes it, so a half-written file never looks like a finished one.

    ``size`` is (width, height); when omitted it is taken from the first frame. ``threads``: the
    H.264 encoder's threads (default: ffmpeg's choice, about 1.5 per core; at 1080p its peak was
    390 MB, 312 MB with one thread); writers that run side by side, one per core, pass 1.
    ``fast``: x264's "ultrafast" preset instead of "veryfast", for the annotated video: about half
    the encoder's time and 0.6x its memory for about four times the bytes (~4 Mbit/s at 720p,
    still well under a phone's own recording; ``benchmarks/bench_encoder.py``). Rendered
    ground-truth clips keep "veryfast" (the pose model reads them).
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int] | None = None,
                 threads: int | None = None, fast: bool = False) -> None:
        self.path = Path(path)
        self.threads = threads
        self.preset = "ultrafast" if fast else "veryfast"
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
        # Unique per writer: two runs into one folder never write the same temporary file.
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.tmp_path = self.path.with_name(f".{self.path.stem}.partial-{token}{self.path.suffix}")
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
                quiet_ffmpeg_logs()
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
                "-c:v", "libx264", "-preset", self.preset, "-crf", "23", "-pix_fmt", "yuv420p",
                *(["-threads", str(self.threads)] if self.threads else []),
                "-movflags", "+faststart", "-f", "mp4", str(self.tmp_path),
            ]
            try:
                # Own session: the terminal's SIGINT must not kill the encoder before close().
                self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=self._stderr,
                                              start_new_session=True)
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


def ffmpeg_exe() -> str | None:
    """Path of the ffmpeg binary that writes ``.mp4`` (imageio-ffmpeg's), or None."""
    return _ffmpeg_exe()


def ffmpeg_available() -> bool:
    """True when ``.mp4`` (H.264) output is possible (imageio-ffmpeg installed)."""
    return _ffmpeg_exe() is not None


__all__ = ["WRITER_EXTENSIONS", "VideoWriter", "ffmpeg_available", "ffmpeg_exe"]
