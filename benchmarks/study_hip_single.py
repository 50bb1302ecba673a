"""Hip level on single-leg hip thrusts from the feet: does any image reading separate? (issue 18)

The shipped waistband reading (``formcheck/adapters/hip_image.py``) reads 13 columns across both
hips; on single-leg sets the lifted thigh covers the free half of the pelvis from the feet, so its
edges are read instead (level sets 1.5-52 deg, README). This study renders single-leg sets from
the feet with the camera raised (six outfits; level, and the free side's pelvis dropped 8 and
12 deg either way), runs the pose model once per set (cached under ``--cache``, one file per set:
``hip_image_cache.py``) and reads at the top, each signed + = the free side lower:

- ``work_S`` / ``work_H``: the waistband only on columns of the working half (from the working
  hip toward the midline, in shoulder widths), the free thigh's side left out; its tilt against
  the shoulder line (S) or the image horizontal (H: the renderer's camera is level, the bench's
  top edge is horizontal in the picture, so H stands for the bench/support line);
- ``band_S`` / ``band_H``: the waistband on the usual 13 columns minus those whose search
  segment comes within a thigh's radius of the free thigh (the pose model's free hip to knee);
- ``low_S`` / ``low_H``: the body mask's lower outline between the thighs, on the free side
  past the working thigh (the buttock under the free hip), its tilt; ``lowE_*`` the same from the
  strongest colour edge below the hips instead of the mask;
- ``kp_tilt``, ``all_S``: the hip landmarks' line and the shipped reading, for reference;
- ``d_*``: the same reading's change from the bottom of the rep (the renderer's pelvis is level
  there, but its free foot is still planted: a two-leg picture, so no help here).

Prints per view: each reading's level range, drop range (drops of 8 and 12 deg), how many drops
read with the right sign, and precision / recall at the best threshold, absolute and around the
level sets' median per working side (calibrated, flatters); then a fixed band around the level
sets' offset, fitted on the other views (heights) and applied to each; with ``--band-from`` a
band fitted on another run's level sets, applied to this run (another body size, free-leg angle,
camera look).

    .venv/bin/python benchmarks/study_hip_single.py --json /tmp/h18sl/run5.json   # 1.6, 1.8, 2.0 m
    .venv/bin/python benchmarks/study_hip_single.py --views feet_1.8m --free-hip 70 --seed 900 \
        --band-from /tmp/h18sl/run5.json      # also --free-hip 110 --seed 1100, --scale 0.9 --seed 1300,
                                              # --scale 1.1 --seed 1400, --camera-look --seed 1500
    .venv/bin/python benchmarks/study_hip_single.py --views oblique35_1.6m,oblique40_1.9m

Not a test.
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

from hip_image_cache import Case, load_case  # noqa: E402
from study_hip_level import best_threshold  # noqa: E402

from formcheck.adapters.hip_image import WAIST_COLUMNS, WAIST_HALF_SPAN_HW, WAIST_REACH_TL, TrunkFrame  # noqa: E402
from formcheck.adapters.hip_image import sample_bilinear, theil_sen_slope, waist_edge_slope  # noqa: E402
from formcheck.core.vocab import LEFT_HIP, LEFT_KNEE, RIGHT_HIP, RIGHT_KNEE  # noqa: E402

DROPS_DEG = (0.0, 8.0, -8.0, 12.0, -12.0)
# Columns of the working half, from the working hip (0) toward the midline (+), in shoulder
# widths: the renderer's hips are 0.53 shoulder widths apart, the free thigh (radius 0.26 sw)
# covers the free half up to about the midline.
WORK_SPANS = {"work": (-0.15, 0.22), "workw": (-0.25, 0.25)}
THIGH_RADIUS_SW = 0.26
# The pelvis's lower outline in the body mask, on the free side past the working thigh (from the
# working hip, toward the free side, in shoulder widths): the free hip's end of the pelvis.
LOW_SPAN_SW = (0.3, 0.75)
READINGS = ("kp_tilt", "all_S", "work_S", "work_H", "workw_S", "workw_H", "band_S", "band_H",
            "low_S", "low_H", "lowE_S", "lowE_H")


def _wrap(deg: float) -> float:
    return (deg + 90.0) % 180.0 - 90.0


def _tilts(fr: TrunkFrame, slope: float) -> tuple[float, float]:
    """The line of slope dv/du against the shoulder line and against the image horizontal."""
    if not math.isfinite(slope):
        return math.nan, math.nan
    d = fr.u + slope * fr.v
    return fr.tilt(slope), _wrap(math.degrees(math.atan2(float(d[1]), float(d[0]))))


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def lower_outline_slope(mask: np.ndarray, wf: TrunkFrame, toward_free: float) -> float:
    """Slope dv/du of the body mask's lower outline below the hips, columns on the free side."""
    us = toward_free * np.linspace(*LOW_SPAN_SW, 9) * wf.shoulder_px
    vs = -np.arange(0.0, 0.8 * wf.torso_px, 0.5)            # downward from the working hip
    gu, gv = np.meshgrid(us, vs)
    m = np.nan_to_num(sample_bilinear(mask, wf.to_px(gu, gv)))
    inside = m > 127
    ok = inside[0] & ~inside.all(axis=0)
    if ok.sum() < 5:
        return math.nan
    k = np.argmin(inside, axis=0)                       # first sample out of the body, per column
    c = np.arange(us.size)
    a, b = m[np.maximum(k - 1, 0), c], m[k, c]
    frac = np.clip((a - 127.5) / np.maximum(a - b, 1e-6), 0.0, 1.0)   # sub-sample crossing
    edge_v = vs[np.maximum(k - 1, 0)] + frac * (vs[1] - vs[0])
    return theil_sen_slope(us[ok], edge_v[ok])


