"""Screenshots of the compare page for the README, with the system's Chromium (Playwright).

    .venv/bin/python docs/make_compare_screenshots.py [--pose]

Renders two sets with `formcheck render` (3 reps at 320x240: a quick one, and a slow one whose
rep 2 stops short of full hip extension), compares them (`formcheck compare`'s library call;
analysed from their true landmarks unless --pose runs the pose model), opens the page from the
file system, picks rep 2 on both sides, seeks into its hold and writes docs/compare_1280.png and
docs/compare_390.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from formcheck.comparison import compare_paths
from formcheck.core.landmarks import LandmarkSeries
from formcheck.pipeline import CACHE_SUFFIX, _file_key

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SETS = {
    "tuesday": ["--concentric", "1.0", "--hold", "0.6", "--eccentric", "1.0", "--bottom-pause", "0.4"],
    "friday": ["--concentric", "1.8", "--hold", "1.6", "--eccentric", "2.2", "--bottom-pause", "0.8",
               "--rep-override", "2:peak_hip_deg=152", "--seed", "4"],
}


def _page(folder: Path, pose: bool) -> Path:
    out = folder / "out"
    out.mkdir()
    for name, options in SETS.items():
        subprocess.run([sys.executable, "-m", "formcheck.cli", "render", "--out", str(folder), "--name", name,
                        "--reps", "3", "--width", "320", "--height-px", "240", *options], check=True)
        if not pose:
            series = LandmarkSeries.load_npz(folder / f"{name}.landmarks.npz")
            series.meta["cache_key"] = _file_key(folder / f"{name}.mp4", None)
            series.save_npz(out / f"{name}{CACHE_SUFFIX}")
    return compare_paths(folder / "tuesday.mp4", folder / "friday.mp4", out, progress=False)


def _shoot(ctx, page_path: Path, width: int, height: int, dest: Path) -> None:
    page = ctx.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page_path.as_uri())
    page.evaluate("() => Promise.all([...document.querySelectorAll('video')].map(v => new Promise(r => "
                  "v.readyState >= 2 ? r() : v.addEventListener('loadeddata', r))))")
    page.click("tr.fcc-row[data-pair='2:2'] button")
    # into rep 2's hold: A's lockout (knot 5 of the 2:2 map) plus a fifth of a second
    page.evaluate("() => { const d = JSON.parse(document.querySelector('script.fcc-data').textContent);"
                  " document.querySelector('video[data-side=a]').currentTime = d.maps[d.map_of['2:2']][5][0] + 0.2; }")
    page.wait_for_timeout(1200)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(dest))
    page.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pose", action="store_true", help="analyse through the pose model, not the true landmarks")
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as profile:
        page = _page(Path(tmp), args.pose)
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium",
                                                       headless=True, args=ARGS)
            _shoot(ctx, page, 1280, 1700, args.out / "compare_1280.png")
            _shoot(ctx, page, 390, 1700, args.out / "compare_390.png")
            ctx.close()
    print("wrote", args.out / "compare_1280.png", args.out / "compare_390.png")


if __name__ == "__main__":
    main()
