"""The per-frame measure table: landmarks -> named (T,) arrays, for any number of frames.

Live calls it with one frame at a time (carrying a LegTracker); offline with the whole set.
Which landmarks the sagittal angles come from depends on the view: image pixels side-on (most
precise in the image plane), MediaPipe world landmarks from the front/back, and the profile's
choice for oblique views.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.kinematics import (LEFT_PLANTED, RIGHT_PLANTED, LegTracker, drop_bunched_lifts, elbow_angle_3d,
                                      hip_lift_sw, leg_geometry, leg_height_diff_tl, select_working)
from formcheck.core.profile import Profile
from formcheck.core.stats import finite_median
from formcheck.core.view import HIDDEN_MEASURES, view_family
from formcheck.core.vocab import END_ON_FAMILIES, ViewFamily

SMOOTHED = ("hip_deg", "knee_deg", "shin_deg", "torso_deg", "neck_deg", "head_pitch_deg", "face_deg", "pelvis_deg",
            "free_hip_deg", "free_knee_deg", "elbow_deg", "shoulder_up_tl", "hip_lift_sw")


def angle_source(view: str, profile: Profile, has_world: bool) -> str:
    fam = view_family(view)
    if not has_world or fam in (ViewFamily.SIDE, ViewFamily.UNKNOWN):
        return "image"
    if fam == ViewFamily.OBLIQUE:
        return profile.measure.oblique_angles
    return "world"


def _carry_single_leg(state: np.ndarray, preferred: int) -> np.ndarray:
    """For frames with both feet down, the leg that last worked alone (else the next one to,
    else ``preferred``): at the bottom of a single-leg rep the thighs can look alike, and the
    working leg must not flip to the free one there."""
    single = (state == LEFT_PLANTED) | (state == RIGHT_PLANTED)
    if not single.any():
        return np.full(state.size, preferred)
    idx = np.where(single, np.arange(state.size), -1)
    last = np.maximum.accumulate(idx)
    first = int(np.flatnonzero(single)[0])
    last = np.where(last < 0, first, last)
    return np.where(state[last] == LEFT_PLANTED, 0, 1)


def _segment_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.clip(np.sum((p - a) * ab, -1) / np.sum(ab * ab, -1), 0.0, 1.0)
    return np.linalg.norm(p - (a + u[..., None] * ab), axis=-1)


def head_arm_gap_tl(px: np.ndarray, torso_px: np.ndarray) -> np.ndarray:
    """How far the farther-from-its-arm ear is from that arm (shoulder-elbow-wrist), in torso
    lengths. MediaPipe reports a hidden head as fully visible, but places both ears on the arm
    line when the near arm hides the head (a camera level with the bench): rendered, 0.02-0.04
    at 0.5 m against 0.10-0.14 at 1.0 m and ~0.4 with the head up."""
    gaps = []
    for ear, (sh, el, wr) in ((7, (11, 13, 15)), (8, (12, 14, 16))):
        d = np.minimum(_segment_dist(px[:, ear], px[:, sh], px[:, el]), _segment_dist(px[:, ear], px[:, el], px[:, wr]))
        gaps.append(d)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.fmax(gaps[0], gaps[1]) / torso_px


def measure_table(image: np.ndarray, world: np.ndarray | None, image_size: tuple[int, int],
                  view: str, profile: Profile, tracker: LegTracker, *, preferred: int,
                  torso_ref_px: float | None = None) -> dict[str, np.ndarray]:
    """Raw (unsmoothed) measures for frames ``image`` (T, 33, 4). Steps ``tracker`` per frame."""
    w, h = image_size
    px = image[:, :, :2] * np.array([w, h], dtype=np.float64)
    vis = np.nan_to_num(image[:, :, 3], nan=0.0)
    min_vis = profile.measure.min_visibility
    legs, common = leg_geometry(px, vis, min_vis)
    torso = common["torso_len_px"]
    use_world = world is not None and angle_source(view, profile, True) == "world"
    if use_world:
        wvis = np.nan_to_num(world[:, :, 3], nan=0.0)
        wlegs, wcommon = leg_geometry(world[:, :, :3], wvis, min_vis)
        # Off the side view, perspective (and a pitched camera) makes the nearer ankle look
        # lower. Judge which leg is lifted from the thigh angles instead, which no camera pose
        # changes: a lifted thigh is flexed ~90° more than the working one at the top.
        # Scaled so that the tracker's torso-length thresholds read as degrees / 90.
        diff = (wlegs.flex[:, 0] - wlegs.flex[:, 1]) / 90.0
    else:
        diff = leg_height_diff_tl(legs, torso)
    read = np.array([tracker.step(float(d)) for d in diff], dtype=np.int64)
    # The measured leg stays the lower one even where the lifted one proves no leg (a plate).
    pref = _carry_single_leg(read, preferred)
    state = read
    if view_family(view) not in END_ON_FAMILIES:
        # From the feet or the head the image foreshortens a lifted leg (rendered: 0.46-0.52 torso
        # lengths in a tenth of the top frames), and the plate did not fool the tracking there.
        state = drop_bunched_lifts(read, legs, torso, profile.measure.free_leg_min_reach_tl)
    sel = select_working(legs, state, pref, torso)
    table: dict[str, np.ndarray] = {
        "hip_deg": sel["hip_deg"], "knee_deg": sel["knee_deg"], "shin_deg": sel["shin_deg"],
        "torso_deg": common["torso_deg"], "neck_deg": common["neck_deg"],
        "head_pitch_deg": common["head_pitch_deg"], "face_deg": common["face_deg"], "pelvis_deg": common["pelvis_deg"],
        "free_hip_deg": sel["free_hip_deg"], "free_knee_deg": sel["free_knee_deg"],
        "elbow_deg": common["elbow_deg"], "elbow_below": common["elbow_below"],
        "torso_len_px": torso, "shoulder_up_px": common["shoulder_up"],
        "ankle_up_left_px": legs.ankle_up_px[:, 0], "ankle_up_right_px": legs.ankle_up_px[:, 1],
        "free_foot_up_tl": sel["free_foot_up_tl"], "leg_state": state, "work_index": sel["work_index"],
        "hip_lift_sw": hip_lift_sw(px, vis, min_vis, sel["work_index"]),
        "head_arm_tl": head_arm_gap_tl(px, torso),
    }
    ref = torso_ref_px if torso_ref_px else finite_median(torso)
    table["shoulder_up_tl"] = common["shoulder_up"] / ref if ref and np.isfinite(ref) else np.full(state.size, np.nan)
    if use_world:
        t = np.arange(state.size)
        work = sel["work_index"]
        single = sel["free_hip_deg"] == sel["free_hip_deg"]  # finite where one leg is free
        table["hip_deg"] = wlegs.hip[t, work]
        table["knee_deg"] = wlegs.knee[t, work]
        table["free_hip_deg"] = np.where(single, wlegs.flex[t, 1 - work], np.nan)
        table["free_knee_deg"] = np.where(single, 180.0 - wlegs.knee[t, 1 - work], np.nan)
        table["neck_deg"] = wcommon["neck_deg"]
        table["pelvis_deg"] = wcommon["pelvis_deg"]
    if world is not None:
        table["elbow_deg"] = elbow_angle_3d(world, common["arm_pick"], min_vis)
    for name in HIDDEN_MEASURES.get(view_family(view), ()):
        table[name] = np.full(state.size, np.nan)
    return table
