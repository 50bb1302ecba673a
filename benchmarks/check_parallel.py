"""Check: pose extraction split in time chunks gives the serial run's reps and faults.

    .venv/bin/python benchmarks/check_parallel.py [VIDEO ...] [--parts 2] [--rendered N]

Default videos (when none are given and no ``--rendered``): samples/*.mp4 and
../shared/clips/*.mp4 (when present). ``--rendered N`` adds
the first N clips of the rendered accuracy suite (benchmarks/bench_accuracy.py, seed 7), encoded
to H.264 in a temporary folder. Every clip is cut into ``--parts`` chunks, however short (the
CLI keeps short clips serial), run through ``pose_pool.run_chunk`` one after the other (the
result does not depend on running them at once) and compared with one serial pass: rep count,
faults per rep, exercise and view must be identical; landmark differences at the seams are
printed in pixels (median and worst over the first second after each seam, and worst after it).
Exit status 1 when any clip differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from formcheck.adapters.pose import PoseEstimator, extract_landmarks
from formcheck.adapters.pose_pool import plan_chunks, run_chunk, stitch
from formcheck.adapters.video import open_video
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


def check(path: Path, parts: int) -> tuple[bool, list[float], list[float]]:
    with open_video(path) as video, PoseEstimator() as est:
        serial = extract_landmarks(video, est)
        chunks = plan_chunks(path, video.frame_count, parts, video.fps, min_chunk_frames=0)
    chunked = stitch([run_chunk(c, None) for c in chunks])
    same_frames = np.array_equal(serial.t_s, chunked.t_s)
    a, b = outcome(serial), outcome(chunked)
    err = pixel_error(serial, chunked) if same_frames else np.array([np.inf])
    second = int(round(serial.meta.get("fps") or 30))
    near = [x for c in chunks[1:] for x in err[c.start:c.start + second] if np.isfinite(x)]
    after = [x for c in chunks[1:] for x in err[c.start:] if np.isfinite(x)]
    ok = same_frames and a == b
    worst_after = max(after) if after else 0.0
    print(f"{'ok  ' if ok else 'DIFF'} {path.name}: {len(serial)} frames, {len(chunks)} chunks; "
          f"reps {a[2] if len(a) > 2 else a[0]} / {b[2] if len(b) > 2 else b[0]}; seam px median "
          f"{np.median(near) if near else 0:.2f}, worst {max(near) if near else 0:.2f} "
          f"(first second), worst after {worst_after:.2f}", flush=True)
    if not ok:
        print(f"     serial {a}\n     chunked {b}")
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
    ap.add_argument("--rendered", type=int, default=0, help="also the first N rendered benchmark clips")
    args = ap.parse_args()
    videos = args.videos
    if not videos and not args.rendered:
        videos = sorted((ROOT / "samples").glob("*.mp4")) + sorted((ROOT.parent / "shared" / "clips").glob("*.mp4"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.rendered:
            videos = videos + rendered(args.rendered, Path(tmp))
        results = [check(v, args.parts) for v in videos]
    near = [x for _, n, _ in results for x in n]
    after = [x for _, _, a in results for x in a]
    bad = sum(not ok for ok, _, _ in results)
    print(f"\n{len(results) - bad} of {len(results)} clips identical in reps and faults; seam landmark "
          f"difference over the first second: median {np.median(near):.2f} px, worst {max(near):.2f} px; "
          f"worst anywhere after a seam {max(after):.2f} px")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
