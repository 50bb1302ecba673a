"""The bundled pose model and formcheck.adapters.pose: bundle integrity, errors, real detections, tracking.

Tests that need real frames read them from ../shared/clips (next to the repository) and skip
cleanly when it is absent; the clips are never copied into the project.
"""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from formcheck.adapters import pose as pose
from formcheck.core.errors import ConfigError, InputError, ModelError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.adapters.pose import PoseEstimator, PoseResult, check_model_file, extract_landmarks
from formcheck.adapters.pose_people import AthleteTracker

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "pose_landmarker_full.task"
README = REPO / "models" / "README.md"
CLIPS = REPO.parent / "shared" / "clips"
BENCH_CLIP = CLIPS / "hip_thrust_bench_side_7reps.mp4"

needs_clips = pytest.mark.skipif(not BENCH_CLIP.is_file(), reason="../shared/clips is not present")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the bundle -------------------------------------------------------------------------------
def test_bundle_is_a_stored_zip_with_exactly_the_two_models():
    with zipfile.ZipFile(MODEL) as bundle:
        infos = bundle.infolist()
        assert [i.filename for i in infos] == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        for info in infos:
            assert info.compress_type == zipfile.ZIP_STORED  # MediaPipe reads members in place
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            data = bundle.read(info)
            assert data[4:8] == b"TFL3"  # TFLite flatbuffer identifier
            assert b"TFLITE_METADATA" in data  # the normalisation metadata the Tasks API needs
            data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert data_offset % 64 == 0


def test_bundle_sha256_matches_readme_and_build_script():
    readme = README.read_text()
    match = re.search(r"`pose_landmarker_full\.task`[^\n]*?`([0-9a-f]{64})`", readme)
    assert match, "models/README.md must state the sha256 of pose_landmarker_full.task"
    assert _sha256(MODEL) == match.group(1)
    script = (REPO / "models" / "build_pose_task.py").read_text()
    assert f'TASK_SHA256 = "{match.group(1)}"' in script
    wheel_sha = re.search(r'WHEEL_SHA256 = "([0-9a-f]{64})"', script).group(1)
    assert wheel_sha in readme


def test_default_model_is_the_bundled_one(monkeypatch):
    monkeypatch.delenv(pose.MODEL_ENV_VAR, raising=False)
    assert pose.default_model_path() == MODEL


def test_missing_default_model_error_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(pose, "model_search_paths", lambda: [tmp_path / "a.task"])
    with pytest.raises(ModelError, match="build_pose_task.py.*--model"):
        pose.default_model_path()


# -- model errors -----------------------------------------------------------------------------
def test_missing_model_is_model_error(tmp_path):
    with pytest.raises(ModelError, match="pose model not found"):
        PoseEstimator(model_path=tmp_path / "nope.task")


def test_text_file_as_model_is_model_error(tmp_path):
    bad = tmp_path / "pose.task"
    bad.write_text("not a model")
    with pytest.raises(ModelError, match="not a MediaPipe .task bundle"):
        PoseEstimator(model_path=bad)


def test_zip_without_pose_models_is_model_error(tmp_path):
    bad = tmp_path / "hand.task"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hand_detector.tflite", b"x")
    with pytest.raises(ModelError, match="missing pose_detector.tflite, pose_landmarks_detector.tflite"):
        check_model_file(bad)


def test_corrupt_tflite_inside_a_valid_zip_is_model_error(tmp_path):
    bad = tmp_path / "broken.task"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("pose_detector.tflite", b"\0" * 64)
        z.writestr("pose_landmarks_detector.tflite", b"\0" * 64)
    with pytest.raises(ModelError, match="could not load pose model broken.task"):
        PoseEstimator(model_path=bad)


@pytest.mark.parametrize("kwargs", [
    {"running_mode": "image"}, {"num_poses": 0}, {"min_pose_detection_confidence": 1.5},
])
def test_bad_options_are_config_errors(kwargs):
    with pytest.raises(ConfigError):
        PoseEstimator(**kwargs)


