"""Screenshots of the HTML report for the README, with the system's Chromium (Playwright).

    .venv/bin/python docs/make_html_screenshots.py [CLIP] [--true-landmarks NPZ]

Runs ``analyze`` on CLIP (default: the rendered 10-rep clip of tests/data/html, through the pose
model unless --true-landmarks gives its landmark file), opens the page from the file system, seeks
to the top of rep 2 and writes docs/html_report_1280.png (desktop), docs/html_report_390.png
(phone) and docs/html_report_chart.png (the chart, read-out shown).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from formcheck.core.landmarks import LandmarkSeries
from formcheck.pipeline import CACHE_SUFFIX, _file_key, analyze_path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def _analyse(clip: Path, out: Path, true_landmarks: Path | None) -> Path:
    if true_landmarks:
        series = LandmarkSeries.load_npz(true_landmarks)
        series.meta["cache_key"] = _file_key(clip, None)
        series.save_npz(out / f"{clip.stem}{CACHE_SUFFIX}")
    return analyze_path(clip, out_dir=out, annotate=True, html=True).outputs["html"]


def _shoot(ctx, page_path: Path, width: int, height: int, dest: Path, chart: Path | None = None) -> None:
    page = ctx.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page_path.as_uri())
    page.evaluate("() => { const v = document.querySelector('video'); return v && new Promise(r => "
                  "v.readyState >= 2 ? r() : v.addEventListener('loadeddata', r)); }")
    page.click("tr.fcr-rep[data-rep='2'] td[data-label='Top at'] button")
    page.wait_for_timeout(600)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(dest))
    if chart:
        svg = page.locator(".fcr-chart-block")
        svg.scroll_into_view_if_needed()
        box = page.locator(".fcr-chart svg").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.43, box["y"] + box["height"] * 0.3)
        page.wait_for_timeout(200)
        svg.screenshot(path=str(chart))
    page.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", nargs="?", type=Path, default=ROOT / "tests/data/html/slht_10reps.mp4")
    ap.add_argument("--true-landmarks", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as profile:
        page = _analyse(args.clip, Path(tmp), args.true_landmarks)
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium",
                                                       headless=True, args=ARGS)
            _shoot(ctx, page, 1280, 1500, args.out / "html_report_1280.png", args.out / "html_report_chart.png")
            _shoot(ctx, page, 390, 1500, args.out / "html_report_390.png")
            ctx.close()
    print("wrote", *(args.out / n for n in ("html_report_1280.png", "html_report_390.png", "html_report_chart.png")))


if __name__ == "__main__":
    main()
