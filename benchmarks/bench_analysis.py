"""Benchmark: offline analysis and live per-frame cost of the core on a 10-minute series.

    .venv/bin/python benchmarks/bench_analysis.py [--minutes 10]

Prints seconds of analysis per minute of video (goal: well under 1 s) and the live path's
milliseconds per frame (the budget at 30 fps is 33 ms, shared with the pose model).
"""

from __future__ import annotations

import argparse
import time

from formcheck.core.analyzer import Analyzer, analyze_series
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--live-frames", type=int, default=3000)
    args = ap.parse_args()
    rep_s = 1.0 + 1.0 + 1.5 + 0.5
    reps = int(args.minutes * 60 / rep_s)
    t0 = time.perf_counter()
    m = simulate(MotionParams(reps=reps), fps=30.0)
    s = synth_series(m, Camera(view="side_left"), noise_px=1.5, dropout_rate=0.02, seed=1)
    gen_s = time.perf_counter() - t0
    minutes = (s.t_s[-1] - s.t_s[0]) / 60
    t0 = time.perf_counter()
    report = analyze_series(s)
    off_s = time.perf_counter() - t0
    assert report.rep_count == reps, (report.rep_count, reps)
    n = min(args.live_frames, len(s))
    an = Analyzer(s.image_size)
    t0 = time.perf_counter()
    for i in range(n):
        an.update(float(s.t_s[i]), s.image[i], s.world[i] if s.world is not None else None)
    live_ms = (time.perf_counter() - t0) / n * 1000
    print(f"series: {len(s)} frames, {minutes:.1f} min, {reps} reps (generated in {gen_s:.1f} s)")
    print(f"offline analysis: {off_s:.2f} s total = {off_s / minutes:.3f} s per minute of video "
          f"({len(s) / off_s:,.0f} frames/s); reps found {report.rep_count}/{reps}")
    print(f"live update(): {live_ms:.2f} ms per frame over {n} frames")


if __name__ == "__main__":
    main()
