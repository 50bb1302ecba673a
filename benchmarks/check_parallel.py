"""Check: a split pose pass gives the one-process pass's landmarks, and seams keep reps and faults.

    .venv/bin/python benchmarks/check_parallel.py [VIDEO ...] [--parts 2] [--min-segment N] [--rendered N]

Default videos (when none are given and no ``--rendered``): samples/*.mp4 and
../shared/clips/*.mp4 (when present). ``--rendered N`` adds the first N clips of the rendered
accuracy suite (benchmarks/bench_accuracy.py, seed 7), encoded to H.264 in a temporary folder.

For every clip, three pose passes: (1) the pose pass as ``--jobs 1`` runs it (one process,
the landmarker restarted at the clip's fixed seams), (2) the same seams in ``--parts`` chunks
run one after the other through ``pose_pool.run_chunk`` (what the workers do), (3) one
landmarker over the whole clip, as before seams existed. (1) and (2) must be bit for bit equal;
(1) and (3) must give the same exercise, view, rep count and faults per rep, and their landmark
difference is printed in pixels (median and worst over the second after each seam, and worst
after a seam). ``--min-segment N`` puts seams every N model frames or more (default: the
pipeline's own, under which clips shorter than 12 s have none). Exit status 1 when any clip differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from formcheck.adapters.pose_pool import SEGMENT_MIN_FRAMES, Chunk, plan_chunks, run_chunk, stitch
from formcheck.adapters.video import model_step, open_video
from formcheck.core.analyzer import analyze_series
from formcheck.core.errors import FormcheckError

ROOT = Path(__file__).resolve().parents[1]


def outcome(series) -> tuple:  # noqa: ANN001
    try:
        rep = analyze_series(series)
    except FormcheckError as exc:
        return (type(exc).__name__,)
    faults = tuple(tuple(sorted(f.code for f in r.faults)) for r in rep.reps)
    return rep.exercise, rep.view, rep.rep_count, faults


def pixel_error(a, b) -> np.ndarray:  # noqa: ANN001
    """Per frame, the largest landmark distance in pixels (NaN where either has nobody)."""
    w, h = a.image_size
    d = np.hypot((a.image[..., 0] - b.image[..., 0]) * w, (a.image[..., 1] - b.image[..., 1]) * h)
    with np.errstate(all="ignore"):
        return np.where(np.all(np.isnan(d), axis=1), np.nan, np.nanmax(d, axis=1))


def check(path: Path, parts: int, min_segment: int) -> tuple[bool, list[float], list[float]]:
    with open_video(path) as video:
        n, fps = video.frame_count, video.fps
    step = model_step(fps)
    one = plan_chunks(path, n, 1, fps, min_chunk_frames=min_segment, step=step)
    if not one[0].seams:
        print(f"ok   {path.name}: no seam (one landmarker, as before)", flush=True)
        return True, [], []
    seamed = stitch([run_chunk(one[0], None)])
    split = stitch([run_chunk(c, None) for c in plan_chunks(path, n, parts, fps, min_chunk_frames=min_segment,
                                                             step=step)])
    continuous = stitch([run_chunk(Chunk(path, 0, None, (), 0, step), None)])
    same_bits = all(np.array_equal(getattr(seamed, k), getattr(split, k), equal_nan=True)
                    for k in ("t_s", "image", "world"))
    a, b = outcome(continuous), outcome(seamed)
    err = pixel_error(continuous, seamed)
    second = int(round((fps or 30) / step))
    at = [int(np.searchsorted(np.arange(len(seamed)) * step, f)) for f in one[0].seams]
    near = [x for i in at for x in err[i:i + second] if np.isfinite(x)]
    after = [x for x in err[min(at):] if np.isfinite(x)]
    ok = same_bits and a == b
    print(f"{'ok  ' if ok else 'DIFF'} {path.name}: {len(seamed)} frames, {len(one[0].seams)} seams; split "
          f"{'bit for bit' if same_bits else 'DIFFERENT'}; reps {a[2] if len(a) > 2 else a[0]} continuous / "
          f"{b[2] if len(b) > 2 else b[0]} seamed; seam px median {np.median(near) if near else 0:.2f}, "
          f"worst {max(near) if near else 0:.2f} (first second), worst after {max(after) if after else 0:.2f}",
          flush=True)
    if a != b:
        print(f"     continuous {a}\n     seamed     {b}")
    return ok, near, after


def rendered(n: int, folder: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_accuracy import build_suite  # noqa: E402

    from formcheck.adapters.video_writer import VideoWriter
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    paths = []
    for spec in build_suite(7, (480, 360))[:n]:
        params = dict(spec["params"])
        if "rep_overrides" in params:
            params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
        motion = simulate(MotionParams(**params), fps=spec["fps"])
        rnd = Renderer(motion, Camera(**spec["camera"]), RenderOptions(**spec["options"]))
        path = folder / f"{spec['name']}.mp4"
        with VideoWriter(path, motion.fps, (rnd.camera.width, rnd.camera.height)) as wr:
            for i in range(len(motion)):
                wr.write(rnd.frame(i))
        paths.append(path)
    return paths


def main() -> int:
    from formcheck.adapters.stdio import route_native_stderr

    route_native_stderr()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--parts", type=int, default=2)
    ap.add_argument("--min-segment", type=int, default=SEGMENT_MIN_FRAMES,
                    help="model frames per segment at least (fewer: seams in short clips)")
    ap.add_argument("--rendered", type=int, default=0, help="also the first N rendered benchmark clips")
    args = ap.parse_args()
    videos = args.videos
    if not videos and not args.rendered:
        videos = sorted((ROOT / "samples").glob("*.mp4")) + sorted((ROOT.parent / "shared" / "clips").glob("*.mp4"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.rendered:
            videos = videos + rendered(args.rendered, Path(tmp))
        results = [check(v, args.parts, args.min_segment) for v in videos]
    near = [x for _, n, _ in results for x in n]
    after = [x for _, _, a in results for x in a]
    bad = sum(not ok for ok, _, _ in results)
    print(f"\n{len(results) - bad} of {len(results)} clips: split bit for bit and seams with continuous "
          f"tracking's reps and faults")
    if near:
        print(f"seam landmark difference against continuous tracking over the first second: median "
              f"{np.median(near):.2f} px, worst {max(near):.2f} px; worst anywhere after a seam {max(after):.2f} px")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
