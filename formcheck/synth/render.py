"""Render a simulated set to video: a shaded mannequin on a bench (or a mat) in a room.

Numpy ray casting (see :mod:`.raycast`) of the solids that :mod:`.mannequin` builds from the
motion's joints, seen by the perspective :class:`~formcheck.synth.camera.Camera`: Lambert
shading with ambient, a little specular, soft blob shadows on the floor and the bench, and a
z-buffer for depth order. The room (floor, walls, bench) is static and cast once per clip.
Deterministic: the same motion, camera and :class:`RenderOptions` give the same pixels.

Options: sensor noise, blur, a slow lighting change, and a second person standing (or slowly
walking) in the background.

:func:`render_clip` writes ``NAME.mp4`` (H.264 via :class:`formcheck.adapters.video.VideoWriter`),
``NAME.truth.json`` (the ground truth: per-frame true angles, reps, injected faults, what the
view lets the analysis judge, camera, parameters) and optionally ``NAME.landmarks.npz`` (the
true landmark positions as a noise-free :func:`~formcheck.synth.landmarks.synth_series`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from .camera import Camera
from .mannequin import OUTFITS, Prim, barbell_primitives, outfit_for_seed, person_primitives, standing_joints
from .motion import Motion, MotionParams, simulate
from .raycast import ZBuffer, hit_box
from formcheck.core.atomic import atomic_write_text
from .truth import (PROFILE_NAMES, TRUTH_VERSION, judged_codes, profile_thresholds, truth_dict,  # noqa: F401
                    view_family_of)

SECOND_PERSON = (None, "static", "moving")


@dataclass(frozen=True)
class RenderOptions:
    """How a clip looks. Invalid values raise ``ValueError``.

    ``noise``: Gaussian sensor noise, sd in 8-bit grey levels. ``blur``: Gaussian blur sigma in
    pixels (focus / motion softness). ``lighting``: amplitude (fraction of brightness) of a slow
    light change over ``lighting_period_s``, with a slight colour shift. ``second_person``:
    None, "static" (standing in the background) or "moving" (walking slowly across it).
    ``outfit``: index into :data:`~formcheck.synth.mannequin.OUTFITS` (None: chosen by
    ``seed``). ``supersample``: cast rays at this many times the resolution per axis and
    average down (anti-aliasing; 1 is fine for pose models). ``shadows``: blob shadows.
    ``plate``: a loaded barbell across the hips (a 45 cm plate each side), as in a barbell hip
    thrust: side-on the near plate hides the hips and the top of the thighs.
    ``seed``: noise, outfit and floor texture.
    """

    noise: float = 0.0
    blur: float = 0.0
    lighting: float = 0.0
    lighting_period_s: float = 8.0
    second_person: str | None = None
    outfit: int | None = None
    supersample: int = 1
    shadows: bool = True
    plate: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        def num(name: str, lo: float, hi: float) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
                raise ValueError(f"{name} must be a number in [{lo}, {hi}], got {v!r}")

        num("noise", 0.0, 64.0)
        num("blur", 0.0, 20.0)
        num("lighting", 0.0, 0.8)
        num("lighting_period_s", 0.5, 600.0)
        if self.second_person not in SECOND_PERSON:
            raise ValueError(f"second_person must be one of {SECOND_PERSON}, got {self.second_person!r}")
        if self.outfit is not None and (isinstance(self.outfit, bool) or not isinstance(self.outfit, int)
                                        or not 0 <= self.outfit < len(OUTFITS)):
            raise ValueError(f"outfit must be an integer in [0, {len(OUTFITS) - 1}] or None, got {self.outfit!r}")
        if isinstance(self.supersample, bool) or not isinstance(self.supersample, int) or not 1 <= self.supersample <= 4:
            raise ValueError(f"supersample must be an integer in [1, 4], got {self.supersample!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")


# --------------------------------------------------------------------------------------
# Camera placement
# --------------------------------------------------------------------------------------

def fit_camera(motion: Motion, camera: Camera) -> Camera:
    """Resolve ``camera``'s unset placement so the whole body surface stays in frame.

    The joints are padded by 0.12 m in every axis (the head, shoes and flesh reach past the
    joint centres) before :meth:`Camera.fit`.
    """
    if camera.resolved:
        return camera
    J = motion.joints_m
    J = J[:: max(1, J.shape[0] // 120)]
    offs = np.array([[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -0.6, 0], [0, 0, 1], [0, 0, -1]]) * 0.12
    pts = (J[:, :, None, :] + offs[None, None]).reshape(-1, 3)
    pts[:, 1] = np.maximum(pts[:, 1], 0.0)
    return camera.fit(pts)


# --------------------------------------------------------------------------------------
# The room
# --------------------------------------------------------------------------------------

def _hash_noise(ix: np.ndarray, iz: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic per-cell value in [0, 1)."""
    h = (ix.astype(np.int64) * 73856093) ^ (iz.astype(np.int64) * 19349663) ^ (int(seed) * 83492791)
    h = (h ^ (h >> 13)) * 1274126177
    return ((h ^ (h >> 16)) & 0xFFFF) / 65536.0


