"""Does the image itself, or the working thigh, see a pelvic drop? (issue 18, the candidates
``study_hip_level.py`` did not try.)

Renders one-rep sets with the free side's pelvis dropped 0, 6, 8, 10, 12 and 15° (either side),
one- and two-leg, from the feet (camera at 1.6 and 2.0 m) and a raised front oblique, cycling
through all the renderer's outfits (six level sets per view and exercise, one per outfit), and
reads at the top the candidates of ``hip_image_features`` (waistband edge, mask hip outline, the
working thigh's roll and height) next to the hip landmarks' tilt of the earlier study
(``kp_tilt``) and the same keypoint readings from the renderer's true joints (``truth_*``, what a
perfect pose model would give). ``d_`` readings are the change from the bottom of the rep, where
the pelvis is level. Prints, per view and exercise, each reading's range on level sets and on
drops of 8° or more, and the best threshold's precision and recall (readings that are not zero on
level hips by design are scored around the level sets' own median, which flatters them).

    .venv/bin/python benchmarks/study_hip_image.py [--cache /tmp/h18e] [--size 480x360] [--json out.json]
    .venv/bin/python benchmarks/study_hip_image.py --views feet_1.6m,feet_2.0m --exercises hip_thrust \
        --camera-look --seed 500     # sensor noise, blur and lighting drift; fresh sets
    .venv/bin/python benchmarks/study_hip_image.py --views feet_1.2m,feet_0.8m --exercises hip_thrust
    .venv/bin/python benchmarks/study_hip_image.py --cost     # each reading's price per frame, side by side
    .venv/bin/python benchmarks/study_hip_image.py --pool a.json b.json c.json --views feet_1.6m,feet_2.0m

Renders and landmarks are cached (one file per case), so a rerun only reads. Not a test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hip_image_cache import DEFAULT_VIEWS, Case, load_case  # noqa: E402
from hip_image_features import (CENTRED, TrunkFrame, hip_outline, thigh_readings,  # noqa: E402
                                truth_readings, waist_edge)
from study_hip_level import best_threshold  # noqa: E402

from formcheck.core.vocab import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER  # noqa: E402

EXERCISES = ("hip_thrust", "single_leg_hip_thrust")
LEVEL_SETS = 6                                       # one per outfit
DROPS_DEG = (6.0, 8.0, 10.0, 12.0, 15.0)             # each on both sides
READINGS = ("kp_tilt", "waist_edge", "d_waist_edge", "waist_mid", "d_waist_mid", "hip_outline", "d_hip_outline", "wthigh_img",
            "wknee_out", "wroll_world", "whip_h", "truth_tilt", "truth_wthigh", "truth_whip_h")


def cases(views: list[str], exercises: list[str], size: tuple[int, int], fps: float, look: dict[str, float],
          seed0: int = 200, outfits: tuple[int, ...] = tuple(range(6))) -> list[Case]:
    out, n = [], 0
    for view, exercise in itertools.product(views, exercises):
        drops = [0.0] * LEVEL_SETS + [s * d for d in DROPS_DEG for s in (1.0, -1.0)]
        for k, drop in enumerate(drops):
            n += 1
            # the seed's parity picks the working side: alternate it every pair of drops, so that
            # +d and -d share a side and each size tilts the pelvis both ways in the image
            out.append(Case(view, exercise, drop, outfit=outfits[k % len(outfits)],
                            seed=seed0 + 2 * n + (k // 2) % 2, fps=fps, size=size,
                            **look))
    return out


def _kp_tilt(px: np.ndarray, free_sign: float) -> float:
    d_sh, d_hp = px[RIGHT_SHOULDER] - px[LEFT_SHOULDER], px[RIGHT_HIP] - px[LEFT_HIP]
    deg = math.degrees(math.atan2(d_hp[1], d_hp[0]) - math.atan2(d_sh[1], d_sh[0]))
    return free_sign * ((deg + 90.0) % 180.0 - 90.0)


def _median(values: list[float]) -> float:
    v = np.asarray(values, float)
    return float(np.median(v[np.isfinite(v)])) if np.isfinite(v).any() else math.nan


def read_case(case: Case, data: dict[str, np.ndarray]) -> dict:
    """The readings of one case: medians over the top frames (and over the bottom for ``d_``)."""
    fs, px, world = case.free_sign, data["lm_px"], data["world"]
    per: dict[str, dict[str, list[float]]] = {"top": {}, "bottom": {}}

    def add(where: str, key: str, value: float) -> None:
        per[where].setdefault(key, []).append(value)

    for where in ("top", "bottom"):
        for i in data[where]:
            if not np.isfinite(px[i]).all():
                continue
            fr = TrunkFrame(px[i])
            add(where, "kp_tilt", _kp_tilt(px[i], fs))
            for k, v in thigh_readings(px[i], world[i], case.working, fr).items():
                add(where, k, v)
            for k, v in truth_readings(data["true_px"][i], case.working, fs).items():
                add(where, k, v)
    for j, i in enumerate(data["frame_at"]):
        where = "top" if i in set(data["top"].tolist()) else "bottom"
        if not np.isfinite(px[i]).all():
            continue
        fr = TrunkFrame(px[i])
        add(where, "waist_edge", fs * waist_edge(data["frames"][j], data["masks"][j], fr))
        add(where, "waist_mid", fs * waist_edge(data["frames"][j], data["masks"][j], fr, on_outline=True))
        add(where, "hip_outline", fs * hip_outline(data["masks"][j], fr))
    out = {"view": case.view, "exercise": case.exercise, "drop_deg": case.drop_deg, "outfit": case.outfit,
           "seed": case.seed, "working": case.working, "pose_ms": float(data["pose_ms"])}
    for k in READINGS:
        if k.startswith("d_"):
            out[k] = _median(per["top"].get(k[2:], [])) - _median(per["bottom"].get(k[2:], []))
        else:
            out[k] = _median(per["top"].get(k, []))
    return out


def _score(level: list[dict], big: list[dict], k: str, centred: bool) -> tuple[np.ndarray, np.ndarray, tuple]:
    """|reading| of level and dropped sets, around zero or around the level sets' median for the
    same working side (an oblique camera sees a left and a right working side differently)."""
    lv, dv = [], []
    for side in ("left", "right"):
        lvl = [r[k] for r in level if r["working"] == side]
        centre = _median(lvl) if centred else 0.0
        lv += [abs(x - centre) for x in lvl]
        dv += [abs(r[k] - centre) for r in big if r["working"] == side]
    # a set with no reading is not flagged: it counts as 0 (a miss for a drop)
    return np.asarray(lv), np.asarray(dv), best_threshold(list(np.nan_to_num(lv)), list(np.nan_to_num(dv)))


def summarise(results: list[dict], views: list[str], exercises: list[str]) -> None:
    print("\nper view and exercise, each reading: |reading| on level sets (min-max), on drops >= 8 deg "
          "(min-max; sets with no reading count as not flagged), best threshold's precision/recall for drops "
          ">= 8 deg (6 deg sets left out); then "
          "the same around the level sets' median per working side (calibrated: flatters the reading)")

    def rng(a: np.ndarray) -> str:
        gap = f" ({int(np.isnan(a).sum())} none)" if np.isnan(a).any() else ""
        return (f"{np.nanmin(a):5.2f}-{np.nanmax(a):5.2f}" if np.isfinite(a).any() else "    n/a    ") + gap

    for view, exercise in itertools.product(views, exercises):
        sub = [r for r in results if r["view"] == view and r["exercise"] == exercise]
        level = [r for r in sub if r["drop_deg"] == 0]
        big = [r for r in sub if abs(r["drop_deg"]) >= 8]
        print(f"{view} {exercise} ({len(level)} level, {len(big)} drops >= 8)")
        for k in READINGS:
            cells = []
            for centred in (False, True):
                if not centred and k in CENTRED:
                    cells.append(" " * 45)
                    continue
                lv, dv, (thr, p, rc) = _score(level, big, k, centred)
                cells.append(f"level {rng(lv)} drop {rng(dv)} P/R {p:.2f}/{rc:.2f}")
            print(f"    {k:13s} " + " | ".join(cells))


def pooled(paths: list[Path], views: list[str], exercise: str) -> None:
    """Several runs' JSON results (e.g. clean, camera look, fresh seeds) read as one sample."""
    rows = [r for p in paths for r in json.loads(p.read_text())
            if r["view"] in views and r["exercise"] == exercise]
    print(f"pooled: {len(paths)} runs, {', '.join(views)}, {exercise}")
    for k in ("waist_edge", "d_waist_edge", "waist_mid", "d_waist_mid", "hip_outline", "kp_tilt"):
        lv = np.abs([r[k] for r in rows if r["drop_deg"] == 0])
        dv = np.abs([r[k] for r in rows if abs(r["drop_deg"]) >= 8])
        d6 = np.abs([r[k] for r in rows if abs(r["drop_deg"]) == 6])
        print(f"    {k:13s} level ({lv.size}) {np.nanmin(lv):.2f}-{np.nanmax(lv):.2f}, drops >= 8 ({dv.size}) "
              f"{np.nanmin(dv):.2f}-{np.nanmax(dv):.2f}, 6 deg {np.nanmin(d6):.2f}-{np.nanmax(d6):.2f}")
        for thr in (1.0, 1.5, 2.0, 2.5, 3.0):
            tp, fp = int((dv >= thr).sum()), int((lv >= thr).sum())
            print(f"        at {thr:.1f}: precision {tp / max(tp + fp, 1):.2f}, recall {tp / dv.size:.2f}, "
                  f"level sets flagged {fp}/{lv.size}")


