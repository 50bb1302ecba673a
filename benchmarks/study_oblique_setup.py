"""Set-up or rep from oblique cameras: what each straight-knee "top" reads, from cached landmarks.

Offline, a top whose knee reads straight gets a second look (formcheck/core/setup.py): it counts
when the torso line turned at least ``setup_min_torso_turn_deg`` and the movement repeats. For
every segmenter window of every oblique clip this prints the knee at its peak and the torso's
turn read three ways: the image line (foreshortened obliquely, direction-free), the world
landmarks' pitch over the floor (signed), and what the analysis uses (``m["torso_deg"]``). Each
window is labelled with the truth: the true rep whose top it peaks in, or "set-up"/"other".

Never runs the pose model: clips without cached landmarks (bench_accuracy.py ``--cache``) are
listed as missing.

    .venv/bin/python benchmarks/study_oblique_setup.py --cache /tmp/h18obl/pose --seed 7
    .venv/bin/python benchmarks/study_oblique_setup.py --cache DIR --cases plate,oblique
    .venv/bin/python benchmarks/study_oblique_setup.py --compare BEFORE.json AFTER.json
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_accuracy import _pose_cache_path, build_suite  # noqa: E402

from formcheck.core.analyzer import Analyzer  # noqa: E402
from formcheck.core.kinematics import leg_geometry  # noqa: E402
from formcheck.core.landmarks import LandmarkSeries  # noqa: E402
from formcheck.core.reps import RepWindow, Segmenter  # noqa: E402
from formcheck.core.setup import torso_turn_deg  # noqa: E402
from formcheck.core.signals import rep_signal, reps_config  # noqa: E402
from formcheck.core.smoothing import smooth_offline  # noqa: E402
from formcheck.synth.camera import Camera  # noqa: E402
from formcheck.synth.motion import MotionParams, simulate  # noqa: E402
from formcheck.synth.render import Renderer, RenderOptions  # noqa: E402


def _world_pitch_deg(world: np.ndarray, min_vis: float) -> np.ndarray:
    """The mid-hip -> mid-shoulder line's signed pitch over the floor in MediaPipe's world frame
    (y down), + = shoulders above the hips: an angle that no camera azimuth foreshortens."""
    xyz = np.where((world[:, :, 3] >= min_vis)[..., None], world[:, :, :3], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame without a person: NaN
        d = np.nanmean(xyz[:, [11, 12]], axis=1) - np.nanmean(xyz[:, [23, 24]], axis=1)
    return np.degrees(np.arctan2(-d[:, 1], np.hypot(d[:, 0], d[:, 2])))


def _torso_reads(series: LandmarkSeries, min_vis: float, sigma_s: float, spike_deg: float) -> dict[str, np.ndarray]:
    """The torso line per frame from the image (as side-on) and from the world landmarks,
    smoothed as offline."""
    w, h = series.image_size
    px = series.image[:, :, :2] * np.array([w, h], float)
    out = {"image": leg_geometry(px, np.nan_to_num(series.image[:, :, 3]), min_vis)[1]["torso_deg"]}
    if series.world is not None:
        out["world"] = _world_pitch_deg(series.world, min_vis)
    return {k: smooth_offline(series.t_s, v, sigma_s=sigma_s, max_gap_s=0.5, spike_min_deg=spike_deg)
            for k, v in out.items()}


def _truth_of(win: RepWindow, motion) -> str:
    t = float(motion.t_s[win.peak_frame])
    for rep in motion.reps:
        if rep.start_s <= t <= rep.end_s:
            return f"rep {rep.index}"
    first = min((r.start_s for r in motion.reps), default=np.inf)
    return "set-up" if t < first and motion.params.setup else "other"


def _windows(series: LandmarkSeries, motion=None, keep: bool = True) -> list[dict]:
    """One row per segmenter window (before the set-up decision); ``motion`` labels the truth.
    Unless ``keep``, a set not read as oblique has no rows."""
    an = Analyzer(series.image_size, source=series.source)
    an.extend(series)
    report = an.finish()
    if not keep and report.view != "oblique":
        return []
    profile = report.exercise_profile
    t, image, world = an._arrays()
    m = an._offline_table(profile, report.view, t, image, world, an._near_leg(image))
    seg = Segmenter(reps_config(profile, report.view, offline=True, view_confidence=report.view_confidence))
    sig = m[rep_signal(profile, report.view, offline=True).name]
    windows: list[RepWindow] = []
    for i in range(t.size):
        windows.extend(seg.step(i, float(t[i]), float(sig[i]), float(m["knee_deg"][i]))[1])
    windows.extend(seg.finish())
    reads = _torso_reads(series, profile.measure.min_visibility, profile.smoothing.offline_sigma_s,
                         profile.smoothing.spike_min_deg)
    head = {"clip": series.source, "view": report.view,
            "reps": f"{report.rep_count}/{motion.rep_count if motion is not None else '?'}"}
    if motion is not None:
        sure = report.view_confidence >= profile.view.min_confidence
        _knee_reads(series.source, report.view if sure else f"{report.view}?", m["knee_deg"], motion)
    rows = []
    for w in windows:
        row = {**head, "peak": w.peak_frame, "truth": _truth_of(w, motion) if motion is not None else "real",
               "knee": w.knee_at_peak_deg, "straight": w.straight_knee, "counted": w.counted,
               "used": torso_turn_deg(w, m["torso_deg"])}
        for k, v in reads.items():
            row[k] = torso_turn_deg(w, v)
        rows.append(row)
    return rows or [{**head, "peak": -1, "truth": "-"}]


KNEE_READS: list[dict] = []


def _knee_reads(name: str, view: str, knee_deg: np.ndarray, motion) -> None:
    """The analysis's knee over the true top holds and over the frames lying flat (true knee
    over 170 deg, straight legs), kept for the summary."""
    top = motion.phase == "top"
    flat = motion.truth.knee_deg > 170.0
    KNEE_READS.append({"clip": name, "view": view, "top": knee_deg[top & np.isfinite(knee_deg)],
                       "flat": knee_deg[flat & np.isfinite(knee_deg)]})


def study_clip(spec: dict, cache: Path) -> list[dict] | None:
    """The rows of one rendered clip from its cached landmarks (none unless it is filmed or read
    as oblique), or None when not cached."""
    path = _pose_cache_path(spec, False, cache) if cache is not None else None
    if path is None or not path.exists():
        return None
    params = dict(spec["params"])
    if "rep_overrides" in params:
        params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
    motion = simulate(MotionParams(**params), fps=spec["fps"])
    cam = Renderer(motion, Camera(**spec["camera"]), RenderOptions(**spec["options"])).camera
    with np.load(path) as z:
        series = LandmarkSeries(motion.t_s, z["image"], (cam.width, cam.height), z["world"], spec["name"], {})
    rows = _windows(series, motion, keep=spec["family"] == "oblique")
    return rows


def _specs(seed: int | None, cases: str | None, size: tuple[int, int]) -> list[dict]:
    specs: list[dict] = []
    if seed is not None:
        specs += build_suite(seed, size)
    if cases:
        from accuracy_cases import limits_suite
        specs += limits_suite(size, cases)
    return specs


def _summary(rows: list[dict]) -> None:
    def span(vals: list[float]) -> str:
        v = [x for x in vals if np.isfinite(x)]
        return f"{min(v):5.1f}-{max(v):5.1f} (n={len(v)})" if v else "-"

    reps = [r for r in rows if str(r.get("truth", "")).startswith("rep")]
    other = [r for r in rows if r.get("truth") in ("set-up", "other")]
    print("\nTorso turn (deg), true reps: image / world ; knee at the peak")
    for label, sel in (("all true-rep windows", reps), ("true reps read straight", [r for r in reps if r["straight"]]),
                       ("set-up / other windows", other)):
        print(f"  {label:26s} image {span([r['image'] for r in sel])}  world {span([r.get('world', np.nan) for r in sel])}"
              f"  knee {span([r['knee'] for r in sel])}")


def _knee_summary() -> None:
    print("\nKnee as the analysis reads it (deg): true top holds p5-p95 | lying flat min-median"
          " (view? = under [view] min_confidence)")
    for k in KNEE_READS:
        top = f"{np.percentile(k['top'], 5):6.1f}-{np.percentile(k['top'], 95):6.1f}" if k["top"].size else "   -"
        flat = f"{k['flat'].min():6.1f}-{np.median(k['flat']):6.1f}" if k["flat"].size else "   -"
        print(f"  {k['clip'][:40]:40s} {k['view'][:8]:8s} top {top}   flat {flat}")
    for label, sel in (("read as oblique, sure", [k for k in KNEE_READS if k["view"] == "oblique"]),
                       ("read as oblique, uncertain", [k for k in KNEE_READS if k["view"] == "oblique?"]),
                       ("read as another view", [k for k in KNEE_READS if not k["view"].startswith("oblique")])):
        tops = np.concatenate([k["top"] for k in sel]) if sel else np.zeros(0)
        flats = np.concatenate([k["flat"] for k in sel]) if sel else np.zeros(0)
        print(f"  clips {label} ({len(sel)}): true top frames max "
              f"{tops.max() if tops.size else np.nan:.1f}; lying-flat frames min "
              f"{flats.min() if flats.size else np.nan:.1f}, p1 {np.percentile(flats, 1) if flats.size else np.nan:.1f}")


def _outcome(clip: dict) -> dict:
    """What a clip's pipeline run reports, for a before/after comparison."""
    run = clip.get("pipeline") or {}
    score = run.get("score") or {}
    return {"reps": run.get("reps"), "view": run.get("view"), "exercise": run.get("exercise"),
            "exact": score.get("reps_exact"), "mismatches": score.get("mismatches"),
            "faults": score.get("counts"), "holds": run.get("holds_s"), "angles": run.get("angles"),
            "not_judged": run.get("not_judged"), "warnings": run.get("warnings"), "error": clip.get("error")}