@dataclass
class _Room:
    color: np.ndarray        # (H, W, 3) lit background
    depth: np.ndarray        # (H, W)
    points: np.ndarray       # (H, W, 3) world hit point
    up_surface: np.ndarray   # (H, W) bool: floor / bench top / mat (receives shadows)


def _room(zb: ZBuffer, motion: Motion, cam: Camera, light: np.ndarray, seed: int) -> _Room:
    O, D = zb.origin, zb.dirs.reshape(-1, 3)
    tx, _, tz = cam.target_m
    half = max(3.2, cam.distance_m + 1.2)
    lo = np.array([min(tx - half, O[0] - 0.8), 0.0, min(tz - half, O[2] - 0.8)])
    hi = np.array([max(tx + half, O[0] + 0.8), max(2.8, O[1] + 0.6), max(tz + half, O[2] + 0.8)])
    with np.errstate(divide="ignore", invalid="ignore"):
        tb = np.where(D > 0, (hi - O) / D, np.where(D < 0, (lo - O) / D, np.inf))
    axis = np.argmin(tb, axis=1)
    t = tb[np.arange(D.shape[0]), axis]
    P = O + t[:, None] * D
    n = D.shape[0]
    col = np.zeros((n, 3))
    floor = (axis == 1) & (D[:, 1] < 0)
    ceil = (axis == 1) & (D[:, 1] > 0)
    wall = ~(floor | ceil)
    # floor: wooden planks along x, 0.14 m wide, staggered ends
    fx, fz = P[floor, 0], P[floor, 2]
    row = np.floor(fz / 0.14)
    off = _hash_noise(row, row * 0 + 7, seed) * 1.2
    seg = np.floor((fx + off) / 1.2)
    v = _hash_noise(row, seg, seed)
    base = np.array([0.62, 0.47, 0.33])
    fcol = base[None, :] * (0.85 + 0.25 * v[:, None])
    grain = 0.04 * np.sin(fx * 37.0 + v * 20.0)[:, None]
    seam = ((np.abs(fz / 0.14 - np.round(fz / 0.14)) < 0.035) | (np.abs((fx + off) / 1.2 - np.round((fx + off) / 1.2)) < 0.004))
    fcol = fcol + grain
    fcol[seam] *= 0.75
    col[floor] = fcol
    # walls: light paint, darker skirting board
    wcol = np.where(P[wall, 1:2] < 0.1, np.array([[0.45, 0.43, 0.42]]), np.array([[0.80, 0.80, 0.76]]))
    wall_axis = axis[wall]
    tint = np.where((wall_axis == 0)[:, None], np.array([[1.0, 0.98, 0.94]]), np.array([[0.94, 0.97, 1.0]]))
    col[wall] = wcol * tint
    col[ceil] = 0.9
    nrm = np.zeros((n, 3))
    nrm[np.arange(n), axis] = -np.sign(D[np.arange(n), axis])
    # the bench (pad on a steel frame) or a mat
    sc = motion.scene
    boxes: list[tuple[np.ndarray, np.ndarray, tuple[float, float, float]]] = []
    if sc.support == "bench" and sc.bench_height_m is not None:
        h = sc.bench_height_m
        x1 = sc.bench_edge_x_m or 0.0
        x0 = x1 - sc.bench_depth_m
        zl = 0.5 * sc.bench_length_m
        boxes.append((np.array([x0, h - 0.08, -zl]), np.array([x1, h, zl]), (0.13, 0.13, 0.15)))
        for zc in (-zl + 0.12, zl - 0.12):
            boxes.append((np.array([x0 + 0.04, 0.0, zc - 0.03]), np.array([x1 - 0.04, h - 0.08, zc + 0.03]),
                          (0.55, 0.56, 0.6)))
            boxes.append((np.array([x0 - 0.02, 0.0, zc - 0.05]), np.array([x1 + 0.02, 0.04, zc + 0.05]),
                          (0.4, 0.41, 0.45)))
        xc = x0 + min(0.18, 0.5 * sc.bench_depth_m)  # the cross rail stays under a narrow pad
        boxes.append((np.array([xc - 0.03, h - 0.16, -zl + 0.12]), np.array([xc + 0.03, h - 0.08, zl - 0.12]),
                      (0.5, 0.51, 0.55)))
    else:
        J = motion.joints_m
        xs = J[..., 0]
        boxes.append((np.array([float(np.nanmin(xs)) - 0.35, 0.0, -0.4]),
                      np.array([float(np.nanmax(xs)) + 0.25, 0.012, 0.4]), (0.2, 0.42, 0.45)))
    for blo, bhi, bcol in boxes:
        tbx, nbx = hit_box(O, D, blo, bhi)
        win = tbx < t
        t = np.where(win, tbx, t)
        col[win] = np.array(bcol)
        nrm[win] = nbx[win]
        P[win] = O + tbx[win, None] * D[win]
    up = nrm[:, 1] > 0.5
    lam = np.clip(nrm @ light, 0.0, 1.0)
    shade = 0.55 + 0.45 * lam
    # gentle fall-off with distance so the room does not look flat
    shade *= np.clip(1.08 - 0.05 * t, 0.75, 1.05)
    color = (col * shade[:, None]).reshape(zb.h, zb.w, 3)
    return _Room(color, t.reshape(zb.h, zb.w), P.reshape(zb.h, zb.w, 3), up.reshape(zb.h, zb.w))


