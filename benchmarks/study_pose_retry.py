"""Study: when the pose model finds nobody in a frame, does a second look at a transformed copy
(rotated 90/180/270, flipped, padded square, cropped around where the person was last seen) find
the person, are the landmarks right, and do more reps come out exact?

    .venv/bin/python benchmarks/study_pose_retry.py --cases endon --only endon_02,endon_11 --out /tmp/h18det/retry
    .venv/bin/python benchmarks/study_pose_retry.py --seed 7 --only _back_ --out /tmp/h18det/retry
    .venv/bin/python benchmarks/study_pose_retry.py --score /tmp/h18det/retry   # re-score the cache only

Per clip, every frame is rendered and goes through ``PoseEstimator`` (VIDEO mode, as the
pipeline runs it); each frame with nobody also goes through a separate IMAGE-mode landmarker on
each transformed copy (so the main landmarker's tracking state is untouched), its landmarks mapped
back to the frame (``formcheck/adapters/pose_retry.py``). Everything is cached per clip in
``--out``; scoring reads the cache. Printed per clip and strategy (none, each transform alone,
and the transforms tried in order until one finds a person): person found %, landmark error
(median of shoulders, hips, knees, ankles, ears per frame, % of image height, as
bench_accuracy.py) over the base frames and over the retried frames, the share of retried frames
whose error is over 10% of the height (a wrong body), reps found/true and exact through
``analyze_series`` + ``score_clip``, and the model time per frame: the VIDEO-mode call against one
retry, measured side by side in the same process.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import KEY_JOINTS, SWAPPED, build_suite  # noqa: E402

from formcheck.adapters.pose_retry import (TRANSFORM_NAMES, box_of, landmarks_back,  # noqa: E402
                                           make_transform, warp)

WRONG_BODY_H = 0.10  # a retried frame whose median joint error exceeds this share of the height


def _specs(args: argparse.Namespace) -> list[dict]:
    size = (480, 360)
    if args.cases:
        from accuracy_cases import limits_suite
        specs = limits_suite(size, args.cases)
    else:
        specs = build_suite(args.seed, size)
    if args.only:
        keys = args.only.split(",")
        specs = [s for s in specs if any(k in s["name"] for k in keys)]
    return specs


def _landmarker(model_path: Path, video: bool):  # noqa: ANN202 - a mediapipe object
    from mediapipe.tasks.python import BaseOptions, vision
    mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
    opts = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model_path)),
                                        running_mode=mode, num_poses=1)
    return vision.PoseLandmarker.create_from_options(opts)


def _detect(lmk, bgr: np.ndarray, t_ms: int | None) -> tuple[np.ndarray, np.ndarray] | None:  # noqa: ANN001
    """One pose from an IMAGE-mode landmarker, or a VIDEO-mode one (tracking) when ``t_ms``."""
    import cv2
    import mediapipe as mp

    from formcheck.adapters.pose import _landmarks_array
    rgb = cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2RGB)
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
    res = lmk.detect(image) if t_ms is None else lmk.detect_for_video(image, t_ms)
    if not res.pose_landmarks:
        return None
    return _landmarks_array(res.pose_landmarks[0]), _landmarks_array(res.pose_world_landmarks[0])


def _cache_file(out: Path, spec: dict) -> Path:
    key = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return out / f"{spec['name']}-{key}.npz"


def run_clip(spec: dict, out: Path, transforms: tuple[str, ...]) -> Path:
    """Render, base pose pass, retries on the frames with nobody; all saved to one npz."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    path = _cache_file(out, spec)
    if path.exists():
        return path
    params = dict(spec["params"])
    if "rep_overrides" in params:
        params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
    motion = simulate(MotionParams(**params), fps=spec["fps"])
    rnd = Renderer(motion, Camera(**spec["camera"]), RenderOptions(**spec["options"]))
    w, h = rnd.camera.width, rnd.camera.height
    n = len(motion)
    base = np.full((n, 33, 4), np.nan)
    base_w = np.full((n, 33, 4), np.nan)
    ret = {t: np.full((n, 33, 4), np.nan) for t in transforms}
    ret_w = {t: np.full((n, 33, 4), np.nan) for t in transforms}
    base_ms = np.full(n, np.nan)
    ret_ms = {t: np.full(n, np.nan) for t in transforms}
    last_box = None
    # "v:NAME": a VIDEO-mode landmarker of its own per transform, fed only the frames the main
    # one found nobody in, so it can track the person in the transformed copies.
    with PoseEstimator(probe_every=0) as est:
        lmk = _landmarker(est.model_path, False)
        tracks = {t: _landmarker(est.model_path, True) for t in transforms if t.startswith("v:")}
        try:
            for i in range(n):
                bgr = rnd.frame(i)
                a = time.perf_counter()
                res = est.detect(bgr, float(motion.t_s[i]) * 1000.0)
                base_ms[i] = 1000 * (time.perf_counter() - a)
                base[i], base_w[i] = res.image, res.world
                if res.present:
                    last_box = box_of(res.image, w, h)
                    continue
                for t in transforms:
                    tf = make_transform(t.removeprefix("v:"), w, h, last_box)
                    if tf is None:
                        continue
                    a = time.perf_counter()
                    t_ms = int(round(float(motion.t_s[i]) * 1000.0)) if t in tracks else None
                    found = _detect(tracks.get(t, lmk), warp(bgr, tf), t_ms)
                    ret_ms[t][i] = 1000 * (time.perf_counter() - a)
                    if found is not None:
                        ret[t][i], ret_w[t][i] = landmarks_back(found[0], found[1], tf, w, h)
                        if t == "crop":
                            last_box = box_of(ret[t][i], w, h)
        finally:
            for m in (lmk, *tracks.values()):
                m.close()
    out.mkdir(parents=True, exist_ok=True)
    arrays = {"base": base, "base_w": base_w, "base_ms": base_ms, "true_px": rnd.true_pixels()}
    for t in transforms:
        arrays[f"r_{t}"], arrays[f"rw_{t}"], arrays[f"ms_{t}"] = ret[t], ret_w[t], ret_ms[t]
    np.savez_compressed(path, spec=json.dumps(spec), **arrays)
    return path


