"""Per-frame measures of the hip thrust family from landmarks (pure numpy).

Angles are measured in pixels (x·W, y·H), never in normalized units. The working leg is chosen
per frame by geometry (the planted foot is the lower ankle), so MediaPipe swapping the near and
far leg labels in a side view does not swap our measures. Torso points use the mid-point of
both sides, which a label swap leaves unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core import geometry as g
from formcheck.core.landmarks import SIDE_JOINTS, NOSE

# Planted-leg states per frame.
LEFT_PLANTED, RIGHT_PLANTED, BOTH_PLANTED, UNKNOWN_LEGS = 0, 1, 2, 3

def _pts(points: np.ndarray, vis: np.ndarray, idx: int, min_vis: float) -> np.ndarray:
    p = points[:, idx, :].copy()
    p[vis[:, idx] < min_vis] = np.nan
    return p


def _mid(points: np.ndarray, vis: np.ndarray, i_left: int, i_right: int, min_vis: float) -> np.ndarray:
    """Mid-point of a left/right pair; one side alone when the other is not visible."""
    a = _pts(points, vis, i_left, min_vis)
    b = _pts(points, vis, i_right, min_vis)
    both = np.stack([a, b])
    with np.errstate(invalid="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmean(both, axis=0)


def _sagittal(p: np.ndarray, origin: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """Project p onto the plane through origin perpendicular to the body's left-right axis."""
    off = np.sum((p - origin) * lateral, axis=-1, keepdims=True)
    return p - off * lateral


@dataclass(frozen=True)
class LegGeometry:
    """Per-side angles for both labelled legs, before choosing the working one."""

    hip: np.ndarray  # (T, 2): signed hip extension using that side's knee, [left, right]
    knee: np.ndarray  # (T, 2)
    shin: np.ndarray  # (T, 2)
    flex: np.ndarray  # (T, 2) hip flexion of that thigh against the torso line (free-leg measure)
    ankle_up_px: np.ndarray  # (T, 2) ankle height along image-up
    reach_px: np.ndarray  # (T, 2) ankle to mid-hip distance (a lifted leg's ankle is a leg away)
    vis: np.ndarray  # (T, 2) mean visibility of knee+ankle


def _wrap180(a: np.ndarray) -> np.ndarray:
    return (a + 180.0) % 360.0 - 180.0