# --------------------------------------------------------------------------------------
# The renderer
# --------------------------------------------------------------------------------------

class Renderer:
    """Frames of one motion seen by one camera. ``frame(i)`` -> BGR uint8 (H, W, 3)."""

    def __init__(self, motion: Motion, camera: Camera, options: RenderOptions | None = None) -> None:
        self.motion = motion
        self.options = options or RenderOptions()
        self.camera = fit_camera(motion, camera)
        cam = self.camera
        ss = self.options.supersample
        cx, cy = cam.principal
        self.zb = ZBuffer(cam.position_m, cam.rotation, cam.focal * ss, cx * ss, cy * ss,
                          cam.width * ss, cam.height * ss)
        # key light: high, on the camera's side, a little to one side; fill light from the camera
        a = math.radians(cam.azimuth_deg)
        toward_cam = np.array([math.cos(a), 0.0, math.sin(a)])
        across = np.array([-math.sin(a), 0.0, math.cos(a)])
        self.light = _unit(np.array([0.0, 1.0, 0.0]) + 0.55 * toward_cam + 0.35 * across)
        self.fill = _unit(cam.position_m - np.asarray(cam.target_m))
        self.room = _room(self.zb, motion, cam, self.light, self.options.seed)
        self.outfit = OUTFITS[self.options.outfit] if self.options.outfit is not None \
            else outfit_for_seed(self.options.seed)
        self.scale = float(motion.params.scale)
        # the bystander: on the far side of the athlete from the camera, off to one side
        tx, _, tz = cam.target_m
        half = max(3.2, cam.distance_m + 1.2)
        back = min(2.6, half - 0.6)
        self._by_base = np.array([tx, tz]) - back * toward_cam[[0, 2]] + 0.9 * across[[0, 2]]
        self._by_dir = across[[0, 2]]
        self._by_facing = math.degrees(math.atan2(toward_cam[2], toward_cam[0])) + 35.0
        # shadow grid: every 4th output pixel, only up-facing surfaces near the people
        g = 4 * ss
        self._sg = g
        gp = self.room.points[g // 2::g, g // 2::g]
        J = motion.joints_m
        lo = np.nanmin(J[..., [0, 2]], axis=(0, 1)) - 0.8
        hi = np.nanmax(J[..., [0, 2]], axis=(0, 1)) + 0.8
        near = self.room.up_surface[g // 2::g, g // 2::g] & np.all(
            (gp[..., [0, 2]] >= lo) & (gp[..., [0, 2]] <= hi), axis=-1)
        if self.options.second_person is not None:
            near |= self.room.up_surface[g // 2::g, g // 2::g] & (
                np.linalg.norm(gp[..., [0, 2]] - self._by_base, axis=-1) < 1.6)
        self._shadow_idx = np.flatnonzero(near)
        self._shadow_pts = gp.reshape(-1, 3)[self._shadow_idx]
        self._shadow_shape = gp.shape[:2]

    def __len__(self) -> int:
        return len(self.motion)

    # -- pieces -----------------------------------------------------------------------
    def bystander_joints(self, t: float) -> np.ndarray | None:
        mode = self.options.second_person
        if mode is None:
            return None
        pos = self._by_base.copy()
        swing = 0.0
        if mode == "moving":
            pos = pos + self._by_dir * 0.7 * math.sin(2 * math.pi * t / 14.0)
            swing = 12.0
        return standing_joints((float(pos[0]), float(pos[1])), self._by_facing, t, 0.97, swing)

    def _shade(self, nrm: np.ndarray, D: np.ndarray, prim: Prim) -> np.ndarray:
        lam = np.clip(nrm @ self.light, 0.0, 1.0)
        fill = np.clip(nrm @ self.fill, 0.0, 1.0)
        s = 0.30 + 0.55 * lam + 0.22 * fill
        col = np.asarray(prim.color)[None, :] * s[:, None]
        if prim.shine > 0:
            hv = _unit(self.light[None, :] - D)
            spec = np.clip(np.sum(nrm * hv, axis=1), 0.0, 1.0) ** 24
            col = col + prim.shine * spec[:, None]
        return col

    def _shadow(self, prims: list[Prim]) -> np.ndarray:
        """(H, W) multiplicative shade of up-facing room surfaces from soft blob shadows."""
        import cv2

        P = self._shadow_pts
        acc = np.zeros(P.shape[0])
        for p in prims:
            c, r = p.bound()
            if r < 0.035:
                continue
            hgt = c[1] - P[:, 1]
            sig = 0.6 * r + 0.12 * np.abs(hgt)
            d2 = (P[:, 0] - c[0]) ** 2 + (P[:, 2] - c[2]) ** 2
            amp = 0.6 * np.exp(-np.clip(hgt, 0.0, None) / 0.5) * (hgt > -0.02) * min(1.0, r / 0.09)
            acc += amp * np.exp(-0.5 * d2 / sig ** 2)
        shade = np.ones(self._shadow_shape[0] * self._shadow_shape[1])
        shade[self._shadow_idx] = 1.0 - np.clip(acc, 0.0, 0.55)
        shade = shade.reshape(self._shadow_shape)

        big = cv2.resize(shade.astype(np.float32), (shade.shape[1] * self._sg, shade.shape[0] * self._sg),
                         interpolation=cv2.INTER_LINEAR)
        out = np.ones((self.zb.h, self.zb.w), np.float32)
        hh, ww = min(self.zb.h, big.shape[0]), min(self.zb.w, big.shape[1])
        out[:hh, :ww] = big[:hh, :ww]
        return out

    # -- frames -----------------------------------------------------------------------
    def frame_linear(self, i: int) -> np.ndarray:
        """Frame ``i`` as float RGB in [0, ~1] at the render (supersampled) resolution."""
        t = float(self.motion.t_s[i])
        prims = person_primitives(self.motion.joints_m[i], self.scale, self.outfit)
        if self.options.plate:
            prims = prims + barbell_primitives(self.motion.joints_m[i], self.scale)
        by = self.bystander_joints(t)
        by_prims = person_primitives(by, 0.97, OUTFITS[(OUTFITS.index(self.outfit) + 3) % len(OUTFITS)]) \
            if by is not None else []
        color = self.room.color
        if self.options.shadows:
            color = color * self._shadow(prims + by_prims)[..., None]
        self.zb.reset(color, self.room.depth)
        for p in prims:
            self.zb.draw(p, self._shade)
        for p in by_prims:
            self.zb.draw(p, self._shade)
        img = self.zb.color
        if self.options.lighting > 0:
            ph = 2 * math.pi * t / self.options.lighting_period_s
            gain = 1.0 + self.options.lighting * math.sin(ph)
            tint = np.array([1.0 + 0.15 * self.options.lighting * math.sin(ph + 1.0), 1.0,
                             1.0 - 0.15 * self.options.lighting * math.sin(ph + 1.0)])
            img = img * (gain * tint)[None, None, :]
        return img

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` as BGR uint8 (H, W, 3) at the camera's resolution."""
        import cv2

        img = self.frame_linear(i)
        ss = self.options.supersample
        if ss > 1:
            img = cv2.resize(img, (self.camera.width, self.camera.height), interpolation=cv2.INTER_AREA)
        img = img[..., ::-1] * 255.0
        if self.options.blur > 0:
            img = cv2.GaussianBlur(img, (0, 0), self.options.blur)
        if self.options.noise > 0:
            rng = np.random.default_rng([int(self.options.seed), int(i), 977])
            img = img + rng.normal(0.0, self.options.noise, size=img.shape)
        return np.clip(np.rint(img), 0, 255).astype(np.uint8)

    def frames(self) -> Iterator[np.ndarray]:
        for i in range(len(self.motion)):
            yield self.frame(i)

    def true_pixels(self) -> np.ndarray:
        """(T, 33, 2) the joints projected to pixels (continuous coordinates, as MediaPipe's x·W)."""
        px, _ = self.camera.project(self.motion.joints_m)
        return px


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


# --------------------------------------------------------------------------------------
# A clip on disk
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderedClip:
    video: Path
    truth: Path
    landmarks: Path | None
    motion: Motion
    camera: Camera
    seconds: float            # wall time spent rendering and encoding


def render_clip(params: MotionParams, camera: Camera, out_dir: str | Path, name: str, *,
                fps: float = 30.0, duration_s: float | None = None, options: RenderOptions | None = None,
                save_landmarks: bool = True, command: str | None = None, ext: str = ".mp4") -> RenderedClip:
    """Simulate ``params``, render it through ``camera`` and write video, truth and landmarks."""
    import time

    from formcheck.adapters.video import VideoWriter
    from .landmarks import synth_series

    t0 = time.perf_counter()
    opts = options or RenderOptions()
    motion = simulate(params, fps=fps, duration_s=duration_s)
    rnd = Renderer(motion, camera, opts)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    video = out / f"{name}{ext}"
    with VideoWriter(video, fps, (rnd.camera.width, rnd.camera.height)) as writer:
        for frame in rnd.frames():
            writer.write(frame)
    files = {"video": video.name}
    lm_path = None
    if save_landmarks:
        lm_path = out / f"{name}.landmarks.npz"
        series = synth_series(motion, rnd.camera, seed=opts.seed)
        series.meta["camera"] = dataclasses.asdict(rnd.camera)
        series.save_npz(lm_path)
        files["landmarks"] = lm_path.name
    truth_path = out / f"{name}.truth.json"
    truth = truth_dict(motion, rnd.camera, opts, name=name, files=files, command=command)
    atomic_write_text(truth_path, json.dumps(truth, separators=(",", ":")) + "\n")
    return RenderedClip(video, truth_path, lm_path, motion, rnd.camera, time.perf_counter() - t0)


__all__ = ["PROFILE_NAMES", "RenderOptions", "RenderedClip", "Renderer", "fit_camera", "judged_codes",
           "profile_thresholds", "render_clip", "truth_dict", "view_family_of"]
