"""Which evidence sees a pelvic drop? Candidates measured against the renderer's truth (issue 18).

Renders short sets (one rep, the frames from the start of the lift to the end of the top hold)
with a known pelvic drop of the free side, filmed from the feet and from a front oblique with the
camera raised, one- and two-leg, and reads at the top:

- ``kp_tilt``: the hip landmarks' line against the shoulder line, in the image (degrees);
- ``knee_tilt``: the knees' line against the shoulder line (two-leg sets only carry this);
- ``world_tilt``: the world hip line against the world shoulder line, seen along the trunk;
- ``mask_tilt``: the segmentation mask's pelvis outline: the principal axis of the mask in a band
  around the hips, against the trunk axis (degrees).

Each feature is signed toward the free side (positive = the free side lower), so a detector
would flag ``|feature| > threshold``. Prints, per view and feature, the level sets' values, the
dropped sets' values and the best threshold's precision and recall for drops of 8° or more.

    .venv/bin/python benchmarks/study_hip_level.py [--fps 10] [--size 480x360] [--json out.json]
    .venv/bin/python benchmarks/study_hip_level.py --cost --size 1280x720   # the mask's price per frame

Not a test: a measurement. Nothing is written but the optional JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.core.vocab import (LEFT_HIP, LEFT_KNEE, LEFT_SHOULDER, RIGHT_HIP, RIGHT_KNEE,  # noqa: E402
                                  RIGHT_SHOULDER)

VIEWS = {  # name -> camera keywords (raised: the pelvis in view over the thighs)
    "feet_1.6m": {"view": "front", "height_m": 1.6},
    "feet_2.0m": {"view": "front", "height_m": 2.0},
    "oblique35_1.6m": {"view": "oblique", "yaw_deg": 35.0, "height_m": 1.6},
    "oblique40_1.9m": {"view": "oblique", "yaw_deg": -40.0, "height_m": 1.9},
}
EXERCISES = ("hip_thrust", "single_leg_hip_thrust")
DROPS_DEG = (0.0, 0.0, 6.0, 8.0, 10.0, 12.0, 15.0)
BASE_FEATURES = ("kp_tilt", "knee_tilt", "world_tilt", "mask_tilt")
FEATURES = BASE_FEATURES + tuple(f"d_{k}" for k in BASE_FEATURES)


def _line_deg(a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    return math.degrees(math.atan2(d[1], d[0]))


def _wrap(deg: float) -> float:
    return (deg + 90.0) % 180.0 - 90.0


def _mask_axis_deg(mask: np.ndarray, hip_mid_px: np.ndarray, band_px: float) -> float:
    """The principal axis of the mask's pixels within ``band_px`` of the hips' midpoint."""
    h, w = mask.shape
    y0, y1 = int(max(0, hip_mid_px[1] - band_px)), int(min(h, hip_mid_px[1] + band_px))
    x0, x1 = int(max(0, hip_mid_px[0] - 2 * band_px)), int(min(w, hip_mid_px[0] + 2 * band_px))
    ys, xs = np.nonzero(mask[y0:y1, x0:x1] > 0.5)
    if xs.size < 50:
        return math.nan
    pts = np.stack([xs, ys], 1).astype(float)
    pts -= pts.mean(0)
    evals, evecs = np.linalg.eigh(pts.T @ pts)
    major = evecs[:, 1]
    return math.degrees(math.atan2(major[1], major[0]))


def features(res, size: tuple[int, int], free_sign: float) -> dict[str, float]:
    """The candidate readings of one frame, signed so that + is the free side lower."""
    w, h = size
    img = res.image[:, :2] * np.array([w, h])
    shoulder = _line_deg(img[LEFT_SHOULDER], img[RIGHT_SHOULDER])
    out = {"kp_tilt": free_sign * _wrap(_line_deg(img[LEFT_HIP], img[RIGHT_HIP]) - shoulder),
           "knee_tilt": free_sign * _wrap(_line_deg(img[LEFT_KNEE], img[RIGHT_KNEE]) - shoulder)}
    wl = res.world[:, :3]
    trunk = (wl[LEFT_SHOULDER] + wl[RIGHT_SHOULDER]) / 2 - (wl[LEFT_HIP] + wl[RIGHT_HIP]) / 2
    sh = wl[RIGHT_SHOULDER] - wl[LEFT_SHOULDER]
    if np.isfinite(trunk).all() and np.linalg.norm(trunk) > 1e-6:
        ax = trunk / np.linalg.norm(trunk)
        x = sh - ax * (sh @ ax)
        x /= np.linalg.norm(x)
        y = np.cross(ax, x)
        hp = wl[RIGHT_HIP] - wl[LEFT_HIP]
        out["world_tilt"] = free_sign * math.degrees(math.atan2(hp @ y, hp @ x))
    else:
        out["world_tilt"] = math.nan
    if res.mask is not None:
        hip_mid = (img[LEFT_HIP] + img[RIGHT_HIP]) / 2
        sh_mid = (img[LEFT_SHOULDER] + img[RIGHT_SHOULDER]) / 2
        torso_px = float(np.linalg.norm(sh_mid - hip_mid))
        axis = _mask_axis_deg(res.mask, hip_mid, 0.25 * torso_px)
        out["mask_tilt"] = free_sign * _wrap(axis - shoulder)
    else:
        out["mask_tilt"] = math.nan
    return out


def run_case(view: str, exercise: str, drop_deg: float, sign: float, fps: float, size: tuple[int, int],
             seed: int) -> dict:
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    working = "left" if seed % 2 else "right"
    motion = simulate(MotionParams(exercise=exercise, reps=1, working_side=working,
                                   pelvic_drop_deg=sign * drop_deg, seed=seed), fps=fps)
    cam = Camera(width=size[0], height=size[1], **VIEWS[view])
    rnd = Renderer(motion, cam, RenderOptions(seed=seed))
    phase = np.asarray(motion.phase)
    top = set(np.flatnonzero(phase == "top").tolist())
    lift = np.flatnonzero(phase != phase[0])
    bottom = set(range(0, int(lift[0]) if lift.size else 0))  # before the lift: the pelvis is level
    last = max(top) if top else len(motion) - 1
    # + = the free side lower (the non-working leg's side); the sign matters within a view only.
    free_sign = 1.0 if working == "left" else -1.0
    rows: dict[str, list[dict]] = {"top": [], "bottom": []}
    with warnings.catch_warnings(), PoseEstimator(segmentation=True) as est:
        warnings.simplefilter("ignore", RuntimeWarning)
        for i in range(0, last + 1):
            res = est.detect(rnd.frame(i), float(motion.t_s[i]) * 1000.0)
            where = "top" if i in top else "bottom" if i in bottom else None
            if where and res.present:
                rows[where].append(features(res, size, free_sign))

    def med(where: str, k: str) -> float:
        return float(np.nanmedian([r[k] for r in rows[where]])) if rows[where] else math.nan

    out = {"view": view, "exercise": exercise, "drop_deg": sign * drop_deg, "seed": seed,
           "top_frames": len(rows["top"])}
    for k in BASE_FEATURES:
        out[k] = med("top", k)
        out[f"d_{k}"] = med("top", k) - med("bottom", k)  # the change from the level bottom
    return out


def best_threshold(level: list[float], dropped: list[float]) -> tuple[float, float, float]:
    """The |feature| threshold with the best F1 for flagging the dropped sets: (thr, P, R)."""
    lv, dv = np.abs(np.asarray(level)), np.abs(np.asarray(dropped))
    lv, dv = lv[np.isfinite(lv)], dv[np.isfinite(dv)]
    best = (math.nan, 0.0, 0.0, -1.0)
    for thr in np.unique(np.concatenate([lv, dv])):
        if thr <= 0:
            continue      # a reading of exactly 0 (or a set with none) is never a flag
        tp, fp = float((dv >= thr).sum()), float((lv >= thr).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / dv.size if dv.size else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[3]:
            best = (float(thr), p, r, f1)
    return best[:3]


def mask_cost(size: tuple[int, int], frames: int = 60) -> None:
    """The mask's price: the same frames through two estimators, with and without, interleaved."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    motion = simulate(MotionParams(reps=2), fps=15)
    rnd = Renderer(motion, Camera(width=size[0], height=size[1], **VIEWS["feet_2.0m"]), RenderOptions(seed=1))
    clips = [rnd.frame(i) for i in range(min(frames, len(motion)))]
    spent = {False: 0.0, True: 0.0}
    with PoseEstimator() as plain, PoseEstimator(segmentation=True) as masked:
        for i, frame in enumerate(clips):
            for with_mask, est in ((i % 2 == 0, masked if i % 2 == 0 else plain),
                                   (i % 2 != 0, masked if i % 2 != 0 else plain)):
                t = time.perf_counter()
                est.detect(frame, float(motion.t_s[i]) * 1000.0)
                spent[with_mask] += time.perf_counter() - t
    n = len(clips)
    print(f"pose model per frame at {size[0]}x{size[1]}: {1000 * spent[False] / n:.1f} ms without the mask, "
          f"{1000 * spent[True] / n:.1f} ms with it (x{spent[True] / spent[False]:.2f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--size", default="480x360")
    ap.add_argument("--views", default=",".join(VIEWS))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cost", action="store_true", help="only time the mask (side by side) and stop")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    if args.cost:
        mask_cost(size)
        return 0
    views = args.views.split(",")
    results = []
    t0 = time.perf_counter()
    cases = list(itertools.product(views, EXERCISES, enumerate(DROPS_DEG)))
    for n, (view, exercise, (k, drop)) in enumerate(cases, 1):
        sign = 1.0 if k % 2 == 0 else -1.0
        res = run_case(view, exercise, drop, sign, args.fps, size, seed=100 + n)
        results.append(res)
        print(f"[{n}/{len(cases)} {time.perf_counter() - t0:.0f}s] {view:15s} {exercise:22s} drop {res['drop_deg']:+5.1f}: "
              + " ".join(f"{f} {res[f]:+5.1f}" for f in FEATURES), flush=True)
    print("\nper view and exercise: median |feature| of level sets, of drops >= 8 deg (signed median), "
          "and the best threshold's precision/recall for drops >= 8 deg (6 deg sets left out)")
    for view, exercise in itertools.product(views, EXERCISES):
        sub = [r for r in results if r["view"] == view and r["exercise"] == exercise]
        level = [r for r in sub if r["drop_deg"] == 0]
        big = [r for r in sub if abs(r["drop_deg"]) >= 8]
        cells = []
        for f in FEATURES:
            thr, p, r = best_threshold([x[f] for x in level], [x[f] for x in big])
            cells.append(f"{f}: level {np.nanmedian(np.abs([x[f] for x in level])):4.1f} "
                         f"drop {np.nanmedian([x[f] for x in big]):+5.1f} P/R {p:.2f}/{r:.2f}@{thr:.1f}")
        print(f"{view} {exercise}\n    " + "\n    ".join(cells))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
