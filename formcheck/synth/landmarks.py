"""Synthetic MediaPipe-like landmark series from a simulated motion and a camera. Pure numpy.

What MediaPipe gives and what is imitated here:

* image landmarks: x, y normalized by width and height; z = depth relative to the hip midpoint
  on roughly the same scale as x (negative = closer to the camera); visibility in [0, 1];
* world landmarks: metres, origin between the hips, axes aligned with the camera (x right,
  y down, z away from the camera);
* failures: pixel noise, occasional large spikes on one limb, frames with no person (NaN rows,
  in short runs), left/right leg labels swapped in short runs (common in side views), lower
  visibility for occluded far-side joints, and a variable frame rate.

Every random effect draws from its own stream of ``seed``: turning one effect on or off does not
change the draws of the others, and the same arguments always give the same series.
"""

from __future__ import annotations

import numpy as np

from formcheck.core import vocab as V
from formcheck.core.landmarks import LandmarkSeries
from .camera import Camera
from .motion import Motion, simulate

# Left/right pairs (odd = person's left).
_PAIRS = ((V.LEFT_EYE_INNER, V.RIGHT_EYE_INNER), (V.LEFT_EYE, V.RIGHT_EYE), (V.LEFT_EYE_OUTER, V.RIGHT_EYE_OUTER),
          (V.LEFT_EAR, V.RIGHT_EAR), (V.MOUTH_LEFT, V.MOUTH_RIGHT), (V.LEFT_SHOULDER, V.RIGHT_SHOULDER),
          (V.LEFT_ELBOW, V.RIGHT_ELBOW), (V.LEFT_WRIST, V.RIGHT_WRIST), (V.LEFT_PINKY, V.RIGHT_PINKY),
          (V.LEFT_INDEX, V.RIGHT_INDEX), (V.LEFT_THUMB, V.RIGHT_THUMB), (V.LEFT_HIP, V.RIGHT_HIP),
          (V.LEFT_KNEE, V.RIGHT_KNEE), (V.LEFT_ANKLE, V.RIGHT_ANKLE), (V.LEFT_HEEL, V.RIGHT_HEEL),
          (V.LEFT_FOOT, V.RIGHT_FOOT))
_LEG_PAIRS = _PAIRS[-5:]  # hips, knees, ankles, heels, toes
# Limbs a spike may hit (one glitch moves a whole limb, as a mislocalised leg or arm does).
_LIMBS = ((V.LEFT_KNEE, V.LEFT_ANKLE, V.LEFT_HEEL, V.LEFT_FOOT), (V.RIGHT_KNEE, V.RIGHT_ANKLE, V.RIGHT_HEEL, V.RIGHT_FOOT),
          (V.LEFT_ELBOW, V.LEFT_WRIST, V.LEFT_PINKY, V.LEFT_INDEX, V.LEFT_THUMB),
          (V.RIGHT_ELBOW, V.RIGHT_WRIST, V.RIGHT_PINKY, V.RIGHT_INDEX, V.RIGHT_THUMB),
          tuple(range(V.NOSE, V.MOUTH_RIGHT + 1)), (V.LEFT_HIP, V.LEFT_KNEE, V.LEFT_ANKLE),
          (V.RIGHT_HIP, V.RIGHT_KNEE, V.RIGHT_ANKLE))
_FACE = tuple(range(V.NOSE, V.MOUTH_RIGHT + 1))  # nose, eyes, ears, mouth


def _runs(rng: np.random.Generator, n: int, rate: float, mean_len: float, max_len: int) -> np.ndarray:
    """A boolean mask over n frames covering about ``rate`` of them, in runs of 1..max_len."""
    mask = np.zeros(n, dtype=bool)
    if rate <= 0 or n == 0:
        return mask
    want = int(round(rate * n))
    guard = 0
    while mask.sum() < want and guard < 10 * n:
        guard += 1
        length = int(min(max_len, max(1, rng.geometric(1.0 / mean_len))))
        length = min(length, want - int(mask.sum())) or 1
        start = int(rng.integers(0, max(1, n - length + 1)))
        mask[start:start + length] = True
    return mask


