"""Output places checked before the expensive work, and write failures as one clear error.

A pose pass over a long clip takes minutes; finding out afterwards that ``--out`` is a file,
read-only or on a full disk wastes them. :func:`check_output_dir` creates the folder and
proves it takes a small write; :func:`check_output_file` does the same for an output file's
folder and refuses a folder, a device or a FIFO in place of the file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from formcheck.core.errors import FormcheckError, InputError, OutputError

PROBE_BYTES = 64 * 1024  # a write this size must succeed: a full disk fails it, an empty file would not


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file or folder"


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as an input file: missing, or what it is instead."""
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return f"file not found: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc.__class__.__name__}"
    return f"{path} is {_kind(mode)}, not a video or landmark file"


def write_reason(exc: OSError) -> str:
    """``OSError`` -> a short reason a person can act on."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted",
              errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied", errno.EISDIR: "it is a folder",
              errno.ENOTDIR: "a part of the path is a file, not a folder"}.get(exc.errno)
    return reason or exc.strerror or exc.__class__.__name__


def describe_write_error(exc: OSError, path: Path | str | None = None) -> str:
    """``cannot write PATH: REASON``."""
    return f"cannot write {exc.filename or path or 'the output'}: {write_reason(exc)}"


def os_error_of(exc: OSError, source: Path, out_dir: Path | None = None) -> FormcheckError:
    """An ``OSError`` met while analysing ``source``: reading the input is bad input, anything
    else is an output that cannot be written."""
    error_cls = InputError if exc.filename and Path(exc.filename) == Path(source) else OutputError
    return error_cls(describe_write_error(exc, out_dir))


def _stat_or_none(path: Path, option: str) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{option} {path}: {write_reason(exc)}") from None


def check_output_dir(path: Path, option: str = "--out") -> Path:
    """Create ``path`` if missing and prove a small write there succeeds; OutputError if not."""
    path = Path(path)
    st = _stat_or_none(path, option)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{option} {path} is {_kind(st.st_mode)}, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{option} {path}: cannot create the folder: {write_reason(exc)}") from None
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".formcheck-probe-", suffix=".part") as fh:
            fh.write(b"\0" * PROBE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"{option} {path}: {write_reason(exc)}") from None
    return path


def check_output_file(path: Path, option: str) -> Path:
    """An output file's place: not a folder or device, and its folder takes a write."""
    path = Path(path)
    st = _stat_or_none(path, option)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{option} {path} is {_kind(st.st_mode)}; give a file name")
    check_output_dir(path.parent if str(path.parent) else Path("."), f"{option} folder")
    return path


def says_disk_full(exc: BaseException) -> bool:
    """An encoder (ffmpeg) reports a full disk only in its message: that is an output error."""
    return any(words in str(exc) for words in ("No space left on device", "Disk quota exceeded"))


def move_aside(paths: list[Path]) -> list[Path]:
    """Rename each existing file to ``NAME.stale`` (replacing an older one): after a failed run
    the previous run's report must not look like this run's. Nothing is deleted."""
    moved = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            target = p.with_name(p.name + ".stale")
            try:
                os.replace(p, target)
            except OSError:
                continue
            moved.append(target)
    return moved


__all__ = ["PROBE_BYTES", "not_a_file", "check_output_dir", "check_output_file", "describe_write_error", "move_aside",
           "os_error_of", "says_disk_full", "write_reason"]
