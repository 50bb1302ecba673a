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

from formcheck.core.atomic import atomic_open
from formcheck.core.errors import InputError
from formcheck.core.npz_limits import check_npz_headers
from formcheck.core.vocab import (LEFT_ANKLE, LEFT_EAR, LEFT_ELBOW, LEFT_FOOT, LEFT_HEEL, LEFT_HIP, LEFT_KNEE,
                                  LEFT_SHOULDER, LEFT_WRIST, N_LANDMARKS, NOSE, RIGHT_ANKLE, RIGHT_EAR, RIGHT_ELBOW,
                                  RIGHT_FOOT, RIGHT_HEEL, RIGHT_HIP, RIGHT_KNEE, RIGHT_SHOULDER, RIGHT_WRIST, Side)

NPZ_FORMAT_VERSION = 1

# Per side: the landmark index of each joint the analysis uses.
SIDE_JOINTS: dict[str, dict[str, int]] = {
    Side.LEFT: {
        "ear": LEFT_EAR, "shoulder": LEFT_SHOULDER, "elbow": LEFT_ELBOW, "wrist": LEFT_WRIST,
        "hip": LEFT_HIP, "knee": LEFT_KNEE, "ankle": LEFT_ANKLE, "heel": LEFT_HEEL,
        "foot": LEFT_FOOT,
    },
    Side.RIGHT: {
        "ear": RIGHT_EAR, "shoulder": RIGHT_SHOULDER, "elbow": RIGHT_ELBOW, "wrist": RIGHT_WRIST,
        "hip": RIGHT_HIP, "knee": RIGHT_KNEE, "ankle": RIGHT_ANKLE, "heel": RIGHT_HEEL,
        "foot": RIGHT_FOOT,
    },
}

# Bones drawn by overlays (pairs of indices).
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_SHOULDER, LEFT_ELBOW), (LEFT_ELBOW, LEFT_WRIST),
    (RIGHT_SHOULDER, RIGHT_ELBOW), (RIGHT_ELBOW, RIGHT_WRIST), (LEFT_SHOULDER, LEFT_HIP),
    (RIGHT_SHOULDER, RIGHT_HIP), (LEFT_HIP, RIGHT_HIP), (LEFT_HIP, LEFT_KNEE), (LEFT_KNEE, LEFT_ANKLE),
    (LEFT_ANKLE, LEFT_HEEL), (LEFT_HEEL, LEFT_FOOT), (LEFT_ANKLE, LEFT_FOOT), (RIGHT_HIP, RIGHT_KNEE),
    (RIGHT_KNEE, RIGHT_ANKLE), (RIGHT_ANKLE, RIGHT_HEEL), (RIGHT_HEEL, RIGHT_FOOT), (RIGHT_ANKLE, RIGHT_FOOT),
    (NOSE, LEFT_EAR), (NOSE, RIGHT_EAR), (LEFT_EAR, LEFT_SHOULDER), (RIGHT_EAR, RIGHT_SHOULDER),
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
        with atomic_open(path, "wb") as fh:
            np.savez_compressed(fh, **arrays)

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