def jittered_times(duration_s: float, fps: float, jitter: float, rng: np.random.Generator) -> np.ndarray:
    """Timestamps from 0 to ``duration_s`` whose intervals are 1/fps × (1 ± jitter), uniform."""
    dt = 1.0 / fps
    n_max = int(duration_s * fps / max(1e-3, 1.0 - jitter)) + 2
    steps = dt * (1.0 + rng.uniform(-jitter, jitter, size=n_max))
    t = np.concatenate([[0.0], np.cumsum(steps)])
    return t[t <= duration_s + 1e-9]


def synth_series(
    motion: Motion,
    camera: Camera | None = None,
    *,
    noise_px: float = 0.0,
    jitter_px: float = 0.0,
    jitter_rate: float = 0.02,
    dropout_rate: float = 0.0,
    swap_legs_rate: float = 0.0,
    visibility_model: bool = True,
    frame_rate_jitter: float | bool = 0.0,
    seed: int = 0,
) -> LandmarkSeries:
    """MediaPipe-like landmarks of ``motion`` seen by ``camera`` (default: a fitted side_left).

    ``noise_px``: Gaussian sd in pixels on every landmark (world landmarks get the same noise
    converted to metres at the hips' depth). ``jitter_px``: size of occasional spikes, on
    ``jitter_rate`` of the frames one limb jumps by about that many pixels. ``dropout_rate``:
    fraction of frames with no person (NaN rows) in runs of 1-8 frames. ``swap_legs_rate``:
    fraction of frames, in runs of 2-10, whose left/right leg labels (hips to feet) are swapped.
    ``visibility_model``: far-side (occluded) joints get lower visibility; False = all 0.99.
    ``frame_rate_jitter``: each frame interval varies by ±this fraction (True = 0.2); the motion
    is re-simulated at those times. ``meta`` records the camera, the seed and the frames that
    were dropped, swapped or spiked.
    """
    frj = _check_args(motion, noise_px, jitter_px, jitter_rate, dropout_rate, swap_legs_rate, frame_rate_jitter)

    streams = np.random.SeedSequence([int(seed), 20240511]).spawn(8)
    rng_t, rng_noise, rng_spike, rng_drop, rng_swap, rng_vis, _, _ = (np.random.default_rng(s) for s in streams)

    if frj > 0:
        t_new = jittered_times(float(motion.t_s[-1]), motion.fps, frj, rng_t)
        motion = simulate(motion.params, fps=motion.fps, t_s=t_new)

    cam = camera if camera is not None else Camera()
    if not cam.resolved:
        cam = cam.fit(motion.joints_m)
    joints = motion.joints_m
    n = joints.shape[0]
    w, h = cam.image_size
    f = cam.focal
    image, world, px, depth, hip_depth = _project(cam, joints)

    if visibility_model:
        vis = _visibility(cam, joints, image, px, depth, rng_vis)
    else:
        vis = np.full((n, 33), 0.99)
    image[..., 3] = vis
    world[..., 3] = vis

    # -- noise ----------------------------------------------------------------------------
    m_per_px = hip_depth / f                               # (T,) metres per pixel at the hips
    if noise_px > 0:
        _add_noise(image, world, rng_noise.normal(0.0, noise_px, size=(n, 33, 3)), m_per_px, (w, h))
    spikes = np.zeros(n, dtype=bool)
    if jitter_px > 0 and jitter_rate > 0:
        spikes = _spikes(image, world, rng_spike, jitter_px, jitter_rate, m_per_px, (w, h))

    # -- label swaps ----------------------------------------------------------------------
    swapped = _runs(rng_swap, n, swap_legs_rate, mean_len=4.0, max_len=10)
    if swapped.any():
        _swap_legs(image, world, swapped)

    # -- dropouts -------------------------------------------------------------------------
    dropped = _runs(rng_drop, n, dropout_rate, mean_len=3.0, max_len=8)
    image[dropped] = np.nan
    world[dropped] = np.nan

    p = motion.params
    meta = {"synthetic": True, "seed": int(seed), "camera": cam, "exercise": p.exercise,
            "variation": p.resolved_variation, "view": cam.view, "dropped": dropped, "swapped": swapped,
            "spikes": spikes, "motion_t_s": motion.t_s}
    return LandmarkSeries(t_s=motion.t_s.copy(), image=image, image_size=(w, h), world=world,
                          source=f"synthetic:{p.exercise}:{cam.view}", meta=meta)


