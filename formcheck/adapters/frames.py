"""Grab a few chosen frames of a video (OpenCV), without decoding the whole clip.

The HTML report needs a handful of frames (one per fault, a thumbnail). Decoding a 40 s clip to
reach them costs seconds; seeking costs a fraction of that. OpenCV's FFmpeg seek lands on the
right frame for the clips we tried, but a variable-frame-rate file may land elsewhere, so each
grabbed frame's container time is checked against the landmark series' time of that frame, and
on any mismatch the frames are taken by decoding from the start instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from formcheck.adapters.stdio import native_stderr_silenced, quiet_ffmpeg_logs
from formcheck.adapters.video import open_video

__all__ = ["each_frame"]

# Decode forward rather than seek when the next wanted frame is this close: a seek restarts
# decoding at the previous key frame, which may be further back than that.
_SEEK_MIN_GAP = 45


def each_frame(path: str | Path, indices: list[int], t_s: np.ndarray | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """The BGR frames at ``indices`` (0-based decode order), one at a time in index order; missing
    ones are left out. A caller that keeps a crop of each holds one full frame at a time (a
    10-minute 1080p set's keyframes, all grabbed at once, held ~400 MB).

    ``t_s``: each frame's time from the landmark series. When given, a seeked frame whose
    container time differs by more than half a frame sends the rest down the slow, exact path.
    """
    wanted = sorted({int(i) for i in indices if int(i) >= 0})
    if not wanted:
        return
    done: set[int] = set()
    try:
        for k, bgr in _grab_by_seeking(Path(path), wanted, t_s):
            done.add(k)
            yield k, bgr
        return
    except _Misplaced:
        pass
    yield from _grab_by_decoding(Path(path), set(wanted) - done)


class _Misplaced(Exception):
    """A seek landed on another frame than asked (variable frame rate): decode instead."""


def _half_frame_s(t_s: np.ndarray | None) -> float:
    if t_s is None or t_s.size < 2:
        return float("inf")
    return 0.5 * float(np.median(np.diff(t_s)))


def _grab_by_seeking(path: Path, wanted: list[int], t_s: np.ndarray | None) -> Iterator[tuple[int, np.ndarray]]:
    """Seek to far frames, grab through near ones; ``_Misplaced`` when a frame's time does not
    match (the frames yielded before it were checked and are right)."""
    tol_s = _half_frame_s(t_s)
    open_video(path).close()  # validates the file, with our own error messages
    with native_stderr_silenced():
        quiet_ffmpeg_logs()
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    pos = 0  # index of the next frame cap.grab() returns
    try:
        for k in wanted:
            if k - pos > _SEEK_MIN_GAP or k < pos:
                cap.set(cv2.CAP_PROP_POS_FRAMES, k)
                pos = k
            while pos < k:
                if not cap.grab():
                    return
                pos += 1
            if not cap.grab():
                return
            pos += 1
            ok, bgr = cap.retrieve()
            if not ok or bgr is None:
                return
            if t_s is not None and k < t_s.size:
                got_s = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                if not np.isfinite(got_s) or abs(got_s - float(t_s[k])) > tol_s:
                    raise _Misplaced(k)
            yield k, bgr
    finally:
        cap.release()


def _grab_by_decoding(path: Path, wanted: set[int]) -> Iterator[tuple[int, np.ndarray]]:
    if not wanted:
        return
    last = max(wanted)
    with open_video(path) as video:
        for frame in video:
            if frame.index in wanted:
                yield frame.index, frame.bgr
            if frame.index >= last:
                break
