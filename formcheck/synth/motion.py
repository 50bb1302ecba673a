"""A 3D kinematic model of the hip-thrust family, with known truth. Pure numpy.

World frame (metres), fixed to the floor:

* ``x`` horizontal along the body, pointing from the head toward the feet;
* ``y`` up, the floor is ``y = 0``;
* ``z`` horizontal across the body, from the person's left to their right
  (right-handed: x × y = z). The person's left joints (odd BlazePose indices) have z < 0.

The person lies supine. On a bench (``hip_thrust``, ``single_leg_hip_thrust``) the shoulder joint
pivots just above the bench edge at ``x = 0`` (the bench extends ``bench_depth_m`` toward ``-x``,
under the head; nothing stops the head, so a head dropped far back needs a narrow box to look real);
on the floor (``glute_bridge``, ``single_leg_glute_bridge``) the shoulders rest on the floor.
Feet are planted toward ``+x``.

The sagittal chain (shoulder, hip, knee, ankle of the working leg) is solved in closed form from
the commanded signed hip angle with the shoulder pivot and the planted ankle fixed, so the truth
angles are the geometry, not an approximation of it. Truth angles are measured in the sagittal
plane (the x-y plane, what a side camera sees); the leg chains are planar by construction, so
for them the sagittal angle is also the 3D angle.

Sign conventions (the same as FORM_RULES.md):

* hip extension: angle at the hip from hip->knee to hip->shoulder, 180° = collinear, > 180° =
  hip above the shoulder-knee line (anterior side);
* neck: shoulder->ear against the hip->shoulder line, + flexion (chin to chest), − extension
  (head dropped back);
* pelvis tilt: the left-hip->right-hip line against the shoulder line, + = the person's right
  hip lower (toward the floor), − = the left hip lower.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from formcheck.core.vocab import (
    Exercise, FaultCode, Phase, Severity, Side, Support, Variation,
    LEFT_ANKLE, LEFT_EAR, LEFT_ELBOW, LEFT_EYE, LEFT_EYE_INNER, LEFT_EYE_OUTER, LEFT_FOOT, LEFT_HEEL,
    LEFT_HIP, LEFT_INDEX, LEFT_KNEE, LEFT_PINKY, LEFT_SHOULDER, LEFT_THUMB, LEFT_WRIST, MOUTH_LEFT,
    MOUTH_RIGHT, NOSE, RIGHT_ANKLE, RIGHT_EAR, RIGHT_ELBOW, RIGHT_EYE, RIGHT_EYE_INNER, RIGHT_EYE_OUTER,
    RIGHT_FOOT, RIGHT_HEEL, RIGHT_HIP, RIGHT_INDEX, RIGHT_KNEE, RIGHT_PINKY, RIGHT_SHOULDER,
    RIGHT_THUMB, RIGHT_WRIST
)

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

# The names come from core.vocab as plain strings (they are recorded in the truth files); the
# motion model spells an exercise as an identifier (``Exercise.ident``: single_leg_hip_thrust).
_SINGLE, _TWO, _TWO_UP = Variation.SINGLE_LEG.value, Variation.TWO_LEG.value, Variation.TWO_UP_ONE_DOWN.value
#: exercise -> (support, default variation)
EXERCISES: dict[str, tuple[str, str]] = {
    Exercise.SINGLE_LEG_HIP_THRUST.ident: (Support.BENCH.value, _SINGLE),
    Exercise.HIP_THRUST.ident: (Support.BENCH.value, _TWO),
    Exercise.GLUTE_BRIDGE.ident: (Support.FLOOR.value, _TWO),
    Exercise.SINGLE_LEG_GLUTE_BRIDGE.ident: (Support.FLOOR.value, _SINGLE),
}
VARIATIONS = tuple(v.value for v in Variation)
_ALLOWED_VARIATIONS = {
    _SINGLE: (_SINGLE, _TWO_UP),
    _TWO: (_TWO, _TWO_UP),
}
SIDES = (Side.LEFT.value, Side.RIGHT.value)
PHASES = tuple(p.value for p in (Phase.SETUP, Phase.BOTTOM, Phase.CONCENTRIC, Phase.TOP, Phase.ECCENTRIC))
SETUPS = (None, "lie_flat")
FAULT_CODES = tuple(c.value for c in FaultCode)

#: Fault thresholds used for the injected-fault ground truth: the FORM_RULES.md defaults.
#: ``neck_near_top_deg`` (judge the neck while the hips are within this of the peak) follows the
#: shipped profile. Pass ``thresholds=`` to :func:`simulate` / :func:`true_faults` to override.
DEFAULT_THRESHOLDS: dict[str, Any] = {
    "incomplete_fault_below_deg": 165.0,
    "incomplete_warn_below_deg": 170.0,
    "back_hyper_above_deg": 195.0,
    "neck_fault_below_deg": -10.0,
    "neck_min_duration_s": 0.3,
    "neck_near_top_deg": 20.0,
    "pelvis_fault_above_deg": 7.0,
    "pelvis_warn_above_deg": 5.0,
    "elbow_min_open_deg": 25.0,
    "elbow_min_shoulder_rise_tl": 0.15,
    "hold_band_deg": 5.0,
    "hold_min_s": 0.3,
    "knee_top_range_bench_deg": (75.0, 105.0),
    "knee_top_range_floor_deg": (55.0, 90.0),
    "free_hip_range_deg": (60.0, 120.0),
    "min_eccentric_s": 0.5,
}

#: Parameters that one rep may override through ``MotionParams.rep_overrides``.
REP_OVERRIDE_KEYS = frozenset({
    "peak_hip_deg", "bottom_hip_deg", "concentric_s", "hold_s", "eccentric_s", "bottom_pause_s",
    "neck_top_deg", "neck_bottom_deg", "pelvic_drop_deg", "elbow_push", "free_leg_hip_deg",
    "free_leg_knee_deg", "free_foot_touch",
})


# Elbow model: arms flat on the support (nearly straight), or bent and pushing.
_ELBOW_FLAT_DEG = 160.0
_ELBOW_BENT_DEG = 85.0
_ELBOW_OPEN_PER_PUSH_DEG = 45.0      # elbow_push=1 opens the elbow 45° during the concentric
_RISE_PER_PUSH_TL = 0.25             # ... and lifts the shoulders 0.25 torso lengths
_TOUCH_HOLD_S = 0.25                 # free foot stays down this long on a touch


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValueError(msg)


def _finite(name: str, v: Any, lo: float, hi: float, *, lo_open: bool = False) -> None:
    _check(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool),
           f"{name} must be a number, got {v!r}")
    _check(math.isfinite(float(v)), f"{name} must be finite, got {v!r}")
    ok = (lo < v <= hi) if lo_open else (lo <= v <= hi)
    _check(ok, f"{name} must be in {'(' if lo_open else '['}{lo}, {hi}], got {v!r}")


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Body:
    """Segment lengths in metres for a ~1.75 m adult (joint centres, as BlazePose places them).

    Multiplied by ``MotionParams.scale``.
    """

    torso_m: float = 0.50            # mid-shoulder to mid-hip
    thigh_m: float = 0.43
    shin_m: float = 0.42
    upper_arm_m: float = 0.29
    forearm_m: float = 0.26
    neck_m: float = 0.17             # shoulder joint to ear, in the sagittal plane
    hip_half_width_m: float = 0.095
    shoulder_half_width_m: float = 0.18
    ankle_height_m: float = 0.08     # ankle joint above the floor, foot flat
    heel_back_m: float = 0.06
    toe_forward_m: float = 0.15
    hip_clearance_m: float = 0.09    # hip joint above the floor when the buttocks rest on it
    shoulder_on_floor_m: float = 0.07  # shoulder joint above the floor, lying supine
    shoulder_above_bench_m: float = 0.10  # shoulder joint above the bench edge it pivots on

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _finite(f"Body.{f.name}", getattr(self, f.name), 0.0, 2.0, lo_open=True)

    def scaled(self, s: float) -> "Body":
        return Body(**{f.name: getattr(self, f.name) * s for f in dataclasses.fields(self)})


@dataclass(frozen=True)
class MotionParams:
    """Everything that defines one synthetic set. Invalid values raise ``ValueError``.

    ``None`` defaults are derived from the exercise (see :meth:`resolved`).

    Set structure: ``[setup] → lead_in → rep 1 → bottom_pause → rep 2 … → lead_out``; a rep is
    concentric → top hold → eccentric. ``switch_side_after=N`` replaces the pause after rep N by
    ``switch_pause_s`` during which the free foot goes down and the other leg lifts.

    Variations: ``single_leg`` (free leg lifted all set, at ``free_leg_hip_deg`` /
    ``free_leg_knee_deg`` relative to the torso), ``two_leg`` (both feet planted, mirror
    images), ``two_up_one_down`` (rise on both feet, lift the free leg during the top hold,
    lower on the working leg, put the free foot down in the pause).

    Faults come from the parameters: ``peak_hip_deg`` < 165 (incomplete) or > 195 (arched
    back); ``neck_top_deg`` < −10 (head dropped back, the neck moves from ``neck_bottom_deg`` at
    the bottom to ``neck_top_deg`` at the top with the hips); ``pelvic_drop_deg`` > 7 (free-side
    hip drops at the top); ``elbow_push`` > ~0.55 (elbows bent on the support, opening
    45°·push and lifting the shoulders 0.25·push torso lengths during the concentric);
    ``hold_s`` short with a brisk tempo (no hold: judged as time within 5° of the peak);
    ``eccentric_s`` < 0.5 (fast descent); ``knee_top_deg`` outside 75–105 bench / 55–90 floor
    (foot placement: the planted foot is placed so the knee has this angle at the set's peak);
    ``free_leg_hip_deg`` outside 60–120 or ``free_foot_touch`` (free leg). ``rep_overrides``
    changes any of :data:`REP_OVERRIDE_KEYS` for single reps, e.g.
    ``{3: {"peak_hip_deg": 150, "eccentric_s": 0.3}}``.

    ``setup="lie_flat"``: for ``setup_s`` the person first lies with straight legs (bench:
    a straight body from the bench to the heels; floor: flat on the floor; θhip ≈ 180°,
    θknee ≈ 178°), then slides the feet in to the bottom position. It is not a rep.
    ``start_at_top``: the clip opens in rep 1's top hold (counted as a rep).
    """

    exercise: str = "single_leg_hip_thrust"
    variation: str | None = None          # None: single_leg for single_leg_*, else two_leg
    working_side: str = "left"            # the leg that works (two-leg: the measured leg)
    reps: int = 5
    switch_side_after: int | None = None  # after this many reps the other leg works
    switch_pause_s: float = 2.0           # pause at the bottom while switching legs
    # tempo (seconds)
    concentric_s: float = 1.0
    hold_s: float = 1.0                   # at the top
    eccentric_s: float = 1.5
    bottom_pause_s: float = 0.5           # between reps
    lead_in_s: float = 1.0                # still at the bottom before the first rep
    lead_out_s: float = 1.0               # still at the bottom after the last rep
    # angles (degrees)
    peak_hip_deg: float = 180.0           # signed hip extension at the top
    bottom_hip_deg: float | None = None   # None: bench 100 (if reachable); floor: hips on the floor
    knee_top_deg: float | None = None     # working knee at the top; None: bench 90, floor 70
    neck_top_deg: float | None = None     # None: bench 80, floor 50
    neck_bottom_deg: float | None = None  # None: bench 70, floor 15
    pelvic_drop_deg: float = 0.0          # free-side hip drop at the top (+ drops, − rises)
    elbow_push: float = 0.0               # 0 arms flat; 0..1 elbows bent and pushing
    free_leg_hip_deg: float = 90.0        # free leg lifted: hip angle (same measure as θhip)
    free_leg_knee_deg: float = 90.0
    free_foot_touch: bool = False         # the free foot touches down mid-eccentric
    # set structure
    setup: str | None = None              # "lie_flat": straight legs first, then knees bend
    setup_s: float = 3.0
    start_at_top: bool = False            # the clip opens at the top of rep 1
    rep_overrides: Any = ()               # tuple of dicts (rep 1, 2, ...) or {rep_number: dict}
    # body and scene
    sway_m: float = 0.0                   # smooth whole-body drift amplitude
    body: Body = field(default_factory=Body)
    scale: float = 1.0
    bench_height_m: float = 0.42
    bench_depth_m: float = 0.40           # across the bench, from the edge under the shoulders back
    seed: int = 0

    def __post_init__(self) -> None:
        _check(self.exercise in EXERCISES,
               f"exercise must be one of {sorted(EXERCISES)}, got {self.exercise!r}")
        legs = EXERCISES[self.exercise][1]
        if self.variation is not None:
            _check(self.variation in VARIATIONS,
                   f"variation must be one of {VARIATIONS} or None, got {self.variation!r}")
            _check(self.variation in _ALLOWED_VARIATIONS[legs],
                   f"variation {self.variation!r} does not fit exercise {self.exercise!r} "
                   f"(allowed: {_ALLOWED_VARIATIONS[legs]})")
        _check(self.working_side in SIDES, f"working_side must be 'left' or 'right', got {self.working_side!r}")
        _check(isinstance(self.reps, (int, np.integer)) and not isinstance(self.reps, bool)
               and 0 <= self.reps <= 500, f"reps must be an integer in [0, 500], got {self.reps!r}")
        if self.switch_side_after is not None:
            _check(isinstance(self.switch_side_after, (int, np.integer))
                   and 1 <= self.switch_side_after < self.reps,
                   f"switch_side_after must be an integer in [1, reps-1] = [1, {self.reps - 1}], "
                   f"got {self.switch_side_after!r}")
            _check(self.resolved_variation != "two_leg",
                   "switch_side_after needs a single-leg variation (two_leg works both legs)")
        for name in ("concentric_s", "eccentric_s"):
            _finite(name, getattr(self, name), 0.05, 60.0)
        for name in ("hold_s", "bottom_pause_s", "lead_in_s", "lead_out_s", "setup_s"):
            _finite(name, getattr(self, name), 0.0, 600.0)
        _finite("switch_pause_s", self.switch_pause_s, 0.5, 60.0)
        _finite("peak_hip_deg", self.peak_hip_deg, 110.0, 230.0)
        if self.bottom_hip_deg is not None:
            _finite("bottom_hip_deg", self.bottom_hip_deg, 60.0, 175.0)
            _check(self.peak_hip_deg >= self.bottom_hip_deg + 5.0,
                   f"peak_hip_deg ({self.peak_hip_deg}) must be at least 5° above bottom_hip_deg "
                   f"({self.bottom_hip_deg})")
        if self.knee_top_deg is not None:
            _finite("knee_top_deg", self.knee_top_deg, 30.0, 170.0)
        for name in ("neck_top_deg", "neck_bottom_deg"):
            if getattr(self, name) is not None:
                _finite(name, getattr(self, name), -60.0, 130.0)
        _finite("pelvic_drop_deg", self.pelvic_drop_deg, -25.0, 25.0)
        _finite("elbow_push", self.elbow_push, 0.0, 1.0)
        _finite("free_leg_hip_deg", self.free_leg_hip_deg, 20.0, 180.0)
        _finite("free_leg_knee_deg", self.free_leg_knee_deg, 10.0, 180.0)
        _check(isinstance(self.free_foot_touch, (bool, np.bool_)),
               f"free_foot_touch must be a bool, got {self.free_foot_touch!r}")
        _check(self.setup in SETUPS, f"setup must be None or 'lie_flat', got {self.setup!r}")
        if self.setup is not None:
            _check(self.setup_s >= 0.5, f"setup_s must be at least 0.5 s with a setup, got {self.setup_s}")
        _check(isinstance(self.start_at_top, (bool, np.bool_)), "start_at_top must be a bool")
        if self.start_at_top:
            _check(self.setup is None, "start_at_top and setup cannot both be set (the clip opens at the top)")
            _check(self.reps >= 1, "start_at_top needs at least one rep")
        _finite("sway_m", self.sway_m, 0.0, 0.1)
        _check(isinstance(self.body, Body), f"body must be a Body, got {type(self.body).__name__}")
        _finite("scale", self.scale, 0.6, 1.4)
        _finite("bench_height_m", self.bench_height_m, 0.25, 0.7)
        _finite("bench_depth_m", self.bench_depth_m, 0.08, 0.8)
        _check(isinstance(self.seed, (int, np.integer)) and not isinstance(self.seed, bool),
               f"seed must be an integer, got {self.seed!r}")
        object.__setattr__(self, "rep_overrides", self._normalize_overrides(self.rep_overrides))

    # -- per-rep overrides ----------------------------------------------------------------
    def _normalize_overrides(self, ov: Any) -> tuple:
        if ov is None:
            return ()
        if isinstance(ov, Mapping):
            items = list(ov.items())
        elif isinstance(ov, (tuple, list)):
            if all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], (int, np.integer))
                   and isinstance(x[1], tuple) for x in ov):
                items = [(int(n), dict(kv)) for n, kv in ov]   # already normalized
            else:
                items = [(i + 1, d) for i, d in enumerate(ov)]
        else:
            raise ValueError("rep_overrides must be a tuple of dicts (rep 1, 2, ...) or a dict "
                             f"{{rep_number: dict}}, got {type(ov).__name__}")
        out = []
        for n, d in items:
            _check(isinstance(n, (int, np.integer)) and 1 <= n <= self.reps,
                   f"rep_overrides: rep number must be in [1, {self.reps}], got {n!r}")
            _check(isinstance(d, Mapping), f"rep_overrides[rep {n}] must be a dict, got {type(d).__name__}")
            if not d:
                continue
            bad = set(d) - REP_OVERRIDE_KEYS
            _check(not bad, f"rep_overrides[rep {n}]: unknown key(s) {sorted(bad)}; allowed: "
                            f"{sorted(REP_OVERRIDE_KEYS)}")
            try:
                dataclasses.replace(self, rep_overrides=(), **d)
            except ValueError as exc:
                raise ValueError(f"rep_overrides[rep {n}]: {exc}") from None
            out.append((int(n), tuple(sorted(d.items()))))
        nums = [n for n, _ in out]
        _check(len(nums) == len(set(nums)), "rep_overrides: a rep number appears twice")
        return tuple(sorted(out))

    def overrides_for(self, rep: int) -> dict:
        """The override dict of rep number ``rep`` (1-based); empty when none."""
        for n, kv in self.rep_overrides:
            if n == rep:
                return dict(kv)
        return {}

    # -- derived values -------------------------------------------------------------------
    @property
    def support(self) -> str:
        """"bench" or "floor"."""
        return EXERCISES[self.exercise][0]

    @property
    def resolved_variation(self) -> str:
        return self.variation if self.variation is not None else EXERCISES[self.exercise][1]

    def resolved(self, rep: int | None = None) -> dict[str, Any]:
        """The parameter values with exercise defaults filled in (and rep ``rep``'s overrides).

        ``bottom_hip_deg`` stays ``None`` when not given: :func:`simulate` derives it from the
        geometry (bench: 100°, or higher if the feet are too far out to reach it; floor: the
        angle at which the hips rest on the floor).
        """
        bench = self.support == "bench"
        vals = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if rep is not None:
            vals.update(self.overrides_for(rep))
        if vals["knee_top_deg"] is None:
            vals["knee_top_deg"] = 90.0 if bench else 70.0
        if vals["neck_top_deg"] is None:
            vals["neck_top_deg"] = 80.0 if bench else 50.0
        if vals["neck_bottom_deg"] is None:
            vals["neck_bottom_deg"] = 70.0 if bench else 15.0
        vals["variation"] = self.resolved_variation
        return vals


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Small vector helpers (2D sagittal vectors are (..., 2) arrays: x, y)
# --------------------------------------------------------------------------------------

def _rot(v: np.ndarray, deg: Any) -> np.ndarray:
    """Rotate 2D vectors counter-clockwise (x toward y) by ``deg``."""
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    x, y = v[..., 0], v[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], axis=-1)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _cross2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def _signed_hip(s: np.ndarray, h: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Signed hip angle (deg, [0, 360)) from sagittal points: rotation from hip->knee to hip->shoulder."""
    vs, vk = s - h, k - h
    return np.degrees(np.arctan2(_cross2(vk, vs), np.sum(vk * vs, axis=-1))) % 360.0


def _interior(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _minjerk(s: np.ndarray) -> np.ndarray:
    s = np.clip(s, 0.0, 1.0)
    return s * s * s * (10.0 - 15.0 * s + 6.0 * s * s)


def _interp_keys(t: np.ndarray, keys: list[tuple[float, float]]) -> np.ndarray:
    """Piecewise minimum-jerk interpolation through (time, value) keyframes, held at the ends."""
    kt = np.array([k[0] for k in keys], dtype=float)
    kv = np.array([k[1] for k in keys], dtype=float)
    i = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, kt.size - 1)
    j = np.minimum(i + 1, kt.size - 1)
    span = kt[j] - kt[i]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(span > 0, (t - kt[i]) / np.where(span > 0, span, 1.0), 1.0)
    s = np.where(t < kt[0], 0.0, s)
    return kv[i] + (kv[j] - kv[i]) * _minjerk(s)


class _Unreachable(ValueError):
    pass


def _circle_up(p: np.ndarray, rp: Any, q: np.ndarray, rq: Any) -> tuple[np.ndarray, np.ndarray]:
    """Intersection of circle(p, rp) and circle(q, rq) on the left (counter-clockwise) side of p->q.

    Returns the point and h^2 (negative where the circles do not meet).
    """
    d_vec = q - p
    d = np.linalg.norm(d_vec, axis=-1)
    a = (rp * rp - rq * rq + d * d) / (2.0 * d)
    h2 = rp * rp - a * a
    u = d_vec / d[..., None]
    perp = np.stack([-u[..., 1], u[..., 0]], axis=-1)
    h = np.sqrt(np.maximum(h2, 0.0))
    return p + a[..., None] * u + h[..., None] * perp, h2


# --------------------------------------------------------------------------------------
# The sagittal chain
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Geo:
    """Resolved, scaled geometry of one set."""

    body: Body
    support: str
    s0: np.ndarray            # resting mid-shoulder (x, y)
    ankle: np.ndarray         # planted ankle (x, y)
    support_y: float          # bench top or floor, where resting elbows lie
    bench_h: float | None


def _chain(geo: _Geo, s: np.ndarray, a: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hip and knee (x, y) from shoulder ``s``, ankle ``a`` and the signed hip angle ``theta``."""
    b = geo.body
    lt, lh, ls = b.torso_m, b.thigh_m, b.shin_m
    th = np.deg2rad(theta)
    r = np.sqrt(np.maximum(lt * lt + lh * lh - 2.0 * lt * lh * np.cos(th), 1e-12))
    knee, h2 = _circle_up(s, r, a, ls)
    if np.any(h2 < -1e-9):
        bad = float(np.atleast_1d(theta)[np.argmax(np.atleast_1d(h2) < -1e-9)])
        raise _Unreachable(
            f"a hip angle of {bad:.1f}° cannot be reached with the shoulders on the "
            f"{geo.support} and the foot planted where knee_top_deg puts it: change "
            "peak_hip_deg/bottom_hip_deg/knee_top_deg")
    e = (knee - s) / r[..., None]
    a2 = (lt * lt - lh * lh + r * r) / (2.0 * r)
    h = np.sqrt(np.maximum(lt * lt - a2 * a2, 0.0))
    perp = np.stack([-e[..., 1], e[..., 0]], axis=-1)
    # theta < 180: the hip lies below (clockwise of) the shoulder->knee line.
    sign = np.where(np.asarray(theta) < 180.0, -1.0, 1.0)
    hip = s + a2[..., None] * e + (sign * h)[..., None] * perp
    return hip, knee


def _fk_leg(hip: np.ndarray, ref_dir: np.ndarray, theta: Any, kappa: Any,
            lh: float, ls: float) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle from the hip, the hip->shoulder direction, hip angle and knee angle."""
    vk = _rot(ref_dir, -np.asarray(theta))
    knee = hip + lh * vk
    ankle = knee + ls * _rot(-vk, kappa)
    return knee, ankle


def _place_foot(body: Body, s: np.ndarray, theta: float, kappa: float) -> np.ndarray:
    """Planted ankle (x, y) such that at hip angle ``theta`` the knee is ``kappa``.

    Scans the torso direction for the pose whose ankle sits at ankle height, knee above it.
    """
    alpha = np.deg2rad(np.linspace(-85.0, 85.0, 3401))
    tdir = np.stack([np.cos(alpha), np.sin(alpha)], axis=-1)        # shoulder -> hip
    hip = s + body.torso_m * tdir
    knee, ankle = _fk_leg(hip, -tdir, np.full(alpha.size, theta), np.full(alpha.size, kappa),
                          body.thigh_m, body.shin_m)
    f = ankle[:, 1] - body.ankle_height_m
    ok = (knee[:, 1] > ankle[:, 1]) & (hip[:, 1] >= body.hip_clearance_m * 0.9) & (ankle[:, 0] > hip[:, 0])
    cand = np.nonzero((np.sign(f[:-1]) != np.sign(f[1:])) & ok[:-1] & ok[1:])[0]
    if cand.size == 0:
        raise ValueError(
            f"no foot placement gives a {kappa:.0f}° knee at a {theta:.0f}° hip with the shoulders "
            "where they are: change knee_top_deg or peak_hip_deg")
    i = cand[np.argmax(knee[cand, 1])]          # the highest-knee solution
    w = f[i] / (f[i] - f[i + 1])
    return ankle[i] + w * (ankle[i + 1] - ankle[i])


def _resolve_geo(p: MotionParams) -> _Geo:
    b = p.body.scaled(p.scale)
    if p.support == "bench":
        bench_h = float(p.bench_height_m)
        s0 = np.array([0.0, bench_h + b.shoulder_above_bench_m])
        support_y = bench_h
    else:
        bench_h = None
        s0 = np.array([0.0, b.shoulder_on_floor_m])
        support_y = 0.0
    v = p.resolved()
    rise_top = _RISE_PER_PUSH_TL * float(v["elbow_push"]) * b.torso_m
    ankle = _place_foot(b, s0 + np.array([0.0, rise_top]), float(v["peak_hip_deg"]), float(v["knee_top_deg"]))
    return _Geo(body=b, support=p.support, s0=s0, ankle=ankle, support_y=support_y, bench_h=bench_h)


def _default_bottom_deg(geo: _Geo, peak: float) -> float:
    """The set's bottom when ``bottom_hip_deg`` is None.

    Bench: 100°, or the lowest reachable angle with the hips off the floor if 100° is not
    (feet far out). Floor: the angle at which the hips rest on the floor.
    """
    th = np.linspace(60.0, peak, 2401)
    hip, _ = _chain_safe(geo, th)
    ok = np.isfinite(hip[:, 1]) & (hip[:, 1] >= geo.body.hip_clearance_m)
    if not ok.any():
        raise ValueError("no bottom position is reachable with this foot placement: check "
                         "knee_top_deg and peak_hip_deg")
    lowest = float(th[np.argmax(ok)])
    if geo.support == "bench":
        return max(100.0, lowest + 1.0) if lowest > 100.0 else 100.0
    return lowest


def _chain_safe(geo: _Geo, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like _chain at the resting shoulders but NaN where unreachable (for scans)."""
    b = geo.body
    lt, lh, ls = b.torso_m, b.thigh_m, b.shin_m
    th = np.deg2rad(theta)
    r = np.sqrt(lt * lt + lh * lh - 2.0 * lt * lh * np.cos(th))
    s = np.broadcast_to(geo.s0, theta.shape + (2,))
    a = np.broadcast_to(geo.ankle, theta.shape + (2,))
    knee, h2 = _circle_up(s, r, a, ls)
    e = (knee - s) / r[..., None]
    a2 = (lt * lt - lh * lh + r * r) / (2.0 * r)
    h = np.sqrt(np.maximum(lt * lt - a2 * a2, 0.0))
    perp = np.stack([-e[..., 1], e[..., 0]], axis=-1)
    sign = np.where(theta < 180.0, -1.0, 1.0)
    hip = s + a2[..., None] * e + (sign * h)[..., None] * perp
    hip[h2 < 0] = np.nan
    return hip, knee


# --------------------------------------------------------------------------------------
# The timeline: keyframes per track, phases, reps
# --------------------------------------------------------------------------------------

_TRACKS = ("theta", "neck", "drop", "elbow", "rise", "fhip", "fknee")


@dataclass
class _RepPlan:
    index: int
    start: float
    top0: float
    top1: float
    end: float
    side: str
    vals: dict
    touch_t: float | None = None


@dataclass
class _Plan:
    params: MotionParams
    geo: _Geo
    keys: dict[str, list[tuple[float, float]]]
    w_keys: list[tuple[float, float]]
    side_events: list[tuple[float, str]]
    phases: list[tuple[float, float, str]]
    reps: list[_RepPlan]
    total: float
    setup_end: float
    bottom0: float           # set-level bottom hip angle (resolved)
    push_arms: bool          # arms in the bent/pushing pose (some rep pushes)
    sway: tuple              # (freqs (3,3), phases (3,3)) per axis


def _rep_values(p: MotionParams, geo: _Geo, rep: int | None, default_bottom: float) -> dict:
    v = p.resolved(rep)
    if v["bottom_hip_deg"] is None:
        v["bottom_hip_deg"] = default_bottom
    if v["peak_hip_deg"] < v["bottom_hip_deg"] + 5.0:
        raise ValueError(f"rep {rep}: peak_hip_deg ({v['peak_hip_deg']}) must be at least 5° above "
                         f"the bottom ({v['bottom_hip_deg']:.1f}°)")
    e = float(v["elbow_push"])
    base = _ELBOW_BENT_DEG if e > 0 else _ELBOW_FLAT_DEG
    v["elbow_bottom"] = base
    v["elbow_top"] = base + _ELBOW_OPEN_PER_PUSH_DEG * e
    v["rise_top"] = _RISE_PER_PUSH_TL * e * geo.body.torso_m
    return v


def _plan(p: MotionParams) -> _Plan:
    geo = _resolve_geo(p)
    var = p.resolved_variation
    base = p.resolved()
    default_bottom = _default_bottom_deg(geo, float(base["peak_hip_deg"]))
    set_vals = _rep_values(p, geo, None, default_bottom)
    rep_vals = [_rep_values(p, geo, i, default_bottom) for i in range(1, p.reps + 1)]
    first = rep_vals[0] if rep_vals else set_vals

    keys: dict[str, list[tuple[float, float]]] = {k: [] for k in _TRACKS}

    def bottom_state(v: dict, theta: float) -> dict:
        return {"theta": theta, "neck": v["neck_bottom_deg"], "drop": 0.0, "elbow": v["elbow_bottom"],
                "rise": 0.0, "fhip": v["free_leg_hip_deg"], "fknee": v["free_leg_knee_deg"]}

    def top_state(v: dict) -> dict:
        return {"theta": v["peak_hip_deg"], "neck": v["neck_top_deg"], "drop": v["pelvic_drop_deg"],
                "elbow": v["elbow_top"], "rise": v["rise_top"], "fhip": v["free_leg_hip_deg"],
                "fknee": v["free_leg_knee_deg"]}

    def put(t: float, state: dict) -> None:
        for k in _TRACKS:
            keys[k].append((t, float(state[k])))

    side = p.working_side
    side_events = [(0.0, side)]
    phases: list[tuple[float, float, str]] = []
    reps: list[_RepPlan] = []
    w_keys: list[tuple[float, float]] = []
    single = var == "single_leg"
    two_up = var == "two_up_one_down"

    t = 0.0
    setup_end = 0.0
    bottom_theta = first["bottom_hip_deg"]
    if p.start_at_top:
        put(0.0, top_state(first))
        w_keys.append((0.0, 1.0 if (single or two_up) else 0.0))
    else:
        put(0.0, bottom_state(first, bottom_theta))
        if p.setup is not None:
            setup_end = float(p.setup_s)
            phases.append((0.0, setup_end, "setup"))
            t = setup_end
            put(t, bottom_state(first, bottom_theta))
            w_keys.append((0.0, 0.0))
            if single:
                lift = min(0.8, float(p.lead_in_s))
                w_keys += [(t, 0.0), (t + lift, 1.0)]
        else:
            w_keys.append((0.0, 1.0 if single else 0.0))
        if p.lead_in_s > 0:
            phases.append((t, t + p.lead_in_s, "bottom"))
            t += p.lead_in_s
            put(t, bottom_state(first, bottom_theta))

    for i, v in enumerate(rep_vals, start=1):
        if i == 1 and p.start_at_top:
            start = top0 = 0.0
        else:
            start = t
            put(start, bottom_state(v, bottom_theta))
            top0 = start + v["concentric_s"]
            phases.append((start, top0, "concentric"))
        top1 = top0 + v["hold_s"]
        end = top1 + v["eccentric_s"]
        put(top0, top_state(v))
        put(top1, top_state(v))
        bottom_theta = v["bottom_hip_deg"]
        put(end, bottom_state(v, bottom_theta))
        if v["hold_s"] > 0:
            phases.append((top0, top1, "top"))
        phases.append((top1, end, "eccentric"))
        rp = _RepPlan(index=i, start=start, top0=top0, top1=top1, end=end,
                      side="both" if var == "two_leg" else side, vals=v)
        if two_up and not (i == 1 and p.start_at_top):
            lift = min(0.5, 0.8 * v["hold_s"])
            w_keys += [(top0, 0.0), (top0 + lift, 1.0)]
        if v["free_foot_touch"] and var != "two_leg":
            ecc = v["eccentric_s"]
            dd = min(0.35, 0.3 * ecc)
            tc = top1 + 0.5 * ecc - 0.5 * _TOUCH_HOLD_S
            w_keys += [(tc - dd, 1.0), (tc, 0.0), (tc + _TOUCH_HOLD_S, 0.0), (tc + _TOUCH_HOLD_S + dd, 1.0)]
            rp.touch_t = tc
        reps.append(rp)
        t = end
        last = i == p.reps
        switching = p.switch_side_after is not None and i == p.switch_side_after
        pause = p.lead_out_s if last else (p.switch_pause_s if switching else v["bottom_pause_s"])
        nxt = rep_vals[i] if not last else v
        if two_up:
            down = min(0.5, pause)
            w_keys += [(t, 1.0), (t + down, 0.0)]
        if switching:
            if single:
                w_keys += [(t, 1.0), (t + 0.4 * pause, 0.0), (t + 0.6 * pause, 0.0), (t + pause, 1.0)]
            side = Side.LEFT.value if side == Side.RIGHT else Side.RIGHT.value
            side_events.append((t + 0.5 * pause, side))
        if pause > 0:
            phases.append((t, t + pause, "bottom"))
            t += pause
            put(t, bottom_state(nxt, bottom_theta))

    if p.reps == 0 and p.lead_out_s > 0:
        phases.append((t, t + p.lead_out_s, "bottom"))
        t += p.lead_out_s
    total = t
    for k in _TRACKS:
        keys[k].sort(key=lambda kv: kv[0])   # stable: equal times keep their order
    w_keys.sort(key=lambda kv: kv[0])
    if not phases:
        phases.append((0.0, max(total, 1e-9), "bottom"))

    rng = np.random.default_rng([int(p.seed), 7])
    sway = (rng.uniform(0.08, 0.35, size=(3, 3)), rng.uniform(0, 2 * np.pi, size=(3, 3)))
    push_arms = any(v["elbow_push"] > 0 for v in rep_vals) or set_vals["elbow_push"] > 0
    return _Plan(params=p, geo=geo, keys=keys, w_keys=w_keys, side_events=side_events, phases=phases,
                 reps=reps, total=total, setup_end=setup_end, bottom0=float(first["bottom_hip_deg"]),
                 push_arms=push_arms, sway=sway)


# --------------------------------------------------------------------------------------
# Evaluating the plan at arbitrary times
# --------------------------------------------------------------------------------------

def _setup_chain(plan: _Plan, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hip, knee, ankle (x, y) during the lie-flat setup: legs straight, then knees bend.

    Parametrised by the torso direction and the knee angle; the foot slides along the floor.
    """
    geo, b = plan.geo, plan.geo.body
    s = geo.s0
    # End state: the bottom pose of the first rep.
    hip_b, knee_b = _chain(geo, s[None], geo.ankle[None], np.array([plan.bottom0]))
    alpha_b = math.atan2(hip_b[0, 1] - s[1], hip_b[0, 0] - s[0])
    kappa_b = float(_interior(hip_b, knee_b, geo.ankle[None])[0])
    kappa0 = 178.0
    d0 = math.sqrt(b.thigh_m ** 2 + b.shin_m ** 2 - 2 * b.thigh_m * b.shin_m * math.cos(math.radians(kappa0)))
    if geo.support == "bench":
        alpha0 = -math.asin(min(0.95, (s[1] - b.ankle_height_m) / (b.torso_m + d0)))
    else:
        alpha0 = math.asin(max(-0.95, min(0.95, (b.hip_clearance_m - s[1]) / b.torso_m)))
    half = 0.5 * plan.setup_end
    u = _minjerk((t - half) / max(plan.setup_end - half, 1e-9))
    alpha = alpha0 + (alpha_b - alpha0) * u
    kappa = kappa0 + (kappa_b - kappa0) * u
    hip = s + b.torso_m * np.stack([np.cos(alpha), np.sin(alpha)], axis=-1)
    d = np.sqrt(b.thigh_m ** 2 + b.shin_m ** 2 - 2 * b.thigh_m * b.shin_m * np.cos(np.deg2rad(kappa)))
    dy = hip[:, 1] - b.ankle_height_m
    ankle = np.stack([hip[:, 0] + np.sqrt(np.maximum(d * d - dy * dy, 0.0)),
                      np.full(t.size, b.ankle_height_m)], axis=-1)
    knee, _ = _circle_up(hip, b.thigh_m, ankle, b.shin_m)
    return hip, knee, ankle


def _side_at(plan: _Plan, t: np.ndarray) -> np.ndarray:
    et = np.array([e[0] for e in plan.side_events])
    names = np.array([e[1] for e in plan.side_events])
    i = np.clip(np.searchsorted(et, t, side="right") - 1, 0, et.size - 1)
    return names[i]


def _phase_at(plan: _Plan, t: np.ndarray) -> np.ndarray:
    starts = np.array([ph[0] for ph in plan.phases])
    names = np.array([ph[2] for ph in plan.phases])
    i = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, starts.size - 1)
    return names[i]


def _foot_points(ankle: np.ndarray, fdir: np.ndarray, b: Body) -> tuple[np.ndarray, np.ndarray]:
    down = _rot(fdir, -90.0)
    heel = ankle - b.heel_back_m * fdir + 0.7 * b.ankle_height_m * down
    toe = ankle + b.toe_forward_m * fdir + 0.75 * b.ankle_height_m * down
    return heel, toe


def _evaluate(plan: _Plan, t: np.ndarray) -> dict[str, np.ndarray]:
    """Joints and truth at times ``t`` (any order, any spacing)."""
    p, geo = plan.params, plan.geo
    b = geo.body
    t = np.asarray(t, dtype=float)
    n = t.size
    tr = {k: _interp_keys(t, plan.keys[k]) for k in _TRACKS}
    w = np.clip(_interp_keys(t, plan.w_keys), 0.0, 1.0)
    side = _side_at(plan, t)
    var = p.resolved_variation

    # -- sagittal working chain ------------------------------------------------------------
    s = np.broadcast_to(geo.s0, (n, 2)) + np.stack([np.zeros(n), tr["rise"]], axis=-1)
    ankle = np.broadcast_to(geo.ankle, (n, 2)).copy()
    theta = tr["theta"].copy()
    in_setup = t < plan.setup_end
    hip = np.empty((n, 2))
    knee = np.empty((n, 2))
    rest = ~in_setup
    if rest.any():
        try:
            hip[rest], knee[rest] = _chain(geo, s[rest], ankle[rest], theta[rest])
        except _Unreachable as exc:
            raise ValueError(str(exc)) from None
    if in_setup.any():
        hip[in_setup], knee[in_setup], ankle[in_setup] = _setup_chain(plan, t[in_setup])
        theta[in_setup] = _signed_hip(s[in_setup], hip[in_setup], knee[in_setup])
    kappa = _interior(hip, knee, ankle)
    tdir = _unit(s - hip)                      # hip -> shoulder
    anterior = _rot(tdir, -90.0)

    # -- pelvis: the free-side hip drops about the body's long axis ------------------------
    sw = np.where(side == Side.LEFT, -1.0, 1.0)   # z sign of the working side
    sf = -sw
    drop = np.deg2rad(tr["drop"])
    hw = b.hip_half_width_m
    hip_f2 = hip - 2.0 * hw * np.sin(drop)[:, None] * anterior
    hip_f3 = np.column_stack([hip_f2, sw * hw + sf * 2.0 * hw * np.cos(drop)])
    pelvis_tilt = sf * tr["drop"]

    # -- free leg: planted (IK to the mirrored ankle) blended with lifted, by angles -------
    ref_f = _unit(s - hip_f2)
    knee_fp, _ = _circle_up(hip_f2, b.thigh_m, ankle, b.shin_m)
    th_fp = _signed_hip(s, hip_f2, knee_fp)
    ka_fp = _interior(hip_f2, knee_fp, ankle)
    th_f = th_fp + w * (tr["fhip"] - th_fp)
    ka_f = ka_fp + w * (tr["fknee"] - ka_fp)
    knee_f, ankle_f = _fk_leg(hip_f2, ref_f, th_f, ka_f, b.thigh_m, b.shin_m)

    # -- feet ------------------------------------------------------------------------------
    flat = np.broadcast_to(np.array([1.0, 0.0]), (n, 2))
    straight = np.clip((kappa - 120.0) / 50.0, 0.0, 1.0)[:, None]
    fdir_w = _unit((1 - straight) * flat + straight * _rot(_unit(ankle - knee), 90.0))
    shin_f = _rot(_unit(ankle_f - knee_f), 90.0)
    straight_f = np.clip((ka_f - 120.0) / 50.0, 0.0, 1.0)[:, None]
    base_f = _unit((1 - straight_f) * flat + straight_f * shin_f)
    fdir_f = _unit((1 - w[:, None]) * base_f + w[:, None] * shin_f)
    heel_w, toe_w = _foot_points(ankle, fdir_w, b)
    heel_f, toe_f = _foot_points(ankle_f, fdir_f, b)

    J = np.zeros((n, 33, 3))

    zw = sw * hw
    zf = hip_f3[:, 2]
    left_is_w = side == Side.LEFT

    def assign(pair: tuple[int, int], pw2: np.ndarray, zw_: np.ndarray, pf2: np.ndarray, zf_: np.ndarray) -> None:
        w3 = np.column_stack([pw2, zw_])
        f3 = np.column_stack([pf2, zf_])
        J[:, pair[0]] = np.where(left_is_w[:, None], w3, f3)
        J[:, pair[1]] = np.where(left_is_w[:, None], f3, w3)

    assign((LEFT_HIP, RIGHT_HIP), hip, zw, hip_f2, zf)
    assign((LEFT_KNEE, RIGHT_KNEE), knee, zw, knee_f, zf)
    assign((LEFT_ANKLE, RIGHT_ANKLE), ankle, zw, ankle_f, zf)
    assign((LEFT_HEEL, RIGHT_HEEL), heel_w, zw, heel_f, zf)
    assign((LEFT_FOOT, RIGHT_FOOT), toe_w, zw, toe_f, zf)

    # -- shoulders, head -------------------------------------------------------------------
    ssw = b.shoulder_half_width_m
    J[:, LEFT_SHOULDER] = np.column_stack([s, np.full(n, -ssw)])
    J[:, RIGHT_SHOULDER] = np.column_stack([s, np.full(n, ssw)])
    u2 = _rot(tdir, -tr["neck"])                 # shoulder -> ear direction (flexion toward anterior)
    f2 = _rot(u2, -90.0)                         # face direction
    ear = s + b.neck_m * u2
    sc = p.scale

    def head(fw: float, up: float, lat: float) -> np.ndarray:
        xy = ear + sc * (fw * f2 + up * u2)
        return np.column_stack([xy, np.full(n, sc * lat)])

    J[:, NOSE] = head(0.105, -0.01, 0.0)
    J[:, LEFT_EYE_INNER] = head(0.085, 0.03, -0.018)
    J[:, LEFT_EYE] = head(0.082, 0.03, -0.032)
    J[:, LEFT_EYE_OUTER] = head(0.075, 0.03, -0.046)
    J[:, RIGHT_EYE_INNER] = head(0.085, 0.03, 0.018)
    J[:, RIGHT_EYE] = head(0.082, 0.03, 0.032)
    J[:, RIGHT_EYE_OUTER] = head(0.075, 0.03, 0.046)
    J[:, LEFT_EAR] = head(0.0, 0.0, -0.075)
    J[:, RIGHT_EAR] = head(0.0, 0.0, 0.075)
    J[:, MOUTH_LEFT] = head(0.092, -0.045, -0.025)
    J[:, MOUTH_RIGHT] = head(0.092, -0.045, 0.025)

    # -- arms ------------------------------------------------------------------------------
    elbow_deg = tr["elbow"]
    up3 = np.array([0.0, 1.0, 0.0])
    for lat, (i_s, i_e, i_w, i_p, i_i, i_t) in ((-1.0, (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_PINKY, LEFT_INDEX, LEFT_THUMB)),
                                                 (1.0, (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_PINKY, RIGHT_INDEX, RIGHT_THUMB))):
        if plan.push_arms:
            hx, hz = -0.55, 0.83
        elif geo.support == "bench":
            hx, hz = -0.30, 0.95
        else:
            hx, hz = 0.95, 0.30
        sh = J[:, i_s]
        e_y = geo.support_y + 0.04 * sc
        dy = np.clip((e_y - sh[:, 1]) / b.upper_arm_m, -0.95, 0.95)
        c = np.sqrt(1.0 - dy * dy) / math.hypot(hx, hz)
        ua = np.column_stack([hx * c, dy, lat * hz * c])
        el = sh + b.upper_arm_m * ua
        v = -ua                                       # elbow -> shoulder
        q = up3 - np.sum(up3 * v, axis=-1, keepdims=True) * v
        q = _unit(q)
        a = np.deg2rad(elbow_deg)[:, None]
        fa = np.cos(a) * v + np.sin(a) * q
        wr = el + b.forearm_m * fa
        side_v = _unit(np.cross(fa, q)) * lat
        J[:, i_e] = el
        J[:, i_w] = wr
        J[:, i_i] = wr + sc * (0.085 * fa + 0.01 * side_v)
        J[:, i_p] = wr + sc * (0.07 * fa - 0.03 * side_v)
        J[:, i_t] = wr + sc * (0.045 * fa + 0.03 * side_v + 0.015 * q)

    # -- sway: a smooth rigid drift, a deterministic function of time ----------------------
    if p.sway_m > 0:
        freqs, phs = plan.sway
        off = np.zeros((n, 3))
        for ax in range(3):
            for k in range(3):
                off[:, ax] += np.sin(2 * np.pi * freqs[ax, k] * t + phs[ax, k]) / 3.0
        off *= p.sway_m * np.array([1.0, 0.5, 1.0])
        J += off[:, None, :]

    truth = TruthAngles(
        hip_extension_deg=theta,
        knee_deg=kappa,
        neck_deg=tr["neck"].copy(),
        pelvis_tilt_deg=pelvis_tilt,
        free_hip_deg=th_f,
        free_knee_deg=ka_f,
        elbow_deg=elbow_deg.copy(),
        shoulder_rise=tr["rise"] / b.torso_m,
        torso_deg=np.degrees(np.arctan2(s[:, 1] - hip[:, 1], np.abs(s[:, 0] - hip[:, 0]))),
        shin_deg=np.degrees(np.arctan2(ankle[:, 0] - knee[:, 0], knee[:, 1] - ankle[:, 1])),
        free_leg_lift=w if var != "two_leg" else np.zeros(n),
    )
    return {"joints": J, "truth": truth, "side": side, "phase": _phase_at(plan, t), "hip": hip,
            "s": s, "ankle_f": ankle_f, "ankle": ankle}


# --------------------------------------------------------------------------------------
# Ground-truth faults
# --------------------------------------------------------------------------------------

def _judge(plan: _Plan, thresholds: Mapping[str, Any] | None) -> tuple[list[TrueRep], list[InjectedFault]]:
    th = dict(DEFAULT_THRESHOLDS)
    if thresholds:
        unknown = set(thresholds) - set(th)
        _check(not unknown, f"unknown threshold key(s) {sorted(unknown)}")
        th.update(thresholds)
    p = plan.params
    var = p.resolved_variation
    if not plan.reps:
        return [], []
    tops = np.array([r.top0 for r in plan.reps])
    mids = np.array([0.5 * (r.top0 + r.top1) for r in plan.reps])
    holds_end = np.array([r.top1 - 1e-6 if r.top1 > r.top0 else r.top0 for r in plan.reps])
    at_top = _evaluate(plan, tops)
    at_end = _evaluate(plan, holds_end)
    at_mid = _evaluate(plan, mids)
    lo_k, hi_k = th["knee_top_range_bench_deg"] if p.support == "bench" else th["knee_top_range_floor_deg"]
    lo_f, hi_f = th["free_hip_range_deg"]
    tl = plan.geo.body.torso_m
    reps: list[TrueRep] = []
    faults: list[InjectedFault] = []
    for j, r in enumerate(plan.reps):
        v = r.vals
        found: list[InjectedFault] = []

        def add(code: str, sev: str, value: float, thr: float, t: float) -> None:
            found.append(InjectedFault(code=code, rep=r.index, t_s=float(t), severity=sev,
                                       value=float(value), threshold=float(thr)))

        peak = float(v["peak_hip_deg"])
        tmid = float(mids[j])
        if peak < th["incomplete_fault_below_deg"]:
            add(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.FAULT, peak, th["incomplete_fault_below_deg"], tmid)
        elif peak < th["incomplete_warn_below_deg"]:
            add(FaultCode.INCOMPLETE_HIP_EXTENSION, Severity.WARN, peak, th["incomplete_warn_below_deg"], tmid)
        if peak > th["back_hyper_above_deg"]:
            add(FaultCode.BACK_HYPEREXTENSION, Severity.FAULT, peak, th["back_hyper_above_deg"], tmid)
        # Fine time grid over the rep (independent of the frame rate).
        dt = 0.002
        tg = np.arange(r.start, r.end + dt / 2, dt)
        theta_g = _interp_keys(tg, plan.keys["theta"])
        neck_g = _interp_keys(tg, plan.keys["neck"])
        near = theta_g >= peak - th["hold_band_deg"]
        time_near = float(np.count_nonzero(near) * dt)
        bad_neck = (neck_g < th["neck_fault_below_deg"]) & (theta_g >= peak - th["neck_near_top_deg"])
        run = _longest_run(bad_neck) * dt
        if run >= th["neck_min_duration_s"] - 1e-9:
            t_first = float(tg[np.argmax(bad_neck)])
            add(FaultCode.NECK_HYPEREXTENSION, Severity.FAULT, float(neck_g[bad_neck].min()), th["neck_fault_below_deg"], t_first)
        tilt = float(at_mid["truth"].pelvis_tilt_deg[j])
        if abs(tilt) > th["pelvis_fault_above_deg"]:
            add(FaultCode.UNLEVEL_HIPS, Severity.FAULT, tilt, th["pelvis_fault_above_deg"], tmid)
        elif abs(tilt) > th["pelvis_warn_above_deg"]:
            add(FaultCode.UNLEVEL_HIPS, Severity.WARN, tilt, th["pelvis_warn_above_deg"], tmid)
        opening = float(v["elbow_top"] - v["elbow_bottom"])
        rise_tl = float(v["rise_top"] / tl)
        if v["elbow_push"] > 0 and (opening > th["elbow_min_open_deg"] or rise_tl > th["elbow_min_shoulder_rise_tl"]):
            if opening > th["elbow_min_open_deg"]:
                add(FaultCode.ELBOW_PUSH, Severity.FAULT, opening, th["elbow_min_open_deg"], r.top0)
            else:
                add(FaultCode.ELBOW_PUSH, Severity.FAULT, rise_tl, th["elbow_min_shoulder_rise_tl"], r.top0)
        if time_near < th["hold_min_s"]:
            add(FaultCode.NO_TOP_HOLD, Severity.FAULT, time_near, th["hold_min_s"], tmid)
        knee_top = float(at_top["truth"].knee_deg[j])
        if not (lo_k <= knee_top <= hi_k):
            add(FaultCode.FOOT_PLACEMENT, Severity.FAULT, knee_top, lo_k if knee_top < lo_k else hi_k, r.top0)
        free_hip = float(at_end["truth"].free_hip_deg[j])
        if var != "two_leg":
            if not (lo_f <= free_hip <= hi_f):
                add(FaultCode.FREE_LEG_POSITION, Severity.FAULT, free_hip, lo_f if free_hip < lo_f else hi_f, r.top1)
            elif r.touch_t is not None:
                add(FaultCode.FREE_LEG_POSITION, Severity.FAULT, _TOUCH_HOLD_S, 0.0, r.touch_t + 0.5 * _TOUCH_HOLD_S)
        ecc = float(v["eccentric_s"])
        if ecc < th["min_eccentric_s"]:
            add(FaultCode.FAST_DESCENT, Severity.FAULT, ecc, th["min_eccentric_s"], r.top1 + 0.5 * ecc)
        faults += found
        reps.append(TrueRep(
            index=r.index, start_s=r.start, top_start_s=r.top0, top_end_s=r.top1, end_s=r.end,
            side=r.side, variation=var, peak_hip_deg=peak, bottom_hip_deg=float(v["bottom_hip_deg"]),
            knee_top_deg=knee_top, free_hip_top_deg=free_hip if var != "two_leg" else float("nan"),
            neck_top_deg=float(v["neck_top_deg"]), pelvis_tilt_top_deg=tilt, elbow_open_deg=opening,
            shoulder_rise_tl=rise_tl, concentric_s=r.top0 - r.start, hold_s=r.top1 - r.top0,
            eccentric_s=ecc, time_near_peak_s=time_near, free_foot_touch=r.touch_t is not None,
            faults=tuple(f.code for f in found if f.severity == Severity.FAULT),
            warnings=tuple(f.code for f in found if f.severity == Severity.WARN),
        ))
    return reps, faults


def _longest_run(mask: np.ndarray) -> int:
    if not mask.any():
        return 0
    m = np.concatenate([[0], mask.astype(np.int8), [0]])
    d = np.diff(m)
    return int((np.nonzero(d == -1)[0] - np.nonzero(d == 1)[0]).max())


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------

def simulate(params: MotionParams | None = None, fps: float = 30.0, duration_s: float | None = None, *,
             t_s: np.ndarray | None = None, thresholds: Mapping[str, Any] | None = None) -> Motion:
    """Simulate a set.

    Frames at ``fps`` from 0 to ``duration_s`` (default: the whole planned set, setup to
    lead-out; a longer duration holds the last pose, a shorter one cuts the set), or at the
    given timestamps ``t_s`` (any strictly increasing times, e.g. a variable frame rate).
    ``reps`` holds only the reps that end inside the clip. Raises ``ValueError`` for
    parameters whose pose cannot be reached.
    """
    p = params if params is not None else MotionParams()
    _check(isinstance(p, MotionParams), f"params must be MotionParams, got {type(p).__name__}")
    _finite("fps", fps, 0.0, 1000.0, lo_open=True)
    plan = _plan(p)
    if t_s is not None:
        t = np.asarray(t_s, dtype=float)
        _check(t.ndim == 1 and t.size >= 1 and np.all(np.isfinite(t)), "t_s must be a 1-D array of finite times")
        _check(t.size < 2 or bool(np.all(np.diff(t) > 0)), "t_s must be strictly increasing")
        if t.size > 1:
            fps = float(1.0 / np.median(np.diff(t)))
    else:
        dur = plan.total if duration_s is None else float(duration_s)
        _finite("duration_s", dur, 0.0, 3600.0)
        n = int(math.floor(dur * fps + 1e-6)) + 1
        t = np.arange(n) / fps
    # Reaching every keyframe pose is checked once, whatever the frame times.
    key_t = np.unique(np.array([k[0] for k in plan.keys["theta"]]))
    key_ev = _evaluate(plan, key_t[key_t >= plan.setup_end])
    low = float(key_ev["hip"][:, 1].min())
    clear = plan.geo.body.hip_clearance_m
    if low < clear - 0.03:
        raise ValueError(f"the bottom position puts the hips {100 * (clear - low):.0f} cm into the floor: "
                         "raise bottom_hip_deg (or leave it None to derive it)")
    ev = _evaluate(plan, t)
    reps, faults = _judge(plan, thresholds)
    t_last = float(t[-1]) + 1.0 / fps
    kept = [r for r in reps if r.end_s <= t_last + 1e-9]
    kept_idx = {r.index for r in kept}
    faults = [f for f in faults if f.rep in kept_idx]
    geo = plan.geo
    scene = Scene(support=geo.support, bench_edge_x_m=0.0 if geo.bench_h is not None else None,
                  bench_height_m=geo.bench_h, bench_depth_m=float(p.bench_depth_m), shoulder_pivot_m=(float(geo.s0[0]), float(geo.s0[1])),
                  foot_x_m=float(geo.ankle[0]))
    return Motion(params=p, fps=float(fps), t_s=t, joints_m=ev["joints"], truth=ev["truth"],
                  working_side=ev["side"], phase=ev["phase"], reps=tuple(kept),
                  injected_faults=tuple(faults), scene=scene, duration_s=float(plan.total))


def true_faults(motion: Motion, thresholds: Mapping[str, Any] | None = None) -> tuple[InjectedFault, ...]:
    """Re-judge a motion's reps with other thresholds (e.g. a tuned profile)."""
    plan = _plan(motion.params)
    _, faults = _judge(plan, thresholds)
    kept = {r.index for r in motion.reps}
    return tuple(f for f in faults if f.rep in kept)
