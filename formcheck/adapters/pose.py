"""MediaPipe pose estimation: the only module that imports mediapipe.

``PoseEstimator`` wraps the Tasks API ``PoseLandmarker`` (mediapipe 1.2.x, CPU, XNNPACK) and
turns its result into arrays: ``PoseResult.image`` (33, 4) normalized x, y, z, visibility and
``PoseResult.world`` (33, 4) metres + visibility, float64, rows of NaN when nobody is found.

One athlete, consistently. By default the landmarker runs with ``num_poses=1``: MediaPipe then
tracks that one person from frame to frame (its region of interest follows the athlete), which
measured far better than asking for several poses (with ``num_poses=2`` the person was lost in
25% of the frames of the oblique single-leg clip, against 0% with one). To know whether anyone
else is in the picture, a separate single-image landmarker looking for up to three people probes
one frame in ``probe_every`` (default: one a second at 30 fps, ~3% extra model time);
``n_multi_person_frames`` counts the probed frames with more than one person, so the caller can
warn. With ``num_poses > 1`` one pose per frame is chosen: at the start (or after
``reacquire_after_ms`` with nobody) the largest, afterwards the one whose hip/shoulder centroid
is nearest to the previous choice, the larger breaking near-ties.

Running modes (both measured on mediapipe 1.2.2, 2 CPU cores):

- ``"video"`` (offline files): ``detect(frame_bgr, t_ms)`` is synchronous; MediaPipe tracks the
  person between frames, which needs strictly increasing integer millisecond timestamps. A
  timestamp that does not increase is bumped to ``last + 1`` and counted in
  ``n_timestamps_adjusted`` rather than failing the run.
- ``"live"`` (webcam): MediaPipe's LIVE_STREAM mode. ``submit(frame_bgr, t_ms)`` returns at once
  (about 0.2 ms); the graph drops frames that arrive while it is busy, so results always follow
  the newest frame; ``latest()`` returns the newest ``PoseResult`` (its ``t_ms`` tells which
  frame it belongs to). The result callback runs on a MediaPipe thread; athlete selection happens
  there, under a lock. An exception in the callback is kept and raised (as ModelError) by the
  next ``submit()``/``latest()``. In this mode about 85% of frames get a result when frames are
  submitted at 60 fps at 1280x720 (inference is ~23 ms per frame).

A second look when nobody is found (``retry``, video mode, one pose): MediaPipe's person
detector was trained on mostly upright people, and a body lying along the line of sight or under
a plate is often missed. Such a frame also goes to a second VIDEO-mode landmarker, fed only those
frames, on a copy of the frame turned 90 degrees (``formcheck/adapters/pose_retry.py``; its
landmarks are mapped back). A landmarker of its own keeps the main one's tracking untouched and
lets the retry track the person in the turned copies. ``n_retry_frames`` counts the frames it
filled. Off by default (``FORMCHECK_POSE_RETRY=rot90`` or ``retry="rot90"`` turns it on); the
measurements are at ``DEFAULT_RETRY``.

Model: by default the bundled ``models/pose_landmarker_full.task`` (see models/README.md).
Lookup order: ``model_path`` argument, the ``FORMCHECK_POSE_MODEL`` environment variable,
``<repo>/models/`` next to the package (source checkouts and editable installs), then
``formcheck/models/`` inside the package (if a wheel ships it as package data), then
``<sys.prefix>/share/formcheck/models/`` (if a wheel ships it as data-files). Any official
pose landmarker ``.task`` (lite, full, heavy) works through ``model_path``.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from formcheck.adapters.pose_people import AthleteTracker, count_real_people
from formcheck.adapters.pose_retry import (DEFAULT_RETRY, RETRY_CHOICES, RETRY_ENV_VAR,  # noqa: F401 - re-exported
                                           landmarks_back, make_transform, retry_setting, warp)
from formcheck.adapters.stdio import QuietStderr, native_stderr_silenced
from formcheck.core.errors import ConfigError, InputError, ModelError
from formcheck.core.landmarks import N_LANDMARKS, LandmarkSeries, empty_frame

MODEL_FILENAME = "pose_landmarker_full.task"
MODEL_ENV_VAR = "FORMCHECK_POSE_MODEL"
TASK_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
RUNNING_MODES = ("video", "live")



def model_search_paths() -> list[Path]:
    """Where the default model is looked for, in order."""
    paths = []
    env = os.environ.get(MODEL_ENV_VAR)
    if env:
        paths.append(Path(env))
    package = Path(__file__).resolve().parents[1]
    paths.append(package.parent / "models" / MODEL_FILENAME)
    paths.append(package / "models" / MODEL_FILENAME)
    paths.append(Path(sys.prefix) / "share" / "formcheck" / "models" / MODEL_FILENAME)
    return paths


def default_model_path() -> Path:
    """The bundled pose model; ModelError naming the places looked at when it is absent."""
    paths = model_search_paths()
    for path in paths:
        if path.is_file():
            return path
    looked = ", ".join(str(p) for p in paths)
    raise ModelError(
        f"pose model {MODEL_FILENAME} not found (looked in: {looked}). Rebuild it with "
        f"'python3 models/build_pose_task.py', set {MODEL_ENV_VAR}, or pass --model PATH"
    )


def check_model_file(path: str | Path) -> Path:
    """ModelError unless ``path`` is a pose landmarker ``.task`` bundle (zip with both models)."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"pose model not found: {path}")
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(
            f"{path.name} is not a MediaPipe .task bundle (not a readable zip: {exc})"
        ) from exc
    missing = [m for m in TASK_MEMBERS if m not in names]
    if missing:
        raise ModelError(
            f"{path.name} is not a pose landmarker bundle (missing {', '.join(missing)})"
        )
    return path


