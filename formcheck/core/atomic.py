"""One atomic write for every output: a unique temporary file beside the target, then a rename.

A reader never sees a half-written file, and two runs writing the same output at once never
share a temporary name (each is made with O_EXCL from the process id and a random token): each
run's rename replaces the file whole, so the last one wins and neither is corrupted. Lives in
core because the report and the landmark cache (core) write files too; core may not import
outputs/.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _reserve(path: Path, keep_suffix: bool) -> Path:
    """Create an empty, unique, hidden temporary file beside ``path`` (mode from the umask)."""
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    name = f".{path.stem}.{token}.part{path.suffix}" if keep_suffix else f".{path.name}.{token}.part"
    tmp = path.with_name(name)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return tmp


@contextmanager
def atomic_path(path: str | Path, *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; it replaces ``path`` on success
    and is removed on any failure. ``keep_suffix``: the temporary name ends in ``path``'s suffix
    (for writers that pick the format from it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _reserve(path, keep_suffix)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kw) -> Iterator[IO]:
    """``open()`` on a temporary file that replaces ``path`` when the block ends without error."""
    with atomic_path(path) as tmp, open(tmp, mode, **kw) as fh:
        yield fh


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)
