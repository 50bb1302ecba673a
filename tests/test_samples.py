"""The bundled samples: each is listed in samples/make_samples.py, small, and analysed as its truth says.

The README's figure "reps and faults as the truth on every sample" rests on the last test: it runs
the real pose model on every sample (about 10 s each).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from formcheck.synth.suite import score_clip

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


def _catalogue() -> dict[str, tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES_DIR / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod.SAMPLES


SAMPLES = _catalogue()


def test_the_folder_holds_exactly_the_listed_samples_each_under_2_mb():
    videos = {p.stem for p in SAMPLES_DIR.glob("*.mp4")}
    truths = {p.name[: -len(".truth.json")] for p in SAMPLES_DIR.glob("*.truth.json")}
    assert videos == truths == set(SAMPLES)
    for name in SAMPLES:
        assert (SAMPLES_DIR / f"{name}.mp4").stat().st_size < 2_000_000, name
        truth = json.loads((SAMPLES_DIR / f"{name}.truth.json").read_text())
        assert truth["name"] == name and truth["command"].startswith(f"formcheck render --out samples --name {name} ")


@pytest.mark.mediapipe
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_is_analysed_as_its_truth_says(tmp_path, name):
    from formcheck.pipeline import analyze_path
    from formcheck.adapters.video import ffmpeg_available

    if not ffmpeg_available():
        pytest.skip("imageio-ffmpeg is not installed")
    truth = json.loads((SAMPLES_DIR / f"{name}.truth.json").read_text())
    res = analyze_path(SAMPLES_DIR / f"{name}.mp4", out_dir=tmp_path, annotate=False, use_cache=False)
    sc = score_clip(res.report, truth)
    assert sc.reps_exact and res.report.rep_count == truth["rep_count"], sc.mismatches
    assert sc.faults_exact, sc.mismatches