@dataclass(frozen=True)
class PoseResult:
    """The chosen athlete in one frame. Rows are NaN when nobody was found (``n_people == 0``)."""

    image: np.ndarray  # (33, 4) normalized x, y, z, visibility
    world: np.ndarray  # (33, 4) metres x, y, z, visibility
    n_people: int
    t_ms: int
    # The athlete's segmentation mask (H, W) in [0, 1], only when asked for (``segmentation``):
    # evidence the 33 points do not carry (the outline of the pelvis, for hip level).
    mask: np.ndarray | None = None

    @property
    def present(self) -> bool:
        return self.n_people > 0


def _landmarks_array(landmarks: Iterable[Any]) -> np.ndarray:
    out = np.full((N_LANDMARKS, 4), np.nan)
    for i, lm in enumerate(landmarks):
        if i >= N_LANDMARKS:
            break
        vis = lm.visibility
        out[i] = (lm.x, lm.y, lm.z, np.nan if vis is None else vis)
    return out


_LIVE_QUIET_MAX_MS = 10_000  # never keep stderr quiet longer than this in live mode
_LIVE_QUIET_AFTER_PERSON_MS = 1_000  # ... nor longer than this after the first person is found

def _import_mediapipe() -> tuple[Any, Any, Any, Any]:
    """mediapipe (imported here only, and lazily) and cv2 (for a 0.1 ms BGR->RGB at 720p,
    against 2.7 ms for a numpy channel flip)."""
    try:
        import cv2
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision
    except ImportError as exc:  # pragma: no cover - mediapipe is a hard dependency
        raise ModelError(f"mediapipe is not installed or broken ({exc})") from exc
    return mp, BaseOptions, vision, cv2


