"""Annotated video: the clip re-decoded with the overlay of each frame, then a summary card.

Reads the finished SetReport (offline-refined angles, counts and cues via ``timeline.replay``),
so the video shows exactly what the JSON report says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from formcheck.core.errors import VideoError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.draw.overlay import clip_box, draw_overlay, draw_summary_card, plan_layout
from formcheck.core.report import SetReport
from formcheck.core.timeline import replay
from formcheck.adapters.video import VideoWriter, ffmpeg_available, open_video

END_CARD_S = 3.0
# The annotated video is drawn at most this tall (the short side): a 1080p or 4K phone clip is
# reviewed on a phone or a laptop, and drawing and encoding cost grows with the pixels (a 1080p
# frame cost 23 ms to draw and 18-30 ms to encode, against 4 and 6-13 at 720p).
VIDEO_MAX_SHORT_SIDE_PX = 720


def video_size(size: tuple[int, int]) -> tuple[int, int]:
    """The annotated video's frame size for a clip of ``size`` (width, height)."""
    w, h = size
    scale = min(1.0, VIDEO_MAX_SHORT_SIDE_PX / max(1, min(w, h)))
    return (w, h) if scale >= 1.0 else (max(2, round(w * scale)), max(2, round(h * scale)))


def fit_frame(bgr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``bgr`` at ``size`` (area averaging when it shrinks)."""
    if (bgr.shape[1], bgr.shape[0]) == tuple(size):
        return bgr
    return cv2.resize(bgr, tuple(size), interpolation=cv2.INTER_AREA)


def annotated_suffix() -> str:
    """H.264 .mp4 when the bundled ffmpeg is there (plays everywhere), else VP8 .webm."""
    return ".mp4" if ffmpeg_available() else ".webm"


def clip_layout(series: LandmarkSeries, report: SetReport, size: tuple[int, int]) -> Any:
    """One layout for the whole clip, from the body's extent over it: panels never cover the
    athlete, and when the frame has no room the video grows by a band that holds them."""
    return plan_layout(*size, clip_box(series.image, *size), band=True,
                       n_count_cols=max(1, len(report.reps_by_side) + (len(report.reps_by_side) > 1)))


def draw_frame(bgr: np.ndarray, series: LandmarkSeries, i: int, result: Any, report: SetReport,
               layout: Any) -> np.ndarray:
    """The overlay of the series' frame ``i`` drawn on ``bgr`` (no skeleton where nobody was found)."""
    lms = series.image[i] if i < len(series) else None
    if lms is not None and not np.isfinite(lms[:, 0]).any():
        lms = None
    return draw_overlay(bgr, lms, result, working_side=report.working_side, layout=layout)


def check_frame_size(video_path: Path, size: tuple[int, int], series: LandmarkSeries) -> None:
    """VideoError when the clip's frames are not the size its (cached) landmarks were read at."""
    if tuple(size) != tuple(series.image_size):
        raise VideoError(f"{Path(video_path).name}: frame size changed since the landmarks were cached; "
                         "run again with --no-cache")


def write_annotated(video_path: Path, series: LandmarkSeries, report: SetReport, out_path: Path) -> Path:
    """Write the annotated video to ``out_path`` (suffix adjusted to what can be encoded)."""
    out_path = Path(out_path).with_suffix(annotated_suffix())
    results = replay(report, report.targets_deg(), report.cue_s)
    n = len(series)
    fps = (n - 1) / (series.t_s[-1] - series.t_s[0]) if n > 1 and series.t_s[-1] > series.t_s[0] else 30.0
    with open_video(video_path) as video:
        check_frame_size(video_path, (video.width, video.height), series)
        size = video_size((video.width, video.height))
        layout = clip_layout(series, report, size)
        with VideoWriter(out_path, fps=fps, size=layout.canvas, fast=True) as writer:
            for frame, result in zip(video, results):
                writer.write(draw_frame(fit_frame(frame.bgr, size), series, frame.index, result, report, layout))
            card = draw_summary_card(report, size=layout.canvas)
            for _ in range(int(END_CARD_S * fps)):
                writer.write(card)
    return out_path
