"""Every profile number has a type, a unit and a range; bad values are one ConfigError line."""

import pytest

from formcheck.core.errors import ConfigError
from formcheck.core.profile import EXERCISES, load_profile
from formcheck.core.profile_schema import schema_lines


@pytest.mark.parametrize(
    "text, message",
    [
        ("[reps]\nmin_rise_deg = nan\n", r"'reps.min_rise_deg' must be a finite number"),
        ("[faults.incomplete_hip_extension]\nfault_below_deg = inf\n", "fault_below_deg' must be a finite"),
        ("[smoothing]\nspike_min_deg = -inf\n", "spike_min_deg' must be a finite"),
        ("[measure]\nmin_visibility = 1.5\n", r"'measure.min_visibility' = 1.5 is out of range \(0 to 1 fraction\)"),
        ("[faults.no_top_hold]\nmin_hold_s = -1\n", r"'faults.no_top_hold.min_hold_s' = -1 is out of range"),
        ("[smoothing]\noffline_sigma_s = 1e12\n", r"'smoothing.offline_sigma_s' = 1e\+12 is out of range \(0 to 2 s\)"),
        ("[smoothing]\nlive_min_cutoff_hz = 0\n", r"live_min_cutoff_hz' = 0 is out of range \(above 0"),
        ("[classify]\nbench_max_bottom_hip_deg = 999\n", "classify.bench_max_bottom_hip_deg"),
        ("[reps]\nmin_rise_degs = 3\n", "unknown profile key 'reps.min_rise_degs'"),
    ],
)
def test_out_of_range_and_non_finite_values_are_named(tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=message) as err:
        load_profile("single-leg-hip-thrust", f)
    assert "\n" not in str(err.value) and err.value.exit_code == 5


@pytest.mark.parametrize("nest", ["x = " + "[" * 5000 + "]" * 5000 + "\n",
                                  "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"])
def test_a_deeply_nested_toml_is_a_config_error_not_a_recursion_error(tmp_path, nest):
    f = tmp_path / "deep.toml"
    f.write_text(nest)
    with pytest.raises(ConfigError, match="deep.toml is not valid TOML"):
        load_profile("hip-thrust", f)


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    f = tmp_path / "huge.toml"
    f.write_text("# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="huge.toml is not a profile"):
        load_profile("hip-thrust", f)


@pytest.mark.parametrize("name", EXERCISES)
def test_builtin_profiles_are_typed_sections(name):
    p = load_profile(name)
    assert isinstance(p.reps.min_rise_deg, float) and isinstance(p.lift.enabled, bool)
    assert p.reps["min_rise_deg"] == p.reps.min_rise_deg  # mapping access reads the same field
    assert isinstance(p.fault("no_top_hold").views, tuple)
    assert not hasattr(p, "data")  # no untyped dict behind the sections


def test_schema_gives_every_number_a_unit_and_range():
    lines = schema_lines()
    assert "measure.min_visibility: fraction, 0..1" in lines
    assert "faults.no_top_hold.min_hold_s: s, 0..60" in lines
    assert all(line.count(":") == 1 and ".." in line for line in lines)
    # shoulder-width thresholds are not under *_deg names
    assert [l for l in lines if l.startswith("lift.")] and all("_deg" not in l for l in lines if "shoulder widths" in l)
