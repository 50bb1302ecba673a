"""Real servers for tests, started on 127.0.0.1 and always stopped: Redis, PostgreSQL, S3 (moto).

Each is a small class with start(), stop() and restart() (the scale-out tests restart Redis and
PostgreSQL mid-queue) and a ``url``. They come from Debian's packages (``redis-server``,
``postgresql``) and the package registry (``moto[server]``), installed by .ci/system-packages
and the lock; ``available()`` says whether this machine has them, so tests can skip cleanly.
PostgreSQL refuses to run as root, so as root its commands run as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {LOOPBACK}:{port} after {timeout_s:.0f} s")


def _stop(proc: subprocess.Popen | None, timeout_s: float = 10.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_s)


class _ProcessServer:
    """A server that is one child process of the tests."""

    proc: subprocess.Popen | None = None

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class _FolderServer:
    """A server whose files live in ``self.dir``: restart keeps them, close removes them."""

    dir: Path

    def start(self) -> "_FolderServer":
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer(_ProcessServer, _FolderServer):
    """redis-server with no persistence of its own files outside a temporary folder."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="fc-redis-"))
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", LOOPBACK, "--port", str(self.port), "--dir", str(self.dir),
             "--save", "", "--appendonly", "yes", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self


class PostgresServer(_FolderServer):
    """A throw-away PostgreSQL cluster (initdb) listening only on 127.0.0.1, trust auth."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="fc-pg-"))
        self.data = self.dir / "data"
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]) if self.available() else None
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._initdb()

    @staticmethod
    def available() -> bool:
        return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@{LOOPBACK}:{self.port}/formcheck"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def _initdb(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> "PostgresServer":
        opts = f"-c listen_addresses={LOOPBACK} -p {self.port} -k {self.dir} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        wait_for_port(self.port)
        exists = self._run("psql", "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", "-tAc",
                           "SELECT 1 FROM pg_database WHERE datname='formcheck'").stdout.strip()
        if exists != "1":
            self._run("createdb", "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", "formcheck")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


class S3Server(_ProcessServer):
    """moto's S3-compatible server on 127.0.0.1 (in memory; a restart empties it)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        try:
            import moto.server  # noqa: F401
        except ImportError:
            return False
        return True

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> "S3Server":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self


    def close(self) -> None:
        self.stop()
