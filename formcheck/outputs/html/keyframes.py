"""Keyframes of the HTML report: the frame of each fault with its overlay, cropped to the body.

Frames come from the source video (a few seeks, not a decode of the whole clip) and get the same
overlay as the annotated video (``draw.overlay`` on the report's replayed frame results), so a
keyframe exists with or without ``--annotate``. A landmark file has no video: its keyframes are
the skeleton on a plain background. Images are embedded as base64 JPEG data URIs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport
from formcheck.core.timeline import replay
from formcheck.draw.overlay import MIN_VISIBILITY, draw_overlay

__all__ = ["FrameKeeper", "Keyframe", "PageImages", "build_images", "jpeg_data_uri"]

KEYFRAME_MAX_SIDE_PX = 560
THUMB_MAX_SIDE_PX = 200
JPEG_QUALITY = 72
_BODY_PAD = 0.18  # of the body box's larger side, around it
_BLANK_BGR = (58, 52, 48)


@dataclass(frozen=True)
class Keyframe:
    rep: int  # rep index (1-based)
    fault: int  # position of the fault in that rep's faults
    code: str
    frame: int
    t_s: float
    uri: str  # data:image/jpeg;base64,...
    width: int
    height: int


@dataclass(frozen=True)
class PageImages:
    keyframes: tuple[Keyframe, ...] = ()
    thumbnail: str = ""  # data URI, "" when there is none
    origin: str = "video"  # "video": from the clip; "landmarks": skeleton only (no video)


def jpeg_data_uri(bgr: np.ndarray, quality: int = JPEG_QUALITY) -> str:
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality), cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _body_box(landmarks: np.ndarray | None, w: int, h: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around the visible landmarks, padded, at least 4:3 wide or 3:4 tall."""
    if landmarks is None:
        return 0, 0, w, h
    pts = landmarks[(landmarks[:, 3] >= MIN_VISIBILITY) & np.isfinite(landmarks[:, 0])][:, :2]
    if len(pts) < 3:
        return 0, 0, w, h
    x0, y0 = pts.min(axis=0) * (w, h)
    x1, y1 = pts.max(axis=0) * (w, h)
    pad = _BODY_PAD * max(x1 - x0, y1 - y0, 0.1 * min(w, h))
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    bw, bh = x1 - x0, y1 - y0
    if bw < 0.75 * bh:  # too tall and thin: widen
        x0, x1 = (x0 + x1 - 0.75 * bh) / 2, (x0 + x1 + 0.75 * bh) / 2
    elif bh < 0.5 * bw:  # a body lying flat: give it some height
        y0, y1 = (y0 + y1 - 0.5 * bw) / 2, (y0 + y1 + 0.5 * bw) / 2
    return _clamp_box(x0, y0, x1, y1, w, h)


def _clamp_box(x0: float, y0: float, x1: float, y1: float, w: int, h: int) -> tuple[int, int, int, int]:
    """Shift a box inside the frame (shrinking only when it is larger than the frame)."""
    bw, bh = min(x1 - x0, w), min(y1 - y0, h)
    x0 = min(max(x0, 0.0), w - bw)
    y0 = min(max(y0, 0.0), h - bh)
    return int(round(x0)), int(round(y0)), int(round(x0 + bw)), int(round(y0 + bh))


def _into_box(landmarks: np.ndarray | None, box: tuple[int, int, int, int], w: int, h: int) -> np.ndarray | None:
    """Landmarks as fractions of the cropped box instead of the whole frame."""
    if landmarks is None:
        return None
    x0, y0, x1, y1 = box
    out = landmarks.copy()
    out[:, 0] = (landmarks[:, 0] * w - x0) / (x1 - x0)
    out[:, 1] = (landmarks[:, 1] * h - y0) / (y1 - y0)
    return out


def _fit(img: np.ndarray, max_side: int) -> np.ndarray:
    h, w = img.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return img
    return cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def _landmarks(series: LandmarkSeries, frame: int) -> np.ndarray | None:
    if frame >= len(series):
        return None
    lms = series.image[frame]
    return lms if np.isfinite(lms[:, 0]).any() else None


