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


def _bottom_state(v: dict, theta: float) -> dict:
    return {"theta": theta, "neck": v["neck_bottom_deg"], "drop": 0.0, "elbow": v["elbow_bottom"],
            "rise": 0.0, "fhip": v["free_leg_hip_deg"], "fknee": v["free_leg_knee_deg"]}


def _top_state(v: dict) -> dict:
    return {"theta": v["peak_hip_deg"], "neck": v["neck_top_deg"], "drop": v["pelvic_drop_deg"],
            "elbow": v["elbow_top"], "rise": v["rise_top"], "fhip": v["free_leg_hip_deg"],
            "fknee": v["free_leg_knee_deg"]}


class _Draft:
    """A plan being written key frame by key frame, from the set-up to the lead-out.

    ``w_keys`` is the free leg's lift (0 planted, 1 lifted); ``t`` the time written up to."""

    def __init__(self, p: MotionParams) -> None:
        self.p = p
        self.var = p.resolved_variation
        self.single = self.var == "single_leg"
        self.two_up = self.var == "two_up_one_down"
        self.keys: dict[str, list[tuple[float, float]]] = {k: [] for k in _TRACKS}
        self.side = p.working_side
        self.side_events: list[tuple[float, str]] = [(0.0, self.side)]
        self.phases: list[tuple[float, float, str]] = []
        self.reps: list[_RepPlan] = []
        self.w_keys: list[tuple[float, float]] = []
        self.t = 0.0
        self.setup_end = 0.0
        self.bottom_theta = 0.0

    def put(self, t: float, state: dict) -> None:
        for k in _TRACKS:
            self.keys[k].append((t, float(state[k])))

    def opening(self, first: dict) -> None:
        """The clip's start: at the top, or at the bottom after the set-up and the lead-in."""
        p = self.p
        self.bottom_theta = first["bottom_hip_deg"]
        if p.start_at_top:
            self.put(0.0, _top_state(first))
            self.w_keys.append((0.0, 1.0 if (self.single or self.two_up) else 0.0))
            return
        self.put(0.0, _bottom_state(first, self.bottom_theta))
        if p.setup is not None:
            self.setup_end = float(p.setup_s)
            self.phases.append((0.0, self.setup_end, "setup"))
            self.t = self.setup_end
            self.put(self.t, _bottom_state(first, self.bottom_theta))
            self.w_keys.append((0.0, 0.0))
            if self.single:
                lift = min(0.8, float(p.lead_in_s))
                self.w_keys += [(self.t, 0.0), (self.t + lift, 1.0)]
        else:
            self.w_keys.append((0.0, 1.0 if self.single else 0.0))
        if p.lead_in_s > 0:
            self.phases.append((self.t, self.t + p.lead_in_s, "bottom"))
            self.t += p.lead_in_s
            self.put(self.t, _bottom_state(first, self.bottom_theta))

    def rep(self, i: int, v: dict) -> None:
        """Rep ``i``: concentric, hold, eccentric (and the free foot's lift and touch)."""
        p = self.p
        if i == 1 and p.start_at_top:
            start = top0 = 0.0
        else:
            start = self.t
            self.put(start, _bottom_state(v, self.bottom_theta))
            top0 = start + v["concentric_s"]
            self.phases.append((start, top0, "concentric"))
        top1 = top0 + v["hold_s"]
        end = top1 + v["eccentric_s"]
        self.put(top0, _top_state(v))
        self.put(top1, _top_state(v))
        self.bottom_theta = v["bottom_hip_deg"]
        self.put(end, _bottom_state(v, self.bottom_theta))
        if v["hold_s"] > 0:
            self.phases.append((top0, top1, "top"))
        self.phases.append((top1, end, "eccentric"))
        rp = _RepPlan(index=i, start=start, top0=top0, top1=top1, end=end,
                      side="both" if self.var == "two_leg" else self.side, vals=v)
        if self.two_up and not (i == 1 and p.start_at_top):
            lift = min(0.5, 0.8 * v["hold_s"])
            self.w_keys += [(top0, 0.0), (top0 + lift, 1.0)]
        if v["free_foot_touch"] and self.var != "two_leg":
            ecc = v["eccentric_s"]
            dd = min(0.35, 0.3 * ecc)
            tc = top1 + 0.5 * ecc - 0.5 * _TOUCH_HOLD_S
            self.w_keys += [(tc - dd, 1.0), (tc, 0.0), (tc + _TOUCH_HOLD_S, 0.0), (tc + _TOUCH_HOLD_S + dd, 1.0)]
            rp.touch_t = tc
        self.reps.append(rp)
        self.t = end

    def pause_after(self, i: int, v: dict, nxt: dict) -> None:
        """The pause after rep ``i`` (the lead-out after the last), switching legs if asked."""
        p = self.p
        t = self.t
        last = i == p.reps
        switching = p.switch_side_after is not None and i == p.switch_side_after
        pause = p.lead_out_s if last else (p.switch_pause_s if switching else v["bottom_pause_s"])
        if self.two_up:
            down = min(0.5, pause)
            self.w_keys += [(t, 1.0), (t + down, 0.0)]
        if switching:
            if self.single:
                self.w_keys += [(t, 1.0), (t + 0.4 * pause, 0.0), (t + 0.6 * pause, 0.0), (t + pause, 1.0)]
            self.side = Side.LEFT.value if self.side == Side.RIGHT else Side.RIGHT.value
            self.side_events.append((t + 0.5 * pause, self.side))
        if pause > 0:
            self.phases.append((t, t + pause, "bottom"))
            self.t += pause
            self.put(self.t, _bottom_state(nxt, self.bottom_theta))


def _plan(p: MotionParams) -> _Plan:
    geo = _resolve_geo(p)
    base = p.resolved()
    default_bottom = _default_bottom_deg(geo, float(base["peak_hip_deg"]))
    set_vals = _rep_values(p, geo, None, default_bottom)
    rep_vals = [_rep_values(p, geo, i, default_bottom) for i in range(1, p.reps + 1)]
    first = rep_vals[0] if rep_vals else set_vals

    d = _Draft(p)
    d.opening(first)
    for i, v in enumerate(rep_vals, start=1):
        d.rep(i, v)
        d.pause_after(i, v, rep_vals[i] if i != p.reps else v)

    if p.reps == 0 and p.lead_out_s > 0:
        d.phases.append((d.t, d.t + p.lead_out_s, "bottom"))
        d.t += p.lead_out_s
    total = d.t
    for k in _TRACKS:
        d.keys[k].sort(key=lambda kv: kv[0])   # stable: equal times keep their order
    d.w_keys.sort(key=lambda kv: kv[0])
    if not d.phases:
        d.phases.append((0.0, max(total, 1e-9), "bottom"))

    rng = np.random.default_rng([int(p.seed), 7])
    sway = (rng.uniform(0.08, 0.35, size=(3, 3)), rng.uniform(0, 2 * np.pi, size=(3, 3)))
    push_arms = any(v["elbow_push"] > 0 for v in rep_vals) or set_vals["elbow_push"] > 0
    return _Plan(params=p, geo=geo, keys=d.keys, w_keys=d.w_keys, side_events=d.side_events, phases=d.phases,
                 reps=d.reps, total=total, setup_end=d.setup_end, bottom0=float(first["bottom_hip_deg"]),
                 push_arms=push_arms, sway=sway)