class PoseEstimator:
    """MediaPipe PoseLandmarker for one athlete. See the module docstring for the modes.

    ``PoseEstimator(model_path=None, running_mode="video", num_poses=1, ...)``; use it as a
    context manager or call ``close()``.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        running_mode: str = "video",
        num_poses: int = 1,
        probe_every: int = 30,
        min_pose_detection_confidence: float = 0.5,
        min_pose_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        reacquire_after_ms: int = 2000,
        segmentation: bool = False,
        retry: str | None = None,
    ) -> None:
        if running_mode not in RUNNING_MODES:
            raise ConfigError(f"running_mode must be one of {', '.join(RUNNING_MODES)}, got {running_mode!r}")
        if not (isinstance(num_poses, int) and num_poses >= 1):
            raise ConfigError(f"num_poses must be a positive integer, got {num_poses!r}")
        for name, value in (
            ("min_pose_detection_confidence", min_pose_detection_confidence),
            ("min_pose_presence_confidence", min_pose_presence_confidence),
            ("min_tracking_confidence", min_tracking_confidence),
        ):
            if not (0.0 <= float(value) <= 1.0):
                raise ConfigError(f"{name} must be in [0, 1], got {value!r}")
        self.model_path = check_model_file(model_path if model_path is not None else default_model_path())
        self.running_mode = running_mode
        self.num_poses = num_poses

        self.n_frames = 0
        self.n_multi_person_frames = 0
        self.n_timestamps_adjusted = 0
        self._last_t_ms: int | None = None
        self._aspect = 1.0
        self._tracker = AthleteTracker(lambda: self._aspect, reacquire_after_ms)
        self._lock = threading.Lock()
        self._latest: PoseResult | None = None
        self._callback_error: BaseException | None = None

        self._mp, base_options_cls, vision, self._cv2 = _import_mediapipe()
        mode = vision.RunningMode.VIDEO if running_mode == "video" else vision.RunningMode.LIVE_STREAM
        options = vision.PoseLandmarkerOptions(
            base_options=base_options_cls(model_asset_path=str(self.model_path)),
            running_mode=mode,
            num_poses=num_poses,
            min_pose_detection_confidence=float(min_pose_detection_confidence),
            min_pose_presence_confidence=float(min_pose_presence_confidence),
            min_tracking_confidence=float(min_tracking_confidence),
            output_segmentation_masks=bool(segmentation),
            result_callback=self._on_live_result if running_mode == "live" else None,
        )
        try:
            with native_stderr_silenced():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"could not load pose model {self.model_path.name}: {exc}") from exc
        self._vision, self._base_options_cls = vision, base_options_cls
        self.probe_every = int(probe_every) if running_mode == "video" and num_poses == 1 else 0
        self._probe = None
        self.retry = retry_setting(retry) if running_mode == "video" and num_poses == 1 else None
        self._retry_landmarker: Any = None
        self._retry_confidences = (float(min_pose_detection_confidence), float(min_pose_presence_confidence),
                                   float(min_tracking_confidence))
        self.n_retry_frames = 0
        self._person_seen = False
        # Live mode: MediaPipe logs its start-up lines from its own thread when the first person
        # is found; keep stderr quiet from the first frame until shortly after that (bounded).
        self._quiet = QuietStderr()
        self._quiet_until_ms: int | None = None
        self._person_seen_at_ms: int | None = None
        # Close before interpreter teardown even if the caller forgets (mediapipe's own __del__
        # fails noisily at exit).
        self._finalizer = weakref.finalize(self, self._landmarker.close)

    # -- shared -------------------------------------------------------------------------------
    def _prepare(self, frame_bgr: np.ndarray, t_ms: float) -> tuple[Any, int]:
        if self._finalizer is None or not self._finalizer.alive:
            raise ModelError("the pose estimator is closed")
        frame = np.asarray(frame_bgr)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3 or frame.size == 0:
            raise InputError(f"frame must be a BGR uint8 image (H, W, 3), got {frame.dtype} {frame.shape}")
        if not math.isfinite(float(t_ms)):
            raise InputError(f"timestamp must be finite milliseconds, got {t_ms!r}")
        t = int(round(float(t_ms)))
        if self._last_t_ms is not None and t <= self._last_t_ms:
            t = self._last_t_ms + 1
            self.n_timestamps_adjusted += 1
        self._last_t_ms = t
        self._aspect = frame.shape[1] / frame.shape[0]
        rgb = self._cv2.cvtColor(np.ascontiguousarray(frame), self._cv2.COLOR_BGR2RGB)
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        return image, t

    def _to_pose_result(self, result: Any, t_ms: int) -> PoseResult:
        images = [_landmarks_array(p) for p in result.pose_landmarks]
        worlds = [_landmarks_array(p) for p in result.pose_world_landmarks]
        n = len(images)
        self.n_frames += 1
        if n > 1:
            self.n_multi_person_frames += 1
        if n == 0:
            return PoseResult(empty_frame(), empty_frame(), 0, t_ms)
        best = self._tracker.choose(images, t_ms)
        world = worlds[best] if best < len(worlds) else empty_frame()
        masks = getattr(result, "segmentation_masks", None) or []
        mask = np.array(masks[best].numpy_view(), dtype=np.float32).squeeze() if best < len(masks) else None
        return PoseResult(images[best], world, n, t_ms, mask)

    # -- video mode ---------------------------------------------------------------------------
    def detect(self, frame_bgr: np.ndarray, t_ms: float, *, probe: bool | None = None) -> PoseResult:
        """Pose of the athlete in one frame (``"video"`` mode). ``t_ms``: frame time in ms.
        ``probe``: count the people here (default: one frame in ``probe_every``; a chunk of a
        clip passes its own choice, to probe the frames a whole-clip run would)."""
        if self.running_mode != "video":
            raise ModelError("detect() needs running_mode='video'; in 'live' mode use submit()/latest()")
        image, t = self._prepare(frame_bgr, t_ms)
        try:
            # MediaPipe's start-up lines come with the first inference and the first person found.
            if self.n_frames < 2 or not self._person_seen:
                with native_stderr_silenced():
                    result = self._landmarker.detect_for_video(image, t)
            else:
                result = self._landmarker.detect_for_video(image, t)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"pose model failed on the frame at {t} ms: {exc}") from exc
        out = self._to_pose_result(result, t)
        if not out.present and self.retry:
            out = self._retry_pose(frame_bgr, t) or out
        self._person_seen = self._person_seen or out.n_people > 0
        if probe if probe is not None else self.probe_every and (self.n_frames - 1) % self.probe_every == 0:
            n = self._count_people(image)
            if n > 1:
                self.n_multi_person_frames += 1
                out = PoseResult(out.image, out.world, n, out.t_ms)
        return out

    def _retry_pose(self, frame_bgr: np.ndarray, t_ms: int) -> PoseResult | None:
        """The athlete found in the turned copy of a frame where the main landmarker found
        nobody, in the frame's coordinates; None if not found there either."""
        frame = np.asarray(frame_bgr)
        height, width = frame.shape[:2]
        tf = make_transform(self.retry, width, height)
        if self._retry_landmarker is None:
            vision = self._vision
            det, presence, tracking = self._retry_confidences
            options = vision.PoseLandmarkerOptions(
                base_options=self._base_options_cls(model_asset_path=str(self.model_path)),
                running_mode=vision.RunningMode.VIDEO, num_poses=1, min_pose_detection_confidence=det,
                min_pose_presence_confidence=presence, min_tracking_confidence=tracking,
            )
            with native_stderr_silenced():
                self._retry_landmarker = vision.PoseLandmarker.create_from_options(options)
            self._retry_finalizer = weakref.finalize(self, self._retry_landmarker.close)
        rgb = self._cv2.cvtColor(warp(frame, tf), self._cv2.COLOR_BGR2RGB)
        try:
            with native_stderr_silenced():
                result = self._retry_landmarker.detect_for_video(
                    self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb), t_ms)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"pose model failed on the turned frame at {t_ms} ms: {exc}") from exc
        if not result.pose_landmarks:
            return None
        world = result.pose_world_landmarks[0] if result.pose_world_landmarks else []
        image, world_m = landmarks_back(_landmarks_array(result.pose_landmarks[0]), _landmarks_array(world),
                                        tf, width, height)
        self.n_retry_frames += 1
        return PoseResult(image, world_m, 1, t_ms)

    def _count_people(self, image: Any) -> int:
        """People in one frame, from a separate single-image landmarker (the probe)."""
        if self._probe is None:
            vision = self._vision
            options = vision.PoseLandmarkerOptions(
                base_options=self._base_options_cls(model_asset_path=str(self.model_path)),
                running_mode=vision.RunningMode.IMAGE, num_poses=3,
                min_pose_detection_confidence=0.5, min_pose_presence_confidence=0.5,
                output_segmentation_masks=False,
            )
            with native_stderr_silenced():
                self._probe = vision.PoseLandmarker.create_from_options(options)
            self._probe_finalizer = weakref.finalize(self, self._probe.close)
        try:
            with native_stderr_silenced():
                poses = [_landmarks_array(p) for p in self._probe.detect(image).pose_landmarks]
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"pose model failed while counting people: {exc}") from exc
        return count_real_people(poses)

    def take_probe(self, other: "PoseEstimator") -> None:
        """Use ``other``'s people-counting probe from now on (it is a landmarker of its own,
        ~80 MB): a pose pass that restarts its landmarker at seams keeps one probe throughout."""
        if other._probe is None or self._probe is not None:
            return
        other._probe_finalizer.detach()
        self._probe, other._probe = other._probe, None
        self._probe_finalizer = weakref.finalize(self, self._probe.close)

    # -- live mode ----------------------------------------------------------------------------
    def submit(self, frame_bgr: np.ndarray, t_ms: float) -> None:
        """Queue a frame (``"live"`` mode); returns at once. Busy graph -> the frame is dropped."""
        if self.running_mode != "live":
            raise ModelError("submit() needs running_mode='live'; in 'video' mode use detect()")
        self._raise_callback_error()
        image, t = self._prepare(frame_bgr, t_ms)
        if self._quiet_until_ms is None:
            self._quiet_until_ms = t + _LIVE_QUIET_MAX_MS
            self._quiet.start()
        elif self._quiet.active and (t > self._quiet_until_ms or self._person_seen_at_ms is not None
                                     and t > self._person_seen_at_ms + _LIVE_QUIET_AFTER_PERSON_MS):
            self._quiet.stop()
        try:
            self._landmarker.detect_async(image, t)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"pose model refused the frame at {t} ms: {exc}") from exc

    def latest(self) -> PoseResult | None:
        """The newest result in ``"live"`` mode (None before the first one)."""
        self._raise_callback_error()
        with self._lock:
            return self._latest

    def _on_live_result(self, result: Any, _image: Any, timestamp_ms: int) -> None:
        try:
            with self._lock:
                self._latest = self._to_pose_result(result, int(timestamp_ms))
                if self._latest.n_people and self._person_seen_at_ms is None:
                    self._person_seen_at_ms = int(timestamp_ms)
        except Exception as exc:  # noqa: BLE001 - kept and re-raised on the caller's thread
            self._callback_error = exc

    def _raise_callback_error(self) -> None:
        if self._callback_error is not None:
            exc, self._callback_error = self._callback_error, None
            raise ModelError(f"pose result handling failed: {exc}") from exc

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        self._quiet.stop()
        if self._probe is not None:
            self._probe_finalizer()
        if self._retry_landmarker is not None:
            self._retry_finalizer()
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def extract_landmarks(
    video_source: Any,
    estimator: PoseEstimator,
    progress: Callable[[int, int | None], None] | None = None,
) -> LandmarkSeries:
    """Run the estimator over every frame of a file source and build a LandmarkSeries.

    ``video_source``: a ``formcheck.adapters.video.VideoSource`` (anything iterable over
    ``(index, t_s, bgr)`` with ``width``/``height`` works; ``frame_count``, ``name``,
    ``truncated`` and ``warnings`` are used when present). ``progress(done, total)`` is called
    after each frame; ``total`` is the container's frame count estimate or None.

    ``meta`` holds: frames_decoded, frames_expected, n_multi_person_frames,
    n_timestamps_adjusted, n_retry_frames, truncated, timestamps_from, warnings, model, fps.
    """
    if estimator.running_mode != "video":
        raise ModelError("extract_landmarks needs an estimator in running_mode='video'")
    total = getattr(video_source, "frame_count", None)
    adjusted_before = estimator.n_timestamps_adjusted
    retried_before = estimator.n_retry_frames
    t_list: list[float] = []
    images: list[np.ndarray] = []
    worlds: list[np.ndarray] = []
    n_multi = 0
    done = 0
    for _index, t_s, bgr in video_source:
        result = estimator.detect(bgr, t_s * 1000.0)
        t_list.append(float(t_s))
        images.append(result.image)
        worlds.append(result.world)
        n_multi += result.n_people > 1
        done += 1
        if progress is not None:
            progress(done, total)
    name = getattr(video_source, "name", "")
    if done == 0:
        raise InputError(f"{name or 'the video'}: no frames were decoded")
    warnings = list(getattr(video_source, "warnings", []))
    checked = -(-done // estimator.probe_every) if estimator.probe_every else done
    meta = {
        "frames_decoded": done,
        "frames_expected": total,
        "n_multi_person_frames": int(n_multi),
        "n_people_checked_frames": int(checked),
        "n_timestamps_adjusted": estimator.n_timestamps_adjusted - adjusted_before,
        "n_retry_frames": estimator.n_retry_frames - retried_before,
        "truncated": bool(getattr(video_source, "truncated", False)),
        "timestamps_from": getattr(video_source, "timestamps_from", "container"),
        "warnings": warnings,
        "model": estimator.model_path.name,
        "fps": getattr(video_source, "fps", None),
    }
    return LandmarkSeries(
        t_s=np.array(t_list),
        image=np.stack(images),
        image_size=(int(video_source.width), int(video_source.height)),
        world=np.stack(worlds),
        source=name,
        meta=meta,
    )


__all__ = [
    "MODEL_FILENAME", "MODEL_ENV_VAR", "RETRY_ENV_VAR", "PoseEstimator", "PoseResult", "check_model_file",
    "default_model_path", "extract_landmarks", "model_search_paths", "retry_setting",
]
