"""Evaluating the motion plan at any times: the 33 joints in 3D and the truth angles."""

from __future__ import annotations

import math

import numpy as np

from formcheck.core.vocab import (
    Side, LEFT_ANKLE, LEFT_EAR, LEFT_ELBOW, LEFT_EYE, LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_FOOT,
    LEFT_HEEL, LEFT_HIP, LEFT_INDEX, LEFT_KNEE, LEFT_PINKY, LEFT_SHOULDER, LEFT_THUMB, LEFT_WRIST,
    MOUTH_LEFT, MOUTH_RIGHT, NOSE, RIGHT_ANKLE, RIGHT_EAR, RIGHT_ELBOW, RIGHT_EYE, RIGHT_EYE_INNER,
    RIGHT_EYE_OUTER, RIGHT_FOOT, RIGHT_HEEL, RIGHT_HIP, RIGHT_INDEX, RIGHT_KNEE, RIGHT_PINKY,
    RIGHT_SHOULDER, RIGHT_THUMB, RIGHT_WRIST,
)
from .motion_params import Body
from .motion_types import TruthAngles
from .motion_geometry import _Unreachable, _chain, _circle_up, _fk_leg, _interior, _interp_keys, _minjerk, _rot, _signed_hip, _unit
from .motion_plan import _Plan, _TRACKS


