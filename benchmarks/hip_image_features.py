"""Hip-level readings from the image itself and from the working thigh (issue 18, study only).

Every reading is signed toward the free side (+ = the free side lower, as ``study_hip_level``)
and works in the image's trunk frame: ``u`` along the shoulder line (left to right shoulder),
``v`` across it toward the shoulders, both from the pose model's own points, so a reading needs
no colour, outfit or bench to be known:

- ``waist_edge``: the waistband (where shirt meets shorts, or clothing meets skin): in columns
  across the hips, the strongest colour edge between the hip joints' level and a little over half
  way to the shoulders; a Theil-Sen line through those edges, its tilt against the shoulder line;
- ``hip_outline``: the segmentation mask's outline on each side of the pelvis: the height (along
  ``v``) where each side's outline reaches furthest out, the tilt of the line joining the two;
- ``wthigh_img``: the working thigh's direction in the image against the shoulder line's normal
  (degrees; + rolls toward the free side);
- ``wknee_out``: the working knee's offset outward from its hip along the shoulder line, per
  shoulder width;
- ``wroll_world``: the working femur's abduction in a world frame built from the shoulders and
  the trunk (degrees), from the world landmarks;
- ``whip_h``: the working hip's distance from the shoulder line, per shoulder width (the pelvis
  pivots there: a drop shows at the free hip only).

``truth_*`` readings are the same keypoint readings from the renderer's true joints: what a
perfect pose model would give, the ceiling for each.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.adapters.hip_image import WAIST_COLUMNS, WAIST_REACH_TL, TrunkFrame, waist_edge_slope
from formcheck.adapters.hip_image import sample_bilinear as _sample
from formcheck.core.vocab import LEFT_HIP, LEFT_KNEE, LEFT_SHOULDER, RIGHT_HIP, RIGHT_KNEE, RIGHT_SHOULDER

# Readings that are not zero on level hips by design: scored around the level sets' median.
CENTRED = {"wthigh_img", "wknee_out", "wroll_world", "whip_h", "truth_wthigh", "truth_whip_h"}


def _wrap(deg: float) -> float:
    return (deg + 90.0) % 180.0 - 90.0


def _deg(d: np.ndarray) -> float:
    return math.degrees(math.atan2(float(d[1]), float(d[0])))


def _body_span(mask: np.ndarray, fr: TrunkFrame, vs: np.ndarray) -> tuple[float, float] | None:
    """The body's middle and half-width along ``u`` over the rows ``vs``, from the mask's outline."""
    us = np.arange(-2.0 * fr.hip_px, 2.0 * fr.hip_px, 0.5)
    grid_u, grid_v = np.meshgrid(us, vs)
    inside = np.nan_to_num(_sample(mask, fr.to_px(grid_u, grid_v))) > 127
    mid, half = [], []
    c = us.size // 2
    for row in inside:
        if not row[c]:
            continue
        right = c + (int(np.argmin(row[c:])) if not row[c:].all() else us.size - c) - 1
        left = c - (int(np.argmin(row[c::-1])) if not row[c::-1].all() else c + 1) + 1
        mid.append((us[left] + us[right]) / 2)
        half.append((us[right] - us[left]) / 2)
    if len(mid) < 3:
        return None
    return float(np.median(mid)), float(np.median(half))


def waist_edge(frame: np.ndarray, mask: np.ndarray, fr: TrunkFrame, on_outline: bool = False) -> float:
    """Tilt of the waistband (the shipped reading, ``formcheck.adapters.hip_image``), in the image.

    The waistband is an arc: sampled off its middle it slopes even when level, so with
    ``on_outline`` the columns are centred on the body's outline in the mask (its middle and
    three quarters of its width) rather than on the pose model's hips."""
    columns = None
    if on_outline:
        vs = np.arange(0.0, WAIST_REACH_TL * fr.torso_px, 0.5)
        span = _body_span(mask, fr, vs) if vs.size >= 6 else None
        if span is None:
            return math.nan
        columns = span[0] + np.linspace(-0.75, 0.75, WAIST_COLUMNS) * span[1]
    slope = waist_edge_slope(frame, fr, mask, columns)
    return fr.tilt(slope) if math.isfinite(slope) else math.nan


def hip_outline(mask: np.ndarray, fr: TrunkFrame) -> float:
    """Tilt of the line joining the heights at which each side's mask outline reaches furthest out."""
    vs = np.arange(-0.4 * fr.torso_px, 0.5 * fr.torso_px, 0.5)
    us = np.arange(0.0, 2.0 * fr.hip_px, 0.5)
    heights, reach = [], []
    for side in (-1.0, 1.0):
        grid_u, grid_v = np.meshgrid(side * us, vs)
        inside = np.nan_to_num(_sample(mask, fr.to_px(grid_u, grid_v))) > 127
        # the first column (from the middle outward) that leaves the body
        out = np.where(inside.all(axis=1), us.size, np.argmin(inside, axis=1))
        ext = us[np.clip(out - 1, 0, us.size - 1)]
        ext[~inside[:, 0]] = np.nan
        if np.isnan(ext).all():
            return math.nan
        top = ext >= np.nanmax(ext) - 1.0
        heights.append(float(np.mean(vs[top])))
        reach.append(side * float(np.nanmax(ext)))
    du = reach[1] - reach[0]
    return fr.tilt((heights[1] - heights[0]) / du) if du > 1.0 else math.nan


def thigh_readings(px: np.ndarray, world: np.ndarray, working: str, fr: TrunkFrame) -> dict[str, float]:
    """The working thigh's roll and the working hip's height, all signed toward the free side."""
    hip, knee = (LEFT_HIP, LEFT_KNEE) if working == "left" else (RIGHT_HIP, RIGHT_KNEE)
    toward_free = 1.0 if working == "left" else -1.0      # the free side along +u when working left
    thigh = px[knee] - px[hip]
    out = {"wthigh_img": toward_free * math.degrees(math.atan2(float(thigh @ fr.u), float(-thigh @ fr.v))),
           "wknee_out": -toward_free * float(thigh @ fr.u) / fr.shoulder_px,
           "whip_h": float((fr.shoulder_mid - px[hip]) @ fr.v) / fr.shoulder_px}
    w = world
    sh = w[RIGHT_SHOULDER] - w[LEFT_SHOULDER]
    trunk = (w[LEFT_SHOULDER] + w[RIGHT_SHOULDER]) / 2 - w[hip]
    if np.isfinite(sh).all() and np.isfinite(trunk).all() and np.linalg.norm(sh) > 1e-6:
        x = sh / np.linalg.norm(sh)
        z = trunk - x * float(trunk @ x)
        z /= max(float(np.linalg.norm(z)), 1e-9)
        t = w[knee] - w[hip]
        out["wroll_world"] = toward_free * math.degrees(math.atan2(float(t @ x), float(-t @ z)))
    else:
        out["wroll_world"] = math.nan
    return out


def truth_readings(true_px: np.ndarray, working: str, free_sign: float) -> dict[str, float]:
    """The keypoint readings from the renderer's true joints (the ceiling of each)."""
    fr = TrunkFrame(true_px)
    th = thigh_readings(true_px, np.full((33, 3), np.nan), working, fr)
    hip_deg = _deg(true_px[RIGHT_HIP] - true_px[LEFT_HIP])
    return {"truth_tilt": free_sign * _wrap(hip_deg - fr.shoulder_deg), "truth_wthigh": th["wthigh_img"],
            "truth_whip_h": th["whip_h"]}
