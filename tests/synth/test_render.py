"""The renderer: exact intersections, deterministic pixels, a mannequin where the truth says the
joints are, a truth file that matches the motion, the ``render`` command, and (MediaPipe) a
rendered clip whose reps and injected fault come back out of the real pipeline."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from formcheck.synth.camera import Camera
from formcheck.synth.motion import MotionParams, simulate
from formcheck.synth.raycast import hit_ellipsoid, hit_round_cone
from formcheck.synth.render import Renderer, RenderOptions, render_clip
from formcheck.synth.suite import score_clip

SHORT = dict(reps=1, concentric_s=0.6, hold_s=0.5, eccentric_s=0.9, lead_in_s=0.3, lead_out_s=0.3)


def _round_cone_sdf(p, a, b, ra, rb):
    """Brute force: distance to the union of spheres swept from (a, ra) to (b, rb)."""
    s = np.linspace(0.0, 1.0, 201)
    c = a[None] + s[:, None] * (b - a)[None]
    r = ra + s * (rb - ra)
    return np.min(np.linalg.norm(p[:, None, :] - c[None], axis=-1) - r[None], axis=1)


def test_round_cone_hits_match_a_brute_force_march():
    rng = np.random.default_rng(3)
    for _ in range(6):
        a = rng.normal(size=3) * 0.3
        b = a + rng.normal(size=3) * 0.4
        ra, rb = rng.uniform(0.03, 0.15, 2)
        O = np.array([0.0, 0.0, -3.0])
        aim = (a + b) / 2 - O
        D = rng.normal(size=(25, 3)) * 0.08 + aim / np.linalg.norm(aim)
        D /= np.linalg.norm(D, axis=1, keepdims=True)
        t, nrm = hit_round_cone(O, D, a, b, ra, rb)
        dist = np.linalg.norm(aim)
        ts = np.arange(dist - 1.2, dist + 1.2, 0.002)
        for d, ti in zip(D, t):
            inside = np.flatnonzero(_round_cone_sdf(O + ts[:, None] * d, a, b, ra, rb) < 0)
            if inside.size == 0:
                assert not np.isfinite(ti)
            else:
                assert abs(ti - ts[inside[0]]) < 0.004
    # a sphere seen head-on: the hit is at distance - radius, the normal faces the ray
    t, nrm = hit_round_cone(np.zeros(3), np.array([[0.0, 0.0, 1.0]]), np.array([0, 0, 3.0]),
                            np.array([0, 0, 3.0]), 0.5, 0.5)
    assert t[0] == pytest.approx(2.5) and nrm[0] == pytest.approx([0, 0, -1])


def test_clipped_ellipsoid_keeps_only_the_cap():
    D = np.array([[0.0, 0.0, 1.0]])
    t, _ = hit_ellipsoid(np.zeros(3), D, np.array([0, 0, 3.0]), np.eye(3), np.array([1.0, 1.0, 0.5]))
    assert t[0] == pytest.approx(2.5)
    t, _ = hit_ellipsoid(np.zeros(3), D, np.array([0, 0, 3.0]), np.eye(3), np.array([1.0, 1.0, 0.5]),
                         clip=(0.0, 0.0, 1.0, 0.5))   # only the far half: the near hit is cut away
    assert not np.isfinite(t[0])


def test_rendering_is_deterministic_and_the_seed_matters():
    m = simulate(MotionParams(**SHORT), fps=10)
    cam = Camera("oblique", width=160, height=120)
    opts = RenderOptions(noise=3.0, blur=0.6, lighting=0.2, second_person="moving", seed=4)
    a = [Renderer(m, cam, opts).frame(i) for i in (0, 12)]
    b = [Renderer(m, cam, opts).frame(i) for i in (0, 12)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = Renderer(m, cam, RenderOptions(noise=3.0, blur=0.6, lighting=0.2, second_person="moving", seed=5)).frame(0)
    assert not np.array_equal(a[0], c)
    assert a[0].dtype == np.uint8 and a[0].shape == (120, 160, 3)


@pytest.mark.parametrize("view", ["side_left", "side_right", "front", "oblique"])
def test_the_mannequin_covers_its_true_joints(view):
    """Where the truth projects the torso and leg joints, the image shows the person, not the room."""
    m = simulate(MotionParams(**SHORT), fps=10)
    r = Renderer(m, Camera(view, width=320, height=240), RenderOptions(shadows=False))
    i = int(np.argmax(m.truth.hip_extension_deg))
    person = r.frame_linear(i)
    room = r.room.color
    px = r.true_pixels()[i]
    near = [12, 24, 26] if view == "side_left" else [11, 23, 25]     # the joints facing the camera
    for j in near + [0]:
        u, v = (int(np.floor(c)) for c in px[j])
        assert np.abs(person[v, u] - room[v, u]).sum() > 0.05, f"joint {j} at {u},{v} shows the room"


def test_render_clip_writes_video_truth_and_landmarks(tmp_path):
    from formcheck.core.landmarks import LandmarkSeries
    from formcheck.adapters.video import ffmpeg_available, open_video

    if not ffmpeg_available():
        pytest.skip("imageio-ffmpeg is not installed")
    p = MotionParams(**dict(SHORT, reps=2), peak_hip_deg=150, working_side="right")
    clip = render_clip(p, Camera("side_right", width=160, height=120), tmp_path, "c", fps=15)
    truth = json.loads(clip.truth.read_text())
    assert truth["rep_count"] == 2 and truth["view_family"] == "side"
    assert truth["expected"]["faults_by_rep"] == {"1": ["incomplete_hip_extension"], "2": ["incomplete_hip_extension"]}
    assert "unlevel_hips" not in truth["judged_in_view"]
    assert len(truth["frames"]["hip_extension_deg"]) == len(clip.motion) == truth["frames_total"]
    with open_video(clip.video) as src:
        n = sum(1 for _ in src)
        assert (src.width, src.height) == (160, 120)
    assert n == len(clip.motion)
    series = LandmarkSeries.load_npz(clip.landmarks)
    assert np.allclose(series.pixels[:, 24], clip.camera.project(clip.motion.joints_m[:, 24])[0], atol=1e-3)


def _app() -> typer.Typer:
    from formcheck.cli.render import render

    app = typer.Typer()
    app.command()(render)
    return app


def test_render_command_writes_a_clip_and_records_its_command(tmp_path):
    res = CliRunner().invoke(_app(), ["--out", str(tmp_path), "--name", "x", "--reps", "1", "--width", "96",
                                      "--height-px", "72", "--fps", "10", "--duration", "1.0", "--eccentric", "0.2",
                                      "--no-landmarks"])
    assert res.exit_code == 0, res.output
    truth = json.loads((tmp_path / "x.truth.json").read_text())
    assert truth["command"].startswith("formcheck render --out")
    assert "--eccentric 0.2" in truth["command"] and "--no-landmarks" in truth["command"]
    assert (tmp_path / "x.mp4").is_file() and not (tmp_path / "x.landmarks.npz").exists()


@pytest.mark.parametrize("args, words", [
    (["--peak-hip", "300"], "peak_hip_deg"),
    (["--yaw", "30"], "--view oblique"),
    (["--noise", "-1"], "noise"),
    (["--bench-depth", "0.01"], "bench_depth_m"),
    (["--rep-override", "2:nope=1"], "unknown key"),
    (["--reps", "2", "--rep-override", "5:peak_hip_deg=150"], "rep number"),
])
def test_render_command_rejects_bad_values_in_one_line(tmp_path, args, words):
    res = CliRunner().invoke(_app(), ["--out", str(tmp_path)] + args)
    assert res.exit_code == 5
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("formcheck: error:") and words in lines[0]
    assert not list(tmp_path.iterdir())


@pytest.mark.mediapipe
def test_a_rendered_clip_goes_through_mediapipe_with_the_truths_reps_and_fault(tmp_path):
    from formcheck.pipeline import analyze_path
    from formcheck.adapters.video import ffmpeg_available

    if not ffmpeg_available():
        pytest.skip("imageio-ffmpeg is not installed")
    p = MotionParams(reps=2, working_side="left", concentric_s=0.8, hold_s=0.8, eccentric_s=1.2,
                     bottom_pause_s=0.4, rep_overrides={2: {"peak_hip_deg": 150.0}}, seed=3)
    clip = render_clip(p, Camera("side_left", width=320, height=240), tmp_path, "mp", fps=24,
                       options=RenderOptions(seed=3), save_landmarks=False)
    truth = json.loads(clip.truth.read_text())
    assert truth["expected"]["faults_by_rep"] == {"1": [], "2": ["incomplete_hip_extension"]}
    res = analyze_path(clip.video, out_dir=tmp_path / "out", annotate=False, use_cache=False)
    assert res.series.present.mean() > 0.95
    sc = score_clip(res.report, truth)
    assert sc.reps_exact and len(sc.matched) == 2, sc.mismatches
    assert sc.faults_exact, sc.mismatches


@pytest.mark.mediapipe
def test_a_head_dropped_back_past_a_narrow_box_is_seen_by_mediapipe(tmp_path):
    """A dropped head hangs past a narrow box (on a full-depth bench it would sink into the pad), and a
    camera at 1 m sees it over the near arm: the clean rep passes, the dropped-head rep is flagged."""
    from formcheck.pipeline import analyze_path
    from formcheck.adapters.video import ffmpeg_available

    if not ffmpeg_available():
        pytest.skip("imageio-ffmpeg is not installed")
    p = MotionParams(reps=2, working_side="right", concentric_s=0.8, hold_s=0.8, eccentric_s=1.2,
                     bottom_pause_s=0.4, bench_depth_m=0.14, rep_overrides={2: {"neck_top_deg": -40.0}}, seed=5)
    clip = render_clip(p, Camera("side_right", height_m=1.0, width=320, height=240), tmp_path, "neck", fps=24,
                       options=RenderOptions(seed=5), save_landmarks=False)
    truth = json.loads(clip.truth.read_text())
    assert truth["expected"]["faults_by_rep"] == {"1": [], "2": ["neck_hyperextension"]}
    assert truth["params"]["bench_depth_m"] == 0.14
    res = analyze_path(clip.video, out_dir=tmp_path / "out", annotate=False, use_cache=False)
    sc = score_clip(res.report, truth)
    assert sc.reps_exact and len(sc.matched) == 2, sc.mismatches
    assert sc.faults_exact, sc.mismatches
