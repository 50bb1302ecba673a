"""Which of the poses MediaPipe found is the athlete, and how many real people a probe saw.

Pure numpy on the landmark arrays (no MediaPipe here): ``pose.PoseEstimator`` hands each frame's
candidates to ``AthleteTracker`` and each probe's to ``count_real_people``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from formcheck.core.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

_TORSO = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)
# Two candidates whose centroid distances differ by less than this (fraction of the frame
# height) are a tie; the larger one wins.
_TIE_TOLERANCE = 0.05

# A probe detection counts as a person only with its torso clearly seen and at least this
# fraction of the largest person's size (half-detected shadows and plates are not people).
_PERSON_MIN_TORSO_VISIBILITY = 0.5
_PERSON_MIN_RELATIVE_SIZE = 0.25


def count_real_people(poses: list[np.ndarray]) -> int:
    """Distinct, clearly seen people among a probe's detections.

    A detection whose torso centre lies within half a body size of a larger one is the same
    person found twice (the probe sometimes returns a partial duplicate).
    """
    people: list[tuple[float, np.ndarray]] = []
    for p in poses:
        torso = p[list(_TORSO)]
        if np.nanmean(torso[:, 3]) < _PERSON_MIN_TORSO_VISIBILITY:
            continue
        xy = p[:, :2][np.all(np.isfinite(p[:, :2]), axis=1)]
        if not xy.size:
            continue
        span = xy.max(axis=0) - xy.min(axis=0)
        people.append((float(max(span)), np.nanmean(torso[:, :2], axis=0)))
    if not people:
        return 0
    people.sort(key=lambda sc: -sc[0])
    kept: list[tuple[float, np.ndarray]] = []
    for size, centre in people:
        if size < _PERSON_MIN_RELATIVE_SIZE * people[0][0]:
            continue
        if any(np.linalg.norm(centre - c) < 0.5 * s for s, c in kept):
            continue
        kept.append((size, centre))
    return len(kept)


class AthleteTracker:
    """Chooses one pose per frame: nearest to the last choice, largest at the start."""

    def __init__(self, aspect_fn: Callable[[], float], reacquire_after_ms: int) -> None:
        self._aspect_fn = aspect_fn
        self.reacquire_after_ms = reacquire_after_ms
        self.centroid: np.ndarray | None = None
        self.last_seen_ms: int | None = None

    @staticmethod
    def _geometry(image: np.ndarray, aspect: float) -> tuple[np.ndarray, float]:
        xy = image[:, :2] * np.array([aspect, 1.0])  # units of frame height
        torso = xy[list(_TORSO)]
        torso = torso[np.all(np.isfinite(torso), axis=1)]
        finite = xy[np.all(np.isfinite(xy), axis=1)]
        if finite.size == 0:
            return np.array([np.nan, np.nan]), 0.0
        centroid = torso.mean(axis=0) if torso.size else finite.mean(axis=0)
        span = finite.max(axis=0) - finite.min(axis=0)
        return centroid, float(span[0] * span[1])

    def choose(self, candidates: list[np.ndarray], t_ms: int) -> int:
        aspect = self._aspect_fn()
        geo = [self._geometry(c, aspect) for c in candidates]
        areas = np.array([a for _, a in geo])
        stale = self.last_seen_ms is None or t_ms - self.last_seen_ms > self.reacquire_after_ms
        if self.centroid is None or stale:
            best = int(np.argmax(areas))
        else:
            dist = np.array([np.linalg.norm(c - self.centroid) for c, _ in geo])
            dist = np.where(np.isfinite(dist), dist, np.inf)
            near = np.flatnonzero(dist <= dist.min() + _TIE_TOLERANCE)
            best = int(near[np.argmax(areas[near])])
        centroid = geo[best][0]
        if np.all(np.isfinite(centroid)):
            self.centroid = centroid
            self.last_seen_ms = t_ms
        return best
