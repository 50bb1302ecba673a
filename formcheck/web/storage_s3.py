"""Storage in an S3-compatible object store (AWS S3, MinIO, moto...) through boto3.

The same small interface as ``LocalStorage``: the analysis still reads and writes local files
(OpenCV, ffmpeg and MediaPipe need paths), so an upload is fetched into a local cache on first
use and a job's outputs are written to a local work folder, then ``publish`` puts every file
under ``out/<clip id>/`` in the bucket. Keys are fixed by the clip id, so a job that runs twice
overwrites the same objects. Objects are private: the browser gets a short-lived presigned URL.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from pathlib import Path
from urllib.parse import urlparse

from formcheck.core.errors import ConfigError

log = logging.getLogger("formcheck.web.storage")
PRESIGN_S = 300  # a video link lives five minutes: long enough to start playing, seeking re-uses it


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket[/prefix]`` -> (bucket, prefix without slashes)."""
    parts = urlparse(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ConfigError(f"storage must be a folder or s3://BUCKET[/PREFIX], not {url!r}")
    return parts.netloc, parts.path.strip("/")


class S3PendingFile:
    """An upload spooled to a local temporary file; ``commit`` puts it whole (S3 puts are atomic)."""

    def __init__(self, store: "S3Storage", key: str) -> None:
        self.store, self.key = store, key
        self.tmp = store.cache / ".incoming" / f"{secrets.token_hex(8)}.part"
        self.tmp.parent.mkdir(parents=True, exist_ok=True)
        self.size_bytes = 0
        self._fh = open(self.tmp, "wb")

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self.size_bytes += len(data)

    def commit(self) -> None:
        self._fh.close()
        try:
            self.store.put_file(self.tmp, self.key)
        finally:
            self.tmp.unlink(missing_ok=True)

    def discard(self) -> None:
        self._fh.close()
        self.tmp.unlink(missing_ok=True)


class S3Storage:
    """Keys are object names under an optional prefix; ``cache`` is this machine's local copy."""

    def __init__(self, url: str, cache: Path, endpoint_url: str = "", public_url: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = parse_s3_url(url)
        self.cache = Path(cache)
        self.cache.mkdir(parents=True, exist_ok=True)
        config = Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"},
                        connect_timeout=5, read_timeout=60)
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, config=config)
        # Signing is local arithmetic, but the signature covers the host: sign for the name
        # browsers use when the servers reach the store by another (a compose service name).
        self.signer = boto3.client("s3", endpoint_url=public_url, config=config) if public_url else self.client
        self._ensure_bucket()

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise ConfigError(f"cannot use bucket {self.bucket}: {exc}") from None
            self.client.create_bucket(Bucket=self.bucket)  # private: no ACL, no policy
        except BotoCoreError as exc:
            raise ConfigError(f"cannot reach the object store for bucket {self.bucket}: {exc}") from None

    def _obj(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"storage key outside the store: {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    def new_key(self, prefix: str, suffix: str) -> str:
        return f"{prefix}/{secrets.token_hex(16)}{suffix}"

    def open_write(self, key: str) -> S3PendingFile:
        self._obj(key)
        return S3PendingFile(self, key)

    def put_file(self, path: Path, key: str) -> None:
        self.client.upload_file(str(path), self.bucket, self._obj(key))

    def local_path(self, key: str) -> Path:
        """A local copy of the object (fetched once per machine; objects never change under a key
        except a job's own outputs, which this machine wrote)."""
        path = self.cache / self._obj(key)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
            try:
                self.client.download_file(self.bucket, self._obj(key), str(tmp))
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
        return path

    def release(self, key: str) -> None:
        """Drop this machine's copy of an object once a job or an export is done with it: a
        worker's disk holds the uploads it is analysing, not every upload it ever analysed."""
        (self.cache / self._obj(key)).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._obj(key))
            return True
        except ClientError:
            return False

    def delete(self, key: str) -> None:
        """The object, or every object under ``key/`` (a job's output folder), and local copies."""
        names = [self._obj(key)]
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                     Prefix=self._obj(key) + "/")
        names += [o["Key"] for page in pages for o in page.get("Contents", [])]
        for i in range(0, len(names), 1000):
            self.client.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": n} for n in names[i:i + 1000]], "Quiet": True})
        local = self.cache / self._obj(key)
        shutil.rmtree(local, ignore_errors=True) if local.is_dir() else local.unlink(missing_ok=True)

    def work_dir(self, name: str) -> Path:
        path = self.cache / self._obj(f"out/{name}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def key_for(self, path: Path) -> str:
        rel = Path(path).resolve().relative_to(self.cache.resolve()).as_posix()
        return rel[len(self.prefix) + 1:] if self.prefix else rel

    def publish(self, name: str) -> None:
        """Put every finished file of job ``name``'s work folder into the bucket (same keys on a re-run)."""
        folder = self.work_dir(name)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                self.put_file(path, self.key_for(path))
        shutil.rmtree(folder, ignore_errors=True)  # the bucket has it now: workers' disks stay small

    def presigned_url(self, key: str, expires_s: int = PRESIGN_S) -> str | None:
        return self.signer.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._obj(key)}, ExpiresIn=expires_s)
