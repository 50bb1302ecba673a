"""Helpers for the coach app tests: the real server (uvicorn, database, huey workers) as a subprocess
and an API client that keeps its session and CSRF token."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PASSWORD = "correct-horse-42"


def formcheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *args], input=stdin, text=True,
                          capture_output=True, timeout=120)


class Server:
    """``formcheck serve`` on 127.0.0.1 and a free port; start, SIGKILL, start again."""

    def __init__(self, data: Path, workers: int = 1, max_upload_mb: int = 500, db: str = "") -> None:
        self.data, self.workers, self.max_upload_mb = data, workers, max_upload_mb
        self.db_args = ["--db", db] if db else []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data / "server.log"

    def start(self) -> "Server":
        self.data.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "formcheck.cli", "serve", "--data", str(self.data), "--port", str(self.port),
             "--workers", str(self.workers), "--max-upload-mb", str(self.max_upload_mb), *self.db_args],
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
        args = ["users", "add", email, "--role", role, "--data", str(self.data), "--password-stdin", *self.db_args]
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


def stored_files(data: Path) -> list[Path]:
    return sorted(p for p in (data / "files").rglob("*") if p.is_file())


def fake_report(exercise: str, side: str, reps: int, peak_hip_deg: float, faults: int = 0, knee_deg: float = 91.0,
                hold_s: float = 1.0, descent_s: float = 0.9) -> dict:
    """A finished set's report with only what the progress rows read (no analysis run)."""
    rows = []
    for i in range(reps):
        flagged = [{"code": "no_top_hold", "severity": "fault", "value": 0.2, "threshold": 0.5,
                    "unit": "s", "t_s": 2.0 * i + 1, "frame": 30 * i, "cue": "Pause at the top"}] if i < faults else []
        rows.append({"index": i + 1, "start_s": 2.0 * i, "top_s": 2.0 * i + 1, "end_s": 2.0 * i + 2, "side": side,
                     "counted": True, "peak_hip_extension_deg": peak_hip_deg + (i % 3) - 1, "knee_at_top_deg": knee_deg,
                     "hold_s": hold_s, "concentric_s": 0.6, "eccentric_s": descent_s, "faults": flagged})
    return {"source": "seeded.mp4", "exercise": exercise, "view": "side", "working_side": side, "reps": rows,
            "partial_reps": [], "frames": {"total": 60 * reps, "with_person": 60 * reps},
            "duration_s": 2.0 * reps, "warnings": []}


def seed_sets(data: Path, email: str, sets: list[dict], db_url: str = "") -> list[str]:
    """Insert finished sets for an athlete straight into the database (the job's rows, no analysis).

    Each item: ``report`` (a dict) and ``at`` (a naive UTC datetime). Returns the clip ids.
    """
    import json

    from sqlalchemy import select

    from formcheck.web.config import Settings
    from formcheck.web.db import Database
    from formcheck.web.models import Clip, User
    from formcheck.web.progress import store_side_rows

    db = Database.open(Settings(data_dir=data, db_url=db_url))
    ids = []
    with db.session() as s:
        owner = s.scalar(select(User).where(User.email == email))
        for item in sets:
            clip = Clip(owner_id=owner.id, original_name="seeded.mp4", upload_key="uploads/none.mp4",
                        exercise=item["report"]["exercise"], status="done", progress=100, attempts=1, runs_done=1,
                        report_json=json.dumps(item["report"]), created_at=item["at"], updated_at=item["at"])
            s.add(clip)
            s.flush()
            store_side_rows(s, clip)
            ids.append(clip.id)
        s.commit()
    db.engine.dispose()
    return ids
