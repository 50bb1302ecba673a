"""Hip level from the picture itself: the waistband's tilt against the shoulder line (issue 18).

MediaPipe's hip landmarks carry a learned bias toward level hips (a rendered 12 deg pelvic drop
read 3.7 deg), but where a shirt meets shorts, or clothing meets skin, the image shows the pelvis
as it is. Filmed from the feet with the camera raised to 1.6-2 m and looking down, that edge runs
across the trunk just above the hip joints; ``benchmarks/study_hip_image.py`` measured it on
rendered two-leg sets (README, "Hip level from the image itself").

All the geometry is in the trunk frame of the pose model's own points, so no colour, outfit or
bench has to be known: ``u`` along the shoulder line (left to right shoulder), ``v`` across it
toward the shoulders, origin at the hips' midpoint. No segmentation mask is needed (the mask is a
second model output); the study's mask only trimmed edges off the body, which columns within 0.6
hip widths of the hips' midpoint do not reach.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.core.vocab import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

__all__ = ["TrunkFrame", "waistband_tilt_deg", "sample_bilinear", "theil_sen_slope"]

# The search window, in the trunk's own lengths (geometry of the body, not form thresholds):
WAIST_REACH_TL = 0.6     # from the hip joints' level up to this far toward the shoulders
WAIST_COLUMNS = 13       # columns across the hips ...
WAIST_HALF_SPAN_HW = 0.6  # ... spanning this many hip widths either side of the hips' middle
ROW_STEP_PX = 0.5        # sample every half pixel along each column
# A visible edge, not shading: colour change (BGR distance over 1 px) of the strongest step.
MIN_EDGE_STEP = 20.0
MIN_EDGE_COLUMNS = 5     # fewer columns with a clear edge: no reading
# Hips the pose model put off the body (hip width against shoulder width outside this): no reading.
HIP_TO_SHOULDER_RANGE = (0.3, 1.2)


def _deg(d: np.ndarray) -> float:
    return math.degrees(math.atan2(float(d[1]), float(d[0])))


def _wrap(deg: float) -> float:
    return (deg + 90.0) % 180.0 - 90.0


class TrunkFrame:
    """The image frame of the shoulders: origin at the hips' midpoint, ``u`` along the shoulder
    line, ``v`` toward the shoulders; ``torso_px`` and ``hip_px`` size the search windows."""

    def __init__(self, px: np.ndarray) -> None:
        ls, rs, lh, rh = px[LEFT_SHOULDER], px[RIGHT_SHOULDER], px[LEFT_HIP], px[RIGHT_HIP]
        self.origin = (lh + rh) / 2
        self.shoulder_mid = (ls + rs) / 2
        self.u = (rs - ls) / max(float(np.linalg.norm(rs - ls)), 1e-6)
        toward = (ls + rs) / 2 - self.origin
        v = toward - self.u * float(toward @ self.u)
        self.v = v / max(float(np.linalg.norm(v)), 1e-6)
        self.torso_px = max(float(np.linalg.norm(toward)), 1.0)
        self.hip_px = max(float(np.linalg.norm(rh - lh)), 1.0)
        self.shoulder_px = max(float(np.linalg.norm(rs - ls)), 1.0)
        self.shoulder_deg = _deg(rs - ls)

    def to_px(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self.origin + u[..., None] * self.u + v[..., None] * self.v

    def tilt(self, slope_v_per_u: float) -> float:
        """Degrees in the image, against the shoulder line, of the line with that slope in (u, v)."""
        return _wrap(_deg(self.u + slope_v_per_u * self.v) - self.shoulder_deg)


def sample_bilinear(img: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``img`` (H, W[, C]) at pixel points (..., 2); NaN outside."""
    h, w = img.shape[:2]
    x, y = pts[..., 0], pts[..., 1]
    ok = (x >= 0) & (y >= 0) & (x <= w - 1) & (y <= h - 1)
    x0 = np.clip(np.floor(np.nan_to_num(x)).astype(int), 0, w - 2)
    y0 = np.clip(np.floor(np.nan_to_num(y)).astype(int), 0, h - 2)
    fx, fy = np.clip(x - x0, 0, 1), np.clip(y - y0, 0, 1)
    if img.ndim == 3:
        fx, fy = fx[..., None], fy[..., None]
    im = img.astype(np.float32)
    out = (im[y0, x0] * (1 - fx) * (1 - fy) + im[y0, x0 + 1] * fx * (1 - fy)
           + im[y0 + 1, x0] * (1 - fx) * fy + im[y0 + 1, x0 + 1] * fx * fy)
    return np.where(ok[..., None] if img.ndim == 3 else ok, out, np.nan)


