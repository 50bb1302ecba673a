"""The progress page for an athlete with 50 sets (and one with 5, side by side): a benchmark.

Starts `formcheck serve --workers 0` on a free port with a fresh data folder, inserts finished
sets straight into the database (the rows a job leaves, no analysis), then times the page:
server-side (GET over HTTP on 127.0.0.1, the whole response) and in Chromium (navigation start
to the load event, charts drawn). Prints the medians and the 50-set / 5-set ratios.

    .venv/bin/python benchmarks/bench_progress.py [--sets 50] [--repeats 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "web")]

from webapp import PASSWORD, Server, fake_report, seed_sets  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def _sets(n: int) -> list[dict]:
    """n sets over n/2 weeks: single-leg hip thrusts, left and right in turn."""
    t0 = datetime(2026, 1, 5, 9)
    return [{"report": fake_report("single-leg-hip-thrust", "left" if i % 2 == 0 else "right", 8, 150 + 0.3 * i,
                                   faults=i % 3), "at": t0 + timedelta(days=3.5 * (i // 2), minutes=20 * (i % 2))}
            for i in range(n)]


def _http_ms(client, path: str, repeats: int) -> list[float]:
    client.get(path).raise_for_status()  # warm
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        client.get(path).raise_for_status()
        out.append(1000 * (time.perf_counter() - t))
    return out


def _browser_ms(url: str, path: str, email: str, repeats: int) -> tuple[list[float], int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                   args=CHROMIUM_ARGS, headless=True)
        page = ctx.new_page()
        page.goto(url + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(url + path)  # warm
        out = []
        for _ in range(repeats):
            page.goto(url + path, wait_until="load")
            out.append(page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                     " return n.loadEventEnd - n.startTime; }"))
        points = page.locator("svg.pchart a.pt").count()
        ctx.close()
    return out, points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "data", workers=0).start()
        try:
            server.add_user("coach@example.com", "coach")
            rows = {}
            for email, n in (("few@example.com", 5), ("many@example.com", args.sets)):
                server.add_user(email, "athlete", coach="coach@example.com")
                seed_sets(server.data, email, _sets(n))
                rows[email] = n
            coach = server.client("coach@example.com")
            results = {}
            for email, n in rows.items():
                athlete_id = server.client(email).get("/api/me").json()["id"]
                path = f"/athletes/{athlete_id}/progress"
                http = _http_ms(coach, path, args.repeats)
                size_kb = len(coach.get(path).content) / 1024
                browser, points = _browser_ms(server.url, path, "coach@example.com", max(5, args.repeats // 3))
                results[n] = (statistics.median(http), max(http), statistics.median(browser), size_kb, points)
        finally:
            server.stop()
    print(f"{'sets':>5} {'HTTP p50 ms':>12} {'HTTP max ms':>12} {'browser load p50 ms':>20} {'page kB':>8} {'points':>7}")
    for n, (h50, hmax, b50, kb, pts) in results.items():
        print(f"{n:>5} {h50:>12.1f} {hmax:>12.1f} {b50:>20.1f} {kb:>8.0f} {pts:>7}")
    few, many = results[5], results[args.sets]
    print(f"ratio {args.sets}/5 sets: HTTP x{many[0] / few[0]:.2f}, browser x{many[2] / few[2]:.2f}")


if __name__ == "__main__":
    main()
