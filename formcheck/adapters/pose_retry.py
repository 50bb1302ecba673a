"""Frame transforms for a second look when the pose model finds nobody, and their inverse.

MediaPipe's person detector was trained on mostly upright people; a body lying along the line of
sight may be found in a rotated, flipped or cropped copy of the frame. A transform here is an
affine map of continuous pixel coordinates (pixel i covers [i, i+1), as MediaPipe's x * W), so
landmarks found in the copy map back exactly. A mirror (flip) also swaps the person's left and
right, so labels are swapped back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from formcheck.core.errors import ConfigError

RETRY_ENV_VAR = "FORMCHECK_POSE_RETRY"
RETRY_CHOICES = ("off", "rot90", "rot180", "rot270", "flip")
# Off by default: measured on 19 rendered clips that lose the person (benchmarks/study_pose_retry.py,
# README "Limits", "A second look"), "rot90" made 4 count right (two floor bridges from the feet at
# 0.5-0.8 m, both 45-degree plated sets) but broke one back set that counts right today, and 36 %
# of the frames it filled on the targeted clips were over 10 % of the height off.
DEFAULT_RETRY = "off"


def retry_setting(value: str | None = None) -> str | None:
    """The retry transform: ``value``, else the ``FORMCHECK_POSE_RETRY`` environment variable,
    else ``DEFAULT_RETRY``; None when "off"."""
    name = (value if value is not None else os.environ.get(RETRY_ENV_VAR, DEFAULT_RETRY)).strip().lower()
    if name not in RETRY_CHOICES:
        raise ConfigError(f"pose retry must be one of {', '.join(RETRY_CHOICES)}, got {name!r}"
                          f" (argument or {RETRY_ENV_VAR})")
    return None if name == "off" else name


# BlazePose: which index is the other side's twin (nose 0 stays; eyes 1-3 <-> 4-6; then pairs).
MIRROR_INDEX = np.array([0, 4, 5, 6, 1, 2, 3, 8, 7, 10, 9]
                        + [i + 1 if i % 2 else i - 1 for i in range(11, 33)])
TRANSFORM_NAMES = ("rot90", "rot180", "rot270", "flip", "square", "crop")


@dataclass(frozen=True)
class FrameTransform:
    """``matrix`` (2, 3) maps a frame's continuous pixel (x, y) into the copy of ``out_size``."""

    name: str
    matrix: np.ndarray
    out_size: tuple[int, int]  # (width, height)

    @property
    def mirrored(self) -> bool:
        return float(np.linalg.det(self.matrix[:, :2])) < 0


def make_transform(name: str, width: int, height: int,
                   box_px: tuple[float, float, float, float] | None = None,
                   crop_scale: float = 1.6) -> FrameTransform | None:
    """The named transform for a ``width`` x ``height`` frame. ``crop`` needs ``box_px``
    (x0, y0, x1, y1, where the person was last seen): a square ``crop_scale`` times the box's
    longer side around its centre, scaled up to the frame's longer side; None without a box."""
    w, h = float(width), float(height)
    side = max(width, height)
    if name == "rot90":  # clockwise
        return FrameTransform(name, np.array([[0.0, -1.0, h], [1.0, 0.0, 0.0]]), (height, width))
    if name == "rot180":
        return FrameTransform(name, np.array([[-1.0, 0.0, w], [0.0, -1.0, h]]), (width, height))
    if name == "rot270":  # counter-clockwise
        return FrameTransform(name, np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w]]), (height, width))
    if name == "flip":
        return FrameTransform(name, np.array([[-1.0, 0.0, w], [0.0, 1.0, 0.0]]), (width, height))
    if name == "square":
        return FrameTransform(name, np.array([[1.0, 0.0, (side - w) / 2], [0.0, 1.0, (side - h) / 2]]),
                              (side, side))
    if name == "crop":
        if box_px is None or not np.all(np.isfinite(box_px)):
            return None
        x0, y0, x1, y1 = box_px
        crop_px = max(crop_scale * max(x1 - x0, y1 - y0), 32.0)
        scale = side / crop_px
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return FrameTransform(name, np.array([[scale, 0.0, side / 2 - scale * cx],
                                              [0.0, scale, side / 2 - scale * cy]]), (side, side))
    raise ValueError(f"unknown frame transform {name!r} (known: {', '.join(TRANSFORM_NAMES)})")


def warp(frame: np.ndarray, tf: FrameTransform) -> np.ndarray:
    """The transformed copy of ``frame`` (black where the frame has no pixels)."""
    import cv2

    # cv2 works on pixel indices (centre of pixel i at i): shift by half a pixel either side.
    m = np.vstack([tf.matrix, [0.0, 0.0, 1.0]])
    half = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
    m_idx = np.linalg.inv(half) @ m @ half
    return cv2.warpAffine(frame, m_idx[:2], tf.out_size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def landmarks_back(image: np.ndarray, world: np.ndarray, tf: FrameTransform,
                   width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """(33, 4) normalized image and world landmarks found in the copy, in the original frame."""
    ow, oh = tf.out_size
    inv = np.linalg.inv(np.vstack([tf.matrix, [0.0, 0.0, 1.0]]))
    px = np.stack([image[:, 0] * ow, image[:, 1] * oh, np.ones(len(image))], axis=1) @ inv.T
    lin = tf.matrix[:, :2] / np.sqrt(abs(np.linalg.det(tf.matrix[:, :2])))
    img = image.copy()
    img[:, 0], img[:, 1] = px[:, 0] / width, px[:, 1] / height
    img[:, 2] = image[:, 2] * ow / width / np.sqrt(abs(np.linalg.det(tf.matrix[:, :2])))
    wld = world.copy()
    wld[:, :2] = world[:, :2] @ np.linalg.inv(lin).T
    if tf.mirrored:
        img, wld = img[MIRROR_INDEX], wld[MIRROR_INDEX]
    return img, wld


def box_of(image: np.ndarray, width: int, height: int) -> tuple[float, float, float, float] | None:
    """Pixel bounding box (x0, y0, x1, y1) of one frame's normalized landmarks; None if none."""
    ok = np.isfinite(image[:, 0]) & np.isfinite(image[:, 1])
    if not ok.any():
        return None
    x, y = image[ok, 0] * width, image[ok, 1] * height
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())
