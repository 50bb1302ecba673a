"""Camera view from landmark geometry, and what each view can and cannot judge.

The body's yaw to the camera is read from how wide the shoulders and hips look against how long
the torso looks: side-on, the left and right joints overlap; from the feet or the head, the torso
is foreshortened and the width is all there. Head direction and front/back come from the image x
order and the depth (z) order of head and feet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.landmarks import SIDE_JOINTS
from formcheck.core.stats import finite_median as _nanmedian
from formcheck.core.vocab import END_ON_FAMILIES, Side, View, ViewFamily, code_words

VIEWS: tuple[View, ...] = (View.SIDE_HEAD_LEFT, View.SIDE_HEAD_RIGHT, View.FRONT, View.BACK, View.OBLIQUE)
# Real proportions: mean of shoulder and hip-joint widths over shoulder-to-hip length (~0.3/0.5 m).
WIDTH_OVER_TORSO = 0.6
# Torso axis steeper than this in the image = camera along the body (measured: side views 13-36,
# obliques 33-51, front/back 90 on synthetic and real clips). Geometry, not a form threshold.
FRONT_MIN_AXIS_DEG = 70.0
# Seen from the feet with the camera raised, the ankles (nearest) sit far below the shoulders in
# the image. Rendered hip thrusts from the feet at 1.6-2.0 m: 2.8-3.1 shoulder widths below, yet
# MediaPipe's depth put the feet behind the shoulders on half the 2.0 m sets (read as "back", so
# hip level went unjudged); from behind the head (0.3-2.0 m, bench, floor, one and two legs)
# -0.9..1.8. Geometry, not a form threshold.
FEET_BELOW_SHOULDERS_SW = 2.5


def view_family(view: str) -> str:
    """The family of a view (``side_head_left`` -> ``side``); a name it does not know is its own."""
    if view.startswith(ViewFamily.SIDE):
        return ViewFamily.SIDE
    return ViewFamily(view) if view in ViewFamily._value2member_map_ else view


# Measures a view cannot see are blanked (NaN) rather than shown wrong: hip level side-on,
# the neck and elbows from the feet or the head.
HIDDEN_MEASURES = {
    ViewFamily.SIDE: ("pelvis_deg",),
    ViewFamily.FRONT: ("neck_deg", "head_pitch_deg", "face_deg", "elbow_deg", "shin_deg", "torso_deg"),
    ViewFamily.BACK: ("neck_deg", "head_pitch_deg", "face_deg", "elbow_deg", "shin_deg", "torso_deg"),
    ViewFamily.OBLIQUE: ("shin_deg", "torso_deg"),
}


@dataclass(frozen=True)
class ViewEstimate:
    view: View
    yaw_deg: float  # 0 = side-on, 90 = camera along the body axis
    confidence: float  # 0..1
    head_left: bool | None


def estimate_view(px: np.ndarray, depth: np.ndarray | None, *, side_max_yaw_deg: float,
                  front_min_yaw_deg: float) -> ViewEstimate:
    """Classify the view from (T, 33, 2) pixel landmarks and optional (T, 33) depth (z)."""
    L, R = SIDE_JOINTS[Side.LEFT], SIDE_JOINTS[Side.RIGHT]
    sh_l, sh_r = px[:, L["shoulder"]], px[:, R["shoulder"]]
    hp_l, hp_r = px[:, L["hip"]], px[:, R["hip"]]
    width = (np.linalg.norm(sh_l - sh_r, axis=-1) + np.linalg.norm(hp_l - hp_r, axis=-1)) / 2
    sh_mid, hp_mid = (sh_l + sh_r) / 2, (hp_l + hp_r) / 2
    torso = np.linalg.norm(sh_mid - hp_mid, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        yaw_per_frame = np.degrees(np.arctan((width / torso) / WIDTH_OVER_TORSO))
    yaw = _nanmedian(yaw_per_frame)
    # Seen from the feet or the head, the torso recedes from the camera and so runs up the image,
    # whatever the camera height: a steep torso axis marks a front/back view even when the width
    # ratio (which camera elevation inflates the torso of) reads oblique.
    axis_deg = _nanmedian(np.degrees(np.arctan2(np.abs(sh_mid[:, 1] - hp_mid[:, 1]),
                                                np.abs(sh_mid[:, 0] - hp_mid[:, 0]))))
    if np.isfinite(axis_deg) and axis_deg > FRONT_MIN_AXIS_DEG:
        yaw_per_frame = np.maximum(yaw_per_frame, front_min_yaw_deg + 1.0)
        yaw = max(yaw, front_min_yaw_deg + 1.0)
    if not np.isfinite(yaw):
        return ViewEstimate(View.UNKNOWN, float("nan"), 0.0, None)
    ok = np.isfinite(yaw_per_frame)
    if yaw < side_max_yaw_deg:
        head_dx = _nanmedian(sh_mid[:, 0] - hp_mid[:, 0])
        head_left = bool(head_dx < 0)
        view = View.SIDE_HEAD_LEFT if head_left else View.SIDE_HEAD_RIGHT
        agree = np.mean(yaw_per_frame[ok] < side_max_yaw_deg)
        margin = (side_max_yaw_deg - yaw) / side_max_yaw_deg
    elif yaw > front_min_yaw_deg:
        head_left = None
        view = _front_or_back(px, depth)
        agree = np.mean(yaw_per_frame[ok] > front_min_yaw_deg)
        margin = (yaw - front_min_yaw_deg) / (90 - front_min_yaw_deg)
    else:
        head_left = bool(_nanmedian(sh_mid[:, 0] - hp_mid[:, 0]) < 0)
        view = View.OBLIQUE
        agree = np.mean((yaw_per_frame[ok] >= side_max_yaw_deg) & (yaw_per_frame[ok] <= front_min_yaw_deg))
        half = (front_min_yaw_deg - side_max_yaw_deg) / 2
        margin = 1 - abs(yaw - (side_max_yaw_deg + half)) / half
    confidence = float(np.clip(0.5 * agree + 0.5 * np.clip(margin, 0, 1), 0, 1))
    return ViewEstimate(view, yaw, confidence, head_left)


def _front_or_back(px: np.ndarray, depth: np.ndarray | None) -> View:
    """Front = camera at the feet (feet nearer than the shoulders); back = behind the head."""
    L, R = SIDE_JOINTS[Side.LEFT], SIDE_JOINTS[Side.RIGHT]
    # the person's left appears on the image right when seen from the feet (supine)
    dx = _nanmedian(px[:, L["hip"], 0] - px[:, R["hip"], 0])
    if depth is not None:
        feet = (depth[:, L["ankle"]] + depth[:, R["ankle"]]) / 2
        shoulders = (depth[:, L["shoulder"]] + depth[:, R["shoulder"]]) / 2
        d = _nanmedian(feet - shoulders)
        if np.isfinite(d) and d != 0:
            if d > 0 and dx > 0 and _feet_far_below_shoulders(px):
                return View.FRONT  # two image cues outvote the depth from a steep camera
            return View.FRONT if d < 0 else View.BACK
    return View.FRONT if dx > 0 else View.BACK


def _feet_far_below_shoulders(px: np.ndarray) -> bool:
    """The ankles more than ``FEET_BELOW_SHOULDERS_SW`` shoulder widths below the shoulders in the image."""
    L, R = SIDE_JOINTS[Side.LEFT], SIDE_JOINTS[Side.RIGHT]
    ankles_y = (px[:, L["ankle"], 1] + px[:, R["ankle"], 1]) / 2
    shoulders_y = (px[:, L["shoulder"], 1] + px[:, R["shoulder"], 1]) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        below_sw = (ankles_y - shoulders_y) / np.linalg.norm(px[:, L["shoulder"]] - px[:, R["shoulder"]], axis=-1)
    below = _nanmedian(below_sw)
    return bool(np.isfinite(below) and below > FEET_BELOW_SHOULDERS_SW)


# The angles shown to the user (overlay, live) per view: only those the view judges well.
# From the feet or at an oblique angle MediaPipe's hip and knee read 15-60 deg off (a true 90 deg
# knee reads ~150 from the feet), and a wrong number on screen is worse than none.
SHOWN_ANGLES = {
    ViewFamily.SIDE: ("hip_deg", "knee_deg", "neck_deg"),
    # none from the feet or the head: the angles point at the camera and MediaPipe's hip line does
    # not follow the pelvis there (profiles), so a number on screen would mislead
    ViewFamily.FRONT: (),
    ViewFamily.BACK: (),
    ViewFamily.OBLIQUE: (),
    ViewFamily.UNKNOWN: ("hip_deg", "knee_deg"),
}


def shown_angles(view: str) -> tuple[str, ...]:
    return SHOWN_ANGLES.get(view_family(view), ())


# How to place the camera for each view family (for advice; no thresholds).
_PLACEMENT = {
    # about 1 m high: a camera level with the bench sees the near arm, not a dropped head (README)
    ViewFamily.SIDE: "film side-on (camera about 1 m high so your head shows over your near arm, 2-3 m away, "
            "whole body in frame)",
    # hip level, from the waistband (two-leg sets): raised and looking down, since from lower the
    # thighs hide it at the top (rendered: read from 1.6-2.0 m at 480x360 and from 2.0 m at
    # 1280x720; not from 1.2 m or lower; see the hip-thrust profile)
    ViewFamily.FRONT: "film a two-leg set from your feet, the camera raised to about 2 m (at least 1.6 m) and "
            "looking down at your hips, in a top that contrasts with your shorts (or tucked in)",
    ViewFamily.BACK: "film from behind your head (camera about 2 m away, looking along your body)",
}


def camera_advice(view: str, judged_in: dict[str, list[str]]) -> tuple[str, ...]:
    """How to film next time to judge what this view cannot.

    ``judged_in``: fault code -> the view families that can judge it (from the profile). Only
    views that would actually add something are suggested, side-on first.
    """
    fam = view_family(view)
    if fam == ViewFamily.UNKNOWN:
        return ("Keep the whole body in frame, side-on to the camera, in good light.",)
    missing = {code: fams for code, fams in judged_in.items() if fam not in fams and fams}
    advice = []
    for other in (ViewFamily.SIDE, *END_ON_FAMILIES):
        codes = [c for c, fams in missing.items() if other in fams]
        if other == fam or not codes:
            continue
        what = ", ".join(code_words(c) for c in codes)
        advice.append(f"To judge {what}: {_PLACEMENT[other]}.")
        missing = {c: f for c, f in missing.items() if c not in codes}
    return tuple(advice)
