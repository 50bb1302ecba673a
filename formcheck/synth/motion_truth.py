"""The injected-fault ground truth: each true rep judged by the FORM_RULES thresholds."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from formcheck.core.vocab import FaultCode, Severity
from .motion_params import DEFAULT_THRESHOLDS, _TOUCH_HOLD_S, _check
from .motion_types import InjectedFault, TrueRep
from .motion_geometry import _interp_keys
from .motion_plan import _Plan
from .motion_eval import _evaluate


def _fine_grid(plan: _Plan, r: Any, peak: float, th: dict[str, Any]) -> tuple[float, tuple[float, float] | None]:
    """On a 2 ms grid over one rep (independent of the frame rate): the time within the hold band
    of the peak, and (lowest neck angle, its first time) when the head stayed back long enough."""
    dt = 0.002
    tg = np.arange(r.start, r.end + dt / 2, dt)
    theta_g = _interp_keys(tg, plan.keys["theta"])
    neck_g = _interp_keys(tg, plan.keys["neck"])
    near = theta_g >= peak - th["hold_band_deg"]
    time_near = float(np.count_nonzero(near) * dt)
    bad_neck = (neck_g < th["neck_fault_below_deg"]) & (theta_g >= peak - th["neck_near_top_deg"])
    if _longest_run(bad_neck) * dt >= th["neck_min_duration_s"] - 1e-9:
        return time_near, (float(neck_g[bad_neck].min()), float(tg[np.argmax(bad_neck)]))
    return time_near, None


def _judge(plan: _Plan, thresholds: Mapping[str, Any] | None) -> tuple[list[TrueRep], list[InjectedFault]]:
    th = dict(DEFAULT_THRESHOLDS)
    if thresholds:
        unknown = set(thresholds) - set(th)
        _check(not unknown, f"unknown threshold key(s) {sorted(unknown)}")
        th.update(thresholds)
    p = plan.params
    var = p.resolved_variation
    if not plan.reps:
        return [], []
    tops = np.array([r.top0 for r in plan.reps])
    mids = np.array([0.5 * (r.top0 + r.top1) for r in plan.reps])
    holds_end = np.array([r.top1 - 1e-6 if r.top1 > r.top0 else r.top0 for r in plan.reps])
    at_top = _evaluate(plan, tops)
    at_end = _evaluate(plan, holds_end)
    at_mid = _evaluate(plan, mids)
    lo_k, hi_k = th["knee_top_range_bench_deg"] if p.support == "bench" else th["knee_top_range_floor_deg"]
    lo_f, hi_f = th["free_hip_range_deg"]
    tl = plan.geo.body.torso_m
    reps: list[TrueRep] = []
    faults: list[InjectedFault] = []
    for j, r in enumerate(plan.reps):
        v = r.vals
        found: list[InjectedFault] = []

        def add(code: str, sev: str, value: float, thr: float, t: float) -> None:
            found.append(InjectedFault(code=code, rep=r.index, t_s=float(t), severity=sev,
                                       value=float(value), threshold=float(thr)))

        peak = float(v["peak_hip_deg"])
        tmid = float(mids[j])
        if peak < th["incomplete_fault_below_deg"]:
            add(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.FAULT, peak, th["incomplete_fault_below_deg"], tmid)
        elif peak < th["incomplete_warn_below_deg"]:
            add(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.WARN, peak, th["incomplete_warn_below_deg"], tmid)
        if peak > th["back_hyper_above_deg"]:
            add(FaultCode.BACK_HYPEREXTENSION, Severity.FAULT, peak, th["back_hyper_above_deg"], tmid)
        time_near, neck = _fine_grid(plan, r, peak, th)
        if neck is not None:
            add(FaultCode.NECK_HYPEREXTENSION, Severity.FAULT, neck[0], th["neck_fault_below_deg"], neck[1])
        tilt = float(at_mid["truth"].pelvis_tilt_deg[j])
        if abs(tilt) > th["pelvis_fault_above_deg"]:
            add(FaultCode.UNLEVEL_HIPS, Severity.FAULT, tilt, th["pelvis_fault_above_deg"], tmid)
        elif abs(tilt) > th["pelvis_warn_above_deg"]:
            add(FaultCode.UNLEVEL_HIPS, Severity.WARN, tilt, th["pelvis_warn_above_deg"], tmid)
        opening = float(v["elbow_top"] - v["elbow_bottom"])
        rise_tl = float(v["rise_top"] / tl)
        if v["elbow_push"] > 0 and (opening > th["elbow_min_open_deg"] or rise_tl > th["elbow_min_shoulder_rise_tl"]):
            if opening > th["elbow_min_open_deg"]:
                add(FaultCode.ELBOW_PUSH, Severity.FAULT, opening, th["elbow_min_open_deg"], r.top0)
            else:
                add(FaultCode.ELBOW_PUSH, Severity.FAULT, rise_tl, th["elbow_min_shoulder_rise_tl"], r.top0)
        # A hold is a pause: the commanded stillness at the top, not the time spent near the peak
        # (a slow rep turning smoothly spends ~0.4 s within 5 deg of it without stopping).
        if v["hold_s"] < th["hold_min_s"] - 1e-9:
            add(FaultCode.NO_TOP_HOLD, Severity.FAULT, float(v["hold_s"]), th["hold_min_s"], tmid)
        knee_top = float(at_top["truth"].knee_deg[j])
        if not (lo_k <= knee_top <= hi_k):
            add(FaultCode.FOOT_PLACEMENT, Severity.FAULT, knee_top, lo_k if knee_top < lo_k else hi_k, r.top0)
        free_hip = float(at_end["truth"].free_hip_deg[j])
        if var != "two_leg":
            if not (lo_f <= free_hip <= hi_f):
                add(FaultCode.FREE_LEG_POSITION, Severity.FAULT, free_hip, lo_f if free_hip < lo_f else hi_f, r.top1)
            elif r.touch_t is not None:
                add(FaultCode.FREE_LEG_POSITION, Severity.FAULT, _TOUCH_HOLD_S, 0.0, r.touch_t + 0.5 * _TOUCH_HOLD_S)
        ecc = float(v["eccentric_s"])
        if ecc < th["min_eccentric_s"]:
            add(FaultCode.FAST_DESCENT, Severity.FAULT, ecc, th["min_eccentric_s"], r.top1 + 0.5 * ecc)
        faults += found
        reps.append(TrueRep(
            index=r.index, start_s=r.start, top_start_s=r.top0, top_end_s=r.top1, end_s=r.end,
            side=r.side, variation=var, peak_hip_deg=peak, bottom_hip_deg=float(v["bottom_hip_deg"]),
            knee_top_deg=knee_top, free_hip_top_deg=free_hip if var != "two_leg" else float("nan"),
            neck_top_deg=float(v["neck_top_deg"]), pelvis_tilt_top_deg=tilt, elbow_open_deg=opening,
            shoulder_rise_tl=rise_tl, concentric_s=r.top0 - r.start, hold_s=r.top1 - r.top0,
            eccentric_s=ecc, time_near_peak_s=time_near, free_foot_touch=r.touch_t is not None,
            faults=tuple(f.code for f in found if f.severity == Severity.FAULT),
            warnings=tuple(f.code for f in found if f.severity == Severity.WARN),
        ))
    return reps, faults


def _longest_run(mask: np.ndarray) -> int:
    if not mask.any():
        return 0
    m = np.concatenate([[0], mask.astype(np.int8), [0]])
    d = np.diff(m)
    return int((np.nonzero(d == -1)[0] - np.nonzero(d == 1)[0]).max())
