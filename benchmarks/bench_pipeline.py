"""Benchmark: what the pipeline adds on top of decoding + the pose model (goal: < 10 %).

    .venv/bin/python benchmarks/bench_pipeline.py [VIDEO]

VIDEO defaults to the 1280x720 clip ../shared/clips/bridge_side_2reps.mp4 when present. Prints
frames per second of (a) decode + pose model alone and (b) the whole `analyze` without
annotation (landmark extraction, cache write, analysis, JSON/CSV/plot), and their ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from formcheck.pipeline import analyze_path
from formcheck.adapters.pose import PoseEstimator
from formcheck.adapters.video import open_video

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "clips" / "bridge_side_2reps.mp4"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.is_file():
        sys.exit(f"no clip at {path}: pass a 720p video")
    with open_video(path) as video, PoseEstimator() as est:
        size = (video.width, video.height)
        t0 = time.perf_counter()
        n = 0
        for _, t_s, bgr in video:
            est.detect(bgr, t_s * 1000.0)
            n += 1
        base_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        analyze_path(path, out_dir=Path(out), annotate=False, use_cache=True)
        full_s = time.perf_counter() - t0
    print(f"clip: {path.name}, {size[0]}x{size[1]}, {n} frames")
    print(f"decode + pose model: {n / base_s:.1f} fps ({base_s:.2f} s)")
    print(f"formcheck analyze --no-annotate: {n / full_s:.1f} fps ({full_s:.2f} s)")
    print(f"pipeline overhead: {100 * (full_s / base_s - 1):+.1f} % (goal < 10 %)")


if __name__ == "__main__":
    main()
