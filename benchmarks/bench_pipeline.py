"""Benchmark: the pipeline on every core against the serial decode + pose model loop.

    .venv/bin/python benchmarks/bench_pipeline.py [VIDEO] [--jobs N] [--seconds 16] [--crossover] [--no-folder]

VIDEO defaults to ../shared/clips/bridge_side_2reps.mp4 (1280x720), re-timed here to a 720p30
clip of ``--seconds`` (looped; ffmpeg of imageio-ffmpeg, in a temporary folder). One run prints,
side by side on the same clip: frames per second of (a) the serial decode + pose model loop in
this process, (d) ``--jobs`` copies of (a) at once in processes of their own (the machine's
ceiling for any split of the work), (e) the CPU time a frame of (a) and of the annotated video
drawn alone (what the video adds when every core already runs the model), (b) ``analyze --no-annotate`` (``analyze_path``, no cache, ``--jobs``), (c)
``analyze`` with the annotated video, their ratios against the goals (b/a >= 1.7, b at >= 2x
real time, c adding < 15 % over b); then a folder of 8 clips of 4 s: the serial loop over the
8, and the ``formcheck analyze FOLDER`` command (a process, as a user runs it) with ``--jobs 1``
and with ``--jobs``, with and without the annotated video. ``--crossover`` also times one clip
in one process (``--jobs 1``) against split, for clip lengths of 2 to 12 s. The load average is
printed: the machine may be shared, so the ratios measured side by side are what count.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from formcheck.adapters.pose import PoseEstimator
from formcheck.adapters.pose_pool import available_cores
from formcheck.adapters.stdio import route_native_stderr
from formcheck.adapters.video import open_video
from formcheck.pipeline import analyze_path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "clips" / "bridge_side_2reps.mp4"


def make_clip(src: Path, out: Path, seconds: float, size: str = "1280:720", fps: int = 30) -> Path:
    """A ``seconds`` long clip at ``fps`` and ``size``, looping ``src`` as needed."""
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error",
                    "-stream_loop", "-1", "-i", str(src), "-t", f"{seconds}", "-an",
                    "-vf", f"scale={size},fps={fps}", "-c:v", "libx264", "-preset", "veryfast",
                    "-crf", "20", "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


SERIAL_CPU_S: list[float] = []  # the last serial loop's CPU seconds (all its threads)


def serial_loop(paths: list[Path]) -> tuple[int, float]:
    """Frames and seconds of decode + pose model, frame after frame, in this process."""
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for path in paths:
        with open_video(path) as video, PoseEstimator() as est:
            for _, t_s, bgr in video:
                est.detect(bgr, t_s * 1000.0)
                n += 1
    SERIAL_CPU_S[:] = [time.process_time() - c0]
    return n, time.perf_counter() - t0


def _copy_of_loop(path: Path, start: Any, out: Any) -> None:
    """One copy of the serial loop in a process of its own, started with the others."""
    route_native_stderr()
    with open_video(path) as video, PoseEstimator() as est:
        est.detect(next(iter(video)).bgr, 0.0)  # the model loaded and warm before the clock starts
    start.wait()
    out.put(serial_loop([path]))


def copies_side_by_side(path: Path, copies: int) -> tuple[int, float]:
    """Frames and seconds of ``copies`` serial loops over the whole clip at once, one per process:
    the most that splitting this work between processes can give on this machine (the copies
    share the cores, the memory bus and the caches as a split run's workers do)."""
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_copy_of_loop, args=(path, start, out)) for _ in range(copies)]
    for p in procs:
        p.start()
    time.sleep(3.0)  # the copies import and load the model before the start
    start.set()
    got = [out.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    return sum(n for n, _ in got), max(s for _, s in got)


def video_cpu_ms(path: Path, out: Path) -> tuple[float, float, int]:
    """CPU milliseconds a frame of the annotated video drawn in one process (decode + drawing
    here, the H.264 encoder in its ffmpeg child), and its frame count: the video's own cost,
    which every core already busy with the model must absorb on top of it."""
    from formcheck.core.analyzer import analyze_series
    from formcheck.outputs.annotated_parallel import draw_segment
    from formcheck.pipeline import landmarks_for_video

    series = landmarks_for_video(path, model=None, cache=out.with_suffix(".landmarks.npz"), progress=False, jobs=1)
    report = analyze_series(series)
    kids0, here0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    n = draw_segment(path, series, report, 0, None, out, True, threads=1)
    here_s = time.process_time() - here0
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    kids_s = (kids1.ru_utime - kids0.ru_utime) + (kids1.ru_stime - kids0.ru_stime)
    return 1000 * here_s / n, 1000 * kids_s / n, n


def timed_analyze(path: Path, jobs: int, annotate: bool, out: Path) -> float:
    t0 = time.perf_counter()
    analyze_path(path, out_dir=out, annotate=annotate, use_cache=False, jobs=jobs)
    return time.perf_counter() - t0


def compare(label: str, paths: list[Path], jobs: int, tmp: Path, duration_s: float) -> None:
    n, base_s = serial_loop(paths)
    n_copies, copies_s = copies_side_by_side(paths[0], jobs)
    plain_s = timed_analyze(paths[0], jobs, False, tmp / "plain")
    full_s = timed_analyze(paths[0], jobs, True, tmp / "full")
    print(f"\n{label}: {n} frames, {duration_s:.1f} s of video, --jobs {jobs}")
    print(f"  (a) serial decode + pose model  {n / base_s:6.1f} fps  ({base_s:.2f} s, {duration_s / base_s:.2f}x real time)")
    print(f"  (d) {jobs} copies of (a) at once   {n_copies / copies_s:6.1f} fps  (together; "
          f"{n_copies / copies_s / (n / base_s):.2f}x (a): the ceiling of any split into {jobs})")
    print(f"  (b) analyze --no-annotate       {n / plain_s:6.1f} fps  ({plain_s:.2f} s, {duration_s / plain_s:.2f}x real time)")
    print(f"  (c) analyze (annotated video)   {n / full_s:6.1f} fps  ({full_s:.2f} s, {duration_s / full_s:.2f}x real time)")
    draw_ms, enc_ms, _ = video_cpu_ms(paths[0], tmp / "cost.mp4")
    model_ms = 1000 * SERIAL_CPU_S[0] / n
    print(f"  (e) CPU a frame: pose model loop (a) {model_ms:.1f} ms; the annotated video alone {draw_ms + enc_ms:.1f} ms "
          f"(decode + drawing {draw_ms:.1f}, encoder {enc_ms:.1f}) = {(draw_ms + enc_ms) / model_ms:.2f}x the model's")
    print(f"  b/a = {base_s / plain_s:.2f}x (goal >= 1.7); b = {duration_s / plain_s:.2f}x real time (goal >= 2); "
          f"annotated video adds {100 * (full_s / plain_s - 1):+.0f} % over b (goal < 15 %)")


def cli_seconds(folder: Path, jobs: int, annotate: bool, out: Path) -> float:
    """Wall time of ``formcheck analyze FOLDER --jobs N`` (a fresh process, no cache)."""
    cmd = [sys.executable, "-m", "formcheck.cli", "analyze", str(folder), "--out", str(out), "--jobs", str(jobs),
           "--no-cache", "-q", "--annotate" if annotate else "--no-annotate"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    return took


def compare_folder(folder: Path, jobs: int, tmp: Path, duration_s: float) -> None:
    paths = sorted(folder.glob("*.mp4"))
    n, base_s = serial_loop(paths)
    rows = [(f"analyze FOLDER --jobs {j}{'' if a else ' --no-annotate'}", cli_seconds(folder, j, a, tmp / f"f{j}{a}"))
            for a in (False, True) for j in (1, jobs)]
    print(f"\nfolder of {len(paths)} clips of {duration_s / len(paths):.0f} s, 1280x720 at 30 fps: {n} frames")
    print(f"  {'serial decode + pose model':40s}{n / base_s:6.1f} fps  ({base_s:.2f} s)")
    for label, took in rows:
        print(f"  {label:40s}{n / took:6.1f} fps  ({took:.2f} s, {duration_s / took:.2f}x real time, "
              f"{base_s / took:.2f}x the serial loop)")
    print(f"  --jobs {jobs} / --jobs 1: {rows[0][1] / rows[1][1]:.2f}x without the annotated video, "
          f"{rows[2][1] / rows[3][1]:.2f}x with it")


def crossover(src: Path, jobs: int, tmp: Path) -> None:
    print(f"\ncrossover: one 720p30 clip, serial (--jobs 1) against split (--jobs {jobs}), --no-annotate")
    for seconds in (2, 4, 8, 12):
        clip = make_clip(src, tmp / f"cross_{seconds}.mp4", seconds)
        from formcheck.adapters import pose_pool

        keep, pose_pool.SEGMENT_MIN_FRAMES = pose_pool.SEGMENT_MIN_FRAMES, 30
        try:
            one = timed_analyze(clip, 1, False, tmp / "x1")
            split = timed_analyze(clip, jobs, False, tmp / "x2")
        finally:
            pose_pool.SEGMENT_MIN_FRAMES = keep
        print(f"  {seconds:3d} s ({30 * seconds} frames): serial {one:6.2f} s, split {split:6.2f} s, "
              f"split/serial {split / one:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--jobs", type=int, default=available_cores())
    ap.add_argument("--seconds", type=float, default=16.0)
    ap.add_argument("--crossover", action="store_true")
    ap.add_argument("--no-folder", action="store_true", help="only the one-clip comparison")
    args = ap.parse_args()
    if not args.video.is_file():
        raise SystemExit(f"no clip at {args.video}: pass a video")
    route_native_stderr()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {available_cores()} cores")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clip = make_clip(args.video, tmp / "clip720p30.mp4", args.seconds)
        compare(f"one clip, 1280x720 at 30 fps ({args.video.name} looped)", [clip], args.jobs, tmp, args.seconds)
        if args.no_folder:
            print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            return
        short = make_clip(args.video, tmp / "short.mp4", 4.0)
        folder = tmp / "folder"
        folder.mkdir()
        for i in range(8):
            shutil.copy(short, folder / f"clip{i}.mp4")
        compare_folder(folder, args.jobs, tmp, 32.0)
        if args.crossover:
            crossover(args.video, args.jobs, tmp)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
