"""Vectors and the closed-form sagittal leg chain of the motion model (pure numpy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from .motion_params import Body, MotionParams, _RISE_PER_PUSH_TL


def _rot(v: np.ndarray, deg: Any) -> np.ndarray:
    """Rotate 2D vectors counter-clockwise (x toward y) by ``deg``."""
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    x, y = v[..., 0], v[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], axis=-1)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _cross2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def _signed_hip(s: np.ndarray, h: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Signed hip angle (deg, [0, 360)) from sagittal points: rotation from hip->knee to hip->shoulder."""
    vs, vk = s - h, k - h
    return np.degrees(np.arctan2(_cross2(vk, vs), np.sum(vk * vs, axis=-1))) % 360.0


def _interior(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _minjerk(s: np.ndarray) -> np.ndarray:
    s = np.clip(s, 0.0, 1.0)
    return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)


def _interp_keys(t: np.ndarray, keys: list[tuple[float, float]]) -> np.ndarray:
    """Piecewise minimum-jerk interpolation through (time, value) keyframes, held at the ends."""
    kt = np.array([k[0] for k in keys], dtype=float)
    kv = np.array([k[1] for k in keys], dtype=float)
    i = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, kt.size - 1)
    j = np.minimum(i + 1, kt.size - 1)
    span = kt[j] - kt[i]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(span > 0, (t - kt[i]) / np.where(span > 0, span, 1.0), 1.0)
    s = np.where(t < kt[0], 0.0, s)
    return kv[i] + (kv[j] - kv[i]) * _minjerk(s)


class _Unreachable(ValueError):
    pass


def _circle_up(p: np.ndarray, rp: Any, q: np.ndarray, rq: Any) -> tuple[np.ndarray, np.ndarray]:
    """Intersection of circle(p, rp) and circle(q, rq) on the left (counter-clockwise) side of p->q.

    Returns the point and h^2 (negative where the circles do not meet).
    """
    d_vec = q - p
    d = np.linalg.norm(d_vec, axis=-1)
    a = (rp * rp - rq * rq + d * d) / (2.0 * d)
    h2 = rp * rp - a * a
    u = d_vec / d[..., None]
    perp = np.stack([-u[..., 1], u[..., 0]], axis=-1)
    h = np.sqrt(np.maximum(h2, 0.0))
    return p + a[..., None] * u + h[..., None] * perp, h2


@dataclass(frozen=True)
class _Geo:
    """Resolved, scaled geometry of one set."""

    body: Body
    support: str
    s0: np.ndarray            # resting mid-shoulder (x, y)
    ankle: np.ndarray         # planted ankle (x, y)
    support_y: float          # bench top or floor, where resting elbows lie
    bench_h: float | None