def _thumbnail_frame(report: SetReport, series: LandmarkSeries) -> int | None:
    if report.reps:
        return report.reps[0].top_frame
    present = np.flatnonzero(series.present)
    return int(present[present.size // 2]) if present.size else None


class FrameKeeper:
    """The body crops of the frames the page needs, kept while another pass decodes the clip.

    ``formcheck analyze`` already decodes every frame for the annotated video: offering each
    frame here (``offer``) spares the page a second decode. Only crops are kept, so memory stays
    small on 4K clips. ``fill_from`` grabs whatever no pass offered (``--no-annotate``).
    """

    def __init__(self, report: SetReport, series: LandmarkSeries, *, thumbnail: bool = True) -> None:
        self._series = series
        thumb = _thumbnail_frame(report, series) if thumbnail else None
        self.thumbnail_frame = thumb
        self.wanted = {f.frame for r in report.reps for f in r.faults} | ({thumb} if thumb is not None else set())
        self.crops: dict[int, np.ndarray] = {}

    def box(self, frame: int) -> tuple[int, int, int, int]:
        return _body_box(_landmarks(self._series, frame), *self._series.image_size)

    def offer(self, frame: int, bgr: np.ndarray) -> None:
        w, h = self._series.image_size
        if frame in self.wanted and bgr.shape[:2] == (h, w):
            x0, y0, x1, y1 = self.box(frame)
            # At most the page's size: a 10-minute 1080p set has a hundred of them.
            self.crops[frame] = _fit(bgr[y0:y1, x0:x1], KEYFRAME_MAX_SIDE_PX).copy()

    def fill_from(self, video_path: Path) -> None:
        missing = sorted(self.wanted - self.crops.keys())
        if missing:
            from formcheck.adapters.frames import each_frame

            for frame, bgr in each_frame(video_path, missing, self._series.t_s):
                self.offer(frame, bgr)

    def crop(self, frame: int) -> np.ndarray:
        """The kept crop, or a plain one of the same box (no video: the skeleton is the picture)."""
        if frame in self.crops:
            return self.crops[frame]
        x0, y0, x1, y1 = self.box(frame)
        return np.full((y1 - y0, x1 - x0, 3), _BLANK_BGR, np.uint8)


def build_images(report: SetReport, series: LandmarkSeries, video_path: Path | None, *,
                 targets_deg: dict[str, float], cue_s: float, keeper: FrameKeeper | None = None) -> PageImages:
    """One keyframe per fault of each counted rep, in rep order, and a thumbnail.

    ``video_path``: the source clip, or None (a landmark file): the skeleton is then drawn on a
    plain background. ``targets_deg`` and ``cue_s`` are the profile's, as for the annotated video.
    ``keeper``: frames already kept by the annotation pass (the rest are grabbed from the clip).
    """
    keeper = keeper or FrameKeeper(report, series)
    if video_path is not None:
        keeper.fill_from(video_path)
    results = {}
    if keeper.wanted and report.frames_table:
        last = max(keeper.wanted)
        for res in replay(report, targets_deg, cue_s):
            if res.frame in keeper.wanted:
                results[res.frame] = res
            if res.frame >= last:
                break
    w, h = series.image_size

    def picture(frame: int, max_side: int, overlay: bool) -> np.ndarray:
        img = _fit(keeper.crop(frame), max_side)
        if overlay and frame in results:  # drawn on the crop at its final size: whole panels, crisp text
            img = draw_overlay(img, _into_box(_landmarks(series, frame), keeper.box(frame), w, h),
                               results[frame], working_side=report.working_side)
        return img

    keyframes = []
    for rep in report.reps:
        for k, fault in enumerate(rep.faults):
            img = picture(fault.frame, KEYFRAME_MAX_SIDE_PX, True)
            keyframes.append(Keyframe(rep.index, k, fault.code, fault.frame, fault.t_s, jpeg_data_uri(img),
                                      img.shape[1], img.shape[0]))
    thumb, frame = "", keeper.thumbnail_frame
    if frame is not None and (frame in keeper.crops or video_path is None):
        thumb = jpeg_data_uri(picture(frame, THUMB_MAX_SIDE_PX, video_path is None))
    return PageImages(tuple(keyframes), thumb, "video" if video_path is not None else "landmarks")
