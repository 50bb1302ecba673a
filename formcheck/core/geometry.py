"""Vectorised angle geometry over (..., 2) or (..., 3) point arrays. NaN in, NaN out.

Signed angles need a reference direction ("up", away from the floor): for a supine exercise the
front of the body faces up, so "above the line" means anterior. In image pixels up is (0, -1)
for a level camera.
"""

from __future__ import annotations

import numpy as np

IMAGE_UP = np.array([0.0, -1.0])
# Anatomy, not a form threshold: a hip does not extend more than ~30-40° past straight, so a reading
# further "above the line" is a flexed joint whose sign test was fooled (noisy or foreshortened
# landmarks), not a hyperextension.
MAX_HYPEREXTENSION_DEG = 45.0


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1e-9, v / n, np.nan)


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees [0, 180] between vectors u and v (broadcast over leading axes)."""
    cos = np.sum(_unit(u) * _unit(v), axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle at b between b->a and b->c, degrees [0, 180]."""
    return angle_between(a - b, c - b)


def _side_of_line(a: np.ndarray, c: np.ndarray, p: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Offset of p from the line a-c, measured along the line's normal that points most 'up'.

    Positive: p lies on the 'up' side of the line.
    """
    d = _unit(c - a)
    rel = p - a
    # Component of `up` orthogonal to the line direction is the 'up' normal of the line.
    up_b = np.broadcast_to(up, d.shape)
    n = up_b - np.sum(up_b * d, axis=-1, keepdims=True) * d
    n = _unit(n)
    return np.sum(rel * n, axis=-1)


def signed_extension(a: np.ndarray, b: np.ndarray, c: np.ndarray, up: np.ndarray = IMAGE_UP) -> np.ndarray:
    """Angle at b, signed so that 180° = a, b, c collinear and >180° = b pushed above the a-c line.

    Used for hip extension (a = shoulder, b = hip, c = knee): a hip below the shoulder-knee line
    reads the plain joint angle (<180°); a hip above it reads 360° minus that angle.
    """
    ang = joint_angle(a, b, c)
    above = (_side_of_line(a, c, b, up) > 0) & (ang > 180.0 - MAX_HYPEREXTENSION_DEG)
    return np.where(above, 360.0 - ang, ang)


def signed_bend(base: np.ndarray, pivot: np.ndarray, tip: np.ndarray, up: np.ndarray = IMAGE_UP) -> np.ndarray:
    """Bend of segment pivot->tip away from the line base->pivot, signed: + toward 'up'.

    0° = tip continues straight along base->pivot. Used for the neck (base = hip, pivot =
    shoulder, tip = ear): + = flexion (head toward the chest, which faces up when supine),
    - = extension (head dropped back, below the torso line).
    """
    ang = angle_between(pivot - base, tip - pivot)
    side = _side_of_line(base, pivot, tip, up)
    return np.where(side >= 0, ang, -ang)


def line_angle_to_horizontal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the a->b line against the horizontal, degrees in [0, 90] (direction-free)."""
    d = b - a
    ang = np.degrees(np.arctan2(np.abs(d[..., 1]), np.abs(d[..., 0])))
    return ang


def line_angle_to_vertical(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the a->b line against the vertical, degrees in [0, 90]."""
    return 90.0 - line_angle_to_horizontal(a, b)


def signed_turn_2d(d1: np.ndarray, d2: np.ndarray, up: np.ndarray = IMAGE_UP) -> np.ndarray:
    """Signed angle (deg, (-180, 180]) from image direction d1 to d2, + turning toward the side of
    d1 that 'up' is on: the same sign whichever way the body faces in the image."""
    cross = d1[..., 0] * d2[..., 1] - d1[..., 1] * d2[..., 0]
    dot = np.sum(d1 * d2, axis=-1)
    toward_up = np.sign(d1[..., 0] * up[1] - d1[..., 1] * up[0])
    return np.degrees(np.arctan2(cross, dot)) * np.where(toward_up == 0, 1.0, toward_up)