def frame_readings(frame: np.ndarray, px: np.ndarray, working: str,
                   mask: np.ndarray | None = None) -> dict[str, float]:
    """All readings of one frame, in degrees, + = the person's LEFT side lower (signed later)."""
    fr = TrunkFrame(px)
    d_hip = px[RIGHT_HIP] - px[LEFT_HIP]
    out = {"kp_tilt": _wrap(math.degrees(math.atan2(float(d_hip[1]), float(d_hip[0]))) - fr.shoulder_deg)}
    out["all_S"] = _tilts(fr, waist_edge_slope(frame, fr))[0]
    w_hip, f_hip, f_knee = ((LEFT_HIP, RIGHT_HIP, RIGHT_KNEE) if working == "left"
                            else (RIGHT_HIP, LEFT_HIP, LEFT_KNEE))
    toward_mid = 1.0 if working == "left" else -1.0          # +u runs from the left to the right side
    # the working half: a frame with its origin at the working hip's level (the study sets the
    # shipped frame's fields directly)
    wf = TrunkFrame(px)
    wf.origin = px[w_hip]
    for name, (a, b) in WORK_SPANS.items():
        cols = toward_mid * np.linspace(a, b, 9) * wf.shoulder_px
        out[f"{name}_S"], out[f"{name}_H"] = _tilts(wf, waist_edge_slope(frame, wf, None, cols))
    # the usual columns, minus those the free thigh crosses
    us = np.linspace(-WAIST_HALF_SPAN_HW, WAIST_HALF_SPAN_HW, WAIST_COLUMNS) * fr.hip_px
    vs = np.linspace(0.0, WAIST_REACH_TL * fr.torso_px, 12)
    keep = []
    for u in us:
        pts = fr.to_px(np.full(vs.size, u), vs)
        if _seg_dist(pts, px[f_hip], px[f_knee]).min() > THIGH_RADIUS_SW * fr.shoulder_px:
            keep.append(u)
    slope = waist_edge_slope(frame, fr, None, np.array(keep)) if len(keep) >= 5 else math.nan
    out["band_S"], out["band_H"] = _tilts(fr, slope)
    low = lower_outline_slope(mask, wf, toward_mid) if mask is not None else math.nan
    out["low_S"], out["low_H"] = _tilts(wf, low)
    # the same outline from the picture alone: the strongest colour edge below the hips (the
    # shorts against the floor), searched with the trunk frame turned to look down
    down = TrunkFrame(px)
    down.origin, down.v = px[w_hip], -wf.v
    cols = toward_mid * np.linspace(*LOW_SPAN_SW, 9) * wf.shoulder_px
    s_down = waist_edge_slope(frame, down, None, cols)
    out["lowE_S"], out["lowE_H"] = _tilts(wf, -s_down if math.isfinite(s_down) else math.nan)
    return out


