"""Exercise profiles: every threshold as data (TOML shipped in the package, overridable).

A profile may ``extends = "other-profile"`` to change a few values of another. A user's TOML
overrides the chosen exercise's profile; its keys must exist there with the same type, and an
unknown key is rejected with its dotted name, so a typo never silently keeps a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from formcheck.core.errors import ConfigError

EXERCISES = ("single-leg-hip-thrust", "hip-thrust", "glute-bridge", "single-leg-glute-bridge")
FAULT_CODES = (
    "incomplete_hip_extension", "back_hyperextension", "neck_hyperextension", "unlevel_hips",
    "elbow_push", "no_top_hold", "foot_placement", "free_leg_position", "fast_descent",
)
VIEW_FAMILIES = ("side", "oblique", "front", "back")


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
    """A validated exercise profile. ``p["reps"]["min_rise_deg"]`` or ``p.reps["min_rise_deg"]``."""

    name: str
    data: dict[str, Any]
    origin: str = "builtin"

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.data[section]

    def __getattr__(self, section: str) -> dict[str, Any]:
        try:
            return self.data[section]
        except KeyError:
            raise AttributeError(section) from None

    @property
    def title(self) -> str:
        return self.data["exercise"]["title"]

    @property
    def support(self) -> str:
        return self.data["exercise"]["support"]

    @property
    def single_leg(self) -> bool:
        return self.data["exercise"]["legs"] == "single"

    def fault(self, code: str) -> dict[str, Any]:
        return self.data["faults"][code]

    def enabled_faults(self) -> list[str]:
        return [c for c in FAULT_CODES if self.data["faults"][c]["enabled"]]

    def targets_deg(self) -> dict[str, float]:
        """Lines an overlay may draw (never re-derived in drawing code)."""
        ext = self.fault("incomplete_hip_extension")
        return {
            "hip_top": 180.0,
            "hip_min_top": float(ext["fault_below_deg"]),
            "hip_max_top": float(self.fault("back_hyperextension")["fault_above_deg"]),
            "knee_min_top": float(self.fault("foot_placement")["min_knee_deg"]),
            "knee_max_top": float(self.fault("foot_placement")["max_knee_deg"]),
        }


def _validate(data: dict[str, Any], where: str) -> None:
    ex = data["exercise"]
    if ex["support"] not in ("bench", "floor"):
        raise ConfigError(f"{where}: exercise.support must be 'bench' or 'floor'")
    if ex["legs"] not in ("single", "two"):
        raise ConfigError(f"{where}: exercise.legs must be 'single' or 'two'")
    if data["measure"]["oblique_angles"] not in ("world", "image"):
        raise ConfigError(f"{where}: measure.oblique_angles must be 'world' or 'image'")
    for code in FAULT_CODES:
        if code not in data["faults"]:
            raise ConfigError(f"{where}: profile has no [faults.{code}] section")
        for v in data["faults"][code]["views"]:
            if v not in VIEW_FAMILIES:
                raise ConfigError(f"{where}: faults.{code}.views: unknown view {v!r}")
    for section in ("reps", "smoothing", "lift"):
        for key, value in data[section].items():
            if isinstance(value, float) and value < 0:
                raise ConfigError(f"{where}: {section}.{key} must not be negative")


def load_profile(exercise: str, override: str | Path | None = None) -> Profile:
    """The built-in profile of ``exercise``, with a user's TOML file applied on top."""
    data = _read_builtin(exercise)
    origin = "builtin"
    if override is not None:
        path = Path(override)
        if not path.is_file():
            raise ConfigError(f"profile file not found: {path}")
        try:
            user = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path.name} is not valid TOML: {exc}") from exc
        user.pop("extends", None)
        if "exercise" in user and "name" in user["exercise"]:
            raise ConfigError(f"{path.name}: exercise.name cannot be overridden; use --exercise")
        data = _merge(data, user, strict=True, where=path.name)
        origin = str(path)
    _validate(data, origin)
    return Profile(name=exercise, data=data, origin=origin)
