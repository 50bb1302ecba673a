"""Targeted cases for bench_accuracy.py (``--cases limits``): holds by tempo, an occluding plate,
and the dropped head by camera height; and (``--cases endon``) sets filmed from the feet and the
head with the main suite's nuisances, for rep counts. Deterministic specs (the end-on nuisances
are drawn from a fixed seed) so a before/after pair differs only by the code under test.

Each spec has the shape ``build_suite`` returns. ``--cache DIR`` in bench_accuracy.py keeps the
pose model's landmarks per spec, so re-scoring after a rule change does not rerun MediaPipe.
"""

from __future__ import annotations

HOLD_TEMPOS = {"slow": (1.0, 1.5), "fast": (0.4, 0.6)}  # (concentric_s, eccentric_s)
HOLDS_S = (0.0, 0.3, 1.0)
NECK_DROPS_DEG = (-20.0, -30.0, -40.0)
NECK_HEIGHTS_M = (0.5, 0.8, 1.0)


def _spec(name: str, family: str, view: str, params: dict, fault: str | None, size: tuple[int, int],
          camera: dict | None = None, options: dict | None = None) -> dict:
    p = {"reps": 3, "working_side": "left", "seed": 3, "concentric_s": 0.8, "hold_s": 0.8,
         "eccentric_s": 1.2, "bottom_pause_s": 0.4, "lead_in_s": 0.8, "lead_out_s": 0.8}
    p.update(params)
    cam = {"width": size[0], "height": size[1], "view": view, **(camera or {})}
    return {"name": name, "family": family, "params": p, "camera": cam,
            "options": {"seed": 3, **(options or {})}, "fps": 30.0, "fault": fault}


def hold_cases(size: tuple[int, int]) -> list[dict]:
    """Holds of 0, 0.3 and 1 s at a slow and a fast tempo, side-on."""
    out = []
    for tempo, (conc, ecc) in HOLD_TEMPOS.items():
        for hold in HOLDS_S:
            out.append(_spec(f"hold_{tempo}_{hold:.1f}s", "side", "side_left",
                             {"concentric_s": conc, "hold_s": hold, "eccentric_s": ecc},
                             "no_top_hold" if hold < 0.3 else None, size))
    return out


def plate_cases(size: tuple[int, int]) -> list[dict]:
    """A barbell hip thrust with a plate over the hips (two-leg, side-on), and a single-leg set."""
    return [
        _spec("plate_hip_thrust_side", "side", "side_left", {"exercise": "hip_thrust", "reps": 5}, None, size,
              options={"plate": True}),
        _spec("plate_hip_thrust_raised", "side", "side_right", {"exercise": "hip_thrust", "reps": 4}, None, size,
              camera={"height_m": 0.8}, options={"plate": True}),
        _spec("plate_slht_side", "side", "side_left", {"reps": 3}, None, size, options={"plate": True}),
        _spec("plate_lie_flat", "side", "side_left", {"exercise": "hip_thrust", "setup": "lie_flat", "setup_s": 2.0,
                                                      "reps": 2}, None, size, options={"plate": True}),
        # Which exercise: a plate led MediaPipe to put the far leg up on it (read as single-leg).
        # Two-leg from the other side, oblique (both ways) and raised; single-leg under a plate
        # with the free leg bent and straight, and unplated single-leg sets, must stay single-leg.
        _spec("plate_hip_thrust_side_r", "side", "side_right", {"exercise": "hip_thrust", "working_side": "right",
                                                                "reps": 3}, None, size, options={"plate": True}),
        _spec("plate_hip_thrust_oblique", "oblique", "oblique", {"exercise": "hip_thrust", "reps": 3}, None, size,
              camera={"yaw_deg": 45.0}, options={"plate": True}),
        _spec("plate_hip_thrust_oblique_raised", "oblique", "oblique", {"exercise": "hip_thrust", "reps": 3,
                                                                        "working_side": "right"}, None, size,
              camera={"yaw_deg": -40.0, "height_m": 1.3}, options={"plate": True}),
        _spec("plate_slht_side_r_straight", "side", "side_right", {"working_side": "right", "free_leg_knee_deg": 175.0,
                                                                   "reps": 3}, None, size, options={"plate": True}),
        _spec("plate_slht_oblique", "oblique", "oblique", {"working_side": "right", "reps": 3}, None, size,
              camera={"yaw_deg": 45.0}, options={"plate": True}),
        _spec("plate_slht_raised_straight", "side", "side_left", {"free_leg_knee_deg": 175.0, "reps": 3}, None, size,
              camera={"height_m": 0.8}, options={"plate": True}),
        _spec("plate_hip_thrust_front", "front", "front", {"exercise": "hip_thrust", "reps": 3}, None, size,
              options={"plate": True}),
        _spec("plate_slht_front", "front", "front", {"working_side": "right", "reps": 3}, None, size,
              options={"plate": True}),
        _spec("bare_slht_side_straight", "side", "side_left", {"free_leg_knee_deg": 175.0, "reps": 3}, None, size),
        _spec("bare_slht_oblique_straight", "oblique", "oblique", {"working_side": "right", "free_leg_knee_deg": 175.0,
                                                                   "reps": 3}, None, size, camera={"yaw_deg": -45.0}),
    ]


