"""File storage behind a small interface: a local folder now, an object store later.

Keys are random names the app makes (``new_key``); an uploaded file's own name never reaches
the disk. Writers go to a temporary name first and appear only when complete.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from formcheck.web.config import Settings


class Storage(Protocol):
    def new_key(self, prefix: str, suffix: str) -> str: ...
    def open_write(self, key: str) -> "PendingFile": ...
    def local_path(self, key: str) -> Path: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def work_dir(self, name: str) -> Path: ...
    def key_for(self, path: Path) -> str: ...
    def publish(self, name: str) -> None: ...
    def presigned_url(self, key: str) -> str | None: ...
    def release(self, key: str) -> None: ...


class PendingFile:
    """A file being written under a temporary name: ``commit`` publishes it, ``discard`` removes it."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
        self.tmp.parent.mkdir(parents=True, exist_ok=True)
        self.size_bytes = 0
        self._fh: BinaryIO = open(self.tmp, "wb")

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self.size_bytes += len(data)

    def commit(self) -> None:
        self._fh.close()
        os.replace(self.tmp, self.final)

    def discard(self) -> None:
        self._fh.close()
        self.tmp.unlink(missing_ok=True)


class LocalStorage:
    """Keys are relative paths under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def new_key(self, prefix: str, suffix: str) -> str:
        return f"{prefix}/{secrets.token_hex(16)}{suffix}"

    def local_path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key outside the store: {key!r}")
        return path

    def open_write(self, key: str) -> PendingFile:
        return PendingFile(self.local_path(key))

    def exists(self, key: str) -> bool:
        return self.local_path(key).is_file()

    def delete(self, key: str) -> None:
        path = self.local_path(key)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def work_dir(self, name: str) -> Path:
        """A folder for a job's outputs (the same folder every time the job runs)."""
        path = self.local_path(f"out/{name}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def key_for(self, path: Path) -> str:
        """The key of a file a job wrote into its work folder."""
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()

    def publish(self, name: str) -> None:
        """Nothing to do: the work folder is the store (an object store uploads it here)."""

    def presigned_url(self, key: str) -> str | None:
        """None: the app serves local files itself (with Range)."""
        return None

    def release(self, key: str) -> None:
        """Nothing to do: the folder is the store, not a copy of it."""


def read_text(storage: Storage, key: str) -> str | None:
    """A small stored text file read afresh (None when absent): a job run again, maybe on another
    worker, rewrites it, so an object store's local copy is dropped once read."""
    if not storage.exists(key):
        return None
    try:
        return storage.local_path(key).read_text(encoding="utf-8")
    finally:
        storage.release(key)


def make_storage(settings: "Settings") -> Storage:
    """The folder in the data folder by default; another folder; or ``s3://BUCKET[/PREFIX]``."""
    url = settings.storage_url
    if url.startswith("s3://"):
        from formcheck.web.storage_s3 import S3Storage

        return S3Storage(url, settings.data_dir / "s3-cache", settings.s3_endpoint_url, settings.s3_public_url)
    if url:
        return LocalStorage(Path(url.removeprefix("file://")).expanduser())
    return LocalStorage(settings.files_dir)
