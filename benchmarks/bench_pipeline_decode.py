"""Throughput of the pose stage: decode, model, both together, and the two video writers.

    .venv/bin/python benchmarks/bench_pipeline_decode.py [VIDEO] [--frames N]

VIDEO defaults to ../shared/clips/bridge_side_2reps.mp4 (1280x720, 59.94 fps) when present.
Prints frames per second for: decoding alone (VideoSource), the model alone on preloaded frames
(PoseEstimator.detect, VIDEO mode, includes BGR->RGB), decode + model (extract_landmarks), and
encoding with VideoWriter to .webm (OpenCV VP8) and .mp4 (H.264 via imageio-ffmpeg).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from formcheck.adapters.pose import PoseEstimator, extract_landmarks  # noqa: E402
from formcheck.adapters.video import VideoWriter, ffmpeg_available, open_video  # noqa: E402

DEFAULT_CLIP = REPO.parent / "shared" / "clips" / "bridge_side_2reps.mp4"


class _Limited:
    """A VideoSource cut to its first n frames (for extract_landmarks)."""

    def __init__(self, src, n):
        self._src, self._n = src, n
        self.width, self.height, self.name, self.fps = src.width, src.height, src.name, src.fps
        self.frame_count = min(n, src.frame_count or n)

    def __iter__(self):
        return islice(iter(self._src), self._n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_CLIP))
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    path = Path(args.video)
    if not path.is_file():
        print(f"no video at {path}; pass one", file=sys.stderr)
        return 2
    src = open_video(path)
    print(f"{path.name}: {src.width}x{src.height}, {src.fps:.2f} fps, ~{src.frame_count} frames")

    t0 = time.perf_counter()
    frames = [f for f in islice(iter(src), args.frames)]
    decode_s = time.perf_counter() - t0
    print(f"decode only:        {len(frames) / decode_s:7.1f} fps")

    with PoseEstimator() as est:
        per_frame = []
        for f in frames:
            t = time.perf_counter()
            est.detect(f.bgr, f.t_s * 1000)
            per_frame.append(time.perf_counter() - t)
    steady = per_frame[5:] or per_frame
    print(f"model only:         {1 / statistics.median(steady):7.1f} fps "
          f"(median {1000 * statistics.median(steady):.1f} ms, mean {1000 * statistics.mean(steady):.1f} ms)")

    with PoseEstimator() as est:
        t0 = time.perf_counter()
        series = extract_landmarks(_Limited(open_video(path), args.frames), est)
        both_s = time.perf_counter() - t0
    print(f"decode + model:     {len(series) / both_s:7.1f} fps ({series.present.mean():.0%} frames with a person)")

    with tempfile.TemporaryDirectory() as tmp:
        suffixes = [".webm"] + ([".mp4"] if ffmpeg_available() else [])
        for suffix in suffixes:
            out = Path(tmp) / f"bench{suffix}"
            t0 = time.perf_counter()
            with VideoWriter(out, fps=src.fps, size=(src.width, src.height)) as writer:
                for f in frames:
                    writer.write(f.bgr)
            enc_s = time.perf_counter() - t0
            print(f"write {suffix:5s}:        {len(frames) / enc_s:7.1f} fps ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