def _add_noise(image: np.ndarray, world: np.ndarray, e: np.ndarray, m_per_px: np.ndarray,
               image_size: tuple[int, int]) -> None:
    """Pixel noise ``e`` (T, 33, 3) on the image landmarks, the same in metres on the world ones."""
    w, h = image_size
    image[..., 0] += e[..., 0] / w
    image[..., 1] += e[..., 1] / h
    image[..., 2] += e[..., 2] / w
    world[..., :3] += e * m_per_px[:, None, None]


def _swap_legs(image: np.ndarray, world: np.ndarray, swapped: np.ndarray) -> None:
    """Swap the left and right leg labels (hips to feet) on the ``swapped`` frames."""
    for a, b in _LEG_PAIRS:
        for arr in (image, world):
            tmp = arr[swapped, a].copy()
            arr[swapped, a] = arr[swapped, b]
            arr[swapped, b] = tmp


def _check_args(motion: Motion, noise_px: float, jitter_px: float, jitter_rate: float, dropout_rate: float,
                swap_legs_rate: float, frame_rate_jitter: float | bool) -> float:
    """Refuse out-of-range corruption settings; the frame-rate jitter as a fraction."""
    if not isinstance(motion, Motion):
        raise TypeError(f"motion must be a Motion, got {type(motion).__name__}")
    for name, v, hi in (("noise_px", noise_px, 1e3), ("jitter_px", jitter_px, 1e4), ("jitter_rate", jitter_rate, 1.0),
                        ("dropout_rate", dropout_rate, 0.95), ("swap_legs_rate", swap_legs_rate, 0.95)):
        if not np.isfinite(v) or not 0.0 <= float(v) <= hi:
            raise ValueError(f"{name} must be in [0, {hi}], got {v!r}")
    if frame_rate_jitter is True:
        frame_rate_jitter = 0.2
    frj = float(frame_rate_jitter)
    if not 0.0 <= frj <= 0.6:
        raise ValueError(f"frame_rate_jitter must be in [0, 0.6] (a fraction of the frame interval), got {frame_rate_jitter!r}")
    return frj


def _project(cam: Camera, joints: np.ndarray) -> tuple[np.ndarray, ...]:
    """Image landmarks (x, y as fractions, z relative to the hips), world landmarks in camera
    axes (visibility columns left to fill), pixels, depths and the hips' depth per frame."""
    n = joints.shape[0]
    w, h = cam.image_size
    f = cam.focal
    px, depth = cam.project(joints)                       # (T,33,2), (T,33)
    hip_mid = 0.5 * (joints[:, V.LEFT_HIP] + joints[:, V.RIGHT_HIP])       # (T,3)
    _, hip_depth = cam.project(hip_mid)                   # (T,)
    image = np.empty((n, 33, 4))
    image[..., 0] = px[..., 0] / w
    image[..., 1] = px[..., 1] / h
    image[..., 2] = (depth - hip_depth[:, None]) * f / (hip_depth[:, None] * w)
    world = np.empty((n, 33, 4))
    world[..., :3] = cam.to_camera_axes(joints, hip_mid[:, None, :])
    return image, world, px, depth, hip_depth


