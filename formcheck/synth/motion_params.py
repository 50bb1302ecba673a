"""The synthetic motion model's inputs: its vocabulary, the truth thresholds, the body and
``MotionParams`` (validated on construction). See ``motion`` for the world frame and signs."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from formcheck.core.vocab import Exercise, FaultCode, Phase, Side, Support, Variation


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