def _median(v: list[float]) -> float:
    a = np.asarray(v, float)
    return float(np.median(a[np.isfinite(a)])) if np.isfinite(a).any() else math.nan


def read_case(case: Case, data: dict[str, np.ndarray]) -> dict:
    top = set(data["top"].tolist())
    per = {"top": {k: [] for k in READINGS}, "bottom": {k: [] for k in READINGS}}
    for j, i in enumerate(data["frame_at"]):
        px = data["lm_px"][i]
        if not np.isfinite(px).all():
            continue
        r = frame_readings(data["frames"][j], px, case.working, data["masks"][j])
        for k in READINGS:
            per["top" if i in top else "bottom"][k].append(case.free_sign * r[k])
    out = {"view": case.view, "drop_deg": case.drop_deg, "outfit": case.outfit, "seed": case.seed,
           "working": case.working}
    for k in READINGS:
        out[k] = _median(per["top"][k])
        out["d_" + k] = out[k] - _median(per["bottom"][k])
    return out


def cases(views: list[str], seed0: int, outfits: list[int], **extra: float) -> list[Case]:
    out = []
    for view in views:
        for n, (outfit, drop) in enumerate(itertools.product(outfits, DROPS_DEG)):
            # the working side alternates over outfits and drops: each drop size, both signs, both sides
            side_bit = (outfit + DROPS_DEG.index(drop) // 2 + (1 if drop < 0 else 0)) % 2
            out.append(Case(view, "single_leg_hip_thrust", drop, outfit=outfit, seed=seed0 + 2 * n + side_bit, **extra))
    return out


def summarise(rows: list[dict], views: list[str]) -> None:
    keys = [k for r in READINGS for k in (r, "d_" + r)]
    print("\nper view: |reading| on level sets (max), on drops of 8-12 deg (min; none = no reading), "
          "drops read with the right sign, best threshold: P/R; the same around the level median per working side")
    for view in views:
        sub = [r for r in rows if r["view"] == view]
        level = [r for r in sub if r["drop_deg"] == 0]
        drops = [r for r in sub if r["drop_deg"] != 0]
        print(f"{view} ({len(level)} level, {len(drops)} drops)")
        for k in keys:
            lv = np.array([r[k] for r in level])
            dv = np.array([r[k] for r in drops])
            sign = sum(1 for r in drops if np.isfinite(r[k]) and np.sign(r[k]) == np.sign(r["drop_deg"]))
            thr, p, rc = best_threshold(list(np.nan_to_num(np.abs(lv))), list(np.nan_to_num(np.abs(dv))))
            cells = []
            for side in ("left", "right"):
                c = _median([r[k] for r in level if r["working"] == side])
                cells += [(abs(r[k] - c), r["drop_deg"] != 0) for r in sub if r["working"] == side]
            cl = [v for v, d in cells if not d]
            cd = [v for v, d in cells if d]
            _, cp, cr = best_threshold(list(np.nan_to_num(cl)), list(np.nan_to_num(cd)))
            none = int(np.isnan(dv).sum() + np.isnan(lv).sum())
            print(f"    {k:10s} level max {np.nanmax(np.abs(lv)) if np.isfinite(lv).any() else math.nan:5.1f} "
                  f"drop min {np.nanmin(np.abs(dv)) if np.isfinite(dv).any() else math.nan:5.1f} "
                  f"none {none:2d} sign {sign:2d}/{len(drops)} thr {thr:5.2f} P/R {p:.2f}/{rc:.2f} "
                  f"| centred P/R {cp:.2f}/{cr:.2f}")


def banded(rows: list[dict], views: list[str], keys: tuple[str, ...] = ("low_H", "low_S", "work_H", "band_H")) -> None:
    """A reading with a level offset of its own, judged on a fixed band: the level sets' median
    ``c`` and the largest level deviation ``t`` (no level set flagged), taken from the OTHER
    views (heights) and applied to this one: does the band carry over to a height it was not
    fitted on? Also the band fitted on every view at once (in-sample)."""
    print("\nfixed band around the level sets' offset (+ = the free side lower): fitted on the other "
          "views -> this view; then in-sample on all views")
    for k in keys:
        for view in views + ["all"]:
            fit = [r for r in rows if (r["view"] != view if view != "all" else True) and r["drop_deg"] == 0]
            lv_fit = np.array([r[k] for r in fit], float)
            lv_fit = lv_fit[np.isfinite(lv_fit)]
            if lv_fit.size == 0:
                continue
            c = float(np.median(lv_fit))
            t = float(np.max(np.abs(lv_fit - c)))
            sub = [r for r in rows if view == "all" or r["view"] == view]
            lv = np.array([r[k] for r in sub if r["drop_deg"] == 0], float)
            dv = np.array([r[k] for r in sub if r["drop_deg"] != 0], float)
            fp = int((np.abs(lv - c) > t).sum())
            tp = int((np.abs(dv - c) > t).sum())   # NaN (no reading) is not flagged
            print(f"    {k:7s} {view:10s} centre {c:5.2f} band +-{t:4.2f}: "
                  f"level {np.nanmin(lv):5.1f}..{np.nanmax(lv):5.1f} flagged {fp}/{lv.size}; "
                  f"drops flagged {tp}/{dv.size} (precision {tp / max(tp + fp, 1):.2f}, "
                  f"recall {tp / max(dv.size, 1):.2f}); drops nearest the band: "
                  + ", ".join(f"{x:+.1f}" for x in sorted(dv[np.isfinite(dv)], key=lambda x: abs(x - c))[:3]))


def band_from(fit_rows: list[dict], rows: list[dict], keys: tuple[str, ...] = ("low_S", "low_H")) -> None:
    """The band fitted on another run's level sets (e.g. the default body from 1.6-2.0 m) applied
    to this run's sets (another free-leg angle, body size, camera look): does it carry over?"""
    print("\nband fitted on --band-from's level sets, applied here:")
    for k in keys:
        lv_fit = np.array([r[k] for r in fit_rows if r["drop_deg"] == 0], float)
        lv_fit = lv_fit[np.isfinite(lv_fit)]
        c = float(np.median(lv_fit))
        t = float(np.max(np.abs(lv_fit - c)))
        lv = np.array([r[k] for r in rows if r["drop_deg"] == 0], float)
        dv = np.array([r[k] for r in rows if r["drop_deg"] != 0], float)
        fp, tp = int((np.abs(lv - c) > t).sum()), int((np.abs(dv - c) > t).sum())
        print(f"    {k:7s} centre {c:5.2f} band +-{t:4.2f}: level {np.nanmin(lv):5.1f}..{np.nanmax(lv):5.1f} flagged "
              f"{fp}/{lv.size}; drops flagged {tp}/{dv.size} (precision {tp / max(tp + fp, 1):.2f}, recall "
              f"{tp / max(dv.size, 1):.2f}); per drop: " + " ".join(
                  f"{d:+.0f}:{np.nanmin([r[k] for r in rows if r['drop_deg'] == d]):+.1f}.."
                  f"{np.nanmax([r[k] for r in rows if r['drop_deg'] == d]):+.1f}" for d in DROPS_DEG))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--views", default="feet_1.6m,feet_1.8m,feet_2.0m")
    ap.add_argument("--outfits", default="0,1,2,3,4,5")
    ap.add_argument("--seed", type=int, default=700)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/h18sl"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--camera-look", action="store_true", help="sensor noise (sd 3), 0.7 px blur, 15%% lighting drift")
    ap.add_argument("--free-hip", type=float, default=90.0, help="the free leg's hip angle (renderer default 90)")
    ap.add_argument("--scale", type=float, default=1.0, help="body size")
    ap.add_argument("--band-from", type=Path, help="a --json run whose level sets fit the band applied here")
    args = ap.parse_args()
    views = args.views.split(",")
    extra = {"free_hip_deg": args.free_hip, "scale": args.scale}
    if args.camera_look:
        extra.update(noise=3.0, blur=0.7, lighting=0.15)
    todo = cases(views, args.seed, [int(o) for o in args.outfits.split(",")], **extra)
    rows, t0 = [], time.perf_counter()
    for n, case in enumerate(todo, 1):
        row = read_case(case, load_case(case, args.cache))
        rows.append(row)
        print(f"[{n}/{len(todo)} {time.perf_counter() - t0:.0f}s] {case.view} drop {case.drop_deg:+5.1f} "
              f"o{case.outfit} {case.working}: " + " ".join(f"{k} {row[k]:+5.1f}" for k in READINGS), flush=True)
    summarise(rows, views)
    banded(rows, views)
    if args.band_from:
        band_from(json.loads(args.band_from.read_text()), rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
