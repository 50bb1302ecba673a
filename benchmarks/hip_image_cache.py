"""Rendered hip-level cases, run once through the pose model and kept on disk (issue 18).

``study_hip_image.py`` reads candidates from the image itself (the waist and hip edges) and from
the working thigh; rendering and the pose model are the slow part, so each case is done once and
stored as one ``.npz`` under the cache folder (default ``/tmp/h18e``): the landmarks and the
renderer's true joints in pixels for every frame of the bottom and the top, and a few top and
bottom frames with their segmentation masks for the image readings. A rerun with the same case
reads the file and costs nothing.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VIEWS = {  # name -> camera keywords (raised: the pelvis in view over the thighs), as study_hip_level
    "feet_1.6m": {"view": "front", "height_m": 1.6},
    "feet_2.0m": {"view": "front", "height_m": 2.0},
    "feet_1.8m": {"view": "front", "height_m": 1.8},   # study_hip_single.py
    "oblique35_1.6m": {"view": "oblique", "yaw_deg": 35.0, "height_m": 1.6},
    "oblique40_1.9m": {"view": "oblique", "yaw_deg": -40.0, "height_m": 1.9},
    # lower cameras from the feet, run on request (--views): where the waistband goes out of sight
    "feet_1.2m": {"view": "front", "height_m": 1.2},
    "feet_0.8m": {"view": "front", "height_m": 0.8},
}
DEFAULT_VIEWS = ("feet_1.6m", "feet_2.0m", "oblique35_1.6m", "oblique40_1.9m")
# Outfits the renderer does not offer, for the study only (index len(OUTFITS) + k): a top the
# colour of the shorts (no waistband edge to see) and a light top over light shorts.
EXTRA_OUTFITS = {"dark_on_dark": dict(shirt="#2a2c31", bottoms="#2b2d33", legs=0.55, sleeves=0.45),
                 "grey_on_grey": dict(shirt="#9a9a9e", bottoms="#8e8f94", legs=0.55, sleeves=0.2)}
IMAGE_FRAMES = 4  # top and bottom frames kept as pictures (the landmarks keep every frame)


@dataclass(frozen=True)
class Case:
    """One rendered one-rep set: where it is filmed from, what it is and its pelvic drop."""

    view: str
    exercise: str
    drop_deg: float      # signed: + the free side lower at the top, - higher
    outfit: int          # index into formcheck.synth.mannequin.OUTFITS, then into EXTRA_OUTFITS
    seed: int
    fps: float = 10.0
    size: tuple[int, int] = (480, 360)
    noise: float = 0.0       # RenderOptions: sensor noise (grey levels), blur (px), lighting drift
    blur: float = 0.0
    lighting: float = 0.0
    free_hip_deg: float = 90.0   # the lifted free leg's hip angle (single-leg; the renderer's default)
    scale: float = 1.0           # body size

    @property
    def working(self) -> str:
        return "left" if self.seed % 2 else "right"

    @property
    def free_sign(self) -> float:
        """+1 when the free side is the person's left: readings are signed + = the free side lower."""
        return 1.0 if self.working == "left" else -1.0

    def key(self) -> str:
        w, h = self.size
        look = f"_n{self.noise:g}b{self.blur:g}l{self.lighting:g}" if self.noise or self.blur or self.lighting else ""
        body = (f"_fh{self.free_hip_deg:g}" if self.free_hip_deg != 90.0 else "") + \
            (f"_sc{self.scale:g}" if self.scale != 1.0 else "")
        return (f"{self.view}_{self.exercise}_{self.drop_deg:+.0f}_o{self.outfit}_s{self.seed}"
                f"_{self.fps:g}fps_{w}x{h}{look}{body}")


def _pick(idx: np.ndarray, n: int) -> np.ndarray:
    if idx.size <= n:
        return idx
    return idx[np.linspace(0, idx.size - 1, n).round().astype(int)]


def render_case(case: Case) -> dict[str, np.ndarray]:
    """Render ``case``, run the pose model (with its mask) frame by frame, keep what the study reads."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.synth.camera import Camera
    from formcheck.synth.motion import MotionParams, simulate
    from formcheck.synth.render import Renderer, RenderOptions

    motion = simulate(MotionParams(exercise=case.exercise, reps=1, working_side=case.working,
                                   pelvic_drop_deg=case.drop_deg, seed=case.seed,
                                   free_leg_hip_deg=case.free_hip_deg, scale=case.scale), fps=case.fps)
    cam = Camera(width=case.size[0], height=case.size[1], **VIEWS[case.view])
    from formcheck.synth.mannequin import OUTFITS, Outfit

    extra = case.outfit - len(OUTFITS)
    rnd = Renderer(motion, cam, RenderOptions(seed=case.seed, outfit=case.outfit if extra < 0 else 0,
                                              noise=case.noise, blur=case.blur, lighting=case.lighting))
    if extra >= 0:   # no bystander is rendered here, so the person's outfit may be one of ours
        rnd.outfit = Outfit(**list(EXTRA_OUTFITS.values())[extra])
    phase = np.asarray(motion.phase)
    top = np.flatnonzero(phase == "top")
    lift = np.flatnonzero(phase != phase[0])
    bottom = np.arange(0, int(lift[0]) if lift.size else 0)   # before the lift: the pelvis is level
    last = int(top.max()) if top.size else len(motion) - 1
    keep_img = set(_pick(top, IMAGE_FRAMES).tolist()) | set(_pick(bottom, IMAGE_FRAMES).tolist())
    n = last + 1
    lm_img, lm_world = np.full((n, 33, 4), np.nan), np.full((n, 33, 4), np.nan)
    frames, masks, at = [], [], []
    pose_s = 0.0
    with warnings.catch_warnings(), PoseEstimator(segmentation=True) as est:
        warnings.simplefilter("ignore", RuntimeWarning)
        for i in range(n):
            frame = rnd.frame(i)
            t0 = time.perf_counter()
            res = est.detect(frame, float(motion.t_s[i]) * 1000.0)
            pose_s += time.perf_counter() - t0
            if res.present:
                lm_img[i], lm_world[i] = res.image, res.world
            if i in keep_img and res.mask is not None:
                frames.append(frame)
                masks.append((res.mask * 255).astype(np.uint8))
                at.append(i)
    w, h = case.size
    true_px = rnd.true_pixels()[:n]
    return {"lm_px": lm_img[..., :2] * np.array([w, h]), "world": lm_world[..., :3], "true_px": true_px,
            "true_world": motion.joints_m[:n], "top": top, "bottom": bottom,
            "frames": np.asarray(frames, np.uint8).reshape(-1, h, w, 3),
            "masks": np.asarray(masks, np.uint8).reshape(-1, h, w), "frame_at": np.asarray(at, int),
            "pose_ms": np.array(1000.0 * pose_s / max(n, 1))}


def load_case(case: Case, cache: Path) -> dict[str, np.ndarray]:
    """The case from the cache, rendered and stored first if it is not there."""
    path = cache / f"{case.key()}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    data = render_case(case)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.npz")
    np.savez_compressed(tmp, **data)
    tmp.replace(path)   # a killed run leaves no half-written case behind
    return data
