"""Hostile output places, options and re-runs for ``formcheck analyze`` (real processes)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from formcheck.core.errors import ConfigError, NoPersonError, OutputError

from hostile_probe import (assert_failed, assert_nothing_complete, assert_ok, complete_looking, formcheck,
                           leftovers, write_npz)


@pytest.fixture
def clip(tmp_path, good_npz) -> Path:
    shutil.copy(good_npz, tmp_path / "clip.npz")
    return tmp_path / "clip.npz"


def _no_person(path: Path, good: dict) -> None:
    arrays = dict(good, image=np.full_like(good["image"], np.nan))
    arrays.pop("world", None)
    write_npz(path, arrays)


# ------------------------------------------------------------------------------ --out, --json, --csv
PLACES = [
    ("out is a file", ["--out", "taken"], "is a file"),
    ("out under a file", ["--out", "taken/sub"], "is a file, not a folder"),
    ("out is a fifo", ["--out", "pipe"], "FIFO"),
    ("out is dev null", ["--out", "/dev/null"], "device"),
    ("json is a folder", ["--json", "folder"], "is a folder"),
    ("json is dev full", ["--json", "/dev/full"], "device"),
    ("json under a file", ["--json", "taken/r.json"], "is a file, not a folder"),
    ("json is a fifo", ["--json", "pipe"], "FIFO"),
    ("csv is a folder", ["--csv", "folder"], "is a folder"),
    ("csv is dev null", ["--csv", "/dev/null"], "device"),
    ("csv under a file", ["--csv", "taken/f.csv"], "is a file, not a folder"),
]


@pytest.mark.parametrize("args,says", [p[1:] for p in PLACES], ids=[p[0] for p in PLACES])
def test_bad_output_place_is_one_line_before_any_work(args, says, tmp_path, clip):
    (tmp_path / "taken").write_text("a file where a folder should be")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    run = formcheck("analyze", "clip.npz", *args, "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says=says)
    assert (tmp_path / "taken").read_text() == "a file where a folder should be"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    for folder in (tmp_path, tmp_path / "formcheck-out"):
        assert_nothing_complete(folder, "clip")


@pytest.mark.parametrize("option", ["--out", "--json", "--csv"])
def test_read_only_place(option, tmp_path, clip, read_only_dir):
    target = read_only_dir / ("o" if option == "--out" else "r.file")
    run = formcheck("analyze", "clip.npz", option, target, "--out" if option != "--out" else "-q",
                    *(["o"] if option != "--out" else []), cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says="read-only" if os.geteuid() == 0 else "permission")
    assert list(read_only_dir.iterdir()) == []


@pytest.mark.parametrize("size", ["16k", "48k"])
def test_full_disk_is_found_before_the_work(size, tmp_path, clip, small_disk):
    disk = small_disk(size)
    run = formcheck("analyze", "clip.npz", "--out", disk / "o", "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says="full")
    assert leftovers(disk) == [] and complete_looking(disk / "o", "clip") == []


@pytest.mark.parametrize("size", ["100k", "140k"])
def test_disk_filling_up_during_the_writes(size, tmp_path, clip, small_disk):
    """The pre-check's write fits, the outputs do not: one line, no .part, no report."""
    disk = small_disk(size)
    run = formcheck("analyze", "clip.npz", "--out", disk / "o", "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says="disk is full")
    assert_nothing_complete(disk / "o", "clip")


def test_json_copy_on_a_full_disk(tmp_path, clip, small_disk):
    disk = small_disk("32k")
    run = formcheck("analyze", "clip.npz", "--out", "o", "--json", disk / "r.json", "--csv", disk / "f.csv",
                    "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, OutputError.exit_code, says="full")
    assert leftovers(disk) == [] and not (disk / "r.json").exists()
    assert_nothing_complete(tmp_path / "o", "clip")


def test_json_and_csv_copies_succeed_where_they_should(tmp_path, clip):
    run = formcheck("analyze", "clip.npz", "--out", "o", "--json", "new/r.json", "--csv", "new/f.csv", "-q",
                    cwd=tmp_path)
    assert_ok(run)
    assert json.loads((tmp_path / "new" / "r.json").read_text())["rep_count"] == 2
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------------ options
OPTIONS = [
    ("unknown exercise", ["--exercise", "squat"], "squat"),
    ("unknown side", ["--side", "middle"], "middle"),
    ("unknown option", ["--frobnicate"], "frobnicate"),
    ("json with two inputs", ["clip.npz", "--json", "r.json"], "--json and --csv take one input"),
    ("profile missing", ["--profile", "nothere.toml"], "not found"),
    ("profile not toml", ["--profile", "bad.toml"], "not valid TOML"),
    ("profile unknown key", ["--profile", "unknown.toml"], "bogus"),
    ("profile wrong type", ["--profile", "wrongtype.toml"], None),
    ("profile is a folder", ["--profile", "folder"], None),
    ("profile is dev zero", ["--profile", "/dev/zero"], None),
]


@pytest.mark.parametrize("args,says", [o[1:] for o in OPTIONS], ids=[o[0] for o in OPTIONS])
def test_bad_option_is_exit_5_in_one_line(args, says, tmp_path, clip):
    (tmp_path / "bad.toml").write_text("[faults\nthis is = not toml")
    (tmp_path / "unknown.toml").write_text("[faults.incomplete_hip_extension]\nbogus = 1.0\n")
    (tmp_path / "wrongtype.toml").write_text('[faults.incomplete_hip_extension]\nfault_below_deg = "high"\n')
    (tmp_path / "folder").mkdir()
    run = formcheck("analyze", "clip.npz", *args, "--out", "o", "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, ConfigError.exit_code, says=says)
    assert_nothing_complete(tmp_path / "o", "clip")


def test_missing_paths_is_exit_5(tmp_path):
    assert_failed(formcheck("analyze", cwd=tmp_path), ConfigError.exit_code, says="missing argument")


def test_profile_command_refuses_auto_and_unknown(tmp_path):
    assert_failed(formcheck("profile", "auto", cwd=tmp_path), ConfigError.exit_code, says="choose an exercise")
    assert_failed(formcheck("profile", "squat", cwd=tmp_path), ConfigError.exit_code, says="squat")


def test_unknown_command_is_exit_5(tmp_path):
    assert_failed(formcheck("analyse-everything", cwd=tmp_path), ConfigError.exit_code)


def test_help_and_bare_command_exit_0(tmp_path):
    for args in ((), ("--help",), ("analyze", "--help")):
        run = formcheck(*args, cwd=tmp_path)
        assert run.code == 0 and "Traceback" not in run.err and "analyze" in run.out


# profile numbers: item 5 of issue 14 (the layout engineer's range checks)
PROFILE_NUMBERS = [
    ("nan threshold", "[faults.incomplete_hip_extension]\nfault_below_deg = nan\n"),
    ("inf threshold", "[faults.incomplete_hip_extension]\nfault_below_deg = inf\n"),
    ("visibility above 1", "[measure]\nmin_visibility = 1.5\n"),
    ("huge smoothing sigma", "[smoothing]\noffline_sigma_s = 1e300\n"),
    ("negative hold", "[faults.no_top_hold]\nmin_hold_s = -1.0\n"),
    ("deeply nested", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
]


@pytest.mark.parametrize("text", [p[1] for p in PROFILE_NUMBERS], ids=[p[0] for p in PROFILE_NUMBERS])
def test_profile_number_out_of_range_is_exit_5(text, tmp_path, clip):
    (tmp_path / "p.toml").write_text(text)
    run = formcheck("analyze", "clip.npz", "--profile", "p.toml", "--out", "o", "-q", cwd=tmp_path, timeout=60)
    assert_failed(run, ConfigError.exit_code)
    assert_nothing_complete(tmp_path / "o", "clip")


# ------------------------------------------------------------------------------ names and re-runs
def test_same_file_name_in_two_folders_gets_unique_outputs(tmp_path, good_npz):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(good_npz, tmp_path / d / "clip.npz")
    run = formcheck("analyze", "a/clip.npz", "b/clip.npz", "--out", "o", "-q", cwd=tmp_path)
    assert_ok(run)
    assert "b/clip.npz has the same name as a/clip.npz: its outputs are named clip-2.*" in run.err
    for stem in ("clip", "clip-2"):
        assert json.loads((tmp_path / "o" / f"{stem}.json").read_text())["rep_count"] == 2


def test_generated_name_never_takes_another_inputs_name(tmp_path, good_npz):
    for name in ("a/clip.npz", "b/clip.npz", "clip-2.npz"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(good_npz, tmp_path / name)
    run = formcheck("analyze", "a/clip.npz", "b/clip.npz", "clip-2.npz", "--out", "o", "-q", cwd=tmp_path)
    assert_ok(run)
    assert sorted(p.name for p in (tmp_path / "o").glob("*.json")) == ["clip-2.json", "clip-3.json", "clip.json"]


def test_video_and_landmarks_of_one_name_do_not_collide(tmp_path, good_npz):
    shutil.copy(good_npz, tmp_path / "clip.npz")
    shutil.copy(good_npz, tmp_path / "clip.landmarks.npz")
    run = formcheck("analyze", "clip.npz", "clip.landmarks.npz", "--out", "o", "-q", cwd=tmp_path)
    assert_ok(run)
    assert "clip-2" in run.err and (tmp_path / "o" / "clip-2.json").is_file()


def test_same_input_twice_is_analysed_once(tmp_path, clip):
    run = formcheck("analyze", "clip.npz", "./clip.npz", "--out", "o", "-q", cwd=tmp_path)
    assert_ok(run)
    assert "more than once" in run.err and sorted(p.name for p in (tmp_path / "o").glob("*.json")) == ["clip.json"]


def test_failed_rerun_sets_the_old_report_aside(tmp_path, clip, good_arrays):
    assert_ok(formcheck("analyze", "clip.npz", "--out", "o", "--json", "r.json", "-q", cwd=tmp_path))
    old = (tmp_path / "o" / "clip.json").read_text()
    _no_person(clip, good_arrays)
    run = formcheck("analyze", "clip.npz", "--out", "o", "--json", "r.json", "-q", cwd=tmp_path)
    assert_failed(run, NoPersonError.exit_code, says="renamed *.stale")
    assert_nothing_complete(tmp_path / "o", "clip")
    assert not (tmp_path / "r.json").exists()
    assert (tmp_path / "o" / "clip.json.stale").read_text() == old  # moved aside, not lost
    assert (tmp_path / "r.json.stale").read_text() == old


def test_corrupt_rerun_sets_the_old_report_aside(tmp_path, clip):
    assert_ok(formcheck("analyze", "clip.npz", "--out", "o", "-q", cwd=tmp_path))
    clip.write_bytes(b"corrupt")
    assert_failed(formcheck("analyze", "clip.npz", "--out", "o", "-q", cwd=tmp_path), 2, says="stale")
    assert_nothing_complete(tmp_path / "o", "clip")


def test_successful_rerun_replaces_and_leaves_nothing_stale(tmp_path, clip):
    for _ in range(2):
        assert_ok(formcheck("analyze", "clip.npz", "--out", "o", "-q", cwd=tmp_path))
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["clip.angles.png", "clip.csv", "clip.html", "clip.json"]


def test_a_failing_input_never_touches_another_inputs_finished_result(tmp_path, clip, good_arrays):
    assert_ok(formcheck("analyze", "clip.npz", "--out", "o", "-q", cwd=tmp_path))
    done = (tmp_path / "o" / "clip.json").read_bytes()
    _no_person(tmp_path / "other.npz", good_arrays)
    assert_failed(formcheck("analyze", "other.npz", "--out", "o", "-q", cwd=tmp_path), NoPersonError.exit_code)
    assert (tmp_path / "o" / "clip.json").read_bytes() == done
    assert_nothing_complete(tmp_path / "o", "other")


def test_first_failed_run_writes_nothing(tmp_path, good_arrays):
    _no_person(tmp_path / "clip.npz", good_arrays)
    run = formcheck("analyze", "clip.npz", "--out", "o", "-q", cwd=tmp_path)
    assert_failed(run, NoPersonError.exit_code)
    assert "stale" not in run.err
    assert list((tmp_path / "o").iterdir()) == []
