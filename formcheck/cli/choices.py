"""The CLI's option enums, built from ``core.vocab`` so an option value is never spelled twice.

Typer shows an enum's values as the choices; each member is named by the value's identifier
spelling (``glute-bridge`` -> ``glute_bridge``), so ``ExerciseChoice.glute_bridge`` reads as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from formcheck.core.vocab import AUTO, SIDE_CHOICES, CameraView, Exercise, Side, Variation

DEFAULT_VARIATION = "default"


def choice_enum(name: str, values: Iterable[str]) -> type[Enum]:
    """A ``(str, Enum)`` with one member per value, named by its identifier spelling."""
    return Enum(name, [(str(v).replace("-", "_"), str(v)) for v in values], type=str, module=__name__)


ExerciseChoice = choice_enum("ExerciseChoice", (AUTO, *Exercise))
SideChoice = choice_enum("SideChoice", SIDE_CHOICES)
RenderExercise = choice_enum("RenderExercise", Exercise)
RenderSide = choice_enum("RenderSide", (Side.LEFT, Side.RIGHT))
RenderView = choice_enum("RenderView", CameraView)
# The variation's CLI spelling is hyphenated (``two-up-one-down``); its member name is the vocab value.
RenderVariation = choice_enum("RenderVariation", (DEFAULT_VARIATION, *(v.replace("_", "-") for v in Variation)))
