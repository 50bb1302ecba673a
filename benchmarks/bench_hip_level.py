"""Hip level through the shipped path: rendered two-leg sets from the feet -> ``analyze_path``.

``study_hip_image.py`` measured candidate readings on cached frames; this runs what ships
(``formcheck analyze``: the pose pass, the report, the waistband read at each rep's top,
``unlevel_hips`` judged with the profile's thresholds) on fresh renders, per camera height: level
sets and pelvic drops of 8 and 12 deg on either side, across the renderer's outfits, clean or
with ``--camera-look`` (sensor noise, blur, lighting drift). Prints, per height, the reps flagged
on level sets and on drops, the reps not judged (no reading), and precision / recall per rep.

    .venv/bin/python benchmarks/bench_hip_level.py [--heights 1.6,2.0] [--size 480x360] [--camera-look]

Each set is 2 reps, rendered at 15 fps into a temporary folder (about 5 s a set on one core).
Not a test: the figures go in the README ("Hip level from the image itself").
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.core.vocab import FaultCode  # noqa: E402

DROPS_DEG = (0.0, 8.0, -8.0, 12.0, -12.0)


def run_set(folder: Path, height_m: float, size: tuple[int, int], drop_deg: float, outfit: int, seed: int,
            look: dict[str, float]) -> tuple[int, int, int, str]:
    """(reps, reps flagged, reps not judged, the view found) of one rendered set."""
    from formcheck.pipeline import analyze_path
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams
    from formcheck.synth.render import RenderOptions, render_clip

    side = "left" if seed % 2 else "right"
    p = MotionParams(exercise="hip_thrust", reps=2, working_side=side, pelvic_drop_deg=drop_deg, seed=seed,
                     concentric_s=0.8, hold_s=0.8, eccentric_s=1.2, bottom_pause_s=0.4)
    name = f"h{height_m:g}_d{drop_deg:+.0f}_o{outfit}_s{seed}"
    clip = render_clip(p, Camera("front", height_m=height_m, width=size[0], height=size[1]), folder, name,
                       fps=15, options=RenderOptions(seed=seed, outfit=outfit, **look), save_landmarks=False)
    report = analyze_path(clip.video, exercise="hip-thrust", out_dir=folder / "out", annotate=False,
                          use_cache=False, html=False, jobs=1).report
    flagged = sum(any(f.code == FaultCode.UNLEVEL_HIPS for f in r.faults) for r in report.reps)
    # core/hip_level.py names the reps it could not read ("... on any rep: ..." / "... on reps 1, 3: ...");
    # any other reason (the view was not found to be from the feet) leaves every rep not judged
    not_judged = 0
    for n in report.not_assessed:
        if n.code != FaultCode.UNLEVEL_HIPS:
            continue
        head = n.reason.split(":")[0]
        if head.startswith("hip level was not judged on reps "):
            not_judged += len(head.split(","))
        else:
            not_judged = report.rep_count
    return report.rep_count, flagged, not_judged, report.view


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heights", default="1.6,2.0")
    ap.add_argument("--size", default="480x360")
    ap.add_argument("--outfits", default="0,1,2,3,4,5")
    ap.add_argument("--seed", type=int, default=300)
    ap.add_argument("--camera-look", action="store_true")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    look = {"noise": 3.0, "blur": 0.7, "lighting": 0.15} if args.camera_look else {}
    heights = [float(h) for h in args.heights.split(",")]
    outfits = [int(o) for o in args.outfits.split(",")]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_hip_level_") as tmp:
        for height in heights:
            tally = {"level": [0, 0, 0], "drop": [0, 0, 0]}   # reps, flagged, not judged
            for k, (drop, outfit) in enumerate(itertools.product(DROPS_DEG, outfits)):
                reps, flagged, unread, view = run_set(Path(tmp), height, size, drop, outfit, args.seed + k, look)
                row = tally["level" if drop == 0 else "drop"]
                row[0] += reps
                row[1] += flagged
                row[2] += unread
                print(f"[{time.perf_counter() - t0:5.0f}s] {height:g} m drop {drop:+5.1f} outfit {outfit}: "
                      f"{reps} reps, {flagged} flagged, {unread} not judged (view {view})", flush=True)
            (lr, lf, lu), (dr, df, du) = tally["level"], tally["drop"]
            precision = df / (df + lf) if df + lf else float("nan")
            print(f"== {height:g} m, {size[0]}x{size[1]}{' camera look' if look else ''}: level reps {lr} "
                  f"(flagged {lf}, not judged {lu}); dropped reps {dr} (flagged {df}, not judged {du}); "
                  f"precision {precision:.2f}, recall {df / max(dr, 1):.2f} (a rep not judged counts as missed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
