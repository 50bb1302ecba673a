"""End-on, offline: a dip during a top is not a new rep.

From the feet or the head the whole-body signal (core/body_lift.py) wobbles at the top of a held
rep: MediaPipe's joints shift while the body is still, and a dip of a third of the set's range
ends the top for the segmenter, so the climb back reads as a rep of its own (a rendered front
single-leg hip thrust counted 4 for 3). A rep starts and ends near its bottom; a window that
starts where the one before it ended, well above both that one's start and its own end, rose from
a dip in a top, not from a bottom: the two are the same rep and are merged. Measured against the
bottoms on either side, not the set's lowest level, so a set-up before the set (lying flat, which
moves the body further than a rep) does not make every rep's bottom look like a dip.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.core.profile import Profile
from formcheck.core.reps import RepWindow
from formcheck.core.signals import rep_signal
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES


def merge_top_dips(windows: list[RepWindow], m: dict[str, np.ndarray], profile: Profile,
                   view: str) -> list[RepWindow]:
    """End-on with ``[lift]`` on: ``windows`` with each window that starts, at the frame the one
    before it ended, at least ``lift.top_dip_min_start_frac`` of the set's range above both that
    one's start and its own end folded into that one. Other views: ``windows`` unchanged."""
    if view_family(view) not in END_ON_FAMILIES or not profile.lift.enabled:
        return windows
    signal = m[rep_signal(profile, view, offline=True).name]
    return _merge(sorted(windows, key=lambda w: w.peak_frame), signal, range_pct=profile.lift.body_range_pct,
                  min_start_frac=profile.lift.top_dip_min_start_frac)


def _merge(windows: list[RepWindow], signal: np.ndarray, *, range_pct: float,
           min_start_frac: float) -> list[RepWindow]:
    if len(windows) < 2 or not np.isfinite(signal).any():
        return windows
    lo, hi = np.nanpercentile(signal, [range_pct, 100.0 - range_pct])
    if not hi > lo:
        return windows
    out = [windows[0]]
    for w in windows[1:]:
        prev = out[-1]
        dip = signal[w.start_frame]
        above = min(dip - signal[prev.start_frame], dip - signal[w.end_frame]) / (hi - lo)
        if w.start_frame == prev.end_frame and not (w.opened_at_top or w.closed_at_top) and above >= min_start_frac:
            higher = w if w.peak_hip_deg > prev.peak_hip_deg else prev
            out[-1] = replace(prev, peak_frame=higher.peak_frame, end_frame=w.end_frame,
                              peak_hip_deg=higher.peak_hip_deg, knee_at_peak_deg=higher.knee_at_peak_deg,
                              counted=prev.counted or w.counted, closed_at_top=w.closed_at_top,
                              straight_knee=prev.straight_knee and w.straight_knee)
        else:
            out.append(w)
    return out
