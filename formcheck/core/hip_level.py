"""Hip level judged from the waistband's tilt in the video, read at each rep's top (issue 18).

MediaPipe's hip landmarks do not follow a dropped hip, so the analyzer cannot judge it from the
33 points; the picture itself can, from the feet with a raised camera (README, "Hip level from the
image itself"). The reading is an adapter's job (``formcheck/adapters/hip_image.py``: it needs the
frames); this module only says which frames to read and judges the readings, given as numbers
keyed by frame, with the thresholds of the profile's ``[faults.unlevel_hips]``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.core.report import Fault, NotAssessed, Rep, SetReport
from formcheck.core.view import view_family
from formcheck.core.vocab import FAULT_CODES, FaultCode, Phase, Severity, Side, Variation

#: Top frames read per rep (spread over its top): one frame's fold or blur is outvoted.
FRAMES_PER_REP = 5

NO_EDGE = ("no clear waistband edge at the top, or the camera looked too flat to see it: film from your feet "
           "with the camera raised to about 2 m looking down, in a top that contrasts with your shorts "
           "(or tucked in)")
SINGLE_LEG = "single-leg reps: the lifted thigh crosses the waistband"


def judged_by_waistband(report: SetReport) -> bool:
    """Whether the report's profile judges hip level from the waistband in this view."""
    p = report.exercise_profile
    if p is None or FaultCode.UNLEVEL_HIPS not in p.enabled_faults():
        return False
    return view_family(report.view) in p.fault(FaultCode.UNLEVEL_HIPS).waistband_views


def frames_to_read(report: SetReport) -> dict[int, list[int]]:
    """Rep index -> the frames at its top to read (two-leg counted reps only): up to
    ``FRAMES_PER_REP`` of the frames the analysis marked "top", else the peak frame."""
    phase = report.frames_table.get("phase")
    out: dict[int, list[int]] = {}
    for rep in report.reps:
        if rep.variation != Variation.TWO_LEG:
            continue
        top = np.arange(rep.start_frame, rep.end_frame + 1)
        if phase is not None and phase.size > rep.end_frame:
            top = top[phase[rep.start_frame:rep.end_frame + 1] == Phase.TOP]
        if top.size == 0:
            top = np.array([rep.top_frame])
        pick = np.unique(np.linspace(0, top.size - 1, min(FRAMES_PER_REP, top.size)).round().astype(int))
        out[rep.index] = [int(top[k]) for k in pick]
    return out


def _rep_tilt(frames: list[int], readings: dict[int, float | None]) -> float:
    vals = np.array([readings[f] for f in frames if readings.get(f) is not None], float)
    vals = vals[np.isfinite(vals)]
    return float(np.median(vals)) if vals.size else float("nan")


def _which(indices: list[int], reps: tuple[Rep, ...]) -> str:
    return "any rep" if len(indices) == len(reps) else "reps " + ", ".join(map(str, indices))


def judge_waistband(report: SetReport, readings: dict[int, float | None]) -> SetReport:
    """The report with ``unlevel_hips`` judged per two-leg rep from the waistband ``readings``
    (frame -> tilt in degrees, + the person's left side lower; None: no edge found).

    A rep with no reading is not judged, and the report says why; so are single-leg reps."""
    if not judged_by_waistband(report):
        return report
    cfg = report.exercise_profile.fault(FaultCode.UNLEVEL_HIPS)
    wanted = frames_to_read(report)
    t_s = report.frames_table.get("t_s")
    reps, no_edge, single = [], [], []
    for rep in report.reps:
        if rep.index not in wanted:
            single.append(rep.index)
            reps.append(rep)
            continue
        tilt = _rep_tilt(wanted[rep.index], readings)
        if not np.isfinite(tilt):
            no_edge.append(rep.index)
        elif abs(tilt) > cfg.waistband_fault_above_deg:
            low = Side.LEFT if tilt > 0 else Side.RIGHT
            at_s = float(t_s[rep.top_frame]) if t_s is not None and t_s.size > rep.top_frame else rep.top_s
            fault = Fault(code=FaultCode.UNLEVEL_HIPS, severity=Severity.FAULT, value=abs(tilt),
                          threshold=cfg.waistband_fault_above_deg, t_s=at_s, frame=rep.top_frame, cue=cfg.cue,
                          detail=f"{low} hip lower (waistband tilted {abs(tilt):.1f} deg)")
            rep = replace(rep, faults=tuple(sorted((*rep.faults, fault), key=lambda f: FAULT_CODES.index(f.code))))
        reps.append(rep)
    kept = [n for n in report.not_assessed if n.code != FaultCode.UNLEVEL_HIPS]
    if no_edge:
        kept.append(NotAssessed(FaultCode.UNLEVEL_HIPS, f"hip level was not judged on {_which(no_edge, report.reps)}: {NO_EDGE}"))
    if single:
        kept.append(NotAssessed(FaultCode.UNLEVEL_HIPS, f"hip level is not judged on {_which(single, report.reps)}: {SINGLE_LEG}"))
    if not report.reps:
        kept = list(report.not_assessed)
    return replace(report, reps=tuple(reps), not_assessed=tuple(kept))
