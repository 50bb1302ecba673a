"""Benchmark: the time the HTML page adds to `formcheck analyze` (goal: under 1 s per clip).

    .venv/bin/python benchmarks/bench_html.py [VIDEO ...] [--repeats 3]

VIDEO defaults to the rendered 10-rep clip tests/data/html/slht_10reps.mp4 (and the 1280x720
../shared/clips/bridge_side_2reps.mp4 when present). For each clip: one full `analyze` through
the pose model (annotated video, plot, JSON, page); `analyze` from the landmark cache with and
without the page, alternated side by side in the same run; and the page's own build (keyframes,
chart, template, write) timed directly, with its frames kept by the annotation pass as `analyze`
does, and grabbed from the clip as `analyze --no-annotate` does. Prints seconds and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from formcheck.adapters.stdio import route_native_stderr
from formcheck.adapters.video import open_video
from formcheck.outputs.html import FrameKeeper, write_clip_html
from formcheck.pipeline import analyze_path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = [ROOT / "tests/data/html/slht_10reps.mp4", ROOT.parent / "shared/clips/bridge_side_2reps.mp4"]


def _timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _page(result, clip: Path, out: Path, keeper: FrameKeeper | None) -> float:
    return _timed(lambda: write_clip_html(
        result.report, result.series, out / "bench.html", source_video=clip,
        annotated_video=result.outputs.get("video"), targets_deg=result.report.targets_deg(),
        cue_s=result.report.cue_s, keeper=keeper))[0]


def _kept(result, clip: Path) -> FrameKeeper:
    """The frames the annotation pass keeps for the page, kept here by the same kind of pass."""
    keeper = FrameKeeper(result.report, result.series)
    with open_video(clip) as video:
        for frame in video:
            keeper.offer(frame.index, frame.bgr)
    return keeper


def bench(clip: Path, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        full_s, result = _timed(lambda: analyze_path(clip, out_dir=out, annotate=True, html=True))
        on, off = [], []
        for _ in range(repeats):  # alternated, so load on the machine hits both alike
            on.append(_timed(lambda: analyze_path(clip, out_dir=out, annotate=True, html=True))[0])
            off.append(_timed(lambda: analyze_path(clip, out_dir=out, annotate=True, html=False))[0])
        kept = _kept(result, clip)
        in_analyze = statistics.median(_page(result, clip, out, kept) for _ in range(repeats))
        no_annotate = statistics.median(_page(result, clip, out, None) for _ in range(repeats))
        size_kb = (out / "bench.html").stat().st_size / 1000
    with_page, without = statistics.median(on), statistics.median(off)
    faults = sum(len(r.faults) for r in result.report.reps)
    print(f"{clip.name}: {len(result.series)} frames {result.series.image_size[0]}x{result.series.image_size[1]}, "
          f"{result.report.rep_count} reps, {faults} keyframes, page {size_kb:.0f} kB")
    print(f"  page build, frames kept by the annotation pass (analyze): {in_analyze:.2f} s")
    print(f"  page build, frames grabbed from the clip (analyze --no-annotate): {no_annotate:.2f} s")
    print(f"  analyze from the landmark cache, side by side: {with_page:.2f} s with the page, {without:.2f} s "
          f"without ({with_page - without:+.2f} s, ratio {with_page / without:.2f})")
    print(f"  full analyze through the pose model (first run): {full_s:.1f} s; the page build is "
          f"{100 * in_analyze / full_s:.1f} % of it")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    route_native_stderr()  # the pose model's log lines, as the CLI does
    for clip in args.videos or [p for p in DEFAULTS if p.is_file()]:
        bench(clip, args.repeats)


if __name__ == "__main__":
    main()
