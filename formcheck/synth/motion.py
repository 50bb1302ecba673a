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

import math
from typing import Any, Mapping

import numpy as np

# The model is split by stage (params, geometry, plan, evaluation, truth); this module is its
# public face, so ``from formcheck.synth.motion import MotionParams, simulate`` keeps working.
from .motion_params import (DEFAULT_THRESHOLDS, EXERCISES, FAULT_CODES, PHASES, REP_OVERRIDE_KEYS, SETUPS,  # noqa: F401
                            SIDES, VARIATIONS, Body, MotionParams, _check, _finite)
from .motion_types import InjectedFault, Motion, Scene, TrueRep, TruthAngles  # noqa: F401
from .motion_plan import _plan
from .motion_eval import _evaluate
from .motion_truth import _judge


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
