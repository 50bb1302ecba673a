"""A formcheck deployment for tests and benchmarks: ``serve --workers 0`` and ``worker`` processes
on a PostgreSQL database, a Redis queue and an S3 bucket (tests/support/servers.py), driven over
HTTP and read back from the database and the bucket.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy

from tests.support.servers import PostgresServer, RedisServer, S3Server, free_port

PASSWORD = "correct-horse-42"
# Fast liveness for tests: a killed worker's job is re-queued ~8 s after its last heart-beat.
LIVENESS_ENV = {"FORMCHECK_HEARTBEAT_S": "1", "FORMCHECK_STALE_S": "8", "FORMCHECK_REAP_EVERY_S": "2"}
S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


class Cluster:
    """One deployment: a database, a Redis queue (own db number), a bucket, and its processes."""

    def __init__(self, tmp: Path, pg: PostgresServer, redis: RedisServer, s3: S3Server) -> None:
        self.tmp, self.pg, self.redis, self.s3 = tmp, pg, redis, s3
        self.bucket = f"fc-{secrets.token_hex(4)}"
        self.queue = redis.url.rsplit("/", 1)[0] + f"/{secrets.randbelow(15) + 1}"
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def args(self, data: Path) -> list[str]:
        return ["--data", str(data), "--db", self.pg.url.replace("postgresql+psycopg://", "postgresql://"),
                "--queue", self.queue, "--storage", f"s3://{self.bucket}", "--s3-endpoint-url", self.s3.endpoint_url]

    def env(self) -> dict[str, str]:
        return {**os.environ, **S3_ENV, **LIVENESS_ENV, "PYTHONUNBUFFERED": "1"}

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", *args], stdout=log,
                                stderr=subprocess.STDOUT, env=self.env(), cwd=self.tmp)
        self.procs.append(proc)
        return proc

    def start_server(self) -> "Cluster":
        proc = self._spawn("server", "serve", "--port", str(self.port), "--workers", "0",
                           *self.args(self.tmp / "server-data"))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, (self.tmp / "server.log").read_text()
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        raise AssertionError("server did not start: " + (self.tmp / "server.log").read_text())

    def start_worker(self, name: str) -> subprocess.Popen:
        """A worker with its own data folder, as on another machine."""
        proc = self._spawn(name, "worker", *self.args(self.tmp / f"{name}-data"))
        self.workers.append(proc)
        return proc

    def formcheck(self, *args: str, stdin: str = "", timeout_s: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "formcheck.cli", *args], input=stdin, text=True,
                              capture_output=True, timeout=timeout_s, env=self.env(), cwd=self.tmp)

    def athlete_client(self) -> "httpx.Client":
        """A new athlete (and coach) on this deployment, signed in, sending its CSRF token."""
        coach, athlete = f"c{secrets.token_hex(4)}@example.com", f"a{secrets.token_hex(4)}@example.com"
        for email, extra in ((coach, []), (athlete, ["--coach", coach])):
            role = "coach" if email == coach else "athlete"
            res = self.formcheck("users", "add", email, "--role", role, "--password-stdin",
                                 "--data", str(self.tmp / "server-data"), "--db", self.pg.url, *extra,
                                 stdin=PASSWORD + "\n")
            assert res.returncode == 0, res.stderr
        client = httpx.Client(base_url=self.url, timeout=30)
        r = client.post("/api/login", json={"email": athlete, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    def upload(self, client: "httpx.Client", clip: Path, name: str) -> str:
        r = client.post("/api/clips", files={"file": (name, clip.read_bytes(), "video/mp4")})
        assert r.status_code == 202, r.text
        return r.json()["id"]

    def rows(self, ids: list[str]) -> dict[str, dict]:
        engine = sqlalchemy.create_engine(self.pg.url)
        try:
            with engine.connect() as conn:
                found = conn.execute(sqlalchemy.text(
                    "SELECT id, status, attempts, runs_done, report_json IS NOT NULL AS has_report, video_key, error "
                    "FROM clips WHERE id = ANY(:ids)"), {"ids": ids}).mappings().all()
        finally:
            engine.dispose()
        return {r["id"]: dict(r) for r in found}

    def wait_finished(self, ids: list[str], timeout_s: float) -> dict[str, dict]:
        """Poll the rows (bounded) until every clip is done or failed."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                rows = self.rows(ids)
            except sqlalchemy.exc.OperationalError:
                rows = {}
            if len(rows) == len(ids) and all(r["status"] in ("done", "failed") for r in rows.values()):
                return rows
            if time.monotonic() > deadline or all(w.poll() is not None for w in self.workers):
                raise AssertionError(f"not finished (or no worker left) after {timeout_s} s: {rows}\n" + self.logs())
            time.sleep(0.5)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.tmp.glob("*.log")))

    def objects(self, prefix: str) -> list[str]:
        import boto3

        client = boto3.client("s3", endpoint_url=self.s3.endpoint_url)
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def make_tiny_clip(out: Path, seconds: float = 1.2, width_px: int = 240) -> Path:
    """A cut of a bundled sample, small: one analysis takes seconds and still finds the person."""
    import imageio_ffmpeg

    sample = Path(__file__).resolve().parents[2] / "samples" / "slht_fast_descent.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(sample), "-t", str(seconds),
                    "-vf", f"scale={width_px}:-2", "-an", "-c:v", "libx264", "-preset", "veryfast", str(out)],
                   check=True, timeout=120)
    return out