def cost(cache: Path, size: tuple[int, int], frames: int = 40) -> None:
    """Per frame: the pose model with its mask, and each image reading, on the same cached frames."""
    from formcheck.adapters.pose import PoseEstimator

    files = sorted(cache.glob(f"feet_2.0m_hip_thrust_*_{size[0]}x{size[1]}.npz"))[:10]
    if not files:
        raise SystemExit(f"no cached cases in {cache}: run the study first")
    items = []
    for f in files:
        with np.load(f) as z:
            for j, i in enumerate(z["frame_at"]):
                if np.isfinite(z["lm_px"][i]).all():
                    items.append((z["frames"][j], z["masks"][j], z["lm_px"][i], z["world"][i]))
    items = items[:frames]
    spent = {"pose model + mask": 0.0, "waist_edge": 0.0, "waist_mid": 0.0, "hip_outline": 0.0,
             "thigh readings": 0.0}
    with PoseEstimator(segmentation=True) as est:
        for n, (frame, mask, px, world) in enumerate(items):
            t = time.perf_counter()
            est.detect(frame, 100.0 * n)
            spent["pose model + mask"] += time.perf_counter() - t
            t = time.perf_counter()
            fr = TrunkFrame(px)
            waist_edge(frame, mask, fr)
            spent["waist_edge"] += time.perf_counter() - t
            t = time.perf_counter()
            waist_edge(frame, mask, TrunkFrame(px), on_outline=True)
            spent["waist_mid"] += time.perf_counter() - t
            t = time.perf_counter()
            hip_outline(mask, TrunkFrame(px))
            spent["hip_outline"] += time.perf_counter() - t
            t = time.perf_counter()
            thigh_readings(px, world, "left", TrunkFrame(px))
            spent["thigh readings"] += time.perf_counter() - t
    base = spent["pose model + mask"]
    h, w = items[0][0].shape[:2]
    print(f"per frame at {w}x{h}, {len(items)} frames, measured interleaved in one run:")
    for k, s in spent.items():
        print(f"    {k:18s} {1000 * s / len(items):7.2f} ms  (x{s / base:.3f} of the pose model)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--size", default="480x360")
    ap.add_argument("--views", default=",".join(DEFAULT_VIEWS), help="also: feet_1.2m, feet_0.8m")
    ap.add_argument("--exercises", default=",".join(EXERCISES))
    ap.add_argument("--outfits", default="0,1,2,3,4,5",
                    help="cycled through the sets; 6 and 7 are the study's own low-contrast outfits")
    ap.add_argument("--seed", type=int, default=200, help="first seed (another value: fresh sets)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/h18e"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--camera-look", action="store_true",
                    help="render with sensor noise (sd 3), blur (0.7 px) and a 15%% lighting drift")
    ap.add_argument("--cost", action="store_true", help="only time the readings (side by side) and stop")
    ap.add_argument("--pool", type=Path, nargs="+", help="read these --json results as one sample and stop")
    args = ap.parse_args()
    if args.pool:
        pooled(args.pool, args.views.split(","), args.exercises.split(",")[0])
        return 0
    size = tuple(int(v) for v in args.size.split("x"))
    if args.cost:
        cost(args.cache, size)
        return 0
    views = args.views.split(",")
    look = {"noise": 3.0, "blur": 0.7, "lighting": 0.15} if args.camera_look else {}
    exercises = args.exercises.split(",")
    outfits = tuple(int(v) for v in args.outfits.split(","))
    todo = cases(views, exercises, size, args.fps, look, args.seed, outfits)
    results, t0 = [], time.perf_counter()
    for n, case in enumerate(todo, 1):
        res = read_case(case, load_case(case, args.cache))
        results.append(res)
        print(f"[{n}/{len(todo)} {time.perf_counter() - t0:.0f}s] {case.view:15s} {case.exercise:22s} "
              f"drop {case.drop_deg:+5.1f} o{case.outfit}: "
              + " ".join(f"{k} {res[k]:+5.1f}" for k in READINGS), flush=True)
    summarise(results, views, exercises)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