def neck_cases(size: tuple[int, int]) -> list[dict]:
    """The head dropped to -20/-30/-40 deg on a narrow box, filmed from 0.5, 0.8 and 1.0 m."""
    out = []
    for height in NECK_HEIGHTS_M:
        for drop in NECK_DROPS_DEG:
            out.append(_spec(f"neck_{-drop:.0f}_at_{height:.1f}m", "side", "side_left",
                             {"neck_top_deg": drop, "bench_depth_m": 0.14}, "neck_hyperextension", size,
                             camera={"height_m": height}))
    return out


ENDON_EXERCISES = ("single_leg_hip_thrust", "hip_thrust", "glute_bridge", "single_leg_glute_bridge")
ENDON_TEMPOS = {  # (concentric_s, hold_s, eccentric_s, bottom_pause_s)
    "usual": (0.8, 0.8, 1.2, 0.4), "slow_no_hold": (1.0, 0.0, 1.5, 0.4), "fast": (0.4, 0.3, 0.6, 0.2),
    "fast_descent": (0.8, 0.8, 0.22, 0.4), "long_hold": (0.9, 1.5, 1.2, 0.8),
}
ENDON_FRONT_HEIGHTS_M = (None, 0.5, 0.8, 1.2, 1.6)  # None: the renderer's default (level with the body)


def endon_cases(size: tuple[int, int], n_front: int = 16, n_back: int = 8, seed: int = 18) -> list[dict]:
    """Reps filmed from the feet and the head with the main suite's nuisances (fps, noise, blur,
    light, a second person, distance, field of view), across exercises (one- and two-leg), tempos
    and, from the feet, camera heights; back views keep the suite's raised camera. Drawn from
    ``seed`` so the set is reproducible."""
    import random

    from bench_accuracy import draw_nuisance

    r = random.Random(seed)
    out = []
    for k in range(n_front + n_back):
        fam = "front" if k < n_front else "back"
        cam, opts, fps = draw_nuisance(r, fam, size)
        exercise = ENDON_EXERCISES[k % len(ENDON_EXERCISES)]
        tempo = list(ENDON_TEMPOS)[(k // len(ENDON_EXERCISES)) % len(ENDON_TEMPOS)]
        conc, hold, ecc, pause = ENDON_TEMPOS[tempo]
        if fam == "front":
            height = ENDON_FRONT_HEIGHTS_M[k % len(ENDON_FRONT_HEIGHTS_M)]
            if height is not None:
                cam["height_m"] = height
        params = {"exercise": exercise, "reps": r.choice([2, 3, 4]), "working_side": r.choice(["left", "right"]),
                  "seed": opts["seed"], "concentric_s": conc, "hold_s": hold, "eccentric_s": ecc,
                  "bottom_pause_s": pause, "lead_in_s": 0.8, "lead_out_s": 0.8}
        if "single" not in exercise and r.random() < 0.3:
            params["pelvic_drop_deg"] = r.choice([-1, 1]) * r.uniform(8, 14)
        cam["view"] = fam
        out.append({"name": f"endon_{k:02d}_{fam}_{exercise}_{tempo}", "family": fam, "params": params,
                    "camera": cam, "options": opts, "fps": fps, "fault": None})
    return out


OBLIQUE_YAWS_DEG = (30.0, 45.0, 60.0, -45.0, -60.0, 125.0, -130.0)  # the suite's oblique azimuths


def oblique_cases(size: tuple[int, int]) -> list[dict]:
    """Set-up or rep from oblique cameras: a lie-flat set-up (straight legs first, not a rep) then
    2 reps, one- and two-leg, at the suite's oblique azimuths; single-leg sets from behind the
    head at 120-140 deg, where MediaPipe's knee read straight at a true 90 deg top (suite seed 7,
    -130 deg); and floor bridges lying flat first, from 45 and -130 deg."""
    out = []
    for yaw in OBLIQUE_YAWS_DEG:
        for exercise in ("single_leg_hip_thrust", "hip_thrust"):
            out.append(_spec(f"obl_lie_flat_{exercise}_{yaw:+.0f}", "oblique", "oblique",
                             {"exercise": exercise, "setup": "lie_flat", "setup_s": 2.0, "reps": 2,
                              "working_side": "right" if yaw < 0 else "left"}, None, size, camera={"yaw_deg": yaw}))
    for yaw in (-120.0, -140.0, 120.0, 140.0):
        out.append(_spec(f"obl_back_slht_{yaw:+.0f}", "oblique", "oblique",
                         {"working_side": "right" if yaw < 0 else "left"}, None, size, camera={"yaw_deg": yaw}))
    for yaw in (45.0, -130.0):  # floor bridges: lying flat on the floor first
        for exercise in ("glute_bridge", "single_leg_glute_bridge"):
            out.append(_spec(f"obl_lie_flat_{exercise}_{yaw:+.0f}", "oblique", "oblique",
                             {"exercise": exercise, "setup": "lie_flat", "setup_s": 2.0, "reps": 2,
                              "working_side": "right" if yaw < 0 else "left"}, None, size, camera={"yaw_deg": yaw}))
    return out


CASES = {"holds": hold_cases, "plate": plate_cases, "neck": neck_cases, "endon": endon_cases,
         "oblique": oblique_cases}


def limits_suite(size: tuple[int, int], which: str = "holds,plate,neck") -> list[dict]:
    specs: list[dict] = []
    for key in which.split(","):
        specs += CASES[key.strip()](size)
    return specs
