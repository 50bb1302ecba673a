"""Benchmark: the pose model at about 30 fps on 60/120/240 fps clips - what it costs in accuracy.

    .venv/bin/python benchmarks/bench_high_fps.py [--clips 6] [--mediapipe 2] [--real CLIP]

Three measurements, each comparing every frame ("all") with one frame in round(fps / 30)
("~30"), the kept frames with their true timestamps:

1. the analysis alone, on the rendered suite's exact landmarks with MediaPipe-like noise
   (``synth_series``, noise 1.5 px), at 60, 120 and 240 fps: reps exact, fault mismatches
   against the truth, hip angle error (mean absolute, degrees);
2. MediaPipe on rendered frames (``--mediapipe`` clips at 60 and 120 fps, 480x360): the same;
3. a real 60 fps clip (``--real``, default ../shared/clips/bridge_side_2reps.mp4, 59.94 fps): reps and faults
   of both, and the hip angle difference between them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import build_suite  # noqa: E402

from formcheck.adapters.stdio import route_native_stderr  # noqa: E402
from formcheck.core.analyzer import analyze_series  # noqa: E402
from formcheck.core.errors import FormcheckError  # noqa: E402
from formcheck.core.landmarks import LandmarkSeries  # noqa: E402
from formcheck.synth.camera import Camera  # noqa: E402
from formcheck.synth.landmarks import synth_series  # noqa: E402
from formcheck.synth.motion import MotionParams, simulate  # noqa: E402
from formcheck.synth.render import Renderer, RenderOptions, truth_dict  # noqa: E402
from formcheck.synth.suite import score_clip  # noqa: E402

CLIP = Path(__file__).resolve().parents[1].parent / "shared" / "clips" / "bridge_side_2reps.mp4"


def every(series: LandmarkSeries, step: int) -> LandmarkSeries:
    keep = np.arange(0, len(series), step)
    return LandmarkSeries(series.t_s[keep], series.image[keep], series.image_size,
                          None if series.world is None else series.world[keep], series.source, dict(series.meta))


def judge(series: LandmarkSeries, truth: dict, true_hip: np.ndarray | None, t_truth: np.ndarray | None) -> dict:
    try:
        rep = analyze_series(series)
    except FormcheckError:
        return {"reps_exact": False, "mismatches": 99, "hip_mae": np.nan}
    sc = score_clip(rep, truth)
    out = {"reps_exact": sc.reps_exact, "mismatches": len(sc.mismatches), "hip_mae": np.nan}
    if true_hip is not None:
        idx = np.searchsorted(t_truth, series.t_s)
        hip = rep.frames_table["hip_deg"]
        err = np.abs(hip - true_hip[np.clip(idx, 0, len(true_hip) - 1)])
        out["hip_mae"] = float(np.nanmean(err))
    return out


def motion_of(spec: dict, fps: float):  # noqa: ANN201
    params = dict(spec["params"])
    if "rep_overrides" in params:
        params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
    motion = simulate(MotionParams(**params), fps=fps)
    opts = RenderOptions(**spec["options"])
    return motion, Camera(**spec["camera"]), opts


def summary(label: str, rows: list[dict]) -> None:
    if not rows:
        return
    for key in ("all", "~30"):
        rs = [r[key] for r in rows]
        print(f"  {label:<22} {key:>4}: reps exact {sum(r['reps_exact'] for r in rs)}/{len(rs)}, "
              f"fault mismatches {sum(r['mismatches'] for r in rs)}, "
              f"hip MAE {np.nanmean([r['hip_mae'] for r in rs]):.2f} deg")


def part_analysis(specs: list[dict]) -> None:
    print("1. analysis alone (exact landmarks + 1.5 px noise)")
    for fps in (60, 120, 240):
        rows = []
        for spec in specs:
            motion, cam, opts = motion_of(spec, fps)
            cam = Renderer(motion, cam, opts).camera  # placed to frame the athlete
            truth = truth_dict(motion, cam, opts, name=spec["name"])
            series = synth_series(motion, cam, noise_px=1.5, seed=1)
            hip = motion.truth.hip_extension_deg
            rows.append({"all": judge(series, truth, hip, motion.t_s),
                         "~30": judge(every(series, round(fps / 30)), truth, hip, motion.t_s)})
        summary(f"{fps} fps, {len(specs)} clips", rows)


def part_mediapipe(specs: list[dict]) -> None:
    from formcheck.adapters.pose import PoseEstimator

    if specs:
        print("2. MediaPipe on rendered frames")
    for fps in (60, 120):
        rows = []
        for spec in specs:
            motion, cam, opts = motion_of(spec, fps)
            rnd = Renderer(motion, cam, opts)
            step = round(fps / 30)
            n = len(motion)
            image = np.full((2, n, 33, 4), np.nan)
            with PoseEstimator() as full, PoseEstimator() as sparse:
                for i in range(n):
                    bgr = rnd.frame(i)
                    image[0, i] = full.detect(bgr, motion.t_s[i] * 1000.0).image
                    if i % step == 0:
                        image[1, i] = sparse.detect(bgr, motion.t_s[i] * 1000.0).image
            size = (rnd.camera.width, rnd.camera.height)
            truth = truth_dict(motion, rnd.camera, opts, name=spec["name"])
            hip = motion.truth.hip_extension_deg
            a = LandmarkSeries(motion.t_s, image[0], size, None, spec["name"], {})
            b = every(LandmarkSeries(motion.t_s, image[1], size, None, spec["name"], {}), step)
            rows.append({"all": judge(a, truth, hip, motion.t_s), "~30": judge(b, truth, hip, motion.t_s)})
            print(f"    {spec['name']} at {fps} fps: {rows[-1]}", flush=True)
        summary(f"{fps} fps, {len(specs)} clips", rows)


def part_real(clip: Path) -> None:
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.adapters.video import open_video

    if not clip.is_file():
        print("3. (no real 60 fps clip here)")
        return
    with open_video(clip) as video, PoseEstimator() as full, PoseEstimator() as sparse:
        t, a, b = [], [], []
        for i, t_s, bgr in video:
            t.append(t_s)
            a.append(full.detect(bgr, t_s * 1000).image)
            b.append(sparse.detect(bgr, t_s * 1000).image if i % 2 == 0 else np.full((33, 4), np.nan))
        size = (video.width, video.height)
    t_s = np.array(t)
    ra = analyze_series(LandmarkSeries(t_s, np.stack(a), size, None, clip.name, {}))
    rb = analyze_series(every(LandmarkSeries(t_s, np.stack(b), size, None, clip.name, {}), 2))
    hip_a = ra.frames_table["hip_deg"][::2]
    diff = np.nanmean(np.abs(hip_a - rb.frames_table["hip_deg"]))
    print(f"3. {clip.name}: all frames {ra.rep_count} reps {_faults(ra)}; every 2nd "
          f"{rb.rep_count} reps {_faults(rb)}; hip angle difference {diff:.2f} deg (mean abs)")


def _faults(report) -> list[list[str]]:  # noqa: ANN001
    return [sorted(f.code for f in rep.faults) for rep in report.reps]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=6)
    ap.add_argument("--mediapipe", type=int, default=2)
    ap.add_argument("--real", type=Path, default=CLIP, help="a real 60 fps clip")
    args = ap.parse_args()
    route_native_stderr()
    specs = build_suite(7, (480, 360))
    part_analysis(specs[: args.clips])
    part_mediapipe(specs[: args.mediapipe])
    part_real(args.real)


if __name__ == "__main__":
    main()
