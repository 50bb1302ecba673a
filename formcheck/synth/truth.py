"""The ground truth of a rendered clip: true reps and angles, the faults the shipped profile
would flag, and what the camera's view can judge (written beside the clip as NAME.truth.json)."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from formcheck.core.vocab import Exercise, Severity, ViewFamily

from .camera import Camera
from .motion import Motion, true_faults

if TYPE_CHECKING:
    from .render import RenderOptions

TRUTH_VERSION = 1

#: motion.py exercise names -> formcheck profile names
PROFILE_NAMES = {e.ident: e.value for e in Exercise}


def profile_thresholds(exercise: str) -> dict[str, Any]:
    """The shipped profile's thresholds in :data:`~formcheck.synth.motion.DEFAULT_THRESHOLDS` keys."""
    from formcheck.core.profile import load_profile

    pr = load_profile(PROFILE_NAMES[exercise])
    f = pr.fault
    knee = (float(f("foot_placement")["min_knee_deg"]), float(f("foot_placement")["max_knee_deg"]))
    return {
        "incomplete_fault_below_deg": float(f("incomplete_hip_extension")["fault_below_deg"]),
        "incomplete_warn_below_deg": float(f("incomplete_hip_extension")["warn_below_deg"]),
        "back_hyper_above_deg": float(f("back_hyperextension")["fault_above_deg"]),
        "neck_fault_below_deg": float(f("neck_hyperextension")["fault_below_deg"]),
        "neck_min_duration_s": float(f("neck_hyperextension")["min_duration_s"]),
        "neck_near_top_deg": float(f("neck_hyperextension")["near_top_deg"]),
        "pelvis_fault_above_deg": float(f("unlevel_hips")["fault_above_deg"]),
        "pelvis_warn_above_deg": float(f("unlevel_hips")["warn_above_deg"]),
        "elbow_min_open_deg": float(f("elbow_push")["min_elbow_open_deg"]),
        "elbow_min_shoulder_rise_tl": float(f("elbow_push")["min_shoulder_rise_tl"]),
        "hold_band_deg": float(f("no_top_hold")["band_deg"]),
        "hold_min_s": float(f("no_top_hold")["min_hold_s"]),
        "knee_top_range_bench_deg": knee,
        "knee_top_range_floor_deg": knee,
        "free_hip_range_deg": (float(f("free_leg_position")["min_hip_deg"]),
                               float(f("free_leg_position")["max_hip_deg"])),
        # not min_eccentric_s: the profile's is on the measured scale (between the tempo bands,
        # after smoothing) while the truth's descent is the whole commanded one, so FORM_RULES' 0.5 s
        # stays the truth's threshold (the profile explains the mapping)
    }


def view_family_of(camera: Camera, side_max_yaw_deg: float = 28.0, front_min_yaw_deg: float = 62.0) -> str:
    """The view family ("side", "oblique", "front", "back") the camera's azimuth puts it in.

    Uses the profile's view limits: the body axis (world x) within ``side_max_yaw_deg`` of the
    image plane is side-on, beyond ``front_min_yaw_deg`` front (camera at the feet) or back.
    """
    az = ((camera.azimuth_deg + 180.0) % 360.0) - 180.0
    dev = abs(abs(az) - 90.0)
    if dev <= side_max_yaw_deg:
        return ViewFamily.SIDE.value
    if dev >= front_min_yaw_deg:
        return ViewFamily.FRONT.value if abs(az) < 90.0 else ViewFamily.BACK.value
    return ViewFamily.OBLIQUE.value


def judged_codes(exercise: str, family: str) -> list[str]:
    """Fault codes the shipped profile judges in a view family (enabled and listed in ``views``)."""
    from formcheck.core.profile import load_profile

    pr = load_profile(PROFILE_NAMES[exercise])
    return [c for c in pr.enabled_faults() if family in pr.fault(c)["views"]]


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return round(f, 4) if math.isfinite(f) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def truth_dict(motion: Motion, camera: Camera, options: RenderOptions, *, name: str = "",
               files: dict[str, str] | None = None, command: str | None = None) -> dict[str, Any]:
    """The ground truth of a rendered clip as a JSON-able dict (see the module doc)."""
    p = motion.params
    family = view_family_of(camera)
    codes = judged_codes(p.exercise, family)
    prof_faults = true_faults(motion, profile_thresholds(p.exercise))
    expected: dict[str, list[str]] = {str(r.index): [] for r in motion.reps}
    for f in prof_faults:
        if f.severity == Severity.FAULT and f.code in codes:
            expected[str(f.rep)].append(f.code)
    tr = motion.truth.as_dict()
    frames = {"t_s": [round(float(v), 4) for v in motion.t_s]}
    for k, v in tr.items():
        frames[k] = [None if not math.isfinite(float(x)) else round(float(x), 2) for x in v]
    frames["working_side"] = [str(s) for s in motion.working_side]
    frames["phase"] = [str(s) for s in motion.phase]
    cam = dataclasses.asdict(camera)
    cam["position_m"] = [round(float(v), 4) for v in camera.position_m]
    cam["azimuth_deg"] = camera.azimuth_deg
    cam["focal_px"] = camera.focal
    return _jsonable({
        "truth_version": TRUTH_VERSION,
        "name": name,
        "files": files or {},
        "command": command,
        "exercise": PROFILE_NAMES[p.exercise],
        "variation": p.resolved_variation,
        "working_side": p.working_side,
        "view": camera.view,
        "view_family": family,
        "fps": motion.fps,
        "frames_total": len(motion),
        "duration_s": float(motion.t_s[-1]) + 1.0 / motion.fps,
        "image_size": [camera.width, camera.height],
        "rep_count": motion.rep_count,
        "reps": [dataclasses.asdict(r) for r in motion.reps],
        "injected_faults": [dataclasses.asdict(f) for f in motion.injected_faults],
        "injected_faults_note": "judged with FORM_RULES.md defaults (formcheck.synth.motion.DEFAULT_THRESHOLDS)",
        "profile_faults": [dataclasses.asdict(f) for f in prof_faults],
        "profile_faults_note": "the same reps judged with the shipped profile's thresholds",
        "judged_in_view": codes,
        "expected": {"rep_count": motion.rep_count, "faults_by_rep": expected,
                     "note": "what `formcheck analyze` should report: profile faults (severity fault) "
                             "that the profile judges in this view family"},
        "camera": cam,
        "params": dataclasses.asdict(p),
        "render": dataclasses.asdict(options),
        "frames": frames,
    })