# -- athlete selection (pure logic) -----------------------------------------------------------
def _person(cx: float, cy: float, scale: float) -> np.ndarray:
    """A crude 33-landmark figure centred on (cx, cy) with half-size ``scale``."""
    rng = np.random.default_rng(int(cx * 1000 + scale * 100))
    img = np.zeros((33, 4))
    img[:, 0] = cx + rng.uniform(-scale, scale, 33)
    img[:, 1] = cy + rng.uniform(-scale, scale, 33)
    img[[0, -1], 0] = cx - scale, cx + scale  # make the span exactly 2 * scale
    img[[1, -2], 1] = cy - scale, cy + scale
    for i in (11, 12, 23, 24):
        img[i, :2] = cx, cy
    img[:, 3] = 0.9
    return img


def test_tracker_starts_with_the_largest_then_follows_the_nearest():
    tracker = AthleteTracker(lambda: 1.0, reacquire_after_ms=1000)
    small_left, big_right = _person(0.25, 0.5, 0.10), _person(0.75, 0.5, 0.30)
    assert tracker.choose([small_left, big_right], t_ms=0) == 1
    # the athlete (right) shrinks as she moves away; a big newcomer appears on the left
    assert tracker.choose([_person(0.30, 0.5, 0.35), _person(0.70, 0.5, 0.12)], t_ms=33) == 1
    assert tracker.choose([_person(0.68, 0.5, 0.12), _person(0.30, 0.5, 0.35)], t_ms=66) == 0


def test_tracker_near_tie_goes_to_the_larger_and_reacquires_after_a_gap():
    tracker = AthleteTracker(lambda: 1.0, reacquire_after_ms=1000)
    tracker.choose([_person(0.5, 0.5, 0.2)], t_ms=0)
    # both within the tie tolerance of the last centroid: the larger wins
    assert tracker.choose([_person(0.51, 0.5, 0.1), _person(0.53, 0.5, 0.3)], t_ms=33) == 1
    # nobody for longer than reacquire_after_ms: start again from the largest
    assert tracker.choose([_person(0.52, 0.5, 0.1), _person(0.9, 0.5, 0.3)], t_ms=2000) == 1


# -- real model on real frames ----------------------------------------------------------------
@pytest.fixture(scope="module")
def bench_frames():
    if not BENCH_CLIP.is_file():
        pytest.skip("../shared/clips is not present")
    from formcheck.adapters.video import open_video

    wanted = {0: None, 60: None, 61: None, 62: None}
    for frame in open_video(BENCH_CLIP):
        if frame.index in wanted:
            wanted[frame.index] = frame
        if frame.index >= max(wanted):
            break
    return wanted


@pytest.mark.mediapipe
@needs_clips
def test_person_found_on_real_frame_with_plausible_anatomy(bench_frames):
    frame = bench_frames[60]
    with PoseEstimator() as est:
        res = est.detect(frame.bgr, frame.t_s * 1000)
    assert isinstance(res, PoseResult) and res.n_people == 1 and res.present
    assert res.image.shape == (33, 4) and res.image.dtype == np.float64
    assert np.all(np.isfinite(res.image)) and np.all(np.isfinite(res.world))
    x, y = res.image[:, 0], res.image[:, 1]
    # side view, head on the left, bottom of a bench hip thrust:
    # shoulders -> hips -> knees -> ankles from left to right, head above the hips
    for side in (0, 1):
        shoulder, hip, knee, ankle = x[11 + side], x[23 + side], x[25 + side], x[27 + side]
        assert shoulder < hip < knee, (shoulder, hip, knee)
        assert knee < ankle + 0.05
    assert y[0] < y[23] and y[0] < y[24]
    assert np.all((x[[11, 12, 23, 24, 25, 26, 27, 28]] > 0) & (x[[11, 12, 23, 24, 25, 26, 27, 28]] < 1))
    assert np.max(res.image[[11, 23, 25], 3]) > 0.8 or np.max(res.image[[12, 24, 26], 3]) > 0.8
    # world landmarks in metres, hips about the origin, a plausible thigh length
    thigh = np.linalg.norm(res.world[23, :3] - res.world[25, :3])
    assert 0.25 < thigh < 0.7
    assert np.linalg.norm(res.world[[23, 24], :3].mean(axis=0)) < 0.1


