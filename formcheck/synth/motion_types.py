"""What ``simulate`` returns: the motion, its true reps, angles and injected faults."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from .motion_params import MotionParams


@dataclass(frozen=True)
class InjectedFault:
    """One fault that the set truly contains, judged with the FORM_RULES defaults."""

    code: str
    rep: int            # 1-based rep number (TrueRep.index)
    t_s: float          # when it shows (the top, the touch, mid-eccentric, ...)
    severity: str       # "fault" or "warn"
    value: float        # the true measured value
    threshold: float    # the threshold it crossed


@dataclass(frozen=True)
class TrueRep:
    """One rep as simulated. Times in seconds on the motion's clock."""

    index: int                  # 1-based
    start_s: float              # the concentric starts (start_at_top: 0)
    top_start_s: float          # the hips reach the peak
    top_end_s: float            # the hold ends, the eccentric starts
    end_s: float                # back at the bottom
    side: str                   # "left", "right"; "both" for two_leg
    variation: str
    peak_hip_deg: float
    bottom_hip_deg: float       # the depth this rep descends to
    knee_top_deg: float         # working knee at the top (geometry)
    free_hip_top_deg: float     # free-leg hip angle at the end of the hold
    neck_top_deg: float
    pelvis_tilt_top_deg: float  # signed (+ right hip lower)
    elbow_open_deg: float       # elbow opening during the concentric
    shoulder_rise_tl: float     # shoulder rise at the top, torso lengths
    concentric_s: float
    hold_s: float               # commanded hold
    eccentric_s: float
    time_near_peak_s: float     # time within hold_band_deg of the peak (what no_top_hold judges)
    free_foot_touch: bool
    faults: tuple[str, ...] = ()    # fault codes (severity "fault")
    warnings: tuple[str, ...] = ()  # codes in the warn band


@dataclass(frozen=True)
class TruthAngles:
    """Per-frame true measures, degrees unless named otherwise. All (T,) arrays."""

    hip_extension_deg: np.ndarray   # working leg, signed (180 = shoulder-hip-knee collinear)
    knee_deg: np.ndarray            # working knee, hip-knee-ankle
    neck_deg: np.ndarray            # signed, + flexion, − extension
    pelvis_tilt_deg: np.ndarray     # signed, + = right hip lower
    free_hip_deg: np.ndarray        # free leg, same measure as hip_extension_deg
    free_knee_deg: np.ndarray
    elbow_deg: np.ndarray           # shoulder-elbow-wrist (3D), both arms alike
    shoulder_rise: np.ndarray       # shoulder rise above its resting height, torso lengths
    torso_deg: np.ndarray           # hip->shoulder against horizontal, + = shoulders higher
    shin_deg: np.ndarray            # working knee->ankle against vertical, + = ankle farther out (+x)
    free_leg_lift: np.ndarray       # 0 = free foot planted (mirror of the working foot), 1 = lifted

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class Scene:
    """What the renderer needs besides the person: the floor (y = 0) and the bench if any."""

    support: str                       # "bench" or "floor"
    bench_edge_x_m: float | None       # the bench extends from here toward -x
    bench_height_m: float | None
    bench_depth_m: float = 0.40        # along x
    bench_length_m: float = 1.20       # along z, centred on z = 0
    shoulder_pivot_m: tuple[float, float] = (0.0, 0.0)  # (x, y) of the resting mid-shoulder
    foot_x_m: float = 0.0              # ankle x of the planted feet


@dataclass(frozen=True, eq=False)
class Motion:
    """A simulated set: joints over time plus its ground truth."""

    params: MotionParams
    fps: float
    t_s: np.ndarray                 # (T,)
    joints_m: np.ndarray            # (T, 33, 3) world metres (see module doc for the frame)
    truth: TruthAngles
    working_side: np.ndarray        # (T,) "left"/"right": the leg truth.hip/knee describe
    phase: np.ndarray               # (T,) one of PHASES
    reps: tuple[TrueRep, ...]
    injected_faults: tuple[InjectedFault, ...]
    scene: Scene
    duration_s: float               # length of the planned timeline

    def __len__(self) -> int:
        return int(self.t_s.size)

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def fault_codes(self, severity: str = "fault") -> set[str]:
        return {f.code for f in self.injected_faults if f.severity == severity}

    def faults_by_rep(self, severity: str = "fault") -> dict[int, set[str]]:
        out: dict[int, set[str]] = {r.index: set() for r in self.reps}
        for f in self.injected_faults:
            if f.severity == severity:
                out.setdefault(f.rep, set()).add(f.code)
        return out
