"""A view-free rep signal for offline analysis from the feet or the head.

From there the hips' image lift (``kinematics.hip_lift_sw``) is a small vertical movement of two
points MediaPipe places less surely than side-on; rendered front sets counted exact on it 5 of 7
times. A rep moves the whole body, though, and the same way each time: the shoulders', hips',
knees' image tracks all swing together. Their first principal component carries that
common motion whatever the camera sees, and averages out one joint's jitter.

Offline only: the component is fitted on the whole set (live never has it). It is signed to rise
with the hips and scaled so that the set's central range reads as a rendered rep's rise in
shoulder widths, so the ``[lift]`` segmenter settings and bands apply to it unchanged.
"""

from __future__ import annotations

import numpy as np

from formcheck.core.profile import Profile
from formcheck.core.smoothing import smooth_offline
from formcheck.core.vocab import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

#: Shoulders, hips and knees: the joints that move with a rep and that the pose model finds from
#: any side (the face and hands move on their own). Not the ankles: end-on MediaPipe's ankles jump
#: between the planted and the lifted foot, and with them in, the front sample filmed from 0.45 m
#: (slht_unlevel_hips_front) counted an extra rep; without them, 34 rendered end-on sets counted
#: 19 exact against 20 with them (README "Limits").
BODY_JOINTS = (11, 12, 23, 24, 25, 26)
MIN_FIT_FRAMES = 10


def _body_tracks(px: np.ndarray) -> np.ndarray:
    """(T, 2 * joints) joint positions relative to the mid-shoulder, in shoulder widths (or half
    a torso length where the shoulders are seen nearly edge-on)."""
    sh = 0.5 * (px[:, LEFT_SHOULDER] + px[:, RIGHT_SHOULDER])
    hip = 0.5 * (px[:, LEFT_HIP] + px[:, RIGHT_HIP])
    with np.errstate(invalid="ignore"):
        width = np.nanmedian(np.linalg.norm(px[:, LEFT_SHOULDER] - px[:, RIGHT_SHOULDER], axis=-1))
        torso = np.nanmedian(np.linalg.norm(sh - hip, axis=-1))
    scale = np.nanmax([width, 0.5 * torso])
    rel = (px[:, BODY_JOINTS] - sh[:, None]) / scale
    return rel.reshape(px.shape[0], -1)


def body_lift_sw(t_s: np.ndarray, px: np.ndarray, *, sigma_s: float, max_gap_s: float, spike_min_sw: float,
                 range_pct: float, rep_rise_sw: float) -> np.ndarray:
    """The body tracks' first principal component per frame (T,), rising with the hips.

    ``px`` (T, 33, 2) image pixels (NaN where unseen). Each track is smoothed as offline measures
    are (spike filter, gap fill, zero-phase Gaussian), the component is fitted on frames where
    every track is known, and its ``range_pct``..``100 - range_pct`` percentile range is scaled to
    ``rep_rise_sw``. NaN everywhere when fewer than MIN_FIT_FRAMES frames are complete.
    """
    n = px.shape[0]
    out = np.full(n, np.nan)
    if n < MIN_FIT_FRAMES or not np.isfinite(px[:, BODY_JOINTS]).any():
        return out
    raw = _body_tracks(px)
    x = np.stack([smooth_offline(t_s, raw[:, j], sigma_s=sigma_s, max_gap_s=max_gap_s, spike_min_deg=spike_min_sw)
                  for j in range(raw.shape[1])], axis=1)
    ok = np.isfinite(x).all(axis=1)
    if ok.sum() < MIN_FIT_FRAMES:
        return out
    mu = x[ok].mean(axis=0)
    _, _, vt = np.linalg.svd(x[ok] - mu, full_matrices=False)
    score = (x - mu) @ vt[0]
    hip_up = -(px[:, LEFT_HIP, 1] + px[:, RIGHT_HIP, 1])  # image y grows downward
    both = ok & np.isfinite(hip_up)
    if both.sum() >= 2 and np.std(hip_up[both]) > 0 and np.corrcoef(score[both], hip_up[both])[0, 1] < 0:
        score = -score
    lo, hi = np.nanpercentile(score[ok], [range_pct, 100.0 - range_pct])
    if not hi > lo:
        return out
    out[ok] = score[ok] / (hi - lo) * rep_rise_sw
    return out


def body_lift_for(profile: Profile, t_s: np.ndarray, image: np.ndarray, image_size: tuple[int, int],
                  knee_deg: np.ndarray | None = None) -> np.ndarray:
    """``body_lift_sw`` of a set's image landmarks (T, 33, 4) with the profile's settings.

    Frames whose knee (``knee_deg``) reads lying flat (``lift.setup_flat_knee_deg``) are left
    out, NaN: lying with straight legs before the set and sliding the feet in moves the body
    further than a rep, and the component followed that instead (rendered floor bridges filmed
    end-on after a lie-flat set-up counted 1 of 3 reps; 3 of 3 without those frames)."""
    px = image[:, :, :2] * np.asarray(image_size, dtype=np.float64)
    if knee_deg is not None:
        with np.errstate(invalid="ignore"):
            px[knee_deg >= profile.lift.setup_flat_knee_deg] = np.nan
    sm, lf = profile.smoothing, profile.lift
    return body_lift_sw(t_s, px, sigma_s=sm.offline_sigma_s, max_gap_s=sm.max_gap_s, spike_min_sw=lf.spike_min_sw,
                        range_pct=lf.body_range_pct, rep_rise_sw=lf.body_rise_sw)
