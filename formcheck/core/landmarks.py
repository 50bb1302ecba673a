"""Landmark series: the typed hand-off between the pose stage and the analysis core.

A series is arrays, not per-frame dicts: image landmarks ``(T, 33, 4)`` holding normalized x, y
(fractions of width and height), z and visibility; optional world landmarks ``(T, 33, 4)`` in
metres; timestamps ``t_s (T,)``. A frame with no person is a row of NaN, a normal value.

The same series is saved as ``.npz`` (the pose-stage cache, and an input the CLI accepts).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.npz_limits import check_npz_headers

N_LANDMARKS = 33
NPZ_FORMAT_VERSION = 1

# BlazePose indices (odd = the person's left).
NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT, RIGHT_FOOT = 31, 32

# Per side: the landmark index of each joint the analysis uses.
SIDE_JOINTS: dict[str, dict[str, int]] = {
    "left": {
        "ear": LEFT_EAR, "shoulder": LEFT_SHOULDER, "elbow": LEFT_ELBOW, "wrist": LEFT_WRIST,
        "hip": LEFT_HIP, "knee": LEFT_KNEE, "ankle": LEFT_ANKLE, "heel": LEFT_HEEL,
        "foot": LEFT_FOOT,
    },
    "right": {
        "ear": RIGHT_EAR, "shoulder": RIGHT_SHOULDER, "elbow": RIGHT_ELBOW, "wrist": RIGHT_WRIST,
        "hip": RIGHT_HIP, "knee": RIGHT_KNEE, "ankle": RIGHT_ANKLE, "heel": RIGHT_HEEL,
        "foot": RIGHT_FOOT,
    },
}

# Bones drawn by overlays (pairs of indices).
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32),
    (28, 32), (0, 7), (0, 8), (7, 11), (8, 12),
)


def _check_landmarks(name: str, arr: np.ndarray, n_frames: int) -> np.ndarray:
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 3 or arr.shape[1:] != (N_LANDMARKS, 4):
        raise InputError(f"{name} landmarks must have shape (T, 33, 4), got {arr.shape}")
    if arr.shape[0] != n_frames:
        raise InputError(f"{name} landmarks have {arr.shape[0]} frames but t_s has {n_frames}")
    return arr


@dataclass(frozen=True)
class LandmarkSeries:
    """Pose landmarks over time for one person.

    ``image``: (T, 33, 4) normalized x, y in [0, 1] of width/height, z, visibility.
    ``world``: optional (T, 33, 4) metres, origin between the hips, plus visibility.
    ``t_s``: (T,) seconds, strictly increasing. ``image_size``: (width, height) pixels.
    """

    t_s: np.ndarray
    image: np.ndarray
    image_size: tuple[int, int]
    world: np.ndarray | None = None
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        t_s = np.asarray(self.t_s, dtype=np.float64)
        if t_s.ndim != 1:
            raise InputError(f"t_s must be one-dimensional, got shape {t_s.shape}")
        if t_s.size and not np.all(np.isfinite(t_s)):
            raise InputError("t_s holds NaN or infinite timestamps")
        if t_s.size > 1 and np.any(np.diff(t_s) <= 0):
            raise InputError("t_s must be strictly increasing")
        object.__setattr__(self, "t_s", t_s)
        object.__setattr__(self, "image", _check_landmarks("image", self.image, t_s.size))
        if self.world is not None:
            object.__setattr__(self, "world", _check_landmarks("world", self.world, t_s.size))
        w, h = (int(v) for v in self.image_size)
        if w <= 0 or h <= 0:
            raise InputError(f"image_size must be positive (width, height), got {self.image_size}")
        object.__setattr__(self, "image_size", (w, h))

    def __len__(self) -> int:
        return int(self.t_s.size)

    @property
    def pixels(self) -> np.ndarray:
        """(T, 33, 2) image landmarks in pixels: angles must be measured here, not in [0, 1]."""
        w, h = self.image_size
        return self.image[:, :, :2] * np.array([w, h], dtype=np.float64)

    @property
    def present(self) -> np.ndarray:
        """(T,) bool: a person was found in the frame."""
        return ~np.all(np.isnan(self.image[:, :, 0]), axis=1)

    # -- .npz file format --------------------------------------------------------------
    def save_npz(self, path: str | Path) -> None:
        """Write atomically (temp file, then rename) so a killed run never leaves a half cache."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "format_version": np.array(NPZ_FORMAT_VERSION),
            "t_s": self.t_s,
            "image": self.image.astype(np.float32),
            "image_size": np.array(self.image_size, dtype=np.int64),
            "source": np.array(self.source),
            "meta_json": np.array(json.dumps(self.meta, default=str)),
        }
        if self.world is not None:
            arrays["world"] = self.world.astype(np.float32)
        tmp = path.with_name(path.name + ".part")
        try:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, **arrays)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)  # after a failed write (full disk, interrupt): no .part left

    @classmethod
    def load_npz(cls, path: str | Path) -> "LandmarkSeries":
        path = Path(path)
        if not path.is_file():
            raise InputError(f"landmark file not found: {path}")
        check_npz_headers(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                keys = set(data.files)
                missing = {"t_s", "image", "image_size"} - keys
                if missing:
                    raise InputError(
                        f"{path.name} is not a formcheck landmark file (missing {', '.join(sorted(missing))})"
                    )
                version = int(data["format_version"]) if "format_version" in keys else 1
                if version > NPZ_FORMAT_VERSION:
                    raise InputError(
                        f"{path.name} has landmark format version {version}; this formcheck reads up to "
                        f"{NPZ_FORMAT_VERSION}: upgrade formcheck"
                    )
                size = data["image_size"].tolist()
                if len(size) != 2:
                    raise InputError(f"{path.name}: image_size must be [width, height]")
                return cls(
                    t_s=data["t_s"], image=data["image"], image_size=(size[0], size[1]),
                    world=data["world"] if "world" in keys else None,
                    source=str(data["source"]) if "source" in keys else path.name,
                    meta=json.loads(str(data["meta_json"])) if "meta_json" in keys else {},
                )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise InputError(f"{path.name} is not a readable landmark file ({exc.__class__.__name__})") from exc


def empty_frame() -> np.ndarray:
    """One frame with no person: (33, 4) of NaN."""
    return np.full((N_LANDMARKS, 4), np.nan)
