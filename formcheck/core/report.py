"""Typed results: what every output (overlay, terminal, JSON, CSV, live) reads.

Frozen dataclasses. ``SetReport.to_dict()`` is the stable JSON report; keys may be added, never
renamed. Per-frame measures stay as arrays in ``SetReport.frames_table`` for the CSV and plots.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from formcheck import __version__
from formcheck.core.atomic import atomic_open, atomic_write_text
from formcheck.core.profile import Profile
from formcheck.core.stats import count_by_side

def _plain(obj: object, *names: str) -> None:
    """Vocabulary members stored as the plain strings they equal, so a report's repr, pickle and
    JSON read exactly as before the vocabulary existed."""
    for name in names:
        v = getattr(obj, name)
        if isinstance(v, str) and type(v) is not str:
            object.__setattr__(obj, name, str(v))


@dataclass(frozen=True)
class Fault:
    """One fault on one rep, with the evidence that it happened."""

    code: str
    severity: str  # "warn" or "fault"
    value: float  # the measured value (units in the profile key the threshold came from)
    threshold: float
    t_s: float
    frame: int
    cue: str
    unit: str = "deg"
    detail: str = ""

    def __post_init__(self) -> None:
        _plain(self, "code", "severity")


@dataclass(frozen=True)
class NotAssessed:
    code: str
    reason: str

    def __post_init__(self) -> None:
        _plain(self, "code")


@dataclass(frozen=True)
class Rep:
    index: int  # 1-based, in order of the top
    start_s: float
    top_s: float
    end_s: float
    side: str  # "left", "right" or "both"
    variation: str  # "single_leg", "two_leg", "two_up_one_down"
    peak_hip_extension_deg: float
    knee_at_top_deg: float
    hold_s: float
    concentric_s: float
    eccentric_s: float
    start_frame: int
    top_frame: int
    end_frame: int
    faults: tuple[Fault, ...] = ()
    counted: bool = True  # False: a partial (reported, not counted)

    def __post_init__(self) -> None:
        _plain(self, "side", "variation")


@dataclass(frozen=True)
class FrameResult:
    """What the streaming analyzer knows after one frame: enough for a live overlay."""

    frame: int
    t_s: float
    person: bool
    phase: str  # "setup", "bottom", "concentric", "top", "eccentric", "unknown"
    angles_deg: dict[str, float]
    rep_count: int
    reps_by_side: dict[str, int]
    working_side: str
    view: str
    cues: tuple[str, ...] = ()
    new_rep: Rep | None = None
    # Targets from the exercise profile (e.g. {"hip_top": 180.0, "hip_min_top": 165.0}) so that
    # overlays draw target lines without holding thresholds of their own.
    targets_deg: dict[str, float] = field(default_factory=dict)
    # Severity of each cue in ``cues`` ("fault" or "warn", same order), so overlays can show
    # a fault and a warning differently. Empty when the producer did not say.
    cue_severity: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _plain(self, "phase", "working_side", "view")


@dataclass(frozen=True)
class SetReport:
    source: str
    exercise: str
    view: str
    working_side: str
    reps: tuple[Rep, ...]
    partials: tuple[Rep, ...]
    not_assessed: tuple[NotAssessed, ...]
    frames_total: int
    frames_with_person: int
    duration_s: float
    warnings: tuple[str, ...] = ()
    view_confidence: float = 0.0
    exercise_source: str = "auto"  # "auto" or "user"
    profile: str = ""
    camera_advice: tuple[str, ...] = ()
    frames_table: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    # The profile the set was judged by (the recognised exercise's, with the user's overrides):
    # outputs read targets and cue times here instead of loading the profile again.
    exercise_profile: Profile | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _plain(self, "exercise", "view", "working_side")

    def targets_deg(self) -> dict[str, float]:
        """Target lines for overlays and plots ({} when the report carries no profile)."""
        return self.exercise_profile.targets_deg() if self.exercise_profile else {}

    @property
    def cue_s(self) -> float:
        """How long a fault's cue stays on screen (the profile's ``reps.live_cue_s``)."""
        if self.exercise_profile is None:
            raise ValueError("this report carries no profile")
        return self.exercise_profile.reps.live_cue_s

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    @property
    def reps_by_side(self) -> dict[str, int]:
        return count_by_side(self.reps)

    def fault_codes(self) -> set[str]:
        return {f.code for r in self.reps for f in r.faults}

    def to_dict(self) -> dict:
        def rep_dict(rep: Rep) -> dict:
            d = asdict(rep)
            d["faults"] = [_clean(asdict(f)) for f in rep.faults]
            return _clean(d)

        return {
            "formcheck_version": __version__,
            "source": self.source,
            "exercise": self.exercise,
            "exercise_source": self.exercise_source,
            "profile": self.profile,
            "view": self.view,
            "view_confidence": round(self.view_confidence, 3),
            "working_side": self.working_side,
            "rep_count": self.rep_count,
            "reps_by_side": self.reps_by_side,
            "reps": [rep_dict(r) for r in self.reps],
            "partial_reps": [rep_dict(r) for r in self.partials],
            "not_assessed": [asdict(n) for n in self.not_assessed],
            "camera_advice": list(self.camera_advice),
            "frames": {"total": self.frames_total, "with_person": self.frames_with_person},
            "duration_s": round(self.duration_s, 3),
            "warnings": list(self.warnings),
        }

    def write_json(self, path: str | Path) -> None:
        atomic_write_text(Path(path), json.dumps(self.to_dict(), indent=2) + "\n")

    def write_csv(self, path: str | Path) -> None:
        """Per-frame CSV: one row per frame, one column per measure (NaN where unknown)."""
        table = self.frames_table
        if not table:
            raise ValueError("this report carries no per-frame table")
        cols = list(table)
        n = len(next(iter(table.values())))
        with atomic_open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for i in range(n):
                w.writerow([_fmt(table[c][i]) for c in cols])


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if not math.isfinite(float(v)) else f"{float(v):.3f}"
    return str(v)


def _clean(obj):
    """JSON has no NaN: turn non-finite floats into None and round the rest."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return round(f, 3) if math.isfinite(f) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj

