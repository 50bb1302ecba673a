"""The motion plan: key frames of every track (hip angle, neck, pelvis, elbows, free leg)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.vocab import Side
from .motion_params import MotionParams, _ELBOW_BENT_DEG, _ELBOW_FLAT_DEG, _ELBOW_OPEN_PER_PUSH_DEG, _RISE_PER_PUSH_TL, _TOUCH_HOLD_S
from .motion_geometry import _Geo, _default_bottom_deg, _resolve_geo


_TRACKS = ("theta", "neck", "drop", "elbow", "rise", "fhip", "fknee")


@dataclass
class _RepPlan:
    index: int
    start: float
    top0: float
    top1: float
    end: float
    side: str
    vals: dict
    touch_t: float | None = None


@dataclass
class _Plan:
    params: MotionParams
    geo: _Geo
    keys: dict[str, list[tuple[float, float]]]
    w_keys: list[tuple[float, float]]
    side_events: list[tuple[float, str]]
    phases: list[tuple[float, float, str]]
    reps: list[_RepPlan]
    total: float
    setup_end: float
    bottom0: float           # set-level bottom hip angle (resolved)
    push_arms: bool          # arms in the bent/pushing pose (some rep pushes)
    sway: tuple              # (freqs (3,3), phases (3,3)) per axis


def _rep_values(p: MotionParams, geo: _Geo, rep: int | None, default_bottom: float) -> dict:
    v = p.resolved(rep)
    if v["bottom_hip_deg"] is None:
        v["bottom_hip_deg"] = default_bottom
    if v["peak_hip_deg"] < v["bottom_hip_deg"] + 5.0:
        raise ValueError(f"rep {rep}: peak_hip_deg ({v['peak_hip_deg']}) must be at least 5° above "
                         f"the bottom ({v['bottom_hip_deg']:.1f}°)")
    e = float(v["elbow_push"])
    base = _ELBOW_BENT_DEG if e > 0 else _ELBOW_FLAT_DEG
    v["elbow_bottom"] = base
    v["elbow_top"] = base + _ELBOW_OPEN_PER_PUSH_DEG * e
    v["rise_top"] = _RISE_PER_PUSH_TL * e * geo.body.torso_m
    return v


def _plan(p: MotionParams) -> _Plan:
    geo = _resolve_geo(p)
    var = p.resolved_variation
    base = p.resolved()
    default_bottom = _default_bottom_deg(geo, float(base["peak_hip_deg"]))
    set_vals = _rep_values(p, geo, None, default_bottom)
    rep_vals = [_rep_values(p, geo, i, default_bottom) for i in range(1, p.reps + 1)]
    first = rep_vals[0] if rep_vals else set_vals

    keys: dict[str, list[tuple[float, float]]] = {k: [] for k in _TRACKS}

    def bottom_state(v: dict, theta: float) -> dict:
        return {"theta": theta, "neck": v["neck_bottom_deg"], "drop": 0.0, "elbow": v["elbow_bottom"],
                "rise": 0.0, "fhip": v["free_leg_hip_deg"], "fknee": v["free_leg_knee_deg"]}

    def top_state(v: dict) -> dict:
        return {"theta": v["peak_hip_deg"], "neck": v["neck_top_deg"], "drop": v["pelvic_drop_deg"],
                "elbow": v["elbow_top"], "rise": v["rise_top"], "fhip": v["free_leg_hip_deg"],
                "fknee": v["free_leg_knee_deg"]}

    def put(t: float, state: dict) -> None:
        for k in _TRACKS:
            keys[k].append((t, float(state[k])))

    side = p.working_side
    side_events = [(0.0, side)]
    phases: list[tuple[float, float, str]] = []
    reps: list[_RepPlan] = []
    w_keys: list[tuple[float, float]] = []
    single = var == "single_leg"
    two_up = var == "two_up_one_down"

    t = 0.0
    setup_end = 0.0
    bottom_theta = first["bottom_hip_deg"]
    if p.start_at_top:
        put(0.0, top_state(first))
        w_keys.append((0.0, 1.0 if (single or two_up) else 0.0))
    else:
        put(0.0, bottom_state(first, bottom_theta))
        if p.setup is not None:
            setup_end = float(p.setup_s)
            phases.append((0.0, setup_end, "setup"))
            t = setup_end
            put(t, bottom_state(first, bottom_theta))
            w_keys.append((0.0, 0.0))
            if single:
                lift = min(0.8, float(p.lead_in_s))
                w_keys += [(t, 0.0), (t + lift, 1.0)]
        else:
            w_keys.append((0.0, 1.0 if single else 0.0))
        if p.lead_in_s > 0:
            phases.append((t, t + p.lead_in_s, "bottom"))
            t += p.lead_in_s
            put(t, bottom_state(first, bottom_theta))

    for i, v in enumerate(rep_vals, start=1):
        if i == 1 and p.start_at_top:
            start = top0 = 0.0
        else:
            start = t
            put(start, bottom_state(v, bottom_theta))
            top0 = start + v["concentric_s"]
            phases.append((start, top0, "concentric"))
        top1 = top0 + v["hold_s"]
        end = top1 + v["eccentric_s"]
        put(top0, top_state(v))
        put(top1, top_state(v))
        bottom_theta = v["bottom_hip_deg"]
        put(end, bottom_state(v, bottom_theta))
        if v["hold_s"] > 0:
            phases.append((top0, top1, "top"))
        phases.append((top1, end, "eccentric"))
        rp = _RepPlan(index=i, start=start, top0=top0, top1=top1, end=end,
                      side="both" if var == "two_leg" else side, vals=v)
        if two_up and not (i == 1 and p.start_at_top):
            lift = min(0.5, 0.8 * v["hold_s"])
            w_keys += [(top0, 0.0), (top0 + lift, 1.0)]
        if v["free_foot_touch"] and var != "two_leg":
            ecc = v["eccentric_s"]
            dd = min(0.35, 0.3 * ecc)
            tc = top1 + 0.5 * ecc - 0.5 * _TOUCH_HOLD_S
            w_keys += [(tc - dd, 1.0), (tc, 0.0), (tc + _TOUCH_HOLD_S, 0.0), (tc + _TOUCH_HOLD_S + dd, 1.0)]
            rp.touch_t = tc
        reps.append(rp)
        t = end
        last = i == p.reps
        switching = p.switch_side_after is not None and i == p.switch_side_after
        pause = p.lead_out_s if last else (p.switch_pause_s if switching else v["bottom_pause_s"])
        nxt = rep_vals[i] if not last else v
        if two_up:
            down = min(0.5, pause)
            w_keys += [(t, 1.0), (t + down, 0.0)]
        if switching:
            if single:
                w_keys += [(t, 1.0), (t + 0.4 * pause, 0.0), (t + 0.6 * pause, 0.0), (t + pause, 1.0)]
            side = Side.LEFT.value if side == Side.RIGHT else Side.RIGHT.value
            side_events.append((t + 0.5 * pause, side))
        if pause > 0:
            phases.append((t, t + pause, "bottom"))
            t += pause
            put(t, bottom_state(nxt, bottom_theta))

    if p.reps == 0 and p.lead_out_s > 0:
        phases.append((t, t + p.lead_out_s, "bottom"))
        t += p.lead_out_s
    total = t
    for k in _TRACKS:
        keys[k].sort(key=lambda kv: kv[0])   # stable: equal times keep their order
    w_keys.sort(key=lambda kv: kv[0])
    if not phases:
        phases.append((0.0, max(total, 1e-9), "bottom"))

    rng = np.random.default_rng([int(p.seed), 7])
    sway = (rng.uniform(0.08, 0.35, size=(3, 3)), rng.uniform(0, 2 * np.pi, size=(3, 3)))
    push_arms = any(v["elbow_push"] > 0 for v in rep_vals) or set_vals["elbow_push"] > 0
    return _Plan(params=p, geo=geo, keys=keys, w_keys=w_keys, side_events=side_events, phases=phases,
                 reps=reps, total=total, setup_end=setup_end, bottom0=float(first["bottom_hip_deg"]),
                 push_arms=push_arms, sway=sway)
