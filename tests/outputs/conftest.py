"""Shared by the HTML report's tests: the rendered 10-rep clip, ready for ``analyze`` without the
pose model (its true landmarks seeded as the landmark cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formcheck.core.landmarks import LandmarkSeries
from formcheck.pipeline import CACHE_SUFFIX, _file_key

HTML_DATA = Path(__file__).resolve().parents[1] / "data" / "html"


def seed_clip(folder: Path, out: Path) -> Path:
    """Copy the clip into ``folder`` and put its true landmarks in ``out`` as the pose cache."""
    clip = folder / "slht_10reps.mp4"
    shutil.copy(HTML_DATA / "slht_10reps.mp4", clip)
    series = LandmarkSeries.load_npz(HTML_DATA / "slht_10reps.landmarks.npz")
    series.meta["cache_key"] = _file_key(clip, None)
    series.save_npz(out / f"slht_10reps{CACHE_SUFFIX}")
    return clip


@pytest.fixture(scope="session")
def seed_clip_into():
    """The function above, for fixtures of a wider scope than ``tmp_path``."""
    return seed_clip


@pytest.fixture
def seeded_clip(tmp_path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    return seed_clip(tmp_path, out), out


# Two rendered sets of one exercise at known, different tempos (issue 16's alignment evidence):
# A quick (1.0 s up, 0.6 s hold, 1.0 s down), B slow (1.8 s, 1.6 s, 2.2 s, longer pauses), 3 reps
# each at 320x240. Rendered once per session through `formcheck render`.
TEMPO_SETS = {
    "quick": ["--concentric", "1.0", "--hold", "0.6", "--eccentric", "1.0", "--bottom-pause", "0.4"],
    "slow": ["--concentric", "1.8", "--hold", "1.6", "--eccentric", "2.2", "--bottom-pause", "0.8",
             "--rep-override", "2:peak_hip_deg=152"],
}


@pytest.fixture(scope="session")
def tempo_sets(tmp_path_factory) -> dict[str, Path]:
    """name -> the rendered clip (its truth JSON and true landmarks beside it)."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("tempo")
    for name, options in TEMPO_SETS.items():
        cmd = [sys.executable, "-m", "formcheck.cli", "render", "--out", str(folder), "--name", name, "--reps", "3",
               "--width", "320", "--height-px", "240", *options]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr
    return {name: folder / f"{name}.mp4" for name in TEMPO_SETS}


@pytest.fixture(scope="session")
def seed_true_landmarks():
    """``seed(clip, out)``: the clip's true landmarks as its pose cache in ``out`` (no pose model)."""
    def seed(clip: Path, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        series = LandmarkSeries.load_npz(clip.with_suffix(".landmarks.npz"))
        series.meta["cache_key"] = _file_key(clip, None)
        series.save_npz(out / f"{clip.stem}{CACHE_SUFFIX}")
    return seed


@pytest.fixture(scope="session")
def compared(tempo_sets, seed_true_landmarks, tmp_path_factory) -> tuple[Path, Path]:
    """(folder, page): ``compare_paths`` on the quick and the slow set, analysed from true landmarks."""
    from formcheck.comparison import compare_paths

    out = tmp_path_factory.mktemp("compare")
    for clip in tempo_sets.values():
        seed_true_landmarks(clip, out)
    return out, compare_paths(tempo_sets["quick"], tempo_sets["slow"], out, progress=False)
