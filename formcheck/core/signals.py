"""The rep signal of a view: which measure reps are segmented and timed on, with its settings.

Side-on and oblique it is the hip extension (degrees, ``[reps]``); from the feet or the head,
with ``[lift]`` enabled, the hips' image lift (shoulder widths), or offline with ``offline_body``
the whole body's movement in the same unit (``core/body_lift.py``). Live and offline both ask
here, so the two drivers cannot disagree on a view's signal or units.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.core.faults import RepSignal
from formcheck.core.profile import Profile
from formcheck.core.reps import RepWindow, SegmenterConfig
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES, FaultCode, ViewFamily


def refine_peak(win: RepWindow | None, m: dict[str, np.ndarray], signal: str) -> RepWindow | None:
    """The rep window's peak re-read from the zero-phase-smoothed rep signal."""
    if win is None:
        return None
    x = m[signal][win.start_frame:win.end_frame + 1]
    if not np.isfinite(x).any():
        return win
    k = win.start_frame + int(np.nanargmax(x))
    return replace(win, peak_frame=k, peak_hip_deg=float(m[signal][k]), knee_at_peak_deg=float(m["knee_deg"][k]))


def _lifts(profile: Profile, view: str) -> bool:
    """Whether reps in this view are segmented on the hip's image lift (see ``[lift]``)."""
    return view_family(view) in END_ON_FAMILIES and profile.lift.enabled


def lift_signal_name(profile: Profile, view: str, offline: bool) -> str | None:
    """The lift measure reps are found on in this view (None: the hip angle).

    Offline from the feet or the head, with ``offline_body``, the body's principal movement:
    fitted on the whole set, so live keeps the hips' lift."""
    if not _lifts(profile, view):
        return None
    return "body_lift_sw" if offline and profile.lift.offline_body else "hip_lift_sw"


def reps_config(profile: Profile, view: str, offline: bool = False, view_confidence: float = 1.0) -> SegmenterConfig:
    """The segmenter's settings for this view, in the unit of its rep signal (``signal``).

    From the feet or the head, and obliquely when the view is sure (``view_confidence`` at least
    ``view.min_confidence``), the knee check is looser: MediaPipe's knee reads straighter than it
    is there. An uncertain "oblique" keeps the side-on check: a set filmed from the feet read as
    oblique (confidence 0.25) split its tops in two, and the looser knee counted the halves.
    From the feet or the head with ``[lift]`` enabled the
    thresholds are the lift's (shoulder widths). The lift's level depends on the camera height,
    so it has no absolute floor: any top may count as a rep and no single frame is known to be
    a top.
    """
    cfg = SegmenterConfig.from_reps(profile.reps)
    if view_family(view) in END_ON_FAMILIES:
        cfg = replace(cfg, max_knee_at_top_deg=profile.reps.front_max_knee_at_top_deg)
    elif view_family(view) == ViewFamily.OBLIQUE and view_confidence >= profile.view.min_confidence:
        cfg = replace(cfg, max_knee_at_top_deg=profile.reps.oblique_max_knee_at_top_deg)
    lift = lift_signal_name(profile, view, offline)
    if lift is not None:
        lf = profile.lift
        cfg = replace(cfg, signal=lift, enter_rise=lf.enter_rise_sw, exit_drop=lf.exit_drop_sw,
                      min_rise=lf.min_rise_sw, top_band=lf.top_band_sw, phase_speed_per_s=lf.phase_speed_sw_s,
                      min_peak=-np.inf, start_top_min=np.inf)
    return cfg


def rep_signal(profile: Profile, view: str, offline: bool = False) -> RepSignal:
    """The measure reps are segmented and timed on in this view, with its bands."""
    lift = lift_signal_name(profile, view, offline)
    if lift is not None:
        lf = profile.lift
        hold = profile.fault(FaultCode.NO_TOP_HOLD)
        return RepSignal(lift, lf.top_band_sw, lf.tempo_top_band_sw, profile.reps.tempo_bottom_band_frac,
                         hold.pause_speed_frac, lf.pause_speed_floor_sw_s, hold.pause_window_s,
                         hold.hold_measure == "pause")
    return RepSignal.hip(profile)


def spike_min(profile: Profile, measure: str) -> float:
    """The offline spike filter's minimum jump, in the measure's unit."""
    if measure == "shoulder_up_tl":
        return profile.smoothing.spike_min_tl
    if measure == "hip_lift_sw":
        return profile.lift.spike_min_sw
    return profile.smoothing.spike_min_deg
