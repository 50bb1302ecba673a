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
from formcheck.core.errors import ConfigError, InputError
from formcheck.core.profile import Profile, load_profile
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

    @classmethod
    def from_dict(cls, d: dict, frames_table: dict[str, np.ndarray] | None = None) -> SetReport:
        """A report read back from its JSON (the coach app's stored reports, ``compare``'s inputs).

        The profile is the built-in one of the exercise, or the user's file when it still exists
        (the JSON keeps its path); anything malformed is an :class:`InputError`, never a KeyError.
        """
        try:
            report = cls(
                source=str(d["source"]), exercise=str(d["exercise"]), view=str(d["view"]),
                working_side=str(d["working_side"]),
                reps=tuple(_rep_from(r) for r in d["reps"]),
                partials=tuple(_rep_from(r) for r in d.get("partial_reps", [])),
                not_assessed=tuple(NotAssessed(str(n["code"]), str(n["reason"])) for n in d.get("not_assessed", [])),
                frames_total=int(d["frames"]["total"]), frames_with_person=int(d["frames"]["with_person"]),
                duration_s=float(d["duration_s"]), warnings=tuple(str(w) for w in d.get("warnings", [])),
                view_confidence=float(d.get("view_confidence") or 0.0),
                exercise_source=str(d.get("exercise_source", "auto")), profile=str(d.get("profile", "")),
                camera_advice=tuple(str(a) for a in d.get("camera_advice", [])),
                frames_table=frames_table or {},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"not a formcheck report: {type(exc).__name__} {exc}") from None
        object.__setattr__(report, "exercise_profile", _profile_of(report))
        return report

    @classmethod
    def read(cls, json_path: str | Path) -> SetReport:
        """A report written by ``analyze``: its JSON, with the per-frame CSV beside it when present."""
        path = Path(json_path)
        d = read_json(path, "a formcheck report")
        if not isinstance(d, dict):
            raise InputError(f"{path.name} is not a formcheck report")
        csv_path = path.with_suffix(".csv")
        return cls.from_dict(d, read_frames_csv(csv_path) if csv_path.is_file() else None)

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


def read_json(path: str | Path, what: str) -> object:
    """A JSON file's value; a missing or unreadable file is an InputError that names it."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name} is not {what}: {exc}") from None


def _rep_from(d: dict) -> Rep:
    faults = tuple(Fault(**{k: v for k, v in f.items()}) for f in d.get("faults", []))
    fields = {k: v for k, v in d.items() if k != "faults"}
    for k in ("peak_hip_extension_deg", "knee_at_top_deg", "hold_s", "concentric_s", "eccentric_s"):
        fields[k] = math.nan if fields[k] is None else float(fields[k])
    return Rep(**fields, faults=faults)


def _profile_of(report: SetReport) -> Profile | None:
    """The profile the set was judged by, as far as the JSON tells: None when it is gone."""
    origin = report.profile
    override = None if origin in ("", "builtin") else Path(origin)
    if override is not None and not override.is_file():
        return None
    try:
        return load_profile(report.exercise, override)
    except (ConfigError, ValueError):
        return None


_TEXT_COLUMNS = ("phase", "planted")


def read_frames_csv(path: str | Path) -> dict[str, np.ndarray]:
    """The per-frame table ``write_csv`` wrote: numbers as float arrays (NaN where empty)."""
    path = Path(path)
    try:
        with open(path, newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name} is not a formcheck frames table: {exc}") from None
    if not rows or "t_s" not in rows[0]:
        raise InputError(f"{path.name} is not a formcheck frames table: no t_s column")
    head, body = rows[0], rows[1:]
    if any(len(r) != len(head) for r in body):
        raise InputError(f"{path.name} is not a formcheck frames table: ragged rows")
    table: dict[str, np.ndarray] = {}
    for j, name in enumerate(head):
        col = [r[j] for r in body]
        if name in _TEXT_COLUMNS:
            table[name] = np.array(col, dtype=str)
            continue
        try:
            values = np.array([float(v) if v else math.nan for v in col], dtype=float)
        except ValueError:
            raise InputError(f"{path.name}: column {name} is not numeric") from None
        table[name] = values.astype(np.int64) if name in ("frame", "person", "rep") else values
    return table


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

