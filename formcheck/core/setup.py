"""Set-up or rep: a second look, offline, at the tops whose knee read straight.

Live and offline the segmenter sets a straight-knee top aside (lying flat with straight legs is
not a rep). But one knee reading decides wrongly where the knee is unreliable: a plate over the
hips and knees, a camera above the head. Offline the whole set is known, so a straight-knee top
is counted after all when the other readings agree that it is a rep.

Side views, where the torso line is an angle in the image (obliquely it is foreshortened and
hidden, so no straight-knee top is counted there; the oblique knee check is looser instead,
``reps.oblique_max_knee_at_top_deg``):

- the hips rose against the shoulders: the torso line turned by at least
  ``reps.setup_min_torso_turn_deg`` from the rep's bottom to its top, either way (lying flat
  from a bench turns it ~24 deg, a bench rep ~41; lying flat on the floor ~0, a floor rep ~25),
  and
- it repeats: another rep of the set (counted, or another straight-knee top that passes the
  torso reading) exists. A lone movement before or after the set stays a set-up.

From the feet or the head the torso line is edge-on and MediaPipe's knee reads 160-173 deg at a
true bench top (the shin points at the camera) or is missing (behind the hips), so the knee
cannot tell lying flat from a rep. There a straight-knee top counts when

- the knee does not read as lying flat (``lift.setup_flat_knee_deg``; a missing knee says
  nothing),
- it is a whole movement of the set: it rose, and unless the data ends at its top also fell,
  by at least ``lift.setup_min_cycle_frac`` of the set's own range of the rep signal, and
- it repeats, as side-on.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.core.profile import Profile
from formcheck.core.reps import RepWindow
from formcheck.core.signals import rep_signal, reps_config
from formcheck.core.top_dips import merge_top_dips
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES


def torso_turn_deg(win: RepWindow, torso_deg: np.ndarray) -> float:
    """How far the hips rose against the shoulders: the torso line's largest turn from the rep's
    bottom to its top, either way. On a bench it falls toward level (~41 deg); on the floor it
    rises as the hips lift above the shoulders (~25 deg), which the bench's "bottom minus top"
    read as 0, so floor reps whose knee read straight were all dropped."""
    a = torso_deg[win.start_frame:win.peak_frame + 1]
    if not np.isfinite(a).any() or not np.isfinite(torso_deg[win.peak_frame]):
        return float("nan")
    return float(np.nanmax(np.abs(a - torso_deg[win.peak_frame])))


def set_range(signal: np.ndarray, pct: float) -> float:
    """The set's own range of its rep signal: between the ``pct`` and ``100 - pct`` percentiles
    (one outlier frame does not set it)."""
    if not np.isfinite(signal).any():
        return float("nan")
    lo, hi = np.nanpercentile(signal, [pct, 100.0 - pct])
    return float(hi - lo)


def whole_movement(win: RepWindow, signal: np.ndarray, min_move: float) -> bool:
    """The window rose (and, unless the data ended at its top, fell) at least ``min_move``."""
    peak = signal[win.peak_frame]
    rise = np.inf if win.opened_at_top else peak - signal[win.start_frame]
    fall = np.inf if win.closed_at_top else peak - signal[win.end_frame]
    return bool(rise >= min_move and fall >= min_move)


def _end_on_reps(straight: list[RepWindow], m: dict[str, np.ndarray], profile: Profile,
                 view: str) -> list[RepWindow]:
    """The straight-knee tops that the end-on evidence calls reps (before the repeat check)."""
    lf = profile.lift
    signal = m[rep_signal(profile, view, offline=True).name]
    min_move = lf.setup_min_cycle_frac * set_range(signal, lf.body_range_pct)
    if not np.isfinite(min_move):
        return []
    return [w for w in straight
            if not w.knee_at_peak_deg >= lf.setup_flat_knee_deg and whole_movement(w, signal, min_move)]


def _rescue(win: RepWindow, m: dict[str, np.ndarray], profile: Profile, view: str) -> RepWindow:
    """A straight-knee top judged a rep: counted if it clears the segmenter's rise and peak floors
    (in its signal's unit), as a bent-knee top would."""
    cfg = reps_config(profile, view, offline=True)
    rise = np.inf if win.opened_at_top else float(win.peak_hip_deg - m[cfg.signal][win.start_frame])
    counted = bool(rise >= cfg.min_rise and win.peak_hip_deg >= cfg.min_peak)
    return replace(win, counted=counted, straight_knee=False)


def decide_setup(windows: list[RepWindow], m: dict[str, np.ndarray], profile: Profile,
                 view: str) -> tuple[list[RepWindow], int]:
    """The windows with straight-knee tops either counted (rep) or dropped (set-up); and how many
    were dropped. End-on, a dip during a top is first folded into its rep (core/top_dips.py)."""
    windows = merge_top_dips(windows, m, profile, view)
    straight = [w for w in windows if w.straight_knee]
    kept = [w for w in windows if not w.straight_knee]
    if not straight:
        return kept, 0
    if view_family(view) in END_ON_FAMILIES:
        turned = _end_on_reps(straight, m, profile, view)
    elif "torso_deg" in m:
        turned = [w for w in straight
                  if torso_turn_deg(w, m["torso_deg"]) >= profile.reps.setup_min_torso_turn_deg]
    else:
        turned = []
    if sum(w.counted for w in kept) + len(turned) < 2:
        return kept, len(straight)
    rescued = [_rescue(w, m, profile, view) for w in turned]
    return kept + rescued, len(straight) - len(rescued)
