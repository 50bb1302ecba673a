"""How closely `formcheck compare` lines up the lockouts of two sets at different tempos.

    .venv/bin/python benchmarks/bench_compare_align.py [--keep DIR]

Renders the tests' two sets (3 reps at 320x240: quick 1.0 s up / 0.6 s hold / 1.0 s down, slow
1.8 / 1.6 / 2.2 s with longer pauses and a short rep 2) and a third, "tempo" (1.4 s up, 0.3 s
hold, 3.0 s down), with `formcheck render`, analyses each from its true landmarks and through the
pose model, and for three pairs (quick->slow, slow->quick, tempo->slow) prints how far A's true
lockout lands, through the time map, from B's true lockout (in frames), by the two truths
(``synth.phases``: band / plan), for the map through the report's anchors and through the fitted
ones (``core.align.fitted_anchors``) side by side; and the time the page itself takes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formcheck.core.align import build_time_map, pair_reps
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport
from formcheck.outputs.html.compare import rep_curve
from formcheck.pipeline import CACHE_SUFFIX, _file_key, analyze_path
from formcheck.synth.phases import true_lockouts_s

SETS = {
    "quick": ["--concentric", "1.0", "--hold", "0.6", "--eccentric", "1.0", "--bottom-pause", "0.4"],
    "slow": ["--concentric", "1.8", "--hold", "1.6", "--eccentric", "2.2", "--bottom-pause", "0.8",
             "--rep-override", "2:peak_hip_deg=152"],
    "tempo": ["--concentric", "1.4", "--hold", "0.3", "--eccentric", "3.0", "--bottom-pause", "0.3"],
}
PAIRS = (("quick", "slow"), ("slow", "quick"), ("tempo", "slow"))
FPS = 30.0


def _render(folder: Path) -> None:
    for name, options in SETS.items():
        if not (folder / f"{name}.mp4").is_file():
            subprocess.run([sys.executable, "-m", "formcheck.cli", "render", "--out", str(folder), "--name", name,
                            "--reps", "3", "--width", "320", "--height-px", "240", *options],
                           check=True, capture_output=True)


def _analyse(folder: Path, out: Path, true_landmarks: bool) -> float:
    out.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for name in SETS:
        if true_landmarks:
            series = LandmarkSeries.load_npz(folder / f"{name}.landmarks.npz")
            series.meta["cache_key"] = _file_key(folder / f"{name}.mp4", None)
            series.save_npz(out / f"{name}{CACHE_SUFFIX}")
        analyze_path(folder / f"{name}.mp4", out_dir=out, stem=name, progress=False, jobs=1, annotate=False,
                     html=False)
    return time.perf_counter() - t0


def lockout_errors(folder: Path, out: Path, a_name: str, b_name: str, fitted: bool) -> list[tuple[float, float]]:
    """Per matched rep: (band, plan) truth of A through the map minus B's, in frames."""
    a, b = SetReport.read(out / f"{a_name}.json"), SetReport.read(out / f"{b_name}.json")
    curves = (rep_curve(a), rep_curve(b)) if fitted else (None, None)
    m = build_time_map(a.reps, b.reps, pair_reps(a.reps, b.reps), *curves)
    band = a.exercise_profile.reps.tempo_top_band_deg
    ta, tb = (true_lockouts_s(json.loads((folder / f"{n}.truth.json").read_text()), band) for n in (a_name, b_name))
    return [((float(m.to_b(xa[0])) - xb[0]) * FPS, (float(m.to_b(xa[1])) - xb[1]) * FPS) for xa, xb in zip(ta, tb)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, default=None, help="render and analyse here (kept)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        _render(folder)
        for label, true_lm in (("true landmarks", True), ("pose model", False)):
            out = folder / label.replace(" ", "-")
            print(f"{label}: analysis of the {len(SETS)} sets {_analyse(folder, out, true_lm):.1f} s")
            for a_name, b_name in PAIRS:
                for fitted in (False, True):
                    errs = lockout_errors(folder, out, a_name, b_name, fitted)
                    how = "fitted anchors" if fitted else "report anchors"
                    cells = "  ".join(f"{band:+.1f} / {plan:+.1f}" for band, plan in errs)
                    print(f"  {a_name:>5} -> {b_name:<5} {how}: lockout off by (band / plan truth, frames) {cells}")
        out = folder / "true-landmarks"
        a, b = SetReport.read(out / "quick.json"), SetReport.read(out / "slow.json")
        from formcheck.outputs.html.compare import CompareSide, render_compare_html

        t0 = time.perf_counter()
        html = render_compare_html(CompareSide(a, "A", "a.mp4"), CompareSide(b, "B", "b.mp4"))
        print(f"page alone: {1000 * (time.perf_counter() - t0):.0f} ms, {len(html) / 1000:.0f} kB")


if __name__ == "__main__":
    main()
