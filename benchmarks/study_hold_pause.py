"""Study: which hold measure flags a missing pause at the top without flagging real, drifting holds.

    .venv/bin/python benchmarks/study_hold_pause.py --real DIR --cache /tmp/h18hold/pose [--seed 7]

(DIR: the ``--out`` of ``formcheck analyze`` run on the labelled clips in ../shared/clips.)

Records every side-on rep's hip trace as the analysis times it (``faults.rep_timing``), from
cached landmarks only (nothing is rendered or run through the pose model here): the labelled real
clips (``NAME.landmarks.npz`` written by ``formcheck analyze``, none labelled ``no_top_hold``), the
rendered hold cases (``bench_accuracy.py --cases holds --cache DIR``) and, with ``--seed``, the
suite's side clips from the same cache. Then reads each rep's hold with candidate measures and
prints, per measure, the reps wrongly flagged and wrongly passed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from formcheck.core import faults  # noqa: E402
from formcheck.core.faults import _longest_run, _speed, pause_s  # noqa: E402

MIN_HOLD_S = 0.3
BAND_DEG = 5.0


@dataclass
class RepTrace:
    clip: str
    t_s: np.ndarray  # the rep window's times
    hip: np.ndarray  # ... and hip trace
    top: tuple[int, int]  # the top window (within BAND_DEG of the peak), indices into the above
    judged: bool  # not cut off by the clip's start or end
    true_hold_s: float | None  # commanded hold (rendered), None for real clips (no hold fault labelled;
    # --relabel sets 0)

    @property
    def should_flag(self) -> bool:
        return self.true_hold_s is not None and self.true_hold_s < MIN_HOLD_S - 1e-9


def _record(series, true_holds: list[tuple[float, float, float]] | None) -> list[RepTrace]:
    """Analyse ``series`` and keep each side-on rep's trace; ``true_holds``: (top0, top1, hold_s)."""
    from formcheck.core.analyzer import analyze_series

    seen: list[tuple] = []
    original = faults.rep_timing

    def spy(w, t_s, hip, profile, signal=None):
        tm = original(w, t_s, hip, profile, signal)
        if (signal is None or signal.name == "hip_deg") and w.counted:
            seen.append((w, t_s, hip, tm))
        return tm

    faults.rep_timing = spy
    try:
        report = analyze_series(series)
    finally:
        faults.rep_timing = original
    if not report.view.startswith("side"):
        return []
    out = []
    for w, t_s, hip, tm in seen:
        s, e = w.start_frame, w.end_frame
        true = None
        if true_holds is not None:
            tp = t_s[w.peak_frame]
            near = [h for a, b, h in true_holds if a - 0.5 <= tp <= b + 0.5]
            if not near:
                continue
            true = near[0]
        out.append(RepTrace(series.source, t_s[s:e + 1], hip[s:e + 1], (tm.top_start - s, tm.top_end - s),
                            not (w.opened_at_top or w.closed_at_top), true))
    return out


def real_reps(folder: Path) -> list[RepTrace]:
    from formcheck.core.landmarks import LandmarkSeries

    out = []
    for npz in sorted(folder.glob("*.landmarks.npz")):
        series = LandmarkSeries.load_npz(npz)
        series = LandmarkSeries(series.t_s, series.image, series.image_size, series.world, npz.name, series.meta)
        out += _record(series, None)
    return out


def rendered_reps(specs: list[dict], cache: Path) -> list[RepTrace]:
    from bench_accuracy import _pose_cache_path

    from formcheck.core.landmarks import LandmarkSeries
    from formcheck.synth.motion import MotionParams, simulate

    out = []
    for spec in specs:
        path = _pose_cache_path(spec, False, cache)
        if path is None or not path.exists():
            continue
        params = dict(spec["params"])
        if "rep_overrides" in params:
            params["rep_overrides"] = {int(k): v for k, v in params["rep_overrides"].items()}
        motion = simulate(MotionParams(**params), fps=spec["fps"])
        with np.load(path) as z:
            image, world = z["image"], z["world"]
        series = LandmarkSeries(motion.t_s, image, (spec["camera"]["width"], spec["camera"]["height"]), world,
                                spec["name"], {})
        holds = [(r.top_start_s, r.top_end_s, r.hold_s) for r in motion.reps]
        out += _record(series, holds)
    return out


# ---- candidate measures: (t_s, hip, top window) of one rep -> hold_s ----

def m_band(r: RepTrace, **_) -> float:
    a, b = r.top
    return float(r.t_s[b] - r.t_s[a])