def leg_geometry(px: np.ndarray, vis: np.ndarray, min_vis: float,
                 world: np.ndarray | None = None) -> tuple[LegGeometry, dict[str, np.ndarray]]:
    """Angles of both legs and the torso/head measures that do not depend on the working leg.

    ``px``: (T, 33, 2) pixels, or (T, 33, 3) metres (world landmarks; then 'up' is -y).
    """
    dim = px.shape[-1]
    up = g.IMAGE_UP if dim == 2 else np.array([0.0, -1.0, 0.0])
    L, R = SIDE_JOINTS["left"], SIDE_JOINTS["right"]
    sh = _mid(px, vis, L["shoulder"], R["shoulder"], min_vis)
    hp = _mid(px, vis, L["hip"], R["hip"], min_vis)
    ear = _mid(px, vis, L["ear"], R["ear"], min_vis)
    nose = _pts(px, vis, NOSE, min_vis)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("hip", "knee", "shin", "flex", "ankle", "reach", "vis")}
    lateral = None
    if dim == 3:
        lat = (_pts(px, vis, R["hip"], min_vis) - _pts(px, vis, L["hip"], min_vis)
               + _pts(px, vis, R["shoulder"], min_vis) - _pts(px, vis, L["shoulder"], min_vis))
        lateral = lat / np.linalg.norm(lat, axis=-1, keepdims=True)
    for side in (L, R):
        knee = _pts(px, vis, side["knee"], min_vis)
        ankle = _pts(px, vis, side["ankle"], min_vis)
        sh_s, hp_s = sh, hp  # mid-points: immune to near/far label swaps
        if dim == 3:
            # In 3D a knee sits half a pelvis width off the body's mid-line: measure hip angles in
            # the sagittal plane (drop the left-right component) or lateral offsets read as bend.
            knee_sag = _sagittal(knee, hp, lateral)
        else:
            knee_sag = knee
        cols["hip"].append(g.signed_extension(sh_s, hp_s, knee_sag, up))
        hip_own = _pts(px, vis, side["hip"], min_vis) if dim == 3 else hp
        cols["knee"].append(g.joint_angle(hip_own, knee, ankle))
        if dim == 2:
            cols["shin"].append(g.line_angle_to_vertical(knee, ankle))
        else:
            cols["shin"].append(np.full(px.shape[0], np.nan))
        cols["flex"].append(g.angle_between(hp_s - sh_s, knee_sag - hp_s))
        cols["ankle"].append(np.sum(ankle * up, axis=-1))
        cols["reach"].append(np.linalg.norm(ankle - hp, axis=-1))
        cols["vis"].append((vis[:, side["knee"]] + vis[:, side["ankle"]]) / 2)
    legs = LegGeometry(
        hip=np.stack(cols["hip"], 1), knee=np.stack(cols["knee"], 1), shin=np.stack(cols["shin"], 1),
        flex=np.stack(cols["flex"], 1), ankle_up_px=np.stack(cols["ankle"], 1), reach_px=np.stack(cols["reach"], 1),
        vis=np.stack(cols["vis"], 1),
    )
    torso_len = np.linalg.norm(sh - hp, axis=-1)
    common = {
        "neck_deg": g.signed_bend(hp, sh, ear, up),
        "head_pitch_deg": g.signed_bend(sh, ear, nose, up),
        # The face line (ear->nose) against the torso, less 90 so a neutral head (~+75) stays far
        # from the +-180 wrap: evidence for the neck where the ears are misplaced.
        "face_deg": _wrap180(g.signed_turn_2d(sh - hp, nose - ear) - 90.0) if dim == 2 else np.full(px.shape[0], np.nan),
        "torso_len_px": torso_len,
        "shoulder_up": np.sum(sh * up, axis=-1),
    }
    hl, hr = _pts(px, vis, L["hip"], min_vis), _pts(px, vis, R["hip"], min_vis)
    if dim == 3:
        # World pelvis tilt: hip line against the horizontal plane (y is down); + = left hip lower.
        d = hl - hr
        common["pelvis_deg"] = np.degrees(np.arctan2(d[:, 1], np.hypot(d[:, 0], d[:, 2])))
    if dim == 2:
        common["torso_deg"] = g.line_angle_to_horizontal(hp, sh)
        # Pelvis tilt: hip line against the shoulder line (cancels camera roll); + = left hip lower.
        sl, sr = _pts(px, vis, L["shoulder"], min_vis), _pts(px, vis, R["shoulder"], min_vis)
        hip_tilt = np.degrees(np.arctan2(hl[:, 1] - hr[:, 1], np.abs(hl[:, 0] - hr[:, 0])))
        sh_tilt = np.degrees(np.arctan2(sl[:, 1] - sr[:, 1], np.abs(sl[:, 0] - sr[:, 0])))
        common["pelvis_deg"] = hip_tilt - sh_tilt
        # Elbow: the better-seen arm.
        elbows, below, arm_vis = [], [], []
        for side in (L, R):
            s, e, w = (_pts(px, vis, side[k], min_vis) for k in ("shoulder", "elbow", "wrist"))
            elbows.append(g.joint_angle(s, e, w))
            below.append((np.sum((s - e) * up, axis=-1) > 0).astype(float))
            arm_vis.append(vis[:, side["elbow"]] + vis[:, side["wrist"]])
        pick = np.argmax(np.stack(arm_vis, 1), axis=1)
        rows = np.arange(px.shape[0])
        common["elbow_deg"] = np.stack(elbows, 1)[rows, pick]
        common["elbow_below"] = np.stack(below, 1)[rows, pick]
        common["arm_pick"] = pick
    return legs, common


class LegTracker:
    """Which foot is planted, with hysteresis on the ankle-height difference (torso lengths).

    Geometry decides, not labels: the planted foot is the lower ankle. Streaming (one frame at a
    time) so that live and offline share it.
    """

    def __init__(self, up_tl: float, down_tl: float) -> None:
        self.up_tl = up_tl
        self.down_tl = down_tl
        self.state = BOTH_PLANTED

    def step(self, diff_tl: float) -> int:
        """``diff_tl``: (left ankle height - right ankle height) / torso length."""
        if not np.isfinite(diff_tl):
            return UNKNOWN_LEGS
        if diff_tl < -self.up_tl:
            self.state = LEFT_PLANTED  # left ankle clearly lower: left foot planted
        elif diff_tl > self.up_tl:
            self.state = RIGHT_PLANTED
        elif abs(diff_tl) < self.down_tl:
            self.state = BOTH_PLANTED
        return self.state


