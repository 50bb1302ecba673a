"""Draw a FrameResult on a video frame: skeleton, rep counter, phase, angles, hip gauge, cues.

Shared by the annotated video of ``formcheck analyze`` and the live window. Renderers hold no
thresholds and do no analysis: every number drawn comes from the ``FrameResult`` (angles,
phase, counts, cues and their severity, ``targets_deg``). Where each panel goes is the
``Layout``'s business (``formcheck.draw.layout``): never over the athlete.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.landmarks import N_LANDMARKS, SIDE_JOINTS, SKELETON_EDGES
from formcheck.core.report import FrameResult
from formcheck.draw.layout import MIN_VISIBILITY, Box, Layout, frame_box, plan_layout
from formcheck.draw.panels import draw_angles, draw_counter, draw_cues, draw_gauge, draw_notice, draw_phase
from formcheck.draw.primitives import AA, BAND, BLACK, BONE, DARK, FAULT, WHITE, WORK, Pen

# Skeleton sizes as fractions of the person's size in the frame (the long side of the box
# around the visible landmarks), so a small figure in a wide frame is drawn as clearly as a
# close one.
BONE_FRAC = 0.008
JOINT_FRAC = 0.013


@dataclass
class Drawn:
    """An overlay and what went into it (for tests and screenshots)."""

    image: np.ndarray
    layout: Layout
    text_px: list[float]  # cap height of every text drawn


def _check_frame(frame_bgr: np.ndarray) -> None:
    if not isinstance(frame_bgr, np.ndarray) or frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
        shape = getattr(frame_bgr, "shape", None)
        raise InputError(f"overlay needs a BGR frame of shape (H, W, 3), got {shape}")
    if frame_bgr.dtype != np.uint8:
        raise InputError(f"overlay needs a uint8 frame, got {frame_bgr.dtype}")


def _points_px(landmarks: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions (33, 2) int and a (33,) mask of drawable points."""
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.shape != (N_LANDMARKS, 4):
        raise InputError(f"image landmarks must have shape ({N_LANDMARKS}, 4), got {lm.shape}")
    xy = lm[:, :2] * np.array([w, h], dtype=np.float64)
    vis = lm[:, 3]
    # NaN visibility with finite x, y: visibility unknown (e.g. synthetic data), draw the point.
    ok = np.all(np.isfinite(xy), axis=1) & ~(vis < MIN_VISIBILITY)
    # Keep far-off-screen points from overflowing OpenCV's int coordinates.
    lim = 4.0 * max(w, h)
    xy = np.clip(np.nan_to_num(xy), -lim, lim)
    return np.rint(xy).astype(np.int32), ok


def _working_set(side: str) -> set[int]:
    sides = ("left", "right") if side == "both" else (side,)
    idx: set[int] = set()
    for sd in sides:
        j = SIDE_JOINTS.get(sd)
        if j:
            idx |= {j["hip"], j["knee"], j["ankle"], j["heel"], j["foot"]}
    return idx


def draw_skeleton(img: np.ndarray, landmarks: np.ndarray, side: str) -> None:
    """Bones and joints, working leg highlighted, sized by the person's size in the frame."""
    h, w = img.shape[:2]
    pts, ok = _points_px(landmarks, w, h)
    box = frame_box(landmarks, w, h)
    person_px = max(box.w, box.h) if box is not None else 0.5 * min(w, h)
    bone = max(2, round(BONE_FRAC * person_px))
    joint = max(3, round(JOINT_FRAC * person_px))
    edge = max(1, round(bone * 0.45))
    work = _working_set(side)
    edges = [(a, b) for a, b in SKELETON_EDGES if ok[a] and ok[b]]
    # Dark outlines first so bones read on light backgrounds, then colours; working leg on top.
    edges.sort(key=lambda e: (e[0] in work and e[1] in work))
    for a, b in edges:
        cv2.line(img, tuple(pts[a]), tuple(pts[b]), DARK, bone + 2 * edge, AA)
    for a, b in edges:
        is_work = a in work and b in work
        thick = bone + (edge if is_work else 0)
        cv2.line(img, tuple(pts[a]), tuple(pts[b]), WORK if is_work else BONE, thick, AA)
    used = {i for e in SKELETON_EDGES for i in e}
    for i in sorted(used, key=lambda i: i in work):
        if not ok[i]:
            continue
        r = joint + (edge if i in work else 0)
        cv2.circle(img, tuple(pts[i]), r + edge, DARK, -1, AA)
        cv2.circle(img, tuple(pts[i]), r, WORK if i in work else WHITE, -1, AA)


