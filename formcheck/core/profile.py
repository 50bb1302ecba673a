"""Exercise profiles: every threshold as data (TOML shipped in the package, overridable).

A profile may ``extends = "other-profile"`` to change a few values of another. A user's TOML
overrides the chosen exercise's profile; its keys must exist there with the same type, and an
unknown key is rejected with its dotted name, so a typo never silently keeps a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from formcheck.core.errors import ConfigError
from formcheck.core.profile_schema import (FAULT_RULES, SECTIONS, Classify, ExerciseInfo, FaultRule, Lift, Measure,
                                           Reps, Smoothing, ViewLimits, build_section,
                                           reject_unknown)
from formcheck.core.vocab import FAULT_CODES, JUDGING_FAMILIES, Exercise, FaultCode, Legs

EXERCISES: tuple[str, ...] = tuple(Exercise)
VIEW_FAMILIES: tuple[str, ...] = JUDGING_FAMILIES
MAX_PROFILE_BYTES = 1_000_000  # a profile is a few kB; refuse to parse a huge file


def _read_builtin(name: str) -> dict[str, Any]:
    if name not in EXERCISES:
        raise ConfigError(f"unknown exercise {name!r}; choose one of: {', '.join(EXERCISES)}")
    text = resources.files("formcheck.profiles").joinpath(f"{name}.toml").read_text()
    data = tomllib.loads(text)
    base = data.pop("extends", None)
    if base is None:
        return data
    return _merge(_read_builtin(base), data, strict=True, where=name)


def _merge(base: dict, over: dict, *, strict: bool, where: str, prefix: str = "") -> dict:
    out = dict(base)
    for key, value in over.items():
        dotted = f"{prefix}{key}"
        if key not in base:
            if strict:
                raise ConfigError(f"{where}: unknown profile key '{dotted}'")
            out[key] = value
            continue
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{dotted}' must be a table")
            out[key] = _merge(old, value, strict=strict, where=where, prefix=dotted + ".")
            continue
        out[key] = _coerce(old, value, dotted, where)
    return out


def _coerce(old: Any, value: Any, dotted: str, where: str) -> Any:
    if isinstance(old, bool) or isinstance(value, bool):
        if not (isinstance(old, bool) and isinstance(value, bool)):
            raise ConfigError(f"{where}: '{dotted}' must be true or false")
        return value
    if isinstance(old, float) and isinstance(value, int):
        return float(value)
    if isinstance(old, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{dotted}' must be a list of strings")
        return value
    if type(old) is not type(value):
        raise ConfigError(f"{where}: '{dotted}' must be a {type(old).__name__}, got {value!r}")
    return value


@dataclass(frozen=True)
class Profile:
    """A validated exercise profile: typed sections (``p.reps.min_rise_deg``; ``p["reps"]`` too)."""

    name: str
    origin: str
    exercise: ExerciseInfo
    measure: Measure
    smoothing: Smoothing
    view: ViewLimits
    reps: Reps
    lift: Lift
    classify: Classify
    faults: dict[str, FaultRule] = field(hash=False)

    def __getitem__(self, section: str) -> Any:
        if section in SECTIONS or section == "faults":
            return getattr(self, section)
        raise KeyError(section)

    @property
    def title(self) -> str:
        return self.exercise.title

    @property
    def support(self) -> str:
        return self.exercise.support

    @property
    def single_leg(self) -> bool:
        return self.exercise.legs == Legs.SINGLE

    def fault(self, code: str) -> Any:
        return self.faults[code]

    def enabled_faults(self) -> list[str]:
        return [c for c in FAULT_CODES if self.faults[c].enabled]

    def judged_in(self, code: str) -> list[str]:
        """The view families that judge ``code``: from the landmarks, or (hip level) from the
        waistband in the video (offline only; see ``core/hip_level.py``)."""
        rule = self.faults[code]
        return [*rule.views, *(f for f in getattr(rule, "waistband_views", ()) if f not in rule.views)]

    def targets_deg(self) -> dict[str, float]:
        """Lines an overlay may draw (never re-derived in drawing code)."""
        feet = self.faults[FaultCode.FOOT_PLACEMENT]
        return {
            "hip_top": 180.0,
            "hip_min_top": float(self.faults[FaultCode.INCOMPLETE_HIP_EXTENSION].fault_below_deg),
            "hip_max_top": float(self.faults[FaultCode.BACK_HYPEREXTENSION].fault_above_deg),
            "knee_min_top": float(feet.min_knee_deg),
            "knee_max_top": float(feet.max_knee_deg),
        }


def _build(data: dict[str, Any], name: str, origin: str) -> Profile:
    """Typed sections from the merged TOML data; every value checked against the schema."""
    reject_unknown(data, (*SECTIONS, "faults"), "", origin)
    sections = {}
    for key, cls in SECTIONS.items():
        if key not in data:
            raise ConfigError(f"{origin}: profile has no [{key}] section")
        sections[key] = build_section(cls, data[key], key, origin)
    faults = data.get("faults", {})
    reject_unknown(faults, FAULT_RULES, "faults.", origin)
    rules: dict[str, FaultRule] = {}
    for code, cls in FAULT_RULES.items():
        if code not in faults:
            raise ConfigError(f"{origin}: profile has no [faults.{code}] section")
        rules[code] = build_section(cls, faults[code], f"faults.{code}", origin)
    return Profile(name=name, origin=origin, faults=rules, **sections)


def _read_user(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"profile file not found: {path}")
    if path.stat().st_size > MAX_PROFILE_BYTES:
        raise ConfigError(f"{path.name} is not a profile: over {MAX_PROFILE_BYTES // 1000} kB")
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path.name} is not valid TOML: nested too deeply") from None


def load_profile(exercise: str, override: str | Path | None = None) -> Profile:
    """The built-in profile of ``exercise``, with a user's TOML file applied on top."""
    data = _read_builtin(exercise)
    origin = "builtin"
    if override is not None:
        path = Path(override)
        user = _read_user(path)
        user.pop("extends", None)
        if isinstance(user.get("exercise"), dict) and "name" in user["exercise"]:
            raise ConfigError(f"{path.name}: exercise.name cannot be overridden; use --exercise")
        data = _merge(data, user, strict=True, where=path.name)
        origin = str(path)
    return _build(data, Exercise(exercise), origin)
