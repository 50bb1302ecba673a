"""Accuracy of the whole pipeline on rendered clips with known truth.

    .venv/bin/python benchmarks/bench_accuracy.py [--seed 7] [--jobs 2] [--json /tmp/bench_accuracy.json]
                                                  [--limit N] [--size 480x360] [--via-video]

A suite of clips (varied exercise, side, faults, views side_left/side_right/oblique at several
azimuths/front/back, camera heights, distances, fields of view, outfits, noise, blur,
lighting, bystanders; all drawn from ``--seed``, printed so a run can be reproduced) goes
through render -> ``formcheck.adapters.pose.PoseEstimator`` (MediaPipe, VIDEO mode) -> ``analyze_series``.
The same motions also go through ``analyze_series`` on their exact landmarks ("oracle"):
what the rules alone get, so each gap can be put on the pose model or on the rules.

Printed per view family (of the true camera): MediaPipe detection rate and landmark error
(shoulders, hips, knees, ankles, ears: median distance to the projected true joints, % of image
height, left/right labels matched per frame), rep counts exact (pipeline and oracle), hip /
knee / neck angle mean absolute error against the truth over frames with a person (pipeline
and oracle), and per fault code precision and recall over reps matched by top time, in the
views where the profile judges that code. The table also goes to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.synth.suite import FAULT_CODES, precision_recall, score_clip  # noqa: E402

FAMILIES = ("side", "oblique", "front", "back")
KEY_JOINTS = (7, 8, 11, 12, 23, 24, 25, 26, 27, 28)
SWAPPED = (8, 7, 12, 11, 24, 23, 26, 25, 28, 27)
TEMPO = dict(concentric_s=0.8, hold_s=0.8, eccentric_s=1.2, bottom_pause_s=0.4, lead_in_s=0.8, lead_out_s=0.8)

# Faults injected clearly past the shipped profile's thresholds.
SIDE_FAULTS = {
    "incomplete_hip_extension": lambda r: {"peak_hip_deg": r.uniform(148, 156)},   # >= 145: counted
    "back_hyperextension": lambda r: {"peak_hip_deg": r.uniform(205, 208)},     # < 210: the analysis cap
    "neck_hyperextension": lambda r: {"neck_top_deg": r.uniform(-45, -35)},
    "elbow_push": lambda r: {"elbow_push": r.uniform(0.9, 1.0)},
    # 0.26 s within 5 deg of the peak; a descent long enough not to read as fast (see README)
    "no_top_hold": lambda r: {"hold_s": 0.0, "concentric_s": 0.35, "eccentric_s": 0.9},
    "foot_placement": lambda r: {"knee_top_deg": r.uniform(120, 126), "bottom_hip_deg": 118.0},
    "free_leg_position": lambda r: r.choice([{"free_foot_touch": True}, {"free_leg_hip_deg": r.uniform(30, 42)}]),
    "fast_descent": lambda r: {"eccentric_s": r.uniform(0.18, 0.25)},
}
PARAM_OF_SET = ("knee_top_deg",)   # set-level only (not a rep override)
# A head can only drop back past the torso line where nothing is under it: these clips put the
# upper back on a narrow box, and raise the camera so the head shows over the near arm (a camera
# level with the bench sees the arm, not the head: see README).
SET_OF_FAULT = {
    "neck_hyperextension": lambda r: ({"bench_depth_m": r.uniform(0.12, 0.16)}, {"height_m": r.uniform(0.95, 1.25)}),
}


def draw_nuisance(r: random.Random, family: str, size: tuple[int, int]) -> tuple[dict, dict, float]:
    """One clip's camera, render options and fps, drawn from ``r`` (the suite's nuisances)."""
    cam = {"width": size[0], "height": size[1], "fov_deg": r.choice([50.0, 60.0, 60.0, 70.0])}
    if family == "side":
        cam["yaw_offset_deg"] = r.uniform(-6, 6)
        if r.random() < 0.4:
            cam["height_m"] = r.uniform(0.5, 0.9)       # a raised camera (default: level with the body)
    if family == "back":
        cam["height_m"] = r.uniform(1.3, 1.7)           # over the head: the bench hides a low camera
    if r.random() < 0.35:
        cam["distance_m"] = r.uniform(2.6, 3.4)
    opts = {"seed": r.randrange(10_000), "noise": r.choice([0.0, 0.0, 2.0, 4.0]),
            "blur": r.choice([0.0, 0.0, 0.7, 1.2]), "lighting": r.choice([0.0, 0.0, 0.15, 0.25]),
            "second_person": r.choice([None] * 5 + ["static", "moving"])}
    fps = r.choice([30.0, 30.0, 24.0])
    return cam, opts, fps


def build_suite(seed: int, size: tuple[int, int]) -> list[dict]:
    """The clip specs: plain dicts (params, camera, options) so they travel to worker processes."""
    r = random.Random(seed)
    specs: list[dict] = []

    def nuisance(family: str) -> tuple[dict, dict, float]:
        return draw_nuisance(r, family, size)

    def add(name: str, family: str, view: str, params: dict, fault: str | None, yaw: float | None = None,
            camera: dict | None = None) -> None:
        cam, opts, fps = nuisance(family)
        cam.update(camera or {})
        cam["view"] = view
        if yaw is not None:
            cam["yaw_deg"] = yaw
        p = dict(TEMPO)
        p.update({"reps": r.choice([2, 3]), "working_side": r.choice(["left", "right"]), "seed": opts["seed"]})
        p.update(params)
        specs.append({"name": f"{len(specs):02d}_{name}", "family": family, "params": p, "camera": cam,
                      "options": opts, "fps": fps, "fault": fault})

    def side_view() -> str:
        return r.choice(["side_left", "side_right"])

    # side: each side-judged fault twice (once on every rep, once on rep 2 only), clean sets, variants
    for code, make in SIDE_FAULTS.items():
        for per_rep in (False, True):
            kv = make(r)
            if per_rep and not any(k in PARAM_OF_SET for k in kv):
                params = {"reps": 3, "rep_overrides": {2: kv}}
            else:
                params = dict(kv)
            set_params, camera = SET_OF_FAULT[code](r) if code in SET_OF_FAULT else ({}, {})
            params.update(set_params)
            add(f"side_{code}{'_rep2' if per_rep else ''}", "side", side_view(), params, code, camera=camera)
    for _ in range(3):
        add("side_clean", "side", side_view(), {}, None)
    add("side_two_up_one_down", "side", side_view(), {"variation": "two_up_one_down"}, None)
    add("side_hip_thrust", "side", side_view(), {"exercise": "hip_thrust"}, None)
    add("side_glute_bridge", "side", side_view(), {"exercise": "glute_bridge"}, None)
    add("side_sl_glute_bridge", "side", side_view(), {"exercise": "single_leg_glute_bridge"}, None)
    add("side_lie_flat", "side", side_view(), {"setup": "lie_flat", "setup_s": 2.0, "reps": 2}, None)
    # oblique: tempo is judged
    for yaw in (30.0, 45.0, 60.0, -45.0, -60.0, 125.0, -130.0):
        add("oblique_clean", "oblique", "oblique", {}, None, yaw)
    for yaw in (40.0, -50.0, 55.0):
        add("oblique_fast_descent", "oblique", "oblique", SIDE_FAULTS["fast_descent"](r), "fast_descent", yaw)
    add("oblique_incomplete", "oblique", "oblique", {"peak_hip_deg": 148.0}, "incomplete_hip_extension", 50.0)
    # front and back: hip level (and tempo)
    for view, fam in (("front", "front"), ("front", "front"), ("front", "front"), ("back", "back"), ("back", "back")):
        add(f"{view}_unlevel", fam, view, {"pelvic_drop_deg": r.choice([-1, 1]) * r.uniform(12, 16)}, "unlevel_hips")
    for view, fam in (("front", "front"), ("front", "front"), ("back", "back")):
        add(f"{view}_clean", fam, view, {}, None)
    add("front_no_top_hold", "front", "front", SIDE_FAULTS["no_top_hold"](r), "no_top_hold")
    add("front_fast_descent", "front", "front", SIDE_FAULTS["fast_descent"](r), "fast_descent")
    return specs


# --------------------------------------------------------------------------------------
# One clip (runs in a worker process)
# --------------------------------------------------------------------------------------

def _mae(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    ok = np.isfinite(a) & np.isfinite(b)
    return (float(np.mean(np.abs(a[ok] - b[ok]))) if ok.any() else float("nan")), int(ok.sum())


def _pose_cache_path(spec: dict, via_video: bool, cache: Path | None) -> Path | None:
    if cache is None:
        return None
    import hashlib
    key = hashlib.sha1(json.dumps([spec, via_video], sort_keys=True, default=str).encode()).hexdigest()[:16]
    return cache / f"{spec['name']}-{key}.npz"


def run_clip(spec: dict, via_video: bool = False, cache: Path | None = None) -> dict:
    from formcheck.core.analyzer import analyze_series
    from formcheck.core.errors import NoPersonError
    from formcheck.core.landmarks import LandmarkSeries
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.synth.camera import Camera
    from formcheck.synth.landmarks import synth_series
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions, truth_dict, view_family_of

    t0 = time.perf_counter()
    params = dict(spec["params"])
    if "rep_overrides" in params:
        params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
    motion = simulate(MotionParams(**params), fps=spec["fps"])
    opts = RenderOptions(**spec["options"])
    rnd = Renderer(motion, Camera(**spec["camera"]), opts)
    cam = rnd.camera
    W, H = cam.width, cam.height
    n = len(motion)
    image = np.full((n, 33, 4), np.nan)
    world = np.full((n, 33, 4), np.nan)
    t_render = t_pose = 0.0
    frames_iter = None
    cached = _pose_cache_path(spec, via_video, cache)
    if cached is not None and cached.exists():
        with np.load(cached) as z:
            image, world = z["image"], z["world"]
    elif via_video:
        import tempfile

        from formcheck.adapters.video import VideoWriter, open_video
        tmp = Path(tempfile.mkdtemp()) / "clip.mp4"
        with VideoWriter(tmp, motion.fps, (W, H)) as wr:
            for i in range(n):
                wr.write(rnd.frame(i))
        t_render = time.perf_counter() - t0
        frames_iter = ((f.index, f.bgr) for f in open_video(tmp))
    with PoseEstimator() as est:
        for i in range(n if cached is None or not cached.exists() else 0):
            a = time.perf_counter()
            if frames_iter is not None:
                _, bgr = next(frames_iter)
            else:
                bgr = rnd.frame(i)
            b = time.perf_counter()
            res = est.detect(bgr, float(motion.t_s[i]) * 1000.0)
            t_pose += time.perf_counter() - b
            t_render += b - a
            image[i], world[i] = res.image, res.world
    if cached is not None and not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cached, image=image, world=world)
    series = LandmarkSeries(motion.t_s, image, (W, H), world, spec["name"], {})
    truth = truth_dict(motion, cam, opts, name=spec["name"])
    family = view_family_of(cam)
    out: dict = {"name": spec["name"], "family": family, "fault": spec["fault"], "frames": n,
                 "true_reps": motion.rep_count}
    # landmarks against the projected true joints
    det = np.isfinite(image[:, 0, 0])
    out["detection"] = float(det.mean())
    tp = rnd.true_pixels()
    px = image[..., :2] * np.array([W, H])
    e = np.linalg.norm(px[:, KEY_JOINTS] - tp[:, KEY_JOINTS], axis=-1)
    es = np.linalg.norm(px[:, SWAPPED] - tp[:, KEY_JOINTS], axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        best = np.where((np.nanmean(es, 1) < np.nanmean(e, 1))[:, None], es, e)
        out["lm_err_med"] = float(np.nanmedian(best) / H) if det.any() else float("nan")
    out["lm_errors"] = (best[det] / H).ravel().tolist() if det.any() else []
    top_frames = det & (motion.phase == "top")
    out["head_vis_top"] = float(np.median(np.max(image[top_frames][:, [0, 7, 8], 3], axis=1))) if top_frames.any() else float("nan")
    # the pipeline and the oracle (exact landmarks through the same rules)
    oracle = analyze_series(synth_series(motion, cam, seed=0))
    runs = {"oracle": oracle}
    try:
        runs["pipeline"] = analyze_series(series)
    except NoPersonError:
        runs["pipeline"] = None
    tr = motion.truth
    for key, rep in runs.items():
        if rep is None:
            out[key] = {"reps": 0, "view": "none", "exercise": "none", "angles": {}, "score": None}
            out[key]["score"] = {"counts": {c: [0, 0, len([1 for v in truth["expected"]["faults_by_rep"].values() if c in v])]
                                            for c in truth["judged_in_view"]}, "mismatches": ["no person"],
                                 "reps_exact": motion.rep_count == 0}
            continue
        ft = rep.frames_table
        mask = det if key == "pipeline" else np.ones(n, bool)
        angles = {}
        for name, tk in (("hip", "hip_extension_deg"), ("knee", "knee_deg"), ("neck", "neck_deg")):
            a = np.where(mask, ft[f"{name}_deg"], np.nan)
            angles[name] = _mae(a, getattr(tr, tk))
        # the hip at the top (holds), where the hip faults are judged
        angles["hip_top"] = _mae(np.where(mask & (motion.phase == "top"), ft["hip_deg"], np.nan),
                                 tr.hip_extension_deg)
        top = mask & (motion.phase == "top")
        angles["neck_top"] = _mae(np.where(top, ft["neck_deg"], np.nan), tr.neck_deg)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            angles["neck_top_read"] = (float(np.nanmedian(np.where(top, ft["neck_deg"], np.nan))), int(top.sum()))
        sc = score_clip(rep, truth)
        out[key] = {"reps": rep.rep_count, "view": rep.view, "exercise": rep.exercise, "angles": angles,
                    "holds_s": [round(r.hold_s, 2) for r in rep.reps if r.counted],
                    "not_judged": [n.code for n in rep.not_assessed], "warnings": list(rep.warnings),
                    "score": {"counts": sc.counts, "mismatches": sc.mismatches, "reps_exact": sc.reps_exact}}
    out["seconds"] = time.perf_counter() - t0
    out["render_ms"] = 1000 * t_render / n
    out["pose_ms"] = 1000 * t_pose / n
    return out


def _worker(args: tuple[dict, bool, Path | None]) -> dict:
    spec, via_video, cache = args
    os.environ.setdefault("GLOG_minloglevel", "2")
    try:
        return run_clip(spec, via_video, cache)
    except Exception as exc:  # noqa: BLE001 - one broken clip must not hide the others' numbers
        return {"name": spec["name"], "family": spec["family"], "error": f"{type(exc).__name__}: {exc}"}


# --------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------

def aggregate(results: list[dict]) -> dict:
    table: dict = {}
    for fam in FAMILIES:
        rs = [x for x in results if x.get("family") == fam and "error" not in x]
        if not rs:
            continue
        row: dict = {"clips": len(rs)}
        row["detection"] = float(np.mean([x["detection"] for x in rs]))
        errs = np.concatenate([np.asarray(x["lm_errors"], float) for x in rs]) if rs else np.zeros(0)
        errs = errs[np.isfinite(errs)]
        row["lm_err_median_pct_h"] = 100 * float(np.median(errs)) if errs.size else float("nan")
        row["lm_err_p90_pct_h"] = 100 * float(np.percentile(errs, 90)) if errs.size else float("nan")
        for key in ("pipeline", "oracle"):
            row[f"reps_exact_{key}"] = float(np.mean([x[key]["score"]["reps_exact"] for x in rs]))
            for ang in ("hip", "hip_top", "knee", "neck"):
                vals = [x[key]["angles"].get(ang, (float("nan"), 0)) for x in rs]
                tot = sum(n for _, n in vals if n)
                row[f"{ang}_mae_{key}"] = (sum(m * n for m, n in vals if n and math.isfinite(m)) / tot) if tot else float("nan")
            faults = {}
            for code in FAULT_CODES:
                c = np.zeros(3, int)
                seen = False
                for x in rs:
                    cc = x[key]["score"]["counts"].get(code)
                    if cc is not None:
                        seen = True
                        c += np.asarray(cc)
                if seen:
                    p, rc = precision_recall(*c.tolist())
                    faults[code] = {"tp": int(c[0]), "fp": int(c[1]), "fn": int(c[2]), "precision": p, "recall": rc}
            row[f"faults_{key}"] = faults
        table[fam] = row
    return table


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "  -  "
    return f"{100 * v:5.0f}%" if pct else f"{v:5.1f}"


def print_table(table: dict, results: list[dict]) -> None:
    print("\nPer view family (pipeline = rendered -> MediaPipe -> rules; oracle = exact landmarks -> rules)")
    print(f"{'family':8s} {'clips':>5s} {'detect':>6s} {'lm med':>6s} {'lm p90':>6s} {'reps ok':>8s} {'oracle':>6s}"
          f" {'hip':>5s} {'(orc)':>5s} {'hipTop':>6s} {'(orc)':>5s} {'knee':>5s} {'(orc)':>5s} {'neck':>5s} {'(orc)':>5s}")
    for fam, row in table.items():
        print(f"{fam:8s} {row['clips']:5d} {_fmt(row['detection'], True)} {row['lm_err_median_pct_h']:5.1f}%"
              f" {row['lm_err_p90_pct_h']:5.1f}% {_fmt(row['reps_exact_pipeline'], True):>8s}"
              f" {_fmt(row['reps_exact_oracle'], True)} {_fmt(row['hip_mae_pipeline'])} {_fmt(row['hip_mae_oracle'])}"
              f"  {_fmt(row['hip_top_mae_pipeline'])} {_fmt(row['hip_top_mae_oracle'])}"
              f" {_fmt(row['knee_mae_pipeline'])} {_fmt(row['knee_mae_oracle'])} {_fmt(row['neck_mae_pipeline'])}"
              f" {_fmt(row['neck_mae_oracle'])}")
    print("(lm = landmark error, % of image height; angles = mean absolute error in degrees over frames with a\n"
          " person; hipTop = hip over the true top holds)")
    print("\nFaults (views where the profile judges the code): precision / recall  [tp fp fn]; oracle in brackets")
    for fam, row in table.items():
        for code, v in row["faults_pipeline"].items():
            o = row["faults_oracle"].get(code, {})
            if v["tp"] + v["fp"] + v["fn"] + o.get("tp", 0) + o.get("fp", 0) + o.get("fn", 0) == 0:
                continue
            print(f"  {fam:8s} {code:26s} P {_fmt(v['precision'], True)} R {_fmt(v['recall'], True)}"
                  f"  [{v['tp']:2d} {v['fp']:2d} {v['fn']:2d}]   (oracle P {_fmt(o.get('precision'), True)}"
                  f" R {_fmt(o.get('recall'), True)})")
    bad = [x for x in results if "error" in x or not x["pipeline"]["score"]["reps_exact"]
           or x["pipeline"]["score"]["mismatches"]]
    if bad:
        print("\nClips with differences (pipeline):")
        for x in bad:
            if "error" in x:
                print(f"  {x['name']}: ERROR {x['error']}")
                continue
            p = x["pipeline"]
            print(f"  {x['name']} [{x['family']}, seen {p['view']}]: reps {p['reps']}/{x['true_reps']}; "
                  + "; ".join(p["score"]["mismatches"][:6]))


def print_cases(results: list[dict]) -> None:
    """One line per targeted case: reps, hold readings, faults, the neck at the top; oracle too."""
    print("\nCases (pipeline | oracle): reps found/true, holds s, mismatches, neck at the top read (true) deg")
    for x in results:
        if "error" in x:
            print(f"  {x['name']}: ERROR {x['error']}")
            continue
        cols = []
        for key in ("pipeline", "oracle"):
            r = x[key]
            if not r.get("angles"):
                cols.append("no person")
                continue
            neck = r["angles"].get("neck_top_read", (float("nan"), 0))[0]
            skip = "neck not judged" if "neck_hyperextension" in r.get("not_judged", []) else ""
            cols.append(f"reps {r['reps']}/{x['true_reps']} holds {r['holds_s']} neck {neck:.0f} {skip} "
                        f"{'; '.join(r['score']['mismatches'][:3]) or 'ok'}")
        print(f"  {x['name']:28s} {cols[0]} head vis {x.get('head_vis_top', float('nan')):.2f}\n"
              f"  {'':28s} oracle: {cols[1]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--size", default="480x360", help="WIDTHxHEIGHT")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clips")
    ap.add_argument("--only", default=None, help="only clips whose name contains this")
    ap.add_argument("--via-video", action="store_true", help="encode H.264 and decode before the pose model")
    ap.add_argument("--json", type=Path, default=Path("/tmp/bench_accuracy.json"))
    ap.add_argument("--cases", default=None, help="targeted cases instead of the suite: limits, or some of "
                    "holds,plate,neck,endon,oblique (see accuracy_cases.py)")
    ap.add_argument("--cache", type=Path, default=None, help="keep the pose model's landmarks per clip here")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    if args.cases:
        from accuracy_cases import limits_suite
        specs = limits_suite((w, h), "holds,plate,neck" if args.cases == "limits" else args.cases)
    else:
        specs = build_suite(args.seed, (w, h))
    if args.only:
        specs = [s for s in specs if args.only in s["name"]]
    if args.limit:
        specs = specs[: args.limit]
    print(f"bench_accuracy: seed {args.seed}, {len(specs)} clips at {w}x{h}, {args.jobs} job(s)"
          f"{', via H.264' if args.via_video else ''}", flush=True)
    t0 = time.perf_counter()
    results = []
    work = [(s, args.via_video, args.cache) for s in specs]
    if args.jobs > 1:
        with mp.get_context("spawn").Pool(args.jobs) as pool:
            for res in pool.imap(_worker, work):
                results.append(res)
                _progress(res, len(results), len(specs))
    else:
        for item in work:
            res = _worker(item)
            results.append(res)
            _progress(res, len(results), len(specs))
    table = aggregate(results)
    print_table(table, results)
    if args.cases:
        print_cases(results)
    wall = time.perf_counter() - t0
    print(f"\n{len(specs)} clips in {wall / 60:.1f} min (seed {args.seed})")
    slim = [{k: v for k, v in x.items() if k != "lm_errors"} for x in results]
    args.json.write_text(json.dumps({"seed": args.seed, "size": [w, h], "via_video": args.via_video,
                                     "table": table, "clips": slim, "specs": specs, "minutes": wall / 60},
                                    indent=1, default=str))
    print(f"wrote {args.json}")
    return 0


def _progress(res: dict, done: int, total: int) -> None:
    if "error" in res:
        print(f"[{done}/{total}] {res['name']}: ERROR {res['error']}", flush=True)
        return
    p = res["pipeline"]
    print(f"[{done}/{total}] {res['name']}: detect {100 * res['detection']:.0f}% lm {100 * res['lm_err_med']:.1f}%H "
          f"reps {p['reps']}/{res['true_reps']} (oracle {res['oracle']['reps']}) "
          f"{'' if not p['score']['mismatches'] else p['score']['mismatches'][:3]} "
          f"[{res['seconds']:.0f} s, render {res['render_ms']:.0f} ms + pose {res['pose_ms']:.0f} ms/frame]", flush=True)


if __name__ == "__main__":
    sys.exit(main())