def frame_errors(image: np.ndarray, true_px: np.ndarray, w: int, h: int) -> np.ndarray:
    """(T,) median key-joint error per frame, share of image height (labels as matched best)."""
    px = image[..., :2] * np.array([w, h])
    e = np.linalg.norm(px[:, KEY_JOINTS] - true_px[:, KEY_JOINTS], axis=-1)
    es = np.linalg.norm(px[:, SWAPPED] - true_px[:, KEY_JOINTS], axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        best = np.where((np.nanmean(es, 1) < np.nanmean(e, 1))[:, None], es, e)
        return np.nanmedian(best, axis=1) / h


def fill(z: dict, order: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Base landmarks with each empty frame filled by the first transform in ``order`` that found
    a person; also which frames were filled and the retry model time per frame of the clip."""
    image, world = z["base"].copy(), z["base_w"].copy()
    filled = np.zeros(len(image), bool)
    cost_ms = 0.0
    for i in np.flatnonzero(~np.isfinite(image[:, 0, 0])):
        for t in order:
            ms = z[f"ms_{t}"][i]
            if np.isfinite(ms):
                cost_ms += ms
            if np.isfinite(z[f"r_{t}"][i, 0, 0]):
                image[i], world[i], filled[i] = z[f"r_{t}"][i], z[f"rw_{t}"][i], True
                break
    return image, world, filled, cost_ms / len(image)


def score(path: Path, strategies: dict[str, tuple[str, ...]]) -> list[dict]:
    from formcheck.core.analyzer import analyze_series
    from formcheck.core.errors import NoPersonError
    from formcheck.core.landmarks import LandmarkSeries
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import RenderOptions, fit_camera, truth_dict
    from formcheck.synth.suite import score_clip

    with np.load(path) as f:
        z = {k: f[k] for k in f.files}
    spec = json.loads(str(z["spec"]))
    params = dict(spec["params"])
    if "rep_overrides" in params:
        params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
    motion = simulate(MotionParams(**params), fps=spec["fps"])
    cam = fit_camera(motion, Camera(**spec["camera"]))
    truth = truth_dict(motion, cam, RenderOptions(**spec["options"]), name=spec["name"])
    w, h = cam.width, cam.height
    base_ms = float(np.nanmean(z["base_ms"]))
    empty = ~np.isfinite(z["base"][:, 0, 0])
    base_empty_ms = float(np.nanmean(z["base_ms"][empty])) if empty.any() else float("nan")
    rows = []
    for label, order in strategies.items():
        if any(f"r_{t}" not in z for t in order):
            continue
        image, world, filled, cost = fill(z, order)
        err = frame_errors(image, z["true_px"], w, h)
        det = np.isfinite(image[:, 0, 0])
        series = LandmarkSeries(motion.t_s, image, (w, h), world, spec["name"], {})
        try:
            rep = analyze_series(series)
            sc = score_clip(rep, truth)
            reps, exact, view = rep.rep_count, sc.reps_exact, rep.view
            timed = exact and len(sc.matched) == sc.true_reps
            fault_err = sum(c[1] + c[2] for c in sc.counts.values())
        except NoPersonError:
            reps, exact, view = 0, motion.rep_count == 0, "none"
            timed, fault_err = exact, 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rows.append({
                "clip": spec["name"], "strategy": label, "found": float(det.mean()),
                "err_base": float(np.nanmedian(err[det & ~filled])) if (det & ~filled).any() else float("nan"),
                "err_retry": float(np.nanmedian(err[filled])) if filled.any() else float("nan"),
                "n_retry": int(filled.sum()), "wrong": int((err[filled] > WRONG_BODY_H).sum()),
                "reps": reps, "true_reps": motion.rep_count, "exact": bool(exact), "timed": bool(timed),
                "fault_err": int(fault_err), "view": view,
                "base_ms": base_ms, "base_empty_ms": base_empty_ms, "retry_ms_per_frame": cost,
                "retry_ms_per_try": float(np.nanmean(np.concatenate([z[f"ms_{t}"] for t in order]))) if empty.any() and order else float("nan"),
            })
    return rows


def strategies_for(transforms: tuple[str, ...], orders: bool = False) -> dict[str, tuple[str, ...]]:
    """none, each transform alone, rot90 then rot270, all in the given order; with ``orders``,
    none and every order of all the transforms (does the gain depend on which one fills in?)."""
    out = {"none": ()}
    if orders:
        import itertools
        out.update({">".join(p): p for p in itertools.permutations(transforms)})
        return out
    out.update({t: (t,) for t in transforms})
    if "rot90" in transforms and "rot270" in transforms:
        out["rot90,rot270"] = ("rot90", "rot270")
    if "v:rot90" in transforms and "v:rot270" in transforms:
        out["v:rot90,v:rot270"] = ("v:rot90", "v:rot270")
    out["all"] = transforms
    return out


def print_rows(rows: list[dict]) -> None:
    print(f"{'clip':46s} {'strategy':13s} {'found':>6s} {'err base':>8s} {'err retry':>9s} {'retried':>7s}"
          f" {'wrong':>5s} {'reps':>7s} {'exact':>5s} {'view':>8s} {'base ms':>7s} {'+retry ms/frame':>15s}"
          f" {'ms/try':>6s}")
    for r in rows:
        print(f"{r['clip'][:46]:46s} {r['strategy']:13s} {100 * r['found']:5.0f}% {100 * r['err_base']:7.1f}%"
              f" {100 * r['err_retry']:8.1f}% {r['n_retry']:7d} {r['wrong']:5d} {r['reps']:3d}/{r['true_reps']:<3d}"
              f" {'yes' if r['exact'] else 'no':>5s} {r['view']:>8s} {r['base_ms']:7.1f} {r['retry_ms_per_frame']:15.1f}"
              f" {r['retry_ms_per_try']:6.1f}")


def summarize(rows: list[dict]) -> None:
    """Per strategy over all clips: reps exact, clips gained and lost against none, retried
    frames and wrong bodies, and the retry model time against the base's, summed over clips."""
    base = {r["clip"]: r for r in rows if r["strategy"] == "none"}
    print(f"\n{'strategy':18s} {'exact':>7s} {'timed':>5s} {'fault err':>9s} {'gained':>30s} {'lost':>30s}"
          f" {'retried':>7s} {'wrong':>5s} {'cost x base':>11s}")
    for label in dict.fromkeys(r["strategy"] for r in rows):
        rs = [r for r in rows if r["strategy"] == label and r["clip"] in base]
        gained = [r["clip"][:9] for r in rs if r["exact"] and not base[r["clip"]]["exact"]]
        lost = [r["clip"][:9] for r in rs if not r["exact"] and base[r["clip"]]["exact"]]
        cost = sum(r["retry_ms_per_frame"] for r in rs) / sum(r["base_ms"] for r in rs)
        print(f"{label:18s} {sum(r['exact'] for r in rs):3d}/{len(rs):<3d} {sum(r['timed'] for r in rs):5d}"
              f" {sum(r['fault_err'] for r in rs):9d} {','.join(gained) or '-':>30s}"
              f" {','.join(lost) or '-':>30s} {sum(r['n_retry'] for r in rs):7d} {sum(r['wrong'] for r in rs):5d}"
              f" {cost:11.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cases", default=None, help="accuracy_cases groups (endon, plate, ...) instead of the suite")
    ap.add_argument("--only", default=None, help="comma-separated name fragments")
    ap.add_argument("--out", type=Path, default=Path("/tmp/h18det/retry"))
    ap.add_argument("--transforms", default=",".join(TRANSFORM_NAMES))
    ap.add_argument("--score", type=Path, default=None, help="only re-score the npz files in this folder")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--orders", action="store_true", help="score every order of the transforms, tried in turn")
    args = ap.parse_args()
    transforms = tuple(args.transforms.split(","))
    if args.score:
        paths = sorted(args.score.glob("*.npz"))
        if args.only:
            paths = [p for p in paths if any(k in p.name for k in args.only.split(","))]
    else:
        paths = []
        for spec in _specs(args):
            t0 = time.perf_counter()
            paths.append(run_clip(spec, args.out, transforms))
            print(f"{spec['name']}: {time.perf_counter() - t0:.0f} s", flush=True)
    rows = [r for p in paths for r in score(p, strategies_for(transforms, args.orders))]
    print_rows(rows)
    summarize(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