def _setup_chain(plan: _Plan, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hip, knee, ankle (x, y) during the lie-flat setup: legs straight, then knees bend.

    Parametrised by the torso direction and the knee angle; the foot slides along the floor.
    """
    geo, b = plan.geo, plan.geo.body
    s = geo.s0
    # End state: the bottom pose of the first rep.
    hip_b, knee_b = _chain(geo, s[None], geo.ankle[None], np.array([plan.bottom0]))
    alpha_b = math.atan2(hip_b[0, 1] - s[1], hip_b[0, 0] - s[0])
    kappa_b = float(_interior(hip_b, knee_b, geo.ankle[None])[0])
    kappa0 = 178.0
    d0 = math.sqrt(b.thigh_m ** 2 + b.shin_m ** 2 - 2 * b.thigh_m * b.shin_m * math.cos(math.radians(kappa0)))
    if geo.support == "bench":
        alpha0 = -math.asin(min(0.95, (s[1] - b.ankle_height_m) / (b.torso_m + d0)))
    else:
        alpha0 = math.asin(max(-0.95, min(0.95, (b.hip_clearance_m - s[1]) / b.torso_m)))
    half = 0.5 * plan.setup_end
    u = _minjerk((t - half) / max(plan.setup_end - half, 1e-9))
    alpha = alpha0 + (alpha_b - alpha0) * u
    kappa = kappa0 + (kappa_b - kappa0) * u
    hip = s + b.torso_m * np.stack([np.cos(alpha), np.sin(alpha)], axis=-1)
    d = np.sqrt(b.thigh_m ** 2 + b.shin_m ** 2 - 2 * b.thigh_m * b.shin_m * np.cos(np.deg2rad(kappa)))
    dy = hip[:, 1] - b.ankle_height_m
    ankle = np.stack([hip[:, 0] + np.sqrt(np.maximum(d * d - dy * dy, 0.0)),
                      np.full(t.size, b.ankle_height_m)], axis=-1)
    knee, _ = _circle_up(hip, b.thigh_m, ankle, b.shin_m)
    return hip, knee, ankle


def _side_at(plan: _Plan, t: np.ndarray) -> np.ndarray:
    et = np.array([e[0] for e in plan.side_events])
    names = np.array([e[1] for e in plan.side_events])
    i = np.clip(np.searchsorted(et, t, side="right") - 1, 0, et.size - 1)
    return names[i]


def _phase_at(plan: _Plan, t: np.ndarray) -> np.ndarray:
    starts = np.array([ph[0] for ph in plan.phases])
    names = np.array([ph[2] for ph in plan.phases])
    i = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, starts.size - 1)
    return names[i]


def _foot_points(ankle: np.ndarray, fdir: np.ndarray, b: Body) -> tuple[np.ndarray, np.ndarray]:
    down = _rot(fdir, -90.0)
    heel = ankle - b.heel_back_m * fdir + 0.7 * b.ankle_height_m * down
    toe = ankle + b.toe_forward_m * fdir + 0.75 * b.ankle_height_m * down
    return heel, toe


def _evaluate(plan: _Plan, t: np.ndarray) -> dict[str, np.ndarray]:
    """Joints and truth at times ``t`` (any order, any spacing)."""
    p, geo = plan.params, plan.geo
    b = geo.body
    t = np.asarray(t, dtype=float)
    n = t.size
    tr = {k: _interp_keys(t, plan.keys[k]) for k in _TRACKS}
    w = np.clip(_interp_keys(t, plan.w_keys), 0.0, 1.0)
    side = _side_at(plan, t)
    var = p.resolved_variation

    s, ankle, theta, hip, knee = _working_chain(plan, t, tr)
    kappa = _interior(hip, knee, ankle)
    tdir = _unit(s - hip)                      # hip -> shoulder
    anterior = _rot(tdir, -90.0)

    # -- pelvis: the free-side hip drops about the body's long axis ------------------------
    sw = np.where(side == Side.LEFT, -1.0, 1.0)   # z sign of the working side
    sf = -sw
    drop = np.deg2rad(tr["drop"])
    hw = b.hip_half_width_m
    hip_f2 = hip - 2.0 * hw * np.sin(drop)[:, None] * anterior
    hip_f3 = np.column_stack([hip_f2, sw * hw + sf * 2.0 * hw * np.cos(drop)])
    pelvis_tilt = sf * tr["drop"]

    # -- free leg: planted (IK to the mirrored ankle) blended with lifted, by angles -------
    ref_f = _unit(s - hip_f2)
    knee_fp, _ = _circle_up(hip_f2, b.thigh_m, ankle, b.shin_m)
    th_fp = _signed_hip(s, hip_f2, knee_fp)
    ka_fp = _interior(hip_f2, knee_fp, ankle)
    th_f = th_fp + w * (tr["fhip"] - th_fp)
    ka_f = ka_fp + w * (tr["fknee"] - ka_fp)
    knee_f, ankle_f = _fk_leg(hip_f2, ref_f, th_f, ka_f, b.thigh_m, b.shin_m)

    # -- feet ------------------------------------------------------------------------------
    flat = np.broadcast_to(np.array([1.0, 0.0]), (n, 2))
    straight = np.clip((kappa - 120.0) / 50.0, 0.0, 1.0)[:, None]
    fdir_w = _unit((1 - straight) * flat + straight * _rot(_unit(ankle - knee), 90.0))
    shin_f = _rot(_unit(ankle_f - knee_f), 90.0)
    straight_f = np.clip((ka_f - 120.0) / 50.0, 0.0, 1.0)[:, None]
    base_f = _unit((1 - straight_f) * flat + straight_f * shin_f)
    fdir_f = _unit((1 - w[:, None]) * base_f + w[:, None] * shin_f)
    heel_w, toe_w = _foot_points(ankle, fdir_w, b)
    heel_f, toe_f = _foot_points(ankle_f, fdir_f, b)

    J = np.zeros((n, 33, 3))
    _leg_joints(J, side == Side.LEFT, sw * hw, hip_f3[:, 2], (hip, knee, ankle, heel_w, toe_w),
                (hip_f2, knee_f, ankle_f, heel_f, toe_f))

    ssw = b.shoulder_half_width_m
    J[:, LEFT_SHOULDER] = np.column_stack([s, np.full(n, -ssw)])
    J[:, RIGHT_SHOULDER] = np.column_stack([s, np.full(n, ssw)])
    sc = p.scale
    _head_joints(J, s, tdir, tr["neck"], b.neck_m, sc)

    elbow_deg = tr["elbow"]
    _arm_joints(J, plan, elbow_deg, sc)

    if p.sway_m > 0:
        J += _sway_m(plan, t)[:, None, :]

    truth = TruthAngles(
        hip_extension_deg=theta,
        knee_deg=kappa,
        neck_deg=tr["neck"].copy(),
        pelvis_tilt_deg=pelvis_tilt,
        free_hip_deg=th_f,
        free_knee_deg=ka_f,
        elbow_deg=elbow_deg.copy(),
        shoulder_rise=tr["rise"] / b.torso_m,
        torso_deg=np.degrees(np.arctan2(s[:, 1] - hip[:, 1], np.abs(s[:, 0] - hip[:, 0]))),
        shin_deg=np.degrees(np.arctan2(ankle[:, 0] - knee[:, 0], knee[:, 1] - ankle[:, 1])),
        free_leg_lift=w if var != "two_leg" else np.zeros(n),
    )
    return {"joints": J, "truth": truth, "side": side, "phase": _phase_at(plan, t), "hip": hip,
            "s": s, "ankle_f": ankle_f, "ankle": ankle}


def _working_chain(plan: _Plan, t: np.ndarray, tr: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Shoulder, planted ankle, signed hip angle, hip and knee of the working leg's sagittal chain
    (closed form; the lie-flat setup's own chain before ``setup_end``)."""
    geo = plan.geo
    n = t.size
    s = np.broadcast_to(geo.s0, (n, 2)) + np.stack([np.zeros(n), tr["rise"]], axis=-1)
    ankle = np.broadcast_to(geo.ankle, (n, 2)).copy()
    theta = tr["theta"].copy()
    in_setup = t < plan.setup_end
    hip = np.empty((n, 2))
    knee = np.empty((n, 2))
    rest = ~in_setup
    if rest.any():
        try:
            hip[rest], knee[rest] = _chain(geo, s[rest], ankle[rest], theta[rest])
        except _Unreachable as exc:
            raise ValueError(str(exc)) from None
    if in_setup.any():
        hip[in_setup], knee[in_setup], ankle[in_setup] = _setup_chain(plan, t[in_setup])
        theta[in_setup] = _signed_hip(s[in_setup], hip[in_setup], knee[in_setup])
    return s, ankle, theta, hip, knee


def _leg_joints(J: np.ndarray, left_is_w: np.ndarray, zw: np.ndarray, zf: np.ndarray,
                working: tuple[np.ndarray, ...], free: tuple[np.ndarray, ...]) -> None:
    """Hip, knee, ankle, heel and toe of both legs into ``J`` under the right BlazePose labels."""
    for pair, pw2, pf2 in zip(((LEFT_HIP, RIGHT_HIP), (LEFT_KNEE, RIGHT_KNEE), (LEFT_ANKLE, RIGHT_ANKLE),
                               (LEFT_HEEL, RIGHT_HEEL), (LEFT_FOOT, RIGHT_FOOT)), working, free):
        w3 = np.column_stack([pw2, zw])
        f3 = np.column_stack([pf2, zf])
        J[:, pair[0]] = np.where(left_is_w[:, None], w3, f3)
        J[:, pair[1]] = np.where(left_is_w[:, None], f3, w3)


def _head_joints(J: np.ndarray, s: np.ndarray, tdir: np.ndarray, neck_deg: np.ndarray, neck_m: float,
                 sc: float) -> None:
    """Nose, eyes, ears and mouth from the shoulder, the torso direction and the neck angle."""
    n = s.shape[0]
    u2 = _rot(tdir, -neck_deg)                   # shoulder -> ear direction (flexion toward anterior)
    f2 = _rot(u2, -90.0)                         # face direction
    ear = s + neck_m * u2

    def head(fw: float, up: float, lat: float) -> np.ndarray:
        xy = ear + sc * (fw * f2 + up * u2)
        return np.column_stack([xy, np.full(n, sc * lat)])

    J[:, NOSE] = head(0.105, -0.01, 0.0)
    J[:, LEFT_EYE_INNER] = head(0.085, 0.03, -0.018)
    J[:, LEFT_EYE] = head(0.082, 0.03, -0.032)
    J[:, LEFT_EYE_OUTER] = head(0.075, 0.03, -0.046)
    J[:, RIGHT_EYE_INNER] = head(0.085, 0.03, 0.018)
    J[:, RIGHT_EYE] = head(0.082, 0.03, 0.032)
    J[:, RIGHT_EYE_OUTER] = head(0.075, 0.03, 0.046)
    J[:, LEFT_EAR] = head(0.0, 0.0, -0.075)
    J[:, RIGHT_EAR] = head(0.0, 0.0, 0.075)
    J[:, MOUTH_LEFT] = head(0.092, -0.045, -0.025)
    J[:, MOUTH_RIGHT] = head(0.092, -0.045, 0.025)


def _arm_joints(J: np.ndarray, plan: _Plan, elbow_deg: np.ndarray, sc: float) -> None:
    """Elbows, wrists and hands: upper arms resting on the support (or pushing), elbows bent by
    the elbow track."""
    geo = plan.geo
    b = geo.body
    up3 = np.array([0.0, 1.0, 0.0])
    for lat, (i_s, i_e, i_w, i_p, i_i, i_t) in ((-1.0, (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_PINKY, LEFT_INDEX, LEFT_THUMB)),
                                                 (1.0, (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_PINKY, RIGHT_INDEX, RIGHT_THUMB))):
        if plan.push_arms:
            hx, hz = -0.55, 0.83
        elif geo.support == "bench":
            hx, hz = -0.30, 0.95
        else:
            hx, hz = 0.95, 0.30
        sh = J[:, i_s]
        e_y = geo.support_y + 0.04 * sc
        dy = np.clip((e_y - sh[:, 1]) / b.upper_arm_m, -0.95, 0.95)
        c = np.sqrt(1.0 - dy * dy) / math.hypot(hx, hz)
        ua = np.column_stack([hx * c, dy, lat * hz * c])
        el = sh + b.upper_arm_m * ua
        v = -ua                                       # elbow -> shoulder
        q = up3 - np.sum(up3 * v, axis=-1, keepdims=True) * v
        q = _unit(q)
        a = np.deg2rad(elbow_deg)[:, None]
        fa = np.cos(a) * v + np.sin(a) * q
        wr = el + b.forearm_m * fa
        side_v = _unit(np.cross(fa, q)) * lat
        J[:, i_e] = el
        J[:, i_w] = wr
        J[:, i_i] = wr + sc * (0.085 * fa + 0.01 * side_v)
        J[:, i_p] = wr + sc * (0.07 * fa - 0.03 * side_v)
        J[:, i_t] = wr + sc * (0.045 * fa + 0.03 * side_v + 0.015 * q)



def _sway_m(plan: _Plan, t: np.ndarray) -> np.ndarray:
    """A smooth rigid drift (metres, (T, 3)): a deterministic function of time."""
    p = plan.params
    n = t.size
    freqs, phs = plan.sway
    off = np.zeros((n, 3))
    for ax in range(3):
        for k in range(3):
            off[:, ax] += np.sin(2 * np.pi * freqs[ax, k] * t + phs[ax, k]) / 3.0
    off *= p.sway_m * np.array([1.0, 0.5, 1.0])
    return off
