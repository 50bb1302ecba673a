"""Synthetic hip-thrust-family motion with known truth, seen by a virtual camera. Pure numpy.

* :mod:`.motion`: a 3D kinematic model of the exercise family (:class:`MotionParams`,
  :func:`simulate` -> :class:`Motion` with per-frame truth angles, true reps and injected faults);
* :mod:`.camera`: a pinhole :class:`Camera` around the scene (side, front, back, oblique views);
* :mod:`.landmarks`: :func:`synth_series` -> a MediaPipe-like
  :class:`formcheck.core.landmarks.LandmarkSeries` with noise, spikes, dropouts, leg-label swaps,
  a visibility model and variable frame rate.

Example::

    from formcheck.synth import MotionParams, simulate, Camera, synth_series
    motion = simulate(MotionParams(exercise="single_leg_hip_thrust", reps=5, peak_hip_deg=155))
    series = synth_series(motion, Camera("side_left"), noise_px=1.0, seed=1)
    motion.reps, motion.injected_faults   # the ground truth
"""

from .camera import VIEWS, Camera
from .landmarks import jittered_times, quick_series, synth_series
from .motion import (
    DEFAULT_THRESHOLDS,
    EXERCISES,
    FAULT_CODES,
    PHASES,
    REP_OVERRIDE_KEYS,
    VARIATIONS,
    Body,
    InjectedFault,
    Motion,
    MotionParams,
    Scene,
    TrueRep,
    TruthAngles,
    simulate,
    true_faults,
)

__all__ = [
    "Body", "Camera", "DEFAULT_THRESHOLDS", "EXERCISES", "FAULT_CODES", "InjectedFault", "Motion",
    "MotionParams", "PHASES", "REP_OVERRIDE_KEYS", "Scene", "TrueRep", "TruthAngles", "VARIATIONS",
    "VIEWS", "jittered_times", "quick_series", "simulate", "synth_series", "true_faults",
]
