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

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'formcheck.db'}"

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.db"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes started by the server."""
        return {"FORMCHECK_DATA": str(self.data_dir), "FORMCHECK_DB": self.db_url,
                "FORMCHECK_MAX_UPLOAD": str(self.max_upload_bytes)}

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(data_dir=Path(os.environ["FORMCHECK_DATA"]), db_url=os.environ.get("FORMCHECK_DB", ""),
                   max_upload_bytes=int(os.environ.get("FORMCHECK_MAX_UPLOAD", 500 * 1024 * 1024)))
