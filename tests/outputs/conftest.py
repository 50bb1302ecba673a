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
