"""Study: what tells a lifted free leg from MediaPipe's far leg put up on a barbell plate.

    .venv/bin/python benchmarks/study_plate_legs.py --cache /tmp/h18plate/pose [--cases plate] [--seed 7]
    .venv/bin/python benchmarks/study_plate_legs.py --npz CLIP.landmarks.npz --truth hip_thrust
    .venv/bin/python benchmarks/study_plate_legs.py --compare BEFORE.json AFTER.json  # bench_accuracy --json
    .venv/bin/python benchmarks/study_plate_legs.py --cache /tmp/h18plate/pose --cases plate --live

Reads the pose landmarks bench_accuracy.py cached (no MediaPipe run), analyses each clip as
shipped, and prints per clip, over the top frames read as one foot lifted: the analysis's
exercise, its one-foot share, and candidate cues on the "lifted" leg in the image: its reach
(ankle to mid-hip) and length (hip-knee + knee-ankle), each against the torso length and the
planted leg's, and its knee/ankle visibility. ``--live``: the exercise live recognises instead
(frame by frame, from each rep's top).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.core.analyzer import analyze_series  # noqa: E402
from formcheck.core.landmarks import SIDE_JOINTS, LandmarkSeries  # noqa: E402


def leg_cues(image: np.ndarray, size: tuple[int, int], planted: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame, for the leg the analysis reads as lifted (``planted`` 'left'/'right' = the other)."""
    px = image[:, :, :2] * np.array(size, dtype=float)
    L, R = SIDE_JOINTS["left"], SIDE_JOINTS["right"]
    hip_mid = 0.5 * (px[:, L["hip"]] + px[:, R["hip"]])
    torso = np.linalg.norm(0.5 * (px[:, L["shoulder"]] + px[:, R["shoulder"]]) - hip_mid, axis=-1)
    leg = {}
    for name, s in (("left", L), ("right", R)):
        hip, knee, ankle = px[:, s["hip"]], px[:, s["knee"]], px[:, s["ankle"]]
        leg[name] = {"len": np.linalg.norm(knee - hip, axis=-1) + np.linalg.norm(ankle - knee, axis=-1),
                     "reach": np.linalg.norm(ankle - hip_mid, axis=-1),
                     "thigh": np.linalg.norm(knee - hip_mid, axis=-1),
                     "vis": np.minimum(image[:, s["knee"], 3], image[:, s["ankle"], 3])}
    free = {k: np.where(planted == "left", leg["right"][k], leg["left"][k]) for k in ("len", "reach", "thigh", "vis")}
    work = {k: np.where(planted == "left", leg["left"][k], leg["right"][k]) for k in ("len", "reach", "thigh", "vis")}
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"reach_tl": free["reach"] / torso, "len_tl": free["len"] / torso,
                "len_ratio": free["len"] / work["len"], "reach_ratio": free["reach"] / work["reach"],
                "thigh_ratio": free["thigh"] / work["thigh"],
                "vis": free["vis"]}


def study(name: str, truth: str, series: LandmarkSeries) -> dict:
    rep = analyze_series(series)
    ft = rep.frames_table
    single = np.isin(ft["planted"], ("left", "right"))
    top = ft["phase"] == "top"
    cues = leg_cues(series.image, series.image_size, ft["planted"])
    sel = single & top
    why = next((w for w in rep.warnings if w.startswith("exercise recognised")), "")
    row = {"name": name, "truth": truth, "read": rep.exercise, "reps": rep.rep_count,
           "single_top": int(sel.sum()), "top": int(top.sum()), "why": why}
    for k, v in cues.items():
        x = v[sel & np.isfinite(v)]
        row[k] = [round(float(q), 2) for q in np.percentile(x, (10, 50, 90))] if x.size else None
    return row


def live_exercise(series: LandmarkSeries) -> str:
    """The profile live has switched to by the end of the set (it starts single-leg)."""
    from formcheck.core.analyzer import Analyzer
    an = Analyzer(series.image_size)
    for i in range(len(series)):
        im = series.image[i]
        seen = bool(np.isfinite(im[0, 0]))
        an.update(float(series.t_s[i]), im if seen else None,
                  series.world[i] if seen and series.world is not None else None)
    return an.profile.name


def _cached_specs(args: argparse.Namespace) -> list[tuple[dict, Path]]:
    from bench_accuracy import _pose_cache_path, build_suite
    if args.cases:
        from accuracy_cases import limits_suite
        specs = limits_suite((480, 360), args.cases)
    else:
        specs = build_suite(args.seed, (480, 360))
    out = []
    for s in specs:
        p = _pose_cache_path(s, False, args.cache)
        if p is not None and p.exists():
            out.append((s, p))
    return out


def compare(before: Path, after: Path) -> None:
    """Exercise right per clip in two bench_accuracy.py runs (the same cached landmarks)."""
    runs = [json.loads(p.read_text()) for p in (before, after)]
    right = [0, 0]
    for k, spec in enumerate(runs[0]["specs"]):
        truth = spec["params"].get("exercise", "single_leg_hip_thrust").replace("_", "-")
        read = [next(c for c in r["clips"] if c["name"] == spec["name"])["pipeline"]["exercise"] for r in runs]
        right = [n + (x == truth) for n, x in zip(right, read)]
        if read[0] != truth or read[1] != truth:
            print(f"  {spec['name']:34s} {truth:24s} before {read[0]:24s} after {read[1]}")
    print(f"exercise right: before {right[0]}/{len(runs[0]['specs'])}, after {right[1]}/{len(runs[0]['specs'])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--cases", default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--npz", type=Path, default=None, help="a formcheck .landmarks.npz instead of the cache")
    ap.add_argument("--truth", default="?")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--compare", type=Path, nargs=2, default=None)
    ap.add_argument("--live", action="store_true")
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return 0
    rows = []
    if args.npz:
        series = LandmarkSeries.load_npz(args.npz)
        rows.append(study(args.npz.name, args.truth, series))
    else:
        from formcheck.synth.motion import MotionParams, simulate
        for spec, path in _cached_specs(args):
            params = dict(spec["params"])
            if "rep_overrides" in params:
                params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
            motion = simulate(MotionParams(**params), fps=spec["fps"])
            with np.load(path) as z:
                series = LandmarkSeries(motion.t_s, z["image"], (spec["camera"]["width"], spec["camera"]["height"]),
                                        z["world"], spec["name"], {})
            truth = params.get("exercise", "single_leg_hip_thrust").replace("_", "-")
            if args.live:
                read = live_exercise(series)
                print(f"{'ok ' if read == truth else 'BAD'} {spec['name']:34s} {truth:24s} live {read}")
                continue
            rows.append(study(spec["name"], truth, series))
    for r in rows:
        ok = "ok " if r["read"] == r["truth"] else "BAD"
        print(f"{ok} {r['name']:34s} {r['truth']:24s} read {r['read']:24s} single/top {r['single_top']:3d}/{r['top']:3d} "
              f"reach_tl {r['reach_tl']} len_ratio {r['len_ratio']} reach_ratio {r['reach_ratio']} thigh_ratio {r['thigh_ratio']} vis {r['vis']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