def _chain(geo: _Geo, s: np.ndarray, a: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hip and knee (x, y) from shoulder ``s``, ankle ``a`` and the signed hip angle ``theta``."""
    b = geo.body
    lt, lh, ls = b.torso_m, b.thigh_m, b.shin_m
    th = np.deg2rad(theta)
    r = np.sqrt(np.maximum(lt * lt + lh * lh - 2.0 * lt * lh * np.cos(th), 1e-12))
    knee, h2 = _circle_up(s, r, a, ls)
    if np.any(h2 < -1e-9):
        bad = float(np.atleast_1d(theta)[np.argmax(np.atleast_1d(h2) < -1e-9)])
        raise _Unreachable(
            f"a hip angle of {bad:.1f}° cannot be reached with the shoulders on the "
            f"{geo.support} and the foot planted where knee_top_deg puts it: change "
            "peak_hip_deg/bottom_hip_deg/knee_top_deg")
    e = (knee - s) / r[..., None]
    a2 = (lt * lt - lh * lh + r * r) / (2.0 * r)
    h = np.sqrt(np.maximum(lt * lt - a2 * a2, 0.0))
    perp = np.stack([-e[..., 1], e[..., 0]], axis=-1)
    # theta < 180: the hip lies below (clockwise of) the shoulder->knee line.
    sign = np.where(np.asarray(theta) < 180.0, -1.0, 1.0)
    hip = s + a2[..., None] * e + (sign * h)[..., None] * perp
    return hip, knee


def _fk_leg(hip: np.ndarray, ref_dir: np.ndarray, theta: Any, kappa: Any,
            lh: float, ls: float) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle from the hip, the hip->shoulder direction, hip angle and knee angle."""
    vk = _rot(ref_dir, -np.asarray(theta))
    knee = hip + lh * vk
    ankle = knee + ls * _rot(-vk, kappa)
    return knee, ankle


def _place_foot(body: Body, s: np.ndarray, theta: float, kappa: float) -> np.ndarray:
    """Planted ankle (x, y) such that at hip angle ``theta`` the knee is ``kappa``.

    Scans the torso direction for the pose whose ankle sits at ankle height, knee above it.
    """
    alpha = np.deg2rad(np.linspace(-85.0, 85.0, 3401))
    tdir = np.stack([np.cos(alpha), np.sin(alpha)], axis=-1)        # shoulder -> hip
    hip = s + body.torso_m * tdir
    knee, ankle = _fk_leg(hip, -tdir, np.full(alpha.size, theta), np.full(alpha.size, kappa),
                          body.thigh_m, body.shin_m)
    f = ankle[:, 1] - body.ankle_height_m
    ok = (knee[:, 1] > ankle[:, 1]) & (hip[:, 1] >= body.hip_clearance_m * 0.9) & (ankle[:, 0] > hip[:, 0])
    cand = np.nonzero((np.sign(f[:-1]) != np.sign(f[1:])) & ok[:-1] & ok[1:])[0]
    if cand.size == 0:
        raise ValueError(
            f"no foot placement gives a {kappa:.0f}° knee at a {theta:.0f}° hip with the shoulders "
            "where they are: change knee_top_deg or peak_hip_deg")
    i = cand[np.argmax(knee[cand, 1])]          # the highest-knee solution
    w = f[i] / (f[i] - f[i + 1])
    return ankle[i] + w * (ankle[i + 1] - ankle[i])


def _resolve_geo(p: MotionParams) -> _Geo:
    b = p.body.scaled(p.scale)
    if p.support == "bench":
        bench_h = float(p.bench_height_m)
        s0 = np.array([0.0, bench_h + b.shoulder_above_bench_m])
        support_y = bench_h
    else:
        bench_h = None
        s0 = np.array([0.0, b.shoulder_on_floor_m])
        support_y = 0.0
    v = p.resolved()
    rise_top = _RISE_PER_PUSH_TL * float(v["elbow_push"]) * b.torso_m
    ankle = _place_foot(b, s0 + np.array([0.0, rise_top]), float(v["peak_hip_deg"]), float(v["knee_top_deg"]))
    return _Geo(body=b, support=p.support, s0=s0, ankle=ankle, support_y=support_y, bench_h=bench_h)


def _default_bottom_deg(geo: _Geo, peak: float) -> float:
    """The set's bottom when ``bottom_hip_deg`` is None.

    Bench: 100°, or the lowest reachable angle with the hips off the floor if 100° is not
    (feet far out). Floor: the angle at which the hips rest on the floor.
    """
    th = np.linspace(60.0, peak, 2401)
    hip, _ = _chain_safe(geo, th)
    ok = np.isfinite(hip[:, 1]) & (hip[:, 1] >= geo.body.hip_clearance_m)
    if not ok.any():
        raise ValueError("no bottom position is reachable with this foot placement: check "
                         "knee_top_deg and peak_hip_deg")
    lowest = float(th[np.argmax(ok)])
    if geo.support == "bench":
        return max(100.0, lowest + 1.0) if lowest > 100.0 else 100.0
    return lowest


def _chain_safe(geo: _Geo, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like _chain at the resting shoulders but NaN where unreachable (for scans)."""
    b = geo.body
    lt, lh, ls = b.torso_m, b.thigh_m, b.shin_m
    th = np.deg2rad(theta)
    r = np.sqrt(lt * lt + lh * lh - 2.0 * lt * lh * np.cos(th))
    s = np.broadcast_to(geo.s0, theta.shape + (2,))
    a = np.broadcast_to(geo.ankle, theta.shape + (2,))
    knee, h2 = _circle_up(s, r, a, ls)
    e = (knee - s) / r[..., None]
    a2 = (lt * lt - lh * lh + r * r) / (2.0 * r)
    h = np.sqrt(np.maximum(lt * lt - a2 * a2, 0.0))
    perp = np.stack([-e[..., 1], e[..., 0]], axis=-1)
    sign = np.where(theta < 180.0, -1.0, 1.0)
    hip = s + a2[..., None] * e + (sign * h)[..., None] * perp
    hip[h2 < 0] = np.nan
    return hip, knee