def _visibility(cam: Camera, joints: np.ndarray, image: np.ndarray, px: np.ndarray, depth: np.ndarray,
                rng_vis: np.random.Generator) -> np.ndarray:
    """(T, 33) visibility: occluded far-side joints, a face turned away and joints outside the
    frame read low, as MediaPipe's do."""
    n = joints.shape[0]
    f = cam.focal
    vis = np.full((n, 33), 0.98)
    # A joint is occluded by its partner (or the body between them) when it is farther
    # from the camera and the two project close together, as the far leg in a side view.
    for a, b in _PAIRS:
        dd = depth[:, a] - depth[:, b]                # > 0: a is farther
        sep_m = np.linalg.norm(px[:, a] - px[:, b], axis=-1) * np.minimum(depth[:, a], depth[:, b]) / f
        close = np.clip(1.0 - sep_m / 0.3, 0.0, 1.0)
        vis[:, a] -= 0.45 * np.clip(dd / 0.12, 0.0, 1.0) * close
        vis[:, b] -= 0.45 * np.clip(-dd / 0.12, 0.0, 1.0) * close
    # Face turned away from the camera (back view): face landmarks fade.
    ear_mid = 0.5 * (joints[:, V.LEFT_EAR] + joints[:, V.RIGHT_EAR])
    face_dir = joints[:, V.NOSE] - ear_mid
    face_dir /= np.linalg.norm(face_dir, axis=-1, keepdims=True)
    away = np.clip(face_dir @ cam.rotation[2], 0.0, 1.0)   # facing along the optical axis = away
    vis[:, list(_FACE)] -= 0.5 * away[:, None]
    outside = (image[..., 0] < 0) | (image[..., 0] > 1) | (image[..., 1] < 0) | (image[..., 1] > 1)
    vis = np.where(outside, vis * 0.3, vis)
    vis += rng_vis.normal(0.0, 0.015, size=vis.shape)
    vis = np.clip(vis, 0.0, 1.0)
    return vis


def _spikes(image: np.ndarray, world: np.ndarray, rng_spike: np.random.Generator, jitter_px: float,
            jitter_rate: float, m_per_px: np.ndarray, image_size: tuple[int, int]) -> np.ndarray:
    """Move one limb by about ``jitter_px`` on ``jitter_rate`` of the frames; the frames hit."""
    n = image.shape[0]
    w, h = image_size
    spikes = rng_spike.random(n) < jitter_rate
    for i in np.nonzero(spikes)[0]:
        limb = list(_LIMBS[int(rng_spike.integers(len(_LIMBS)))])
        ang = rng_spike.uniform(0, 2 * np.pi)
        mag = jitter_px * rng_spike.uniform(0.6, 1.4)
        dx, dy = mag * np.cos(ang), mag * np.sin(ang)
        image[i, limb, 0] += dx / w
        image[i, limb, 1] += dy / h
        world[i, limb, :2] += np.array([dx, dy]) * m_per_px[i]
    return spikes


def quick_series(view: str = V.CameraView.SIDE_LEFT.value, *, fps: float = 30.0, seed: int = 0, camera: Camera | None = None,
                 noise_px: float = 0.0, jitter_px: float = 0.0, dropout_rate: float = 0.0,
                 swap_legs_rate: float = 0.0, frame_rate_jitter: float | bool = 0.0,
                 **motion_kwargs) -> tuple[LandmarkSeries, Motion]:
    """One call for tests: ``MotionParams(**motion_kwargs)`` simulated and seen from ``view``.

    Returns the series and the motion (its ``reps``, ``truth`` and ``injected_faults`` are the
    ground truth). When ``frame_rate_jitter`` is set, the returned motion is re-simulated at
    the series' timestamps so that truth and series share frames.
    """
    from .motion import MotionParams

    if "seed" not in motion_kwargs:
        motion_kwargs["seed"] = seed
    motion = simulate(MotionParams(**motion_kwargs), fps=fps)
    cam = camera if camera is not None else Camera(view=view)
    series = synth_series(motion, cam, noise_px=noise_px, jitter_px=jitter_px, dropout_rate=dropout_rate,
                          swap_legs_rate=swap_legs_rate, frame_rate_jitter=frame_rate_jitter, seed=seed)
    if series.t_s.size != motion.t_s.size or not np.array_equal(series.t_s, motion.t_s):
        motion = simulate(motion.params, fps=fps, t_s=series.t_s)
    return series, motion


__all__ = ["synth_series", "quick_series", "jittered_times"]