def compare(before: Path, after: Path) -> int:
    """Clip by clip, every difference in reps, view, exercise, fault counts and mismatches
    between two bench_accuracy.py --json runs on the same cached landmarks."""
    runs = [{c["name"]: c for c in json.loads(p.read_text())["clips"]} for p in (before, after)]
    changed = 0
    for name in sorted(set(runs[0]) | set(runs[1])):
        a, b = (_outcome(r[name]) if name in r else {"missing": True} for r in runs)
        if a != b:
            changed += 1
            print(f"  {name}:")
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    print(f"    {key}: {a.get(key)} -> {b.get(key)}")
    exact = [sum(bool(_outcome(c)["exact"]) for c in r.values()) for r in runs]
    print(f"{len(runs[1])} clips, {changed} changed; reps exact {exact[0]} -> {exact[1]}")
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=None, help="the suite's oblique clips of this seed")
    ap.add_argument("--cases", default=None, help="targeted case groups (accuracy_cases.py), e.g. plate,oblique")
    ap.add_argument("--real", type=Path, default=None, help="also every NAME.landmarks.npz in this folder")
    ap.add_argument("--size", default="480x360")
    ap.add_argument("--compare", type=Path, nargs=2, default=None, metavar=("BEFORE", "AFTER"),
                    help="compare two bench_accuracy.py --json runs clip by clip instead")
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return 0
    size = tuple(int(v) for v in args.size.split("x"))
    rows: list[dict] = []
    missing = []
    print(f"{'clip':40s} {'view':>6s} {'reps':>5s} {'peak':>4s} {'truth':7s} {'knee':>6s} str cnt "
          f"{'image':>6s} {'world':>6s} {'used':>6s}")
    found: list[list[dict] | str] = []
    for spec in _specs(args.seed, args.cases, size):
        got = study_clip(spec, args.cache)
        found.append(spec["name"] if got is None else got)
    if args.real is not None:
        found += [_windows(LandmarkSeries.load_npz(p)) for p in sorted(args.real.glob("*.npz"))]
    for got in found:
        if isinstance(got, str):
            missing.append(got)
            continue
        for r in got:
            rows.append(r)
            if r["peak"] < 0:
                print(f"{r['clip'][:40]:40s} {r['view'][:6]:>6s} {r['reps']:>5s}  no window")
                continue
            print(f"{r['clip'][:40]:40s} {r['view'][:6]:>6s} {r['reps']:>5s} {r['peak']:4d} {r['truth']:7s} {r['knee']:6.1f} "
                  f"{'S' if r['straight'] else '-':>3s} {'C' if r['counted'] else '-':>3s} {r['image']:6.1f} "
                  f"{r.get('world', np.nan):6.1f} {r['used']:6.1f}")
    _summary(rows)
    _knee_summary()
    if missing:
        print(f"\nnot cached ({len(missing)}): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
