"""Reps from the feet and the head: the hips' lift against the whole body's movement, same frames.

    .venv/bin/python benchmarks/bench_accuracy.py --cases endon --cache /tmp/h18b/pose    # fills the cache
    .venv/bin/python benchmarks/bench_accuracy.py --only front --cache /tmp/h18b/pose     # (and back, side)
    .venv/bin/python benchmarks/bench_view_free_reps.py --cache /tmp/h18b/pose [--families front,back]

Offline, end-on sets are segmented and timed on ``body_lift_sw`` (core/body_lift.py: the first
principal component of the shoulders', hips', knees' and ankles' image tracks) when the profile's
``[lift] offline_body`` is on (the default). Each clip in the pose cache (the main suite of
bench_accuracy.py, its limits cases and its end-on cases) goes through ``analyze_series`` twice, as
bench_accuracy's pipeline does (exercise auto): with ``offline_body = false`` (the hips' lift, as
shipped before) and as shipped now. Printed per clip and per view family: reps exact, and the
fault errors (false positives + misses) against the renderer's truth, so that a better count
that times reps worse would show. Clips not in the cache are skipped: no pose model runs here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy_cases import endon_cases, limits_suite  # noqa: E402
from bench_accuracy import _pose_cache_path, build_suite  # noqa: E402

from formcheck.core.analyzer import analyze_series  # noqa: E402
from formcheck.core.landmarks import LandmarkSeries  # noqa: E402
from formcheck.synth.camera import Camera  # noqa: E402
from formcheck.synth.motion import MotionParams, simulate  # noqa: E402
from formcheck.synth.render import Renderer, RenderOptions, truth_dict  # noqa: E402
from formcheck.synth.suite import score_clip  # noqa: E402

HIPS_ONLY = "[lift]\noffline_body = false\n"


def score(spec: dict, image: np.ndarray, world: np.ndarray, hips_only: Path) -> dict:
    """(reps found, exact, fault errors: false positives + misses) of one cached clip, on the
    hips' lift (before) and on the body's movement (now)."""
    params = dict(spec["params"])
    params["rep_overrides"] = {int(k): v for k, v in params.get("rep_overrides", {}).items()}
    motion = simulate(MotionParams(**params), fps=spec["fps"])
    opts = RenderOptions(**spec["options"])
    cam = Renderer(motion, Camera(**spec["camera"]), opts).camera
    series = LandmarkSeries(motion.t_s, image, (cam.width, cam.height), world, spec["name"], {})
    truth = truth_dict(motion, cam, opts, name=spec["name"])
    out: dict = {"true": motion.rep_count}
    for key, path in (("hips", hips_only), ("body", None)):
        sc = score_clip(analyze_series(series, profile_path=path), truth)
        out[key] = (sc.detected_reps, sc.reps_exact, sum(c[1] + c[2] for c in sc.counts.values()))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--families", default="front,back,side")
    ap.add_argument("--size", default="480x360", help="WIDTHxHEIGHT the cache was filled at")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    hips_only = Path(tempfile.mkdtemp()) / "hips_only.toml"
    hips_only.write_text(HIPS_ONLY)
    tally: dict[str, list[dict]] = {}
    print(f"{'clip':52s} true  hips (exact, fault errors)  body (exact, fault errors)")
    for spec in build_suite(7, size) + limits_suite(size) + endon_cases(size):
        path = _pose_cache_path(spec, False, args.cache)
        if spec["family"] not in args.families.split(",") or path is None or not path.exists():
            continue
        with np.load(path) as z:
            image, world = z["image"], z["world"]
        row = score(spec, image, world, hips_only)
        true = row.pop("true")
        tally.setdefault(spec["family"], []).append(row)
        print(f"{spec['name']:52s} {true:4d}  {row['hips'][0]:2d} {'ok ' if row['hips'][1] else 'BAD'} {row['hips'][2]:2d}"
              f"               {row['body'][0]:2d} {'ok ' if row['body'][1] else 'BAD'} {row['body'][2]:2d}")
    print("\nfamily   clips  reps exact: hips  body   fault fp+fn: hips  body")
    for fam, rows in tally.items():
        print(f"{fam:8s} {len(rows):5d}              {sum(r['hips'][1] for r in rows):4d}  {sum(r['body'][1] for r in rows):4d}"
              f"                     {sum(r['hips'][2] for r in rows):4d}  {sum(r['body'][2] for r in rows):4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
