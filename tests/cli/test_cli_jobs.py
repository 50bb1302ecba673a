"""``formcheck analyze FOLDER --jobs N``: one pool of pose processes takes the clips, and every
clip's outputs, the summaries, index.html and the exit code are what a serial run gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
GOOD = ("a_left", "c_right", "d_bridge")

pytestmark = pytest.mark.mediapipe


def _short(sample: str, out: Path, seconds: float = 6.0) -> Path:
    """The first seconds of a sample at 320x240 (a small, quick clip with a rep or two)."""
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(SAMPLES / sample),
                    "-t", str(seconds), "-vf", "scale=320:240", "-an", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    clips = tmp_path_factory.mktemp("clips")
    _short("slht_left_good.mp4", clips / "a_left.mp4")
    (clips / "b_broken.mp4").write_text("not a video\n" * 20)
    _short("slht_right_good.mp4", clips / "c_right.mp4")
    _short("glute_bridge_good.mp4", clips / "d_bridge.mp4")
    return clips


def _analyze(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck.cli", "analyze", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def _reports(out: Path) -> dict[str, dict]:
    return {name: json.loads((out / f"{name}.json").read_text()) for name in GOOD if (out / f"{name}.json").is_file()}


def test_a_folder_through_the_pool_matches_the_serial_run(folder, tmp_path):
    serial = _analyze(folder, "--out", tmp_path / "serial", "--jobs", "1", "--no-annotate", "--no-cache", "-q")
    pooled = _analyze(folder, "--out", tmp_path / "pooled", "--jobs", "2", "--no-annotate", "--no-cache")
    for run in (serial, pooled):
        assert run.returncode == 3, run.stderr  # the broken clip's code; the others analysed
        errors = run.stderr.strip().splitlines()
        assert len(errors) == 1 and "b_broken.mp4" in errors[0] and "Traceback" not in run.stderr
        assert run.stdout.count("Reps:") == 3 and "Index: " in run.stdout
    a, b = _reports(tmp_path / "serial"), _reports(tmp_path / "pooled")
    assert set(a) == set(GOOD) and a == b  # same reports, rep by rep and fault by fault
    for name in GOOD:
        for suffix in (".csv", ".angles.png", ".html"):
            assert (tmp_path / "pooled" / f"{name}{suffix}").is_file(), name + suffix
        assert f"{name}.mp4:" in pooled.stdout  # its summary
    index = (tmp_path / "pooled" / "index.html").read_text()
    assert all(f"{name}.html" in index for name in GOOD) and "b_broken" not in index
    assert index.index("a_left.html") < index.index("c_right.html") < index.index("d_bridge.html")


def test_a_clip_whose_output_cannot_be_written_fails_alone(folder, tmp_path):
    out = tmp_path / "out"
    (out / "c_right.json").mkdir(parents=True)  # the report's place is taken by a folder
    run = _analyze(folder / "a_left.mp4", folder / "c_right.mp4", folder / "d_bridge.mp4", "--out", out,
                   "--jobs", "2", "-q")
    assert run.returncode == 8, run.stderr  # an output that cannot be written
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and "c_right.mp4" in errors[0] and "cannot write" in errors[0], run.stderr
    assert set(_reports(out)) == {"a_left", "d_bridge"}
    assert (out / "a_left.annotated.mp4").stat().st_size > 10_000
    leftovers = [p.name for p in out.iterdir() if p.name.startswith("c_right") and p.name != "c_right.landmarks.npz"]
    assert leftovers == ["c_right.json"], leftovers  # this run's partial files removed, the folder kept
    assert not list(out.glob("*.part")) and not list(out.glob(".*.mp4"))
