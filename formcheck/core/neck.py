"""The neck's evidence: which reading a rep's neck is judged on, and whether the head was hidden.

MediaPipe follows about half of a dropped head with the ears, and where the near arm hides the
head it still places the ears (visibility ~1) on the arm's line. The face line turns further, and
a hidden head that reads fine is reported as not judged, never passed (see ``faults.unmeasured``).
"""

from __future__ import annotations

import numpy as np

from formcheck.core.profile import Profile
from formcheck.core.vocab import FaultCode


def head_hidden(m: dict[str, np.ndarray], s: int, e: int, peak_hip_deg: float, profile: Profile) -> bool:
    """Whether the head was hidden near this rep's top behind the near arm: MediaPipe still places
    the ears there (visibility ~1), but it guesses, and a head dropped to -40 deg reads -4."""
    cfg = profile.fault(FaultCode.NECK_HYPEREXTENSION)
    if "head_arm_tl" not in m:
        return False
    hip = m["hip_deg"][s:e + 1]
    near = np.isfinite(hip) & (hip >= peak_hip_deg - cfg.near_top_deg)
    gap = m["head_arm_tl"][s:e + 1][near]
    gap = gap[np.isfinite(gap)]
    return bool(gap.size) and float(np.median(gap)) < cfg.min_head_arm_gap_tl


def neck_reading(m: dict[str, np.ndarray], s: int, e: int, profile: Profile) -> np.ndarray:
    """The neck angle frames s..e are judged on: the ear line (shoulder->ear against the torso), or
    the face line (``face_deg``: ear->nose against the torso, less ``face_offset_deg``) where that
    reads further back. MediaPipe follows about half of a dropped head with the ears; the face line turns
    further (rendered -30 deg from 0.8 m: ears -7, face -14)."""
    cfg = profile.fault(FaultCode.NECK_HYPEREXTENSION)
    neck = m["neck_deg"][s:e + 1]
    if not cfg.face_evidence or "face_deg" not in m:
        return neck
    face = m["face_deg"][s:e + 1] - cfg.face_offset_deg
    return np.where(np.isfinite(face), np.fmin(neck, face), neck)
