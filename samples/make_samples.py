"""Regenerate every sample clip in this folder, deterministically.

    .venv/bin/python samples/make_samples.py            # render all (about 4 minutes on 2 cores)
    .venv/bin/python samples/make_samples.py --check    # ... then analyse each and compare with its truth
    .venv/bin/python samples/make_samples.py --only slht_left_good --check

Each clip is made by exactly the ``formcheck render`` command listed in SAMPLES (options after
``formcheck render --out samples --name NAME``); the truth JSON records the same command.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Shared tempo: 3 reps of 0.8 s up, 0.8 s hold, 1.2 s down, 0.4 s pause -> about 11 s a clip.
TEMPO = "--reps 3 --concentric 0.8 --hold 0.8 --eccentric 1.2 --bottom-pause 0.4"

#: name -> (what it shows, options of `formcheck render`)
SAMPLES: dict[str, tuple[str, str]] = {
    "slht_left_good": ("single-leg hip thrust, left leg working, good form; camera on the right side (far leg works)",
                       f"--side left --view side_left {TEMPO} --seed 1"),
    "slht_right_good": ("single-leg hip thrust, right leg working, good form; camera on the left side (far leg works)",
                        f"--side right --view side_right {TEMPO} --seed 2"),
    "slht_incomplete_hip_extension": ("hips stop at 150 deg (profile fault below 165)",
                                      f"--side left --view side_left {TEMPO} --peak-hip 150 --seed 3"),
    "slht_back_hyperextension": ("hips pushed to 207 deg, arching past the line (profile fault above 200; the "
                                 "analysis caps readings at 210, see README)",
                                 f"--side right --view side_left {TEMPO} --peak-hip 207 --seed 4"),
    "slht_neck_hyperextension": ("head dropped back to -40 deg at the top (fault below -10): upper back on a narrow "
                                 "box (0.14 m) so the head hangs past it, camera at 1.0 m so the head shows over "
                                 "the near arm",
                                 f"--side right --view side_right --height 1.0 --bench-depth 0.14 {TEMPO} "
                                 "--neck-top -40 --seed 5"),
    "slht_elbow_push": ("elbows bent on the bench and pushing: elbow opens 45 deg, shoulders rise",
                        f"--side left --view side_left {TEMPO} --elbow-push 1.0 --seed 6"),
    "slht_no_top_hold": ("no pause at the top (0 s hold, 0.35 s up, 0.9 s down: 0.26 s within 5 deg of the peak)",
                         "--side right --view side_right --reps 4 --concentric 0.35 --hold 0 --eccentric 0.9 "
                         "--bottom-pause 0.6 --seed 7"),
    "slht_foot_placement": ("foot too far out: knee 122 deg at the top (fault outside 75-105)",
                            f"--side left --view side_left {TEMPO} --knee-top 122 --bottom-hip 118 --seed 8"),
    "slht_free_leg_touch": ("the free foot touches down in the middle of each descent",
                            f"--side left --view side_left {TEMPO} --free-foot-touch --seed 9"),
    "slht_free_leg_low": ("free leg held low: hip angle 140 deg (flexion 40, fault outside 60-120)",
                          f"--side right --view side_right {TEMPO} --free-leg-hip 140 --seed 10"),
    "slht_fast_descent": ("drops in 0.2 s (profile fault below 0.42 s between the tempo bands, ~0.5 s in full)",
                          f"--side left --view side_left {TEMPO} --eccentric 0.2 --seed 11"),
    "slht_unlevel_hips_front": ("free-side hip drops 14 deg at the top; camera low at the feet (0.45 m): reps "
                                "counted, hip level reported as not judged (MediaPipe's hips follow the lifted "
                                "thigh)",
                                f"--side left --view front --height 0.45 {TEMPO} --pelvic-drop 14 --seed 12"),
    "hip_thrust_unlevel_hips_front": ("two-leg hip thrust, left hip drops 14 deg at the top; camera at the feet "
                                      "1.3 m high so the pelvis is in plain view: reps counted on the hips' lift, "
                                      "hip level reported as not judged (MediaPipe's hip line stays level; "
                                      "the waistband reading needs the camera at about 2 m)",
                                      f"--exercise hip-thrust --view front --height 1.3 {TEMPO} --pelvic-drop 14 "
                                      "--seed 12"),
    "slht_two_up_one_down": ("rise on both feet, lift the free leg at the top, lower on one leg",
                             f"--side left --view side_left --variation two-up-one-down {TEMPO} --seed 13"),
    "glute_bridge_good": ("two-leg glute bridge on the floor (a mat), good form",
                          f"--exercise glute-bridge --view side_left {TEMPO} --seed 14"),
    "slht_lie_flat_setup": ("3 s lying with straight legs first (not a rep), then 2 good reps",
                            "--side left --view side_left --setup lie_flat --reps 2 --concentric 0.8 --hold 0.8 "
                            "--eccentric 1.2 --bottom-pause 0.4 --seed 15"),
    "slht_oblique_busy": ("oblique camera (azimuth 55 deg), a bystander walking behind, sensor noise and a slow "
                          "light change; only tempo faults are judged from oblique views",
                          f"--side right --view oblique --yaw 55 {TEMPO} --second-person moving --noise 4 "
                          "--lighting 0.25 --seed 16"),
}


def _app():
    import typer

    from formcheck.cli.render import render

    app = typer.Typer(add_completion=False)
    app.command()(render)
    return app


def make(name: str, out: Path) -> None:
    import os
    import shlex

    args = ["--out", os.path.relpath(out), "--name", name] + shlex.split(SAMPLES[name][1]) + ["--no-landmarks"]
    try:
        _app()(args, standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover - typer exits on errors
        if exc.code:
            raise


def check(name: str, out: Path) -> bool:
    from formcheck.pipeline import analyze_path
    from formcheck.synth.suite import score_clip

    truth = json.loads((out / f"{name}.truth.json").read_text())
    res = analyze_path(out / f"{name}.mp4", out_dir=Path("/tmp/formcheck-samples-check"), annotate=False)
    sc = score_clip(res.report, truth)
    got = {r.index: sorted(f.code for f in r.faults if f.severity == "fault") for r in res.report.reps}
    ok = sc.reps_exact and sc.faults_exact
    print(f"{'OK ' if ok else 'BAD'} {name}: reps {sc.detected_reps}/{sc.true_reps} view {sc.detected_view} "
          f"expected {truth['expected']['faults_by_rep']} got {got}" + ("" if ok else f"  {sc.mismatches}"))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="names to make (default: all)")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--check", action="store_true", help="analyse each clip and compare with its truth")
    ap.add_argument("--no-render", action="store_true", help="only --check the existing clips")
    args = ap.parse_args()
    names = args.only or list(SAMPLES)
    unknown = [n for n in names if n not in SAMPLES]
    if unknown:
        print(f"unknown sample(s): {unknown}; known: {list(SAMPLES)}", file=sys.stderr)
        return 2
    bad = 0
    for n in names:
        if not args.no_render:
            t0 = time.perf_counter()
            make(n, args.out)
            print(f"rendered {n} in {time.perf_counter() - t0:.0f} s")
        if args.check:
            bad += not check(n, args.out)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
