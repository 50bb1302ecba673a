"""Experiment: reps from a view-free signal, measured against the renderer's truth.

    .venv/bin/python benchmarks/bench_accuracy.py --only front --cache /tmp/h18/pose   # fills the cache
    .venv/bin/python benchmarks/bench_view_free_reps.py --cache /tmp/h18/pose [--families front,back,side]

A rep is periodic motion of the whole body whatever the view. The signal: the first principal
component of the shoulders', hips', knees' and ankles' image tracks (relative to the mid-shoulder,
in shoulder widths, smoothed as offline analysis does), signed so that it rises with the hips and
scaled so the set's 5-95% range reads as a rendered rep's 0.55 shoulder widths. It goes through
the same hysteresis segmenter as the hips' lift (``[lift]`` settings), offline only: the component
needs the whole set. Printed side by side with the shipped pipeline's count where bench_accuracy's
JSON (``--json``) has it. Uses the pose landmarks cached by bench_accuracy.py ``--cache`` (clips
not in the cache are skipped).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy_cases import limits_suite  # noqa: E402
from bench_accuracy import _pose_cache_path, build_suite  # noqa: E402

from formcheck.core.profile import load_profile  # noqa: E402
from formcheck.core.reps import Segmenter  # noqa: E402
from formcheck.core.signals import reps_config  # noqa: E402
from formcheck.core.smoothing import smooth_offline  # noqa: E402
from formcheck.synth.motion import MotionParams, simulate  # noqa: E402

JOINTS = [11, 12, 23, 24, 25, 26, 27, 28]
REP_RISE_SW = 0.55  # a rendered bench rep's hip lift, shoulder widths (profile [lift] comment)


def view_free_signal(t_s: np.ndarray, image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The first principal component of the body's keypoint tracks, rising with the hips."""
    px = image[..., :2] * np.asarray(size, float)
    sh = 0.5 * (px[:, 11] + px[:, 12])
    width = np.nanmedian(np.linalg.norm(px[:, 11] - px[:, 12], axis=-1))
    torso = np.nanmedian(np.linalg.norm(sh - 0.5 * (px[:, 23] + px[:, 24]), axis=-1))
    x = ((px[:, JOINTS] - sh[:, None]) / max(width, 0.5 * torso)).reshape(len(t_s), -1)
    xs = np.stack([smooth_offline(t_s, x[:, j], sigma_s=0.06, max_gap_s=0.5, spike_min_deg=0.15)
                   for j in range(x.shape[1])], axis=1)
    ok = np.isfinite(xs).all(1)
    mu = xs[ok].mean(0)
    _, _, vt = np.linalg.svd(xs[ok] - mu, full_matrices=False)
    score = (xs - mu) @ vt[0]
    hip_up = -(px[:, 23, 1] + px[:, 24, 1])
    if np.corrcoef(score[ok], hip_up[ok])[0, 1] < 0:
        score = -score
    lo, hi = np.nanpercentile(score, [5, 95])
    return score / max(hi - lo, 1e-9) * REP_RISE_SW


def count_reps(t_s: np.ndarray, signal: np.ndarray) -> int:
    seg = Segmenter(reps_config(load_profile("single-leg-hip-thrust"), "front"))
    wins = []
    for i in range(t_s.size):
        wins += seg.step(i, float(t_s[i]), float(signal[i]), 90.0)[1]
    wins += seg.finish()
    return sum(w.counted for w in wins)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--families", default="front,back,side")
    ap.add_argument("--json", type=Path, nargs="*", default=[], help="bench_accuracy JSON(s) for the current counts")
    args = ap.parse_args()
    current = {c["name"]: c["pipeline"]["reps"] for j in args.json for c in json.loads(j.read_text())["clips"]
               if "pipeline" in c}
    tally: dict[str, list[tuple[bool, bool | None]]] = {}
    for spec in build_suite(7, (480, 360)) + limits_suite((480, 360)):
        path = _pose_cache_path(spec, False, args.cache)
        if spec["family"] not in args.families.split(",") or path is None or not path.exists():
            continue
        params = dict(spec["params"])
        params["rep_overrides"] = {int(k): v for k, v in params.get("rep_overrides", {}).items()}
        motion = simulate(MotionParams(**params), fps=spec["fps"])
        with np.load(path) as z:
            image = z["image"]
        n = count_reps(motion.t_s, view_free_signal(motion.t_s, image, (spec["camera"]["width"], spec["camera"]["height"])))
        now = current.get(spec["name"])
        tally.setdefault(spec["family"], []).append((n == motion.rep_count, None if now is None else now == motion.rep_count))
        print(f"{spec['name']:34s} true {motion.rep_count}  view-free {n}  shipped {'-' if now is None else now}")
    for fam, rows in tally.items():
        known = [b for _, b in rows if b is not None]
        print(f"{fam:8s} view-free exact {sum(a for a, _ in rows)}/{len(rows)}"
              + (f", shipped exact {sum(known)}/{len(known)}" if known else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
