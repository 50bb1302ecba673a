"""The one vocabulary: exercises, sides, views, phases, severities, fault codes, landmarks.

Every other module imports these names instead of spelling the strings again. The values are
the strings the JSON report, the CSV and the CLI have always used (a StrEnum member *is* its
string), so outputs stay byte-identical; a typo in a name is now an AttributeError, not a
silently unmatched string.
"""

from __future__ import annotations

from enum import StrEnum

AUTO = "auto"  # the CLI's "find it yourself" choice for the exercise and the side


class Exercise(StrEnum):
    """The hip thrust family: the profile names (``formcheck/profiles/NAME.toml``)."""

    SINGLE_LEG_HIP_THRUST = "single-leg-hip-thrust"
    HIP_THRUST = "hip-thrust"
    GLUTE_BRIDGE = "glute-bridge"
    SINGLE_LEG_GLUTE_BRIDGE = "single-leg-glute-bridge"

    @property
    def ident(self) -> str:
        """The identifier spelling (``single_leg_hip_thrust``): the synthetic motion model's
        exercise names, recorded in every truth file, and the CLI enums' member names."""
        return self.value.replace("-", "_")

    @property
    def words(self) -> str:
        """Display words: ``single leg hip thrust``."""
        return self.value.replace("-", " ")

    @classmethod
    def parse(cls, name: str) -> "Exercise":
        """From either spelling (``glute-bridge`` or ``glute_bridge``); ValueError otherwise."""
        return cls(str(name).replace("_", "-"))


DEFAULT_EXERCISE = Exercise.SINGLE_LEG_HIP_THRUST


class Support(StrEnum):
    BENCH = "bench"
    FLOOR = "floor"


class Legs(StrEnum):
    SINGLE = "single"
    TWO = "two"


class Side(StrEnum):
    """A body side: a rep's working leg (``both`` for two-leg reps), or the set's."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    UNKNOWN = "unknown"


#: The sides a user may choose (CLI, live key, Analyzer): auto finds the planted foot.
SIDE_CHOICES: tuple[str, ...] = (AUTO, Side.LEFT, Side.RIGHT)
#: Leg-label index (0 = the person's left, 1 = right) -> side.
SIDE_OF_INDEX: tuple[Side, Side] = (Side.LEFT, Side.RIGHT)


class Variation(StrEnum):
    SINGLE_LEG = "single_leg"
    TWO_LEG = "two_leg"
    TWO_UP_ONE_DOWN = "two_up_one_down"


class View(StrEnum):
    """The camera view the analyzer finds in a clip (``side_head_left``: head on the image's left)."""

    SIDE_HEAD_LEFT = "side_head_left"
    SIDE_HEAD_RIGHT = "side_head_right"
    FRONT = "front"
    BACK = "back"
    OBLIQUE = "oblique"
    UNKNOWN = "unknown"


class ViewFamily(StrEnum):
    """What a view can judge depends only on its family (profiles list families)."""

    SIDE = "side"
    OBLIQUE = "oblique"
    FRONT = "front"
    BACK = "back"
    UNKNOWN = "unknown"


#: Families a profile's ``views`` lists may name.
JUDGING_FAMILIES: tuple[ViewFamily, ...] = (ViewFamily.SIDE, ViewFamily.OBLIQUE, ViewFamily.FRONT, ViewFamily.BACK)
#: From the feet or the head: no angle is judged, reps are counted on the hips' lift.
END_ON_FAMILIES: tuple[ViewFamily, ...] = (ViewFamily.FRONT, ViewFamily.BACK)


class CameraView(StrEnum):
    """The synthetic renderer's camera placements (``formcheck render --view``)."""

    SIDE_LEFT = "side_left"
    SIDE_RIGHT = "side_right"
    FRONT = "front"
    BACK = "back"
    OBLIQUE = "oblique"


#: The view the analyzer should find for each renderer camera: ``side_left`` puts the head on
#: the image's left, so it is ``side_head_left`` (the two spellings are one fact, mapped here).
CAMERA_VIEW_SHOWS: dict[CameraView, View] = {
    CameraView.SIDE_LEFT: View.SIDE_HEAD_LEFT, CameraView.SIDE_RIGHT: View.SIDE_HEAD_RIGHT,
    CameraView.FRONT: View.FRONT, CameraView.BACK: View.BACK, CameraView.OBLIQUE: View.OBLIQUE,
}


class Phase(StrEnum):
    SETUP = "setup"
    BOTTOM = "bottom"
    CONCENTRIC = "concentric"
    TOP = "top"
    ECCENTRIC = "eccentric"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    WARN = "warn"
    FAULT = "fault"


class FaultCode(StrEnum):
    INCOMPLETE_HIP_EXTENSION = "incomplete_hip_extension"
    BACK_HYPEREXTENSION = "back_hyperextension"
    NECK_HYPEREXTENSION = "neck_hyperextension"
    UNLEVEL_HIPS = "unlevel_hips"
    ELBOW_PUSH = "elbow_push"
    NO_TOP_HOLD = "no_top_hold"
    FOOT_PLACEMENT = "foot_placement"
    FREE_LEG_POSITION = "free_leg_position"
    FAST_DESCENT = "fast_descent"


FAULT_CODES: tuple[FaultCode, ...] = tuple(FaultCode)
#: Not a fault code: a live cue for a rep that rose too little to count.
PARTIAL = "partial"

# -- display words -------------------------------------------------------------------------
VIEW_WORDS: dict[str, str] = {
    View.SIDE_HEAD_LEFT: "side-on, head to the left", View.SIDE_HEAD_RIGHT: "side-on, head to the right",
    View.FRONT: "from the feet", View.BACK: "from behind the head", View.OBLIQUE: "oblique",
    View.UNKNOWN: "unknown",
}


def code_words(code: str) -> str:
    """A snake_case code as words: ``no_top_hold`` -> ``no top hold``."""
    return code.replace("_", " ")


# -- BlazePose landmark indices (33 landmarks; odd = the person's left) ----------------------
N_LANDMARKS = 33
NOSE = 0
LEFT_EYE_INNER, LEFT_EYE, LEFT_EYE_OUTER = 1, 2, 3
RIGHT_EYE_INNER, RIGHT_EYE, RIGHT_EYE_OUTER = 4, 5, 6
LEFT_EAR, RIGHT_EAR = 7, 8
MOUTH_LEFT, MOUTH_RIGHT = 9, 10
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_PINKY, RIGHT_PINKY = 17, 18
LEFT_INDEX, RIGHT_INDEX = 19, 20
LEFT_THUMB, RIGHT_THUMB = 21, 22
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT, RIGHT_FOOT = 31, 32  # "foot index": the toes
