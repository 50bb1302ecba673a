"""Set-up guidance for the live window: what keeps the athlete from being judged well right now.

Display checks shown before the first rep (camera placement, light, framing); they are not form
thresholds. ``SetupGuide`` shows an issue only when it held for most of the last second, so the
banner does not flicker with single-frame misses.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable

import numpy as np

from formcheck.core.vocab import LEFT_ANKLE, LEFT_EAR, LEFT_FOOT, LEFT_HEEL, NOSE, RIGHT_ANKLE, RIGHT_EAR, RIGHT_FOOT, RIGHT_HEEL

# -- set-up guidance: display checks shown before the first rep (not form thresholds) ---------
# A head or foot landmark is "seen" with at least this MediaPipe visibility ...
GUIDE_MIN_VISIBILITY = 0.5
# ... and at least this far (fraction of the frame) inside the frame edge; MediaPipe keeps
# guessing points just outside the frame, so points on or past the edge mean "cut off".
GUIDE_EDGE_MARGIN = 0.02
# Mean grey level (0-255) of the frame below this: too dark for steady landmarks (typical lit
# rooms measure 90-140 on webcams; MediaPipe jitters markedly below ~50).
GUIDE_MIN_BRIGHTNESS = 50.0
# The body's longer extent (bounding box of the seen landmarks) as a fraction of the frame's
# width/height: below MIN the person is small (joints a few pixels apart, noisy angles), above
# MAX a small movement takes a limb out of the frame.
GUIDE_MIN_BODY_FRAC = 0.35
GUIDE_MAX_BODY_FRAC = 0.95
# An issue is shown when it was found in at least SHOW_FRAC of the frames of the last WINDOW_S
# (so the banner does not flicker with single-frame misses).
GUIDE_WINDOW_S = 1.0
GUIDE_SHOW_FRAC = 0.6

HEAD = (NOSE, LEFT_EAR, RIGHT_EAR)
FEET = (LEFT_ANKLE, RIGHT_ANKLE, LEFT_HEEL, RIGHT_HEEL, LEFT_FOOT, RIGHT_FOOT)  # ankles, heels, toes

ISSUE_TEXT = {
    "no_person": "Step into view: whole body side-on to the camera, 2-3 m away.",
    "dark": "Too dark: add light or face a window.",
    "head_out": "Head out of frame: move the camera back or aim it higher.",
    "feet_out": "Feet out of frame: move the camera back or aim it lower.",
    "far": "Too far: move the camera closer (body fills under a third of the frame).",
    "close": "Too close: move the camera back.",
    "front_view": ("Camera is along the body: it only counts reps from here. Turn it side-on to judge "
                   "hip extension, neck, elbows, feet and free leg."),
    "oblique_view": "Camera is at an angle: turn it side-on for exact hip and neck angles.",
}
# Order in which issues are listed (the first ones block everything else).
ISSUE_ORDER = ("no_person", "dark", "head_out", "feet_out", "far", "close", "front_view", "oblique_view")
MAX_ISSUES_SHOWN = 2
READY_TEXT = "Ready: side-on, whole body in view."
# The ready message is hidden once the athlete moves (it would cover the body mid-rep).
READY_PHASES = ("setup", "bottom", "unknown")

def setup_issues(frame_bgr: np.ndarray, landmarks: np.ndarray | None, view: str) -> list[str]:
    """Keys of ``ISSUE_TEXT`` that hold for one frame (normalized landmarks (33, 4) or None)."""
    issues: list[str] = []
    # Mean of a 1-in-8 subsample: the light level to a fraction of a grey level, in ~50 us.
    if float(np.mean(frame_bgr[::8, ::8])) < GUIDE_MIN_BRIGHTNESS:
        issues.append("dark")
    lm = None if landmarks is None else np.asarray(landmarks, dtype=np.float64)
    if lm is None or not np.isfinite(lm[:, 0]).any():
        issues.insert(0, "no_person")
        return issues
    xy, vis = lm[:, :2], lm[:, 3]
    inside = np.all((xy >= GUIDE_EDGE_MARGIN) & (xy <= 1.0 - GUIDE_EDGE_MARGIN), axis=1)
    seen = inside & ~(vis < GUIDE_MIN_VISIBILITY) & np.isfinite(xy[:, 0])
    if not seen[list(HEAD)].any():
        issues.append("head_out")
    if not seen[list(FEET)].any():
        issues.append("feet_out")
    pts = xy[np.isfinite(xy[:, 0]) & ~(vis < GUIDE_MIN_VISIBILITY)]
    if len(pts):
        span = pts.max(axis=0) - pts.min(axis=0)
        extent = float(max(span[0], span[1]))
        if extent < GUIDE_MIN_BODY_FRAC:
            issues.append("far")
        elif extent > GUIDE_MAX_BODY_FRAC:
            issues.append("close")
    if view in ("front", "back"):
        issues.append("front_view")
    elif view == "oblique":
        issues.append("oblique_view")
    return issues


class SetupGuide:
    """Keeps the issues found over the last ``GUIDE_WINDOW_S`` and writes the banner."""

    def __init__(self) -> None:
        self._hist: deque[tuple[float, tuple[str, ...]]] = deque()

    def reset(self) -> None:
        self._hist.clear()

    def add(self, t_s: float, issues: Iterable[str]) -> None:
        self._hist.append((t_s, tuple(issues)))
        while self._hist and self._hist[0][0] < t_s - GUIDE_WINDOW_S:
            self._hist.popleft()

    def stable_issues(self) -> list[str]:
        n = len(self._hist)
        if n == 0:
            return []
        counts: dict[str, int] = {}
        for _, issues in self._hist:
            for k in issues:
                counts[k] = counts.get(k, 0) + 1
        return [k for k in ISSUE_ORDER if counts.get(k, 0) >= GUIDE_SHOW_FRAC * n]

    def banner(self, view: str) -> str | None:
        issues = self.stable_issues()
        if issues:
            return "Set-up: " + " ".join(ISSUE_TEXT[k] for k in issues[:MAX_ISSUES_SHOWN])
        if view.startswith("side"):
            return READY_TEXT
        return None  # view not known yet: nothing to say

