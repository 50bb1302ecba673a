"""Set-up or rep: a second look, offline, at the tops whose knee read straight.

Live and offline the segmenter sets a straight-knee top aside (lying flat with straight legs is
not a rep). But one knee reading decides wrongly where the knee is unreliable: a plate over the
hips and knees, a camera above the head. Offline the whole set is known, so a straight-knee top
is counted after all when the other readings agree that it is a rep:

- the hips rose against the shoulders: the torso line turned by at least
  ``reps.setup_min_torso_turn_deg`` from the rep's bottom to its top (lying flat from a bench
  turns it ~24 deg, a bench rep ~41; on the floor 0 against ~25), and
- it repeats: another rep of the set (counted, or another straight-knee top that passes the
  torso reading) exists. A lone movement before or after the set stays a set-up.

Only where the torso line is an angle in the image (side and oblique views); from the feet or the
head the knee rule decides alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.core.profile import Profile
from formcheck.core.reps import RepWindow
from formcheck.core.view import view_family
from formcheck.core.vocab import END_ON_FAMILIES


def torso_turn_deg(win: RepWindow, torso_deg: np.ndarray) -> float:
    """How far the hips rose against the shoulders: torso angle at the bottom minus at the top."""
    a = torso_deg[win.start_frame:win.peak_frame + 1]
    if not np.isfinite(a).any() or not np.isfinite(torso_deg[win.peak_frame]):
        return float("nan")
    return float(np.nanmax(a) - torso_deg[win.peak_frame])


def decide_setup(windows: list[RepWindow], m: dict[str, np.ndarray], profile: Profile,
                 view: str) -> tuple[list[RepWindow], int]:
    """The windows with straight-knee tops either counted (rep) or dropped (set-up); and how many
    were dropped."""
    rc = profile.reps
    straight = [w for w in windows if w.straight_knee]
    kept = [w for w in windows if not w.straight_knee]
    if not straight:
        return kept, 0
    if view_family(view) in END_ON_FAMILIES or "torso_deg" not in m:
        return kept, len(straight)
    turned = [w for w in straight if torso_turn_deg(w, m["torso_deg"]) >= rc.setup_min_torso_turn_deg]
    others = sum(w.counted for w in kept)
    if others + len(turned) < 2:
        return kept, len(straight)
    rescued = []
    for w in turned:
        rise = np.inf if w.opened_at_top else float(w.peak_hip_deg - m["hip_deg"][w.start_frame])
        counted = bool(rise >= rc.min_rise_deg and w.peak_hip_deg >= rc.min_peak_hip_deg)
        rescued.append(replace(w, counted=counted, straight_knee=False))
    return kept + rescued, len(straight) - len(rescued)
