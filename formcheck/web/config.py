"""The app's settings and the per-user data folder every app command defaults to."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    """Where the app keeps its database, queue and files unless --data says otherwise."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "formcheck"


@dataclass(frozen=True)
class Settings:
    """Everything a server, a worker or a `users` command needs to reach the app's data."""

    data_dir: Path
    db_url: str = ""
    max_upload_bytes: int = 500 * 1024 * 1024
    workers: int = 1
    secure_cookies: bool = False
    # Scale-out parts (issue 15): empty = the embedded default in data_dir.
    queue_url: str = ""
    storage_url: str = ""
    s3_endpoint_url: str = ""
    s3_public_url: str = ""  # the store as browsers reach it, for signed links (default: the endpoint)

    @property
    def database_url(self) -> str:
        url = self.db_url or f"sqlite:///{self.data_dir / 'formcheck.db'}"
        # The driver we ship (psycopg 3) for a plain postgresql:// URL.
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url[len(plain):]
        return url

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.db"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes started by the server."""
        return {"FORMCHECK_DATA": str(self.data_dir), "FORMCHECK_DB": self.db_url,
                "FORMCHECK_MAX_UPLOAD": str(self.max_upload_bytes), "FORMCHECK_QUEUE": self.queue_url,
                "FORMCHECK_STORAGE": self.storage_url, "FORMCHECK_S3_ENDPOINT_URL": self.s3_endpoint_url,
                "FORMCHECK_S3_PUBLIC_URL": self.s3_public_url}

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        return cls(data_dir=Path(env("FORMCHECK_DATA") or default_data_dir()), db_url=env("FORMCHECK_DB", ""),
                   max_upload_bytes=int(env("FORMCHECK_MAX_UPLOAD", 500 * 1024 * 1024)),
                   queue_url=env("FORMCHECK_QUEUE", ""), storage_url=env("FORMCHECK_STORAGE", ""),
                   s3_endpoint_url=env("FORMCHECK_S3_ENDPOINT_URL", ""),
                   s3_public_url=env("FORMCHECK_S3_PUBLIC_URL", ""))
