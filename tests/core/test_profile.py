"""Exercise profiles: shipped defaults, inheritance, overrides, and rejected keys."""

import pytest

from formcheck.core.errors import ConfigError
from formcheck.core.profile import EXERCISES, FAULT_CODES, load_profile


@pytest.mark.parametrize("name", EXERCISES)
def test_every_builtin_profile_loads_with_every_fault(name):
    p = load_profile(name)
    assert set(p["faults"]) == set(FAULT_CODES)
    assert p.name == name


def test_inheritance_changes_only_what_it_says():
    base, bridge = load_profile("single-leg-hip-thrust"), load_profile("glute-bridge")
    assert bridge.support == "floor" and not bridge.single_leg
    assert bridge.fault("foot_placement")["min_knee_deg"] == 55.0
    assert bridge.fault("neck_hyperextension") == base.fault("neck_hyperextension")
    assert "free_leg_position" not in load_profile("hip-thrust").enabled_faults()
    assert "free_leg_position" in load_profile("single-leg-glute-bridge").enabled_faults()


def test_user_override_applies(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text("[faults.fast_descent]\nmin_eccentric_s = 1\n")
    p = load_profile("single-leg-hip-thrust", f)
    assert p.fault("fast_descent")["min_eccentric_s"] == 1.0
    assert p.origin == str(f)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[faults.fast_descent]\nmin_eccentric_sec = 1\n", "faults.fast_descent.min_eccentric_sec"),
        ("[repz]\nx = 1\n", "'repz'"),
        ("[reps]\nmin_rise_deg = 'high'\n", "reps.min_rise_deg"),
        ("[faults.no_top_hold]\nenabled = 1\n", "faults.no_top_hold.enabled"),
        ("[faults.unlevel_hips]\nviews = ['top']\n", "unknown view"),
        ("[exercise]\nname = 'squat'\n", "exercise.name"),
        ("not toml at all [[[", "not valid TOML"),
    ],
)
def test_bad_overrides_are_rejected_with_the_key(tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("'", "'")):
        load_profile("single-leg-hip-thrust", f)


def test_unknown_exercise_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="unknown exercise"):
        load_profile("squat")
    with pytest.raises(ConfigError, match="not found"):
        load_profile("hip-thrust", tmp_path / "nope.toml")
