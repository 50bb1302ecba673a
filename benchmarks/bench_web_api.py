"""API latency of the coach app while 20 uploads are analysed (a benchmark, not a test).

Starts `formcheck serve --workers 1` on a free port with a fresh data folder, measures GET
/api/clips and GET /api/clips/{id} with the server idle, then uploads 20 short clips at once and
measures the same calls until every job is done. Prints p50/p95 for both, side by side.

    .venv/bin/python benchmarks/bench_web_api.py [--workers 1] [--clip samples/slht_fast_descent.mp4]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import imageio_ffmpeg

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _short_clip(src: Path, out: Path) -> Path:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(src), "-t", "1.2",
                    "-vf", "scale=320:-2", "-an", "-c:v", "libx264", "-preset", "veryfast", str(out)], check=True)
    return out


def _pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]


def _measure(c: httpx.Client, clip_id: str | None, n: int) -> list[float]:
    out = []
    for _ in range(n):
        for path in ("/api/clips", f"/api/clips/{clip_id}" if clip_id else "/api/me"):
            t0 = time.perf_counter()
            assert c.get(path).status_code == 200
            out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--clip", type=Path, default=ROOT / "samples" / "slht_fast_descent.mp4")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="formcheck-bench-"))
    clip = _short_clip(args.clip, data / "short.mp4")
    cli = [sys.executable, "-m", "formcheck.cli"]
    for email, role, coach in (("c@b.io", "coach", []), ("a@b.io", "athlete", ["--coach", "c@b.io"])):
        subprocess.run([*cli, "users", "add", email, "--role", role, *coach, "--data", str(data), "--password-stdin"],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    port = _port()
    server = subprocess.Popen([*cli, "serve", "--data", str(data), "--port", str(port), "--workers", str(args.workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        c = httpx.Client(base_url=url, timeout=30)
        csrf = c.post("/api/login", json={"email": "a@b.io", "password": PASSWORD}).json()["csrf_token"]
        idle = _measure(c, None, 100)

        def upload(i: int) -> str:
            with httpx.Client(base_url=url, cookies=c.cookies, timeout=60) as u:
                r = u.post("/api/clips", files={"file": (f"s{i}.mp4", clip.read_bytes(), "video/mp4")},
                           headers={"X-CSRF-Token": csrf})
                return r.json()["id"]

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.uploads) as pool:
            ids = list(pool.map(upload, range(args.uploads)))
        upload_s = time.perf_counter() - t0
        loaded: list[float] = []
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            loaded += _measure(c, ids[-1], 5)
            states = [s["status"] for s in c.get("/api/clips").json()]
            if all(s in ("done", "failed") for s in states):
                break
            time.sleep(0.1)
        busy_s = time.perf_counter() - t0
        print(f"{args.uploads} uploads sent in {upload_s:.2f} s; all analysed in {busy_s:.1f} s "
              f"with {args.workers} worker(s); statuses: {sorted(set(states))}")
        print(f"{'':24}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}")
        for name, xs in (("idle", idle), ("during 20 analyses", loaded)):
            print(f"{name:24}{len(xs):>10}{_pct(xs, 50):>10.1f}{_pct(xs, 95):>10.1f}")
        print(f"p95 ratio loaded/idle: {_pct(loaded, 95) / _pct(idle, 95):.2f}")
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