@pytest.mark.mediapipe
def test_segmentation_mask_only_when_asked_and_on_the_athlete():
    """The mask (hip-level research, benchmarks/study_hip_level.py) covers the person, not the floor."""
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    motion = simulate(MotionParams(reps=1), fps=5)
    frame = Renderer(motion, Camera(view="side_left", width=320, height=240), RenderOptions(seed=3)).frame(3)
    with PoseEstimator() as plain:
        assert plain.detect(frame, 0).mask is None
    with PoseEstimator(segmentation=True) as est:
        res = est.detect(frame, 0)
    assert res.present and res.mask.shape == (240, 320) and 0.0 <= res.mask.min() <= res.mask.max() <= 1.0
    inside = res.mask > 0.5
    assert 0.01 < inside.mean() < 0.5  # a person, not the whole frame
    hips_px = (res.image[[23, 24], :2].mean(0) * [320, 240]).astype(int)
    assert inside[hips_px[1], hips_px[0]]  # the hips are on the mask
    assert not inside[:5, :].any()  # the wall at the top is not


@pytest.mark.mediapipe
def test_blank_frame_gives_nan_rows_and_no_person():
    blank = np.full((360, 640, 3), 127, np.uint8)
    with PoseEstimator() as est:
        res = est.detect(blank, 0)
    assert res.n_people == 0 and not res.present
    assert res.image.shape == (33, 4) and np.all(np.isnan(res.image)) and np.all(np.isnan(res.world))
    assert est.n_multi_person_frames == 0


@pytest.mark.mediapipe
def test_timestamps_that_do_not_increase_are_bumped_and_counted():
    blank = np.zeros((120, 160, 3), np.uint8)
    with PoseEstimator() as est:
        assert est.detect(blank, 100).t_ms == 100
        assert est.detect(blank, 100).t_ms == 101
        assert est.detect(blank, 50.2).t_ms == 102
        assert est.detect(blank, 200.4).t_ms == 200
        assert est.n_timestamps_adjusted == 2


@pytest.mark.mediapipe
def test_bad_frame_is_input_error_and_closed_estimator_is_model_error():
    est = PoseEstimator()
    with pytest.raises(InputError, match="BGR uint8"):
        est.detect(np.zeros((10, 10), np.uint8), 0)
    est.close()
    with pytest.raises(ModelError, match="closed"):
        est.detect(np.zeros((10, 10, 3), np.uint8), 1)


def _two_people(frame_bgr: np.ndarray, big_left: bool) -> np.ndarray:
    import cv2

    h, w = frame_bgr.shape[:2]
    small = cv2.resize(frame_bgr, (int(w * 0.8), int(h * 0.8)))
    canvas = np.full((h, w + small.shape[1], 3), 230, np.uint8)
    if big_left:
        canvas[:, :w] = frame_bgr
        canvas[h - small.shape[0]:, w:] = small
    else:
        canvas[h - small.shape[0]:, : small.shape[1]] = small
        canvas[:, small.shape[1]:] = frame_bgr
    return canvas


