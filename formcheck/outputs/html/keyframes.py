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

__all__ = ["Keyframe", "PageImages", "build_images", "jpeg_data_uri"]

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


def build_images(report: SetReport, series: LandmarkSeries, video_path: Path | None, *,
                 targets_deg: dict[str, float], cue_s: float, thumbnail: bool = True) -> PageImages:
    """One keyframe per fault of each counted rep, in rep order, and an optional thumbnail.

    ``video_path``: the source clip, or None (a landmark file): the skeleton is then drawn on a
    plain background. ``targets_deg`` and ``cue_s`` are the profile's, as for the annotated video.
    """
    faults = [(rep.index, k, f) for rep in report.reps for k, f in enumerate(rep.faults)]
    thumb_frame = _thumbnail_frame(report, series) if thumbnail else None
    wanted = {f.frame for _, _, f in faults} | ({thumb_frame} if thumb_frame is not None else set())
    w, h = series.image_size
    frames: dict[int, np.ndarray] = {}
    if video_path is not None and wanted:
        from formcheck.adapters.frames import grab_frames

        frames = grab_frames(video_path, sorted(wanted), series.t_s)
    results = {}
    if wanted and report.frames_table:
        last = max(wanted)
        for res in replay(report, targets_deg, cue_s):
            if res.frame in wanted:
                results[res.frame] = res
            if res.frame >= last:
                break

    def base(frame: int) -> np.ndarray:
        img = frames.get(frame)
        if img is None or img.shape[:2] != (h, w):
            return np.full((h, w, 3), _BLANK_BGR, np.uint8)
        return img

    keyframes: list[Keyframe] = []
    for rep_index, k, fault in faults:
        lms = _landmarks(series, fault.frame)
        box = _body_box(lms, w, h)
        crop = _fit(base(fault.frame)[box[1]:box[3], box[0]:box[2]], KEYFRAME_MAX_SIDE_PX)
        if fault.frame in results:  # drawn on the crop, at its final size: whole panels, crisp text
            crop = draw_overlay(crop, _into_box(lms, box, w, h), results[fault.frame],
                                working_side=report.working_side)
        keyframes.append(Keyframe(rep_index, k, fault.code, fault.frame, fault.t_s, jpeg_data_uri(crop),
                                  crop.shape[1], crop.shape[0]))
    thumb = ""
    if thumb_frame is not None and (thumb_frame in frames or video_path is None):
        lms = _landmarks(series, thumb_frame)
        img = base(thumb_frame)
        if video_path is None and thumb_frame in results:  # no picture: the skeleton is the picture
            img = draw_overlay(img, lms, results[thumb_frame], working_side=report.working_side)
        x0, y0, x1, y1 = _body_box(lms, w, h)
        thumb = jpeg_data_uri(_fit(img[y0:y1, x0:x1], THUMB_MAX_SIDE_PX))
    return PageImages(tuple(keyframes), thumb, "video" if video_path is not None else "landmarks")
