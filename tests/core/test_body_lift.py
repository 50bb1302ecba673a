"""The view-free rep signal (core/body_lift.py) on synthetic tracks, and where it is used."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.core.analyzer import analyze_series
from formcheck.core.body_lift import BODY_JOINTS, body_lift_sw
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.profile import load_profile
from formcheck.core.signals import rep_signal, reps_config
from formcheck.synth.camera import Camera
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate

SETTINGS = dict(sigma_s=0.06, max_gap_s=0.5, spike_min_sw=0.15, range_pct=5.0, rep_rise_sw=0.55)


def front_tracks(n_reps: int = 3, fps: float = 30.0, hip_noise_px: float = 0.0, seed: int = 0):
    """A body seen from the feet: shoulders fixed, hips rising 30 px per rep, knees and ankles
    following a little, as image pixels (T, 33, 2). Returns (t_s, px, hips' rise 0..1)."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 4.0 * n_reps + 1.0, 1.0 / fps)
    rise = np.clip(np.sin(2 * np.pi * (t - 0.5) / 4.0), 0.0, None) ** 2 * (t < 4.0 * n_reps + 0.5)
    px = np.full((t.size, 33, 2), np.nan)
    base = {11: (200, 100), 12: (280, 100), 23: (215, 220), 24: (265, 220),
            25: (210, 250), 26: (270, 250), 27: (205, 320), 28: (275, 320)}
    follow = {11: 0.0, 12: 0.0, 23: -30.0, 24: -30.0, 25: -8.0, 26: -8.0, 27: 4.0, 28: 4.0}
    for j, (x, y) in base.items():
        px[:, j, 0] = x
        px[:, j, 1] = y + follow[j] * rise
    px[:, [23, 24], 1] += rng.normal(0.0, hip_noise_px, (t.size, 2)) if hip_noise_px else 0.0
    return t, px, rise


def test_the_signal_rises_with_the_hips_and_spans_a_reps_rise():
    t, px, rise = front_tracks()
    x = body_lift_sw(t, px, **SETTINGS)
    assert np.corrcoef(x, rise)[0, 1] > 0.99
    lo, hi = np.percentile(x, [5, 95])
    assert hi - lo == pytest.approx(0.55, rel=1e-6)


def test_the_sign_follows_the_hips_whichever_way_the_component_points():
    t, px, rise = front_tracks()
    mirrored = px.copy()
    mirrored[..., 1] = 400.0 - mirrored[..., 1]  # upside down: the hips now move down the image...
    x = body_lift_sw(t, mirrored, **SETTINGS)
    assert np.corrcoef(x, rise)[0, 1] < -0.99  # ...and the signal follows the hips, not the rep count


def test_jitter_on_the_hips_alone_is_averaged_out_by_the_other_joints():
    t, px, rise = front_tracks(hip_noise_px=6.0, seed=1)
    x = body_lift_sw(t, px, **SETTINGS)
    hips_only = -(px[:, 23, 1] + px[:, 24, 1])
    assert np.corrcoef(x, rise)[0, 1] > np.corrcoef(hips_only, rise)[0, 1] + 0.02


def test_short_gaps_are_bridged_and_a_set_without_a_body_gives_nan():
    t, px, _ = front_tracks()
    gappy = px.copy()
    gappy[100:108] = np.nan  # 0.27 s without a person
    x = body_lift_sw(t, gappy, **SETTINGS)
    assert np.isfinite(x).all()
    assert np.isnan(body_lift_sw(t, np.full_like(px, np.nan), **SETTINGS)).all()
    assert np.isnan(body_lift_sw(t[:5], px[:5], **SETTINGS)).all()
    assert 27 not in BODY_JOINTS and 28 not in BODY_JOINTS  # the ankles jump between the feet end-on


def body_on(name: str = "hip-thrust"):
    p = load_profile(name)
    return replace(p, lift=replace(p.lift, offline_body=True))


@pytest.mark.parametrize("view, offline, signal", [("front", True, "body_lift_sw"), ("back", True, "body_lift_sw"),
                                                   ("front", False, "hip_lift_sw"), ("side_left", True, "hip_deg"),
                                                   ("oblique", True, "hip_deg")])
def test_with_the_option_on_offline_end_on_views_use_the_body_live_and_side_views_do_not(view, offline, signal):
    assert reps_config(body_on(), view, offline).signal == signal
    assert rep_signal(body_on(), view, offline).name == signal


def test_the_shipped_profiles_use_the_body_offline_end_on_and_can_turn_it_off():
    for name in ("single-leg-hip-thrust", "hip-thrust", "glute-bridge", "single-leg-glute-bridge"):
        p = load_profile(name)
        assert reps_config(p, "back", offline=True).signal == "body_lift_sw"
        off = replace(p, lift=replace(p.lift, offline_body=False))
        assert reps_config(off, "back", offline=True).signal == "hip_lift_sw"


def test_a_front_set_with_wobbling_hips_counts_exact_on_the_body():
    """Hip landmarks that wobble on their own (as MediaPipe's do end-on: 0.2 shoulder widths at
    1.1 Hz here) while the rest of the body is placed well: the hips' lift alone counts extra
    reps, the whole body's movement counts every rep at its top."""
    m = simulate(MotionParams(exercise="hip_thrust", reps=4), fps=30.0)
    s = synth_series(m, Camera(view="front"), noise_px=0.5, seed=2)
    w_px, h_px = s.image_size
    shoulder_px = np.nanmedian(np.abs(s.image[:, 11, 0] - s.image[:, 12, 0])) * w_px
    image = s.image.copy()
    image[:, [23, 24], 1] += (0.2 * shoulder_px / h_px * np.sin(2 * np.pi * 1.1 * s.t_s))[:, None]
    wobbly = LandmarkSeries(s.t_s, image, s.image_size, None, "wobbling hips")
    p = body_on()
    report = analyze_series(wobbly, exercise="hip-thrust", profile=p)
    assert report.view == "front"
    assert report.rep_count == m.rep_count
    for found, true in zip(report.reps, m.reps):
        assert true.top_start_s - 0.3 <= found.top_s <= true.top_end_s + 0.3
    hips_only = replace(p, lift=replace(p.lift, offline_body=False))
    assert analyze_series(wobbly, exercise="hip-thrust", profile=hips_only).rep_count > m.rep_count


@pytest.mark.parametrize("exercise", ["glute_bridge", "single_leg_glute_bridge"])
@pytest.mark.parametrize("view", ["front", "back"])
def test_a_lie_flat_setup_end_on_does_not_take_over_the_body_signal(exercise: str, view: str) -> None:
    """Lying with straight legs, then sliding the feet in, moves the body further than a floor
    rep; with those frames in the component the three reps read as one."""
    m = simulate(MotionParams(exercise=exercise, setup="lie_flat", setup_s=3.0, reps=3, seed=15), fps=30.0)
    series = synth_series(m, Camera(view=view, width=480, height=360), noise_px=1.0, seed=0)
    assert analyze_series(series).rep_count == 3
