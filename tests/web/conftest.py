"""The coach app under test: the real server (uvicorn, SQLite, huey workers) as a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PASSWORD = "correct-horse-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def formcheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *args], input=stdin, text=True,
                          capture_output=True, timeout=120)


class Server:
    """``formcheck serve`` on 127.0.0.1 and a free port; start, SIGKILL, start again."""

    def __init__(self, data: Path, workers: int = 1, max_upload_mb: int = 500) -> None:
        self.data, self.workers, self.max_upload_mb = data, workers, max_upload_mb
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data / "server.log"

    def start(self) -> "Server":
        self.data.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "formcheck.cli", "serve", "--data", str(self.data), "--port", str(self.port),
             "--workers", str(self.workers), "--max-upload-mb", str(self.max_upload_mb)],
            stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not start: " + self.log.read_text())

    def kill(self) -> None:
        """SIGKILL: no chance to clean up (its workers die with it)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def add_user(self, email: str, role: str, coach: str | None = None) -> None:
        args = ["users", "add", email, "--role", role, "--data", str(self.data), "--password-stdin"]
        res = formcheck(*args, *(["--coach", coach] if coach else []), stdin=PASSWORD + "\n")
        assert res.returncode == 0, res.stderr

    def client(self, email: str | None = None) -> "Client":
        c = Client(self.url)
        if email:
            c.login(email)
        return c


class Client(httpx.Client):
    """An API client that keeps its session cookie and sends its CSRF token."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url=base_url, timeout=30)
        self.csrf = ""

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        r = self.post("/api/login", json={"email": email, "password": password})
        if r.status_code == 200:
            self.csrf = r.json()["csrf_token"]
        return r

    def send(self, request, **kw):  # type: ignore[override]
        if self.csrf and request.method != "GET" and "X-CSRF-Token" not in request.headers:
            request.headers["X-CSRF-Token"] = self.csrf
        return super().send(request, **kw)

    def upload(self, path: Path | None = None, name: str | None = None, data: bytes | None = None,
               **fields: str) -> httpx.Response:
        body = data if data is not None else Path(path).read_bytes()
        return self.post("/api/clips", files={"file": (name or Path(path).name, body, "video/mp4")}, data=fields)

    def wait(self, clip_id: str, timeout_s: float = 300) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            d = self.get(f"/api/clips/{clip_id}").json()
            if d["status"] in ("done", "failed"):
                return d
            time.sleep(0.5)
        raise AssertionError(f"clip {clip_id} still {d['status']} after {timeout_s} s")


@pytest.fixture
def make_server(tmp_path):
    servers: list[Server] = []

    def make(**kw) -> Server:
        s = Server(tmp_path / f"data{len(servers)}", **kw)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="session")
def short_clip(tmp_path_factory) -> Path:
    """1.2 s of a rendered sample at 320 px: a whole analysis in a few seconds."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("clips") / "short.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(SAMPLES / "slht_fast_descent.mp4"),
                    "-t", "1.2", "-vf", "scale=320:-2", "-an", "-c:v", "libx264", "-preset", "veryfast",
                    str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def empty_scene_clip(tmp_path_factory) -> Path:
    """A real, playable video with nobody in it."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("clips") / "nobody.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=gray:s=320x240:d=1.5:r=15", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


@pytest.fixture
def team(make_server):
    """One server; coach C1 with athletes A and B, coach C2 with athlete D."""
    server = make_server().start()
    server.add_user("c1@example.com", "coach")
    server.add_user("c2@example.com", "coach")
    server.add_user("a@example.com", "athlete", coach="c1@example.com")
    server.add_user("b@example.com", "athlete", coach="c1@example.com")
    server.add_user("d@example.com", "athlete", coach="c2@example.com")
    return server


def stored_files(data: Path) -> list[Path]:
    return sorted(p for p in (data / "files").rglob("*") if p.is_file())


os.environ.setdefault("PYTHONUNBUFFERED", "1")
