"""Landmark files checked from their headers before any array is read.

A ``.npz`` is a zip of ``.npy`` members, each opening with a small header (shape, dtype). A
2 MB file can declare arrays of gigabytes that compress to nothing; reading them to find out
costs the memory and the time. Here the zip directory and each member's header are read (a few
hundred bytes each) and the file is refused when a shape, a dtype or a size is not what a
landmark series can be. The limits are documented in the README (Landmark files).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from formcheck.core.errors import InputError

MAX_FRAMES = 108_000  # 30 min at 60 fps: image + world then take 2 x 57 MB as float32, twice that as float64
MAX_TEXT_BYTES = 4 * 1024 * 1024  # source and meta_json strings
MAX_OTHER_BYTES = 1024 * 1024  # any member formcheck does not use
MAX_MEMBERS = 32
N_LANDMARKS = 33

# key -> (shape pattern with "T" for the frame count, dtype kinds allowed)
_EXPECTED: dict[str, tuple[tuple, str]] = {
    "t_s": (("T",), "fiu"),
    "image": (("T", N_LANDMARKS, 4), "f"),
    "world": (("T", N_LANDMARKS, 4), "f"),
    "image_size": ((2,), "iuf"),
    "format_version": ((), "iu"),
    "source": ((), "US"),
    "meta_json": ((), "US"),
}


def _member_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[tuple[int, ...], np.dtype]:
    with zf.open(info) as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"npy format version {version}")
    return tuple(int(n) for n in shape), np.dtype(dtype)


def _check_member(name: str, key: str, shape: tuple[int, ...], dtype: np.dtype) -> int | None:
    """Raise InputError if member ``key`` cannot be what formcheck expects; return its T."""
    if dtype.hasobject:
        raise InputError(f"{name}: {key} holds Python objects; landmark files hold numbers and text only")
    nbytes = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if key not in _EXPECTED:
        if nbytes > MAX_OTHER_BYTES:
            raise InputError(f"{name}: unexpected array {key} of {nbytes / 1e6:.0f} MB")
        return None
    pattern, kinds = _EXPECTED[key]
    if dtype.kind not in kinds:
        raise InputError(f"{name}: {key} has dtype {dtype}, expected {'text' if kinds == 'US' else 'numbers'}")
    shown = "(" + ", ".join(str(p) for p in pattern) + ("," if len(pattern) == 1 else "") + ")"
    if len(shape) != len(pattern) or any(p != "T" and p != n for p, n in zip(pattern, shape)):
        raise InputError(f"{name}: {key} must have shape {shown}, got {shape}")
    if kinds == "US" and dtype.itemsize > MAX_TEXT_BYTES:
        raise InputError(f"{name}: {key} is {dtype.itemsize / 1e6:.0f} MB of text (limit "
                         f"{MAX_TEXT_BYTES // (1024 * 1024)} MB)")
    if "T" in pattern:
        frames = shape[pattern.index("T")]
        if frames > MAX_FRAMES:
            raise InputError(f"{name}: {key} declares {frames:,} frames; the limit is {MAX_FRAMES:,} "
                             "(30 minutes at 60 fps)")
        return frames
    return None


def check_npz_headers(path: Path) -> None:
    """Refuse ``path`` (InputError) unless every member's header fits a landmark series.

    Reads the zip directory and each ``.npy`` header only, never an array: milliseconds and
    no memory, whatever the file declares."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise InputError(f"{path.name}: {len(infos)} members; a landmark file has at most {MAX_MEMBERS}")
            frames: dict[str, int] = {}
            for info in infos:
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                shape, dtype = _member_header(zf, info)
                n = _check_member(path.name, key, shape, dtype)
                if n is not None:
                    frames[key] = n
    except InputError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"{path.name} is not a readable landmark file ({exc.__class__.__name__})") from None
    if len(set(frames.values())) > 1:
        raise InputError(f"{path.name}: arrays disagree on the number of frames "
                         f"({', '.join(f'{k} {v}' for k, v in sorted(frames.items()))})")


__all__ = ["MAX_FRAMES", "MAX_MEMBERS", "MAX_OTHER_BYTES", "MAX_TEXT_BYTES", "check_npz_headers"]