def theil_sen_slope(x: np.ndarray, y: np.ndarray) -> float:
    """The median of pairwise slopes: one column that caught a fold instead of the edge moves it little."""
    i, j = np.triu_indices(x.size, 1)
    dx = x[j] - x[i]
    good = np.abs(dx) > 1e-9
    return float(np.median((y[j] - y[i])[good] / dx[good])) if good.any() else math.nan


def waist_edge_slope(frame: np.ndarray, fr: TrunkFrame, mask: np.ndarray | None = None,
                     columns_u: np.ndarray | None = None) -> float:
    """The waistband's slope dv/du in the trunk frame (NaN: no clear edge), from the strongest
    colour edge in each column between the hip joints and ``WAIST_REACH_TL`` toward the shoulders.

    ``mask`` (optional, 0-255): edges off the body are ignored; ``columns_u``: the columns' ``u``
    (default: centred on the pose model's hips)."""
    vs = np.arange(0.0, WAIST_REACH_TL * fr.torso_px, ROW_STEP_PX)
    lo, hi = HIP_TO_SHOULDER_RANGE
    if vs.size < 6 or not lo <= fr.hip_px / fr.shoulder_px <= hi:
        return math.nan       # too short a trunk, or hips the pose model put off the body
    us = (np.linspace(-WAIST_HALF_SPAN_HW, WAIST_HALF_SPAN_HW, WAIST_COLUMNS) * fr.hip_px
          if columns_u is None else np.asarray(columns_u, float))
    grid_u, grid_v = np.meshgrid(us, vs)               # (n_v, n_u)
    pts = fr.to_px(grid_u, grid_v)
    col = sample_bilinear(frame, pts)                  # (n_v, n_u, 3)
    step = np.nan_to_num(np.linalg.norm(col[2:] - col[:-2], axis=-1))  # colour change across 1 px along v
    if mask is not None:
        inside = np.nan_to_num(sample_bilinear(mask, pts)) > 127
        step[~(inside[2:] & inside[:-2])] = 0.0
    best = np.argmax(step, axis=0)
    edge_v = vs[best + 1]
    keep = step[best, np.arange(us.size)] > MIN_EDGE_STEP
    if keep.sum() < MIN_EDGE_COLUMNS:
        return math.nan
    return theil_sen_slope(us[keep], edge_v[keep])


def waistband_tilt_deg(frame_bgr: np.ndarray, landmarks_px: np.ndarray, mask: np.ndarray | None = None,
                       min_torso_sw: float = 0.0) -> float | None:
    """The waistband's tilt against the shoulder line in degrees, + when the person's LEFT side
    is lower (its waistband further from the shoulders), - when the right is; None when no clear
    edge is found, the landmarks needed are missing, or the camera looks too flat.

    ``landmarks_px``: the frame's 33 image landmarks in pixels (x, y), from the pose model.
    ``min_torso_sw``: the least image length of the trunk (hips' middle to the shoulder line, in
    shoulder widths) to read: a camera looking down from high shows the trunk long, a low or far
    one foreshortens it and the thighs' curve hides the waistband (the profile's value)."""
    px = np.asarray(landmarks_px, float)[:, :2]
    if frame_bgr is None or frame_bgr.ndim != 3 or px.shape[0] < 33:
        return None
    if not np.isfinite(px[[LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP]]).all():
        return None
    fr = TrunkFrame(px)
    if fr.torso_px < min_torso_sw * fr.shoulder_px:
        return None
    slope = waist_edge_slope(frame_bgr, fr, mask)
    if not math.isfinite(slope):
        return None
    # u runs to the person's right: a positive slope puts the right side nearer the shoulders.
    return math.degrees(math.atan(slope))