def _top_speed(r: RepTrace, window_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = r.top
    sp = _speed(r.t_s, r.hip, window_s / 2)
    return sp, r.t_s[a:b + 1], sp[a:b + 1]


def m_pause_max(r: RepTrace, frac: float = 0.05, floor: float = 3.0, window_s: float = 0.3) -> float:
    """Shipped "pause" (``faults.pause_s``, speed over the top window only): slower than frac x the
    rep's fastest speed (or the floor)."""
    a, b = r.top
    thr = max(floor, frac * float(np.nanmax(_speed(r.t_s, r.hip, window_s / 2))))
    return pause_s(r.t_s[a:b + 1], r.hip[a:b + 1], thr, window_s / 2)


def _edge_speed(r: RepTrace, sp: np.ndarray, how: str) -> float:
    a, b = r.top
    vin, vout = sp[a], sp[b]
    vals = [v for v in (vin, vout) if np.isfinite(v)]
    if not vals:
        return float("nan")
    return {"min": min(vals), "max": max(vals), "mean": float(np.mean(vals))}[how]


def m_pause_entry(r: RepTrace, frac: float = 0.3, floor: float = 0.0, window_s: float = 0.3,
                  how: str = "min") -> float:
    """Slower than frac x the speed at which the hip enters / leaves the top window."""
    sp, t, top = _top_speed(r, window_s)
    thr = max(floor, frac * _edge_speed(r, sp, how))
    return _longest_run(np.isfinite(top) & (top <= thr), t)[0]


def m_band_minus_turn(r: RepTrace, shape: float = 2.0, window_s: float = 0.3, edge_s: float = 0.0) -> float:
    """Window time minus what a turn at the entry and exit speeds spends in the band
    (shape x band / speed on each side: 2 for constant deceleration, 3 for a cubic approach).
    edge_s: take the edge speed this far outside the window (the slope there is not yet bent by the turn)."""
    a, b = r.top
    sp = _speed(r.t_s, r.hip, window_s / 2)
    if edge_s > 0:
        ia = int(np.searchsorted(r.t_s, r.t_s[a] - edge_s))
        ib = min(int(np.searchsorted(r.t_s, r.t_s[b] + edge_s)), r.t_s.size - 1)
        vin, vout = sp[ia], sp[ib]
    else:
        vin, vout = sp[a], sp[b]
    win = float(r.t_s[b] - r.t_s[a])
    turn = shape * BAND_DEG * (1.0 / vin + 1.0 / vout)
    return max(0.0, win - turn) if np.isfinite(turn) else win


def m_still(r: RepTrace, deg: float = 0.5) -> float:
    """Time within ``deg`` of the peak (a tight band: no drift allowance, no speed)."""
    a, b = r.top
    p = a + int(np.nanargmax(r.hip[a:b + 1]))
    near = np.isfinite(r.hip) & (r.hip >= r.hip[p] - deg)
    lo = hi = p
    while lo > a and near[lo - 1]:
        lo -= 1
    while hi < b and near[hi + 1]:
        hi += 1
    return float(r.t_s[hi] - r.t_s[lo])


MEASURES = {
    "band": (m_band, [{}]),
    "still": (m_still, [{"deg": d} for d in (0.25, 0.5, 1.0, 2.0)]),
    "pause_max": (m_pause_max, [{"frac": f, "floor": fl, "window_s": w} for f in (0.0, 0.05, 0.1, 0.2)
                                for fl in (3.0, 5.0, 8.0, 10.0, 12.0, 15.0) for w in (0.1, 0.15, 0.2, 0.3)]),
    "pause_entry": (m_pause_entry, [{"frac": f, "floor": fl, "window_s": w, "how": h}
                                    for f in (0.1, 0.2, 0.3, 0.4) for fl in (0.0, 5.0, 8.0, 10.0)
                                    for w in (0.1, 0.15, 0.2, 0.3) for h in ("min", "mean")]),
    "band_minus_turn": (m_band_minus_turn, [{"shape": s, "window_s": w, "edge_s": e} for s in (0.5, 1.0, 1.5, 2.0, 3.0)
                                            for w in (0.1, 0.2, 0.3) for e in (0.0, 0.1)]),
}


def score(reps: list[RepTrace], fn, kw: dict) -> dict:
    """Wrong flags on real clips (false positives), on rendered holds, and missed no-holds."""
    fp_real = fp_rend = fn_rend = n_real = n_flag = n_ok = 0
    by_clip: dict[str, int] = {}
    for r in reps:
        if not r.judged:
            continue
        flagged = fn(r, **kw) < MIN_HOLD_S
        if r.true_hold_s is None:
            n_real += 1
            fp_real += flagged
            if flagged:
                key = r.clip.split("_")[0] + "_" + r.clip.split("_")[-1].split(".")[0]
                by_clip[key] = by_clip.get(key, 0) + 1
        elif r.should_flag:
            n_flag += 1
            fn_rend += not flagged
        else:
            n_ok += 1
            fp_rend += flagged
    return {"fp_real": fp_real, "n_real": n_real, "fp_rend": fp_rend, "n_ok": n_ok, "miss": fn_rend, "n_flag": n_flag,
            "by_clip": by_clip}


def print_readings(reps: list[RepTrace]) -> None:
    """Per clip, the range over its judged reps of the band, the shipped pause and the time within
    0.5 deg of the peak."""
    shipped = {"frac": 0.05, "floor": 3.0, "window_s": 0.3}
    print("clip: band s | shipped pause s | within 0.5 deg of the peak s (min-max over its judged reps)")
    for clip in dict.fromkeys(r.clip for r in reps):
        mine = [r for r in reps if r.clip == clip and r.judged]
        if not mine:
            continue
        cols = []
        for fn, kw in ((m_band, {}), (m_pause_max, shipped), (m_still, {"deg": 0.5})):
            v = [fn(r, **kw) for r in mine]
            cols.append(f"{min(v):.2f}-{max(v):.2f}")
        print(f"  {clip:42s} {' | '.join(cols)}")


def print_truth(specs: list[dict]) -> None:
    """The renderer's own hip near the top of its second rep (no pose model): how long it rests."""
    from formcheck.synth.motion import MotionParams, simulate

    print("rendered truth, rep 2: within 0.5 deg of the peak s")
    for spec in specs:
        m = simulate(MotionParams(**spec["params"]), fps=spec["fps"])
        r = m.reps[1]
        sel = (m.t_s >= r.start_s) & (m.t_s <= r.end_s)
        t, hip = m.t_s[sel], m.truth.hip_extension_deg[sel]
        near = t[hip >= hip.max() - 0.5]
        print(f"  {spec['name']:42s} {near[-1] - near[0]:.2f}")


def print_grid(reps: list[RepTrace], top: int) -> None:
    rows = []
    for name, (fn, grid) in MEASURES.items():
        for kw in grid:
            s = score(reps, fn, kw)
            rows.append((s["fp_real"] + s["fp_rend"] + s["miss"], name, kw, s))
    rows.sort(key=lambda x: x[0])
    catch = [row for row in rows if row[3]["miss"] == 0]
    print(f"best {top} of {len(rows)} settings, then the best {top} of the {len(catch)} that flag every rep "
          "without a hold")
    for errs, name, kw, s in rows[:top] + catch[:top]:
        print(f"{errs:3d} errors  {name:16s} {kw}  real flagged {s['fp_real']}/{s['n_real']}, "
              f"held flagged {s['fp_rend']}/{s['n_ok']}, no-hold missed {s['miss']}/{s['n_flag']} {s['by_clip']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", type=Path, required=True, help="folder of NAME.landmarks.npz of the labelled clips")
    ap.add_argument("--cache", type=Path, required=True, help="bench_accuracy.py's --cache folder")
    ap.add_argument("--seed", type=int, default=None, help="also the suite's side clips of this seed")
    ap.add_argument("--size", default="480x360")
    ap.add_argument("--top", type=int, default=10, help="settings printed")
    ap.add_argument("--relabel", default="", help="what if: this real clip's reps have no hold (NAME without .mp4)")
    ap.add_argument("--skip", default="", help="what if: leave out the rendered case of this name")
    ap.add_argument("--detail", default="", help="print each rep's reading for these measure settings "
                    "(name:key=val,key=val)")
    args = ap.parse_args()
    from accuracy_cases import hold_cases
    from bench_accuracy import build_suite

    size = tuple(int(v) for v in args.size.split("x"))
    holds = hold_cases(size)
    specs = holds + ([s for s in build_suite(args.seed, size) if "_side_" in s["name"]] if args.seed is not None else [])
    reps = real_reps(args.real) + rendered_reps(specs, args.cache)
    if args.relabel:
        reps = [replace(r, true_hold_s=0.0) if r.clip.startswith(args.relabel + ".") else r for r in reps]
    if args.skip:
        reps = [r for r in reps if r.clip != args.skip]
    print(f"{len(reps)} side-on reps ({sum(r.true_hold_s is None for r in reps)} real with a hold, "
          f"{sum(r.should_flag for r in reps)} without a hold)")
    if args.detail:
        name, _, rest = args.detail.partition(":")
        kw = {k: (v if k == "how" else float(v)) for k, v in (p.split("=") for p in rest.split(",") if p)}
        for r in reps:
            true = "real" if r.true_hold_s is None else f"{r.true_hold_s:.1f}"
            print(f"{r.clip:42s} true {true:>4s} judged {int(r.judged)} band {m_band(r):.2f} "
                  f"{name} {MEASURES[name][0](r, **kw):.2f}")
        return 0
    print_readings(reps)
    print_truth(holds)
    print_grid(reps, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
