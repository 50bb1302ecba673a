"""End to end with real MediaPipe on the labelled clips in ../shared/clips (skipped when absent).

Asserts the labelled rep counts exactly, the labelled faults (and no others), the exercise, the
view, and that each counted top falls in a labelled top window. The clips are never copied into
the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.pipeline import analyze_path

CLIPS = Path(__file__).resolve().parents[1].parent / "shared" / "clips"
LABELS = CLIPS / "labels.json"

pytestmark = [pytest.mark.mediapipe, pytest.mark.clips,
              pytest.mark.skipif(not LABELS.is_file(), reason="../shared/clips is not present")]


def _labels() -> dict:
    return json.loads(LABELS.read_text())["clips"] if LABELS.is_file() else {}


def _expected_exercise(text: str) -> str:
    text = text.lower()
    single = text.startswith("single-leg")
    if "bridge" in text:
        return "single-leg-glute-bridge" if single else "glute-bridge"
    return "single-leg-hip-thrust" if single else "hip-thrust"


def _expected_view(text: str) -> str:
    text = text.lower()
    if text.startswith("side"):
        return "side_head_left" if "head left" in text else "side_head_right"
    if "oblique" in text:
        return "oblique"
    return "front" if "front" in text else "back"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = tmp_path_factory.mktemp("clips")
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = analyze_path(CLIPS / name, out_dir=out, annotate=False)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(_labels()))
def test_real_clip_matches_its_labels(name, analysed):
    label = _labels()[name]
    result = analysed(name)
    report = result.report
    assert report.rep_count == label["reps"], [round(r.top_s, 2) for r in report.reps]
    assert report.exercise == _expected_exercise(label["exercise"])
    assert report.view == _expected_view(label["view"])
    faulted = {f.code for r in report.reps for f in r.faults if f.severity == "fault"}
    assert faulted == set(label["faults"])
    for rep, (lo, hi) in zip(report.reps, label["tops_s"]):
        assert lo - 0.3 <= rep.top_s <= hi + 0.3, (rep.index, rep.top_s, lo, hi)
    # the landmark cache is a valid input on its own: re-analysis gives the same verdict
    again = analyze_path(result.outputs["json"].with_name(Path(name).stem + ".landmarks.npz"),
                         out_dir=result.outputs["json"].parent / "again", annotate=False)
    assert again.report.rep_count == report.rep_count