def overlay_frame(frame_bgr: np.ndarray, landmarks_image: np.ndarray | None, result: FrameResult, *,
                  working_side: str | None = None, show_fps: float | None = None,
                  latency_ms: float | None = None, banner: str | None = None,
                  layout: Layout | None = None) -> Drawn:
    """``draw_overlay``, also returning the layout used and the size of every text drawn."""
    _check_frame(frame_bgr)
    h, w = frame_bgr.shape[:2]
    if landmarks_image is not None:
        _points_px(landmarks_image, w, h)  # InputError for a wrong shape, before any use
    if layout is None:
        layout = plan_layout(w, h, frame_box(landmarks_image, w, h) if result.person else None,
                             notice=bool(banner))
    if layout.frame != (w, h):
        raise InputError(f"overlay layout is for {layout.frame[0]}x{layout.frame[1]} frames, got {w}x{h}")
    cw, ch = layout.canvas
    if (cw, ch) == (w, h):
        img = frame_bgr.copy()
    else:
        # One C call: filling a fresh canvas from a colour tuple in numpy took ~4 ms at 720p.
        img = cv2.copyMakeBorder(frame_bgr, 0, ch - h, 0, cw - w, cv2.BORDER_CONSTANT, value=BAND)
    pen = Pen(img)
    st, slots = layout.style, layout.slots
    alpha = 0.5 if layout.translucent else 0.7
    side = (working_side or result.working_side or "").lower()
    if not result.person:
        pen.panel(0, 0, w, h, BLACK, 0.35)  # dim the picture so the notice is unmistakable
    elif landmarks_image is not None:
        draw_skeleton(img[:h, :w], landmarks_image, side)
    draw_phase(pen, result, st, slots["phase"], show_fps, latency_ms, alpha)
    draw_counter(pen, result, side, st, slots["counter"], alpha)
    cue_slot = slots["cues"]
    if banner and "notice" not in slots and not result.cues:
        draw_notice(pen, banner, st, cue_slot, border=WORK)
    elif banner:
        draw_notice(pen, banner, st, slots.get("notice", cue_slot), border=WORK)
    draw_cues(pen, result, st, cue_slot)
    if result.person:
        draw_angles(pen, dict(result.angles_deg or {}), st, slots["angles"], alpha)
        draw_gauge(pen, result, st, slots["gauge"], alpha)
    else:
        centre = Box(0, h // 2 - h // 6, w, h // 2 + h // 6)
        draw_notice(pen, "No person in view", st, centre, border=FAULT, scale=st.cue * 1.2)
    return Drawn(img, layout, pen.text_px)


def draw_overlay(frame_bgr: np.ndarray, landmarks_image: np.ndarray | None, result: FrameResult, *,
                 working_side: str | None = None, show_fps: float | None = None,
                 latency_ms: float | None = None, banner: str | None = None,
                 layout: Layout | None = None) -> np.ndarray:
    """Draw one frame's analysis on a copy of ``frame_bgr`` and return the copy.

    The input frame is never modified. Without a ``layout`` the result has the frame's shape and
    the panels avoid this frame's skeleton; with one (``plan_layout``: the body's extent over a
    clip, or ``LivePlacer`` live) the result has the layout's canvas size, band included.

    ``landmarks_image``: (33, 4) normalized x, y (fractions of width and height), z, visibility,
    or None. NaN points and points with visibility below ``MIN_VISIBILITY`` are not drawn.
    ``working_side`` overrides ``result.working_side`` for the leg highlight. ``banner``: an
    extra notice (e.g. live setup guidance). ``show_fps`` / ``latency_ms``: a small readout.
    """
    return overlay_frame(frame_bgr, landmarks_image, result, working_side=working_side, show_fps=show_fps,
                         latency_ms=latency_ms, banner=banner, layout=layout).image