@pytest.mark.mediapipe
@needs_clips
def test_two_people_follows_the_athlete_chosen_first(bench_frames):
    """The same athlete twice (full size and 80 %): the larger is chosen at the start, and she
    is kept when the sizes swap sides as long as she stays nearest to where she was."""
    frame = bench_frames[60].bgr
    with PoseEstimator(num_poses=2) as est:
        first = est.detect(_two_people(frame, big_left=True), 0)
        assert first.n_people == 2
        hip_x = first.image[[23, 24], 0].mean()
        assert hip_x < 0.4  # the full-size copy, on the left
        # now the left copy is the small one: still nearest to the tracked hips -> kept
        later = est.detect(_two_people(frame, big_left=False), 33)
        assert later.n_people == 2
        assert later.image[[23, 24], 0].mean() < 0.4
        assert est.n_multi_person_frames == 2


@pytest.mark.mediapipe
@needs_clips
def test_extract_landmarks_builds_a_series_with_nan_rows_for_empty_frames(bench_frames):
    frames = [bench_frames[i] for i in (60, 61, 62)]

    class Source:
        name, width, height, frame_count, fps = "mixed", frames[0].bgr.shape[1], frames[0].bgr.shape[0], 5, 30.0
        warnings = ["mixed: example warning"]

        def __iter__(self):
            yield from frames
            blank = np.zeros_like(frames[0].bgr)
            for k in range(2):
                yield (63 + k, frames[-1].t_s + (k + 1) / 30, blank)

    calls = []
    with PoseEstimator() as est:
        series = extract_landmarks(Source(), est, progress=lambda done, total: calls.append((done, total)))
    assert isinstance(series, LandmarkSeries) and len(series) == 5
    assert series.image.shape == (5, 33, 4) and series.world.shape == (5, 33, 4)
    assert series.present.tolist() == [True, True, True, False, False]
    assert series.image_size == (frames[0].bgr.shape[1], frames[0].bgr.shape[0])
    np.testing.assert_allclose(series.t_s[:3], [f.t_s for f in frames])
    assert calls == [(i, 5) for i in range(1, 6)]
    assert series.meta["frames_decoded"] == 5 and series.meta["n_multi_person_frames"] == 0
    assert series.meta["warnings"] == ["mixed: example warning"]
    assert series.meta["model"] == "pose_landmarker_full.task"


@pytest.mark.mediapipe
@needs_clips
def test_live_mode_returns_newest_result_without_blocking(bench_frames):
    frame = bench_frames[60].bgr
    with PoseEstimator(running_mode="live") as est:
        with pytest.raises(ModelError, match="submit"):
            est.detect(frame, 0)
        assert est.latest() is None
        started = time.perf_counter()
        for k in range(5):
            est.submit(frame, k * 33)
        assert time.perf_counter() - started < 0.1  # no inference on the caller's thread
        deadline = time.monotonic() + 5
        while (est.latest() is None or est.latest().t_ms < 132) and time.monotonic() < deadline:
            time.sleep(0.01)
        res = est.latest()
    assert res is not None and res.present
    assert res.t_ms == 132  # the newest submitted frame always gets processed
    assert res.image[[23, 24], 0].mean() > res.image[[11, 12], 0].mean()


@pytest.mark.mediapipe
@needs_clips
def test_default_single_pose_tracking_still_notices_a_second_person(bench_frames):
    """num_poses=1 (the default, best tracking) probes for other people once every probe_every frames."""
    two = _two_people(bench_frames[60].bgr, big_left=True)
    with PoseEstimator(probe_every=2) as est:
        first = est.detect(two, 0)  # probed
        second = est.detect(two, 33)  # not probed
    assert first.n_people == 2 and second.n_people == 1
    assert est.n_multi_person_frames == 1
    assert np.isfinite(first.image).all()


@pytest.mark.mediapipe
@needs_clips
def test_single_person_frames_are_not_reported_as_several(bench_frames):
    with PoseEstimator(probe_every=1) as est:
        for k, i in enumerate((0, 60, 61, 62)):
            assert est.detect(bench_frames[i].bgr, k * 33).n_people == 1
    assert est.n_multi_person_frames == 0
