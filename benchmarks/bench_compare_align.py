"""How closely `formcheck compare` lines up the lockouts of two sets at different tempos.

    .venv/bin/python benchmarks/bench_compare_align.py [--keep DIR]

Renders the two sets of the tests (3 reps at 320x240: quick 1.0 s up / 0.6 s hold / 1.0 s down,
slow 1.8 / 1.6 / 2.2 s with longer pauses) with `formcheck render`, then compares them twice in
one run: analysed from their true landmarks (the tests' way) and through the pose model. For each
matched rep it prints how far A's true lockout lands, through the time map, from B's true
lockout (in frames), by the two truths (``synth.phases``), next to how far apart they are on the
raw clocks; and the time the page itself takes beside the analyses.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formcheck.comparison import compare_paths
from formcheck.core.align import build_time_map, pair_reps
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.profile import load_profile
from formcheck.core.report import SetReport
from formcheck.pipeline import CACHE_SUFFIX, _file_key
from formcheck.synth.phases import true_lockouts_s

SETS = {
    "quick": ["--concentric", "1.0", "--hold", "0.6", "--eccentric", "1.0", "--bottom-pause", "0.4"],
    "slow": ["--concentric", "1.8", "--hold", "1.6", "--eccentric", "2.2", "--bottom-pause", "0.8"],
}
FPS = 30.0


def _render(folder: Path) -> None:
    for name, options in SETS.items():
        subprocess.run([sys.executable, "-m", "formcheck.cli", "render", "--out", str(folder), "--name", name,
                        "--reps", "3", "--width", "320", "--height-px", "240", *options],
                       check=True, capture_output=True)


def _errors(folder: Path, out: Path) -> list[tuple[float, float, float]]:
    a, b = SetReport.read(out / "quick.json"), SetReport.read(out / "slow.json")
    m = build_time_map(a.reps, b.reps, pair_reps(a.reps, b.reps))
    band = load_profile(a.exercise).reps.tempo_top_band_deg
    truth = {n: true_lockouts_s(json.loads((folder / f"{n}.truth.json").read_text()), band) for n in SETS}
    return [((float(m.to_b(ba)) - bb) * FPS, (float(m.to_b(pa)) - pb) * FPS, bb - ba)
            for (ba, pa), (bb, pb) in zip(truth["quick"], truth["slow"])]


def _run(folder: Path, out: Path, true_landmarks: bool) -> tuple[float, list]:
    out.mkdir()
    if true_landmarks:
        for name in SETS:
            series = LandmarkSeries.load_npz(folder / f"{name}.landmarks.npz")
            series.meta["cache_key"] = _file_key(folder / f"{name}.mp4", None)
            series.save_npz(out / f"{name}{CACHE_SUFFIX}")
    t0 = time.perf_counter()
    compare_paths(folder / "quick.mp4", folder / "slow.mp4", out, progress=False, jobs=1)
    return time.perf_counter() - t0, _errors(folder, out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, default=None, help="render and analyse here (kept)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        _render(folder)
        for label, true_lm in (("true landmarks", True), ("pose model", False)):
            seconds, errs = _run(folder, folder / label.replace(" ", "-"), true_lm)
            print(f"{label}: compare (analysis of both sets + page) {seconds:.1f} s")
            for k, (band, plan, apart) in enumerate(errs, 1):
                print(f"  rep {k}: lockout off by {band:+.1f} frames (band truth), {plan:+.1f} (plan truth); "
                      f"raw clocks {apart:.2f} s apart")
        out = folder / "true-landmarks"
        a, b = SetReport.read(out / "quick.json"), SetReport.read(out / "slow.json")
        from formcheck.outputs.html.compare import CompareSide, render_compare_html

        t0 = time.perf_counter()
        html = render_compare_html(CompareSide(a, "A", "a.mp4"), CompareSide(b, "B", "b.mp4"))
        print(f"page alone: {1000 * (time.perf_counter() - t0):.0f} ms, {len(html) / 1000:.0f} kB")


if __name__ == "__main__":
    main()