def elbow_angle_3d(world: np.ndarray, pick: np.ndarray, min_vis: float) -> np.ndarray:
    """Elbow flexion from world landmarks, of the arm ``pick`` (0 left, 1 right) per frame.

    The arms lie across the body, out of the sagittal plane: their image angle changes as the
    torso rotates (a constant 160° elbow read 130-167° on a rendered side view), the 3D angle
    does not.
    """
    vis = np.nan_to_num(world[:, :, 3], nan=0.0)
    out = []
    for side in (SIDE_JOINTS["left"], SIDE_JOINTS["right"]):
        s, e, w = (_pts(world[:, :, :3], vis, side[k], min_vis) for k in ("shoulder", "elbow", "wrist"))
        out.append(g.joint_angle(s, e, w))
    return np.stack(out, 1)[np.arange(world.shape[0]), pick]


def hip_lift_sw(px: np.ndarray, vis: np.ndarray, min_vis: float, work: np.ndarray) -> np.ndarray:
    """Mid-hip height above the working knee along image-up, in shoulder widths (image pixels).

    The rep signal from the feet or the head: there the sagittal plane is seen edge-on, the hip
    angle collapses to one image line and MediaPipe's 3D angle is 20-65 deg off, but the hips
    still visibly rise toward the knee's line. The working knee (``work`` (T,) 0 left / 1 right),
    not the mid-knee: a lifted free knee rises above the hips. The shoulders rest on the support,
    so their image width is a stable scale that needs no history (live = offline).
    """
    L, R = SIDE_JOINTS["left"], SIDE_JOINTS["right"]
    hp = _mid(px, vis, L["hip"], R["hip"], min_vis)
    knees = np.stack([_pts(px, vis, L["knee"], min_vis), _pts(px, vis, R["knee"], min_vis)], axis=1)
    kn = knees[np.arange(px.shape[0]), work]
    width = np.linalg.norm(_pts(px, vis, L["shoulder"], min_vis) - _pts(px, vis, R["shoulder"], min_vis), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(width > 0, np.sum((hp - kn) * g.IMAGE_UP, axis=-1) / width, np.nan)


def drop_bunched_lifts(state: np.ndarray, legs: LegGeometry, torso_len: np.ndarray,
                       min_reach_tl: float) -> np.ndarray:
    """Frames read as one foot lifted whose lifted ankle lies within ``min_reach_tl`` torso
    lengths of the mid-hip become both planted: a lifted leg reaches a leg's length away, while
    under a barbell's plate MediaPipe puts the far knee and ankle up on the plate, bunched over
    the hips (rendered side-on: 0.3-0.7 torso lengths against 1.0-1.2 for a lifted leg)."""
    t = np.arange(state.size)
    lifted = np.where(state == LEFT_PLANTED, 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        reach_tl = legs.reach_px[t, lifted] / torso_len
    single = (state == LEFT_PLANTED) | (state == RIGHT_PLANTED)
    return np.where(single & (reach_tl < min_reach_tl), BOTH_PLANTED, state)


def leg_height_diff_tl(legs: LegGeometry, torso_len: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (legs.ankle_up_px[:, 0] - legs.ankle_up_px[:, 1]) / torso_len


def select_working(legs: LegGeometry, state: np.ndarray, preferred: np.ndarray,
                   torso_len: np.ndarray) -> dict[str, np.ndarray]:
    """Working-leg and free-leg measures per frame from the planted state.

    ``preferred`` (T,) 0/1: which labelled leg to use when both feet are planted.
    """
    t = np.arange(state.size)
    work = np.where(state == LEFT_PLANTED, 0, np.where(state == RIGHT_PLANTED, 1, preferred)).astype(int)
    free = 1 - work
    single = (state == LEFT_PLANTED) | (state == RIGHT_PLANTED)
    with np.errstate(invalid="ignore", divide="ignore"):
        free_up = (legs.ankle_up_px[t, free] - legs.ankle_up_px[t, work]) / torso_len
    free_knee = 180.0 - legs.knee[t, free]
    return {
        "hip_deg": legs.hip[t, work],
        "knee_deg": legs.knee[t, work],
        "shin_deg": legs.shin[t, work],
        "free_hip_deg": np.where(single, legs.flex[t, free], np.nan),
        "free_knee_deg": np.where(single, free_knee, np.nan),
        "free_foot_up_tl": free_up,
        "work_index": work,
    }
