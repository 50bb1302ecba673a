"""The compare page in a real browser: Debian's Chromium driven by Playwright (no download).

Two rendered sets at different tempos (see conftest's ``tempo_sets``); B's video must follow A's
through the time map the page carries: within one frame of where the map puts it while both
play and after a rep is picked. Where B should be is computed here (``core.align.TimeMap`` on
the page's knots), not read back from the page's script. Skips without /usr/bin/chromium.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

from formcheck.core.align import TimeMap  # noqa: E402

from tests.support.browser import CHROMIUM, Watched, chromium_context  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)")

_STATE = """() => { const a = document.querySelector('video[data-side=a]'), b = document.querySelector('video[data-side=b]');
  return {a: a.currentTime, b: b.currentTime, rate: b.playbackRate, paused: a.paused, ended: a.ended,
          bDuration: b.duration, starvedMs: Math.max(window.__fcGapMs || 0, performance.now() - (window.__fcLastMs || 0))}; }"""
# The test's own clock of the page's animation frames: the page's script steers B once a frame,
# so a sample taken when the browser went without frames for a while (a machine busy elsewhere)
# says nothing of the page. Such samples are left out, and most samples must be frame-fed.
_FRAME_CLOCK = """(() => { const loop = (t) => { if (window.__fcLastMs) window.__fcGapMs = t - window.__fcLastMs;
  window.__fcLastMs = t; requestAnimationFrame(loop); }; requestAnimationFrame(loop); })();"""
STARVED_MS = 50.0


@pytest.fixture(scope="module")
def browser_context():
    with chromium_context() as ctx:
        yield ctx


class ComparePage(Watched):
    """The page opened from the file system, every console message and request recorded."""

    def __init__(self, ctx, path: Path, width: int, height: int = 900) -> None:
        super().__init__(ctx, width, height)
        self.page.add_init_script(_FRAME_CLOCK)
        self.open(path)
        self.data = json.loads(self.page.locator("script.fcc-data").text_content())
        self.frame_b = 1.0 / self.data["b"]["fps"]
        self.wait_until("[...document.querySelectorAll('video')].every(v => v.readyState >= 2)", 20)

    def state(self) -> dict:
        return self.page.evaluate(_STATE)

    def expected_b(self, t_a: float, pick: tuple[int, int]) -> float:
        knots = np.array(self.data["maps"][self.data["map_of"][f"{pick[0]}:{pick[1]}"]], dtype=float)
        return float(TimeMap(knots[:, 0], knots[:, 1]).to_b(t_a))

    def off_by_frames(self, pick: tuple[int, int]) -> float:
        s = self.state()
        return abs(s["b"] - self.expected_b(s["a"], pick)) / self.frame_b

    def play_and_sample(self, pick: tuple[int, int], seconds: float) -> list[dict]:
        self.page.click(".fcc-play")
        self.page.wait_for_timeout(400)  # B's first seek and start
        samples = []
        for _ in range(int(seconds / 0.15)):
            s = self.state()
            s["want"] = self.expected_b(s["a"], pick)
            samples.append(s)
            self.page.wait_for_timeout(150)
        self.page.click(".fcc-play")
        return samples


def _in_step(samples: list[dict], frame_b: float) -> None:
    playing = [s for s in samples if not s["paused"] and not s["ended"] and 0 < s["want"] < s["bDuration"] - frame_b]
    fed = [s for s in playing if s["starvedMs"] <= STARVED_MS]
    assert len(fed) >= max(10, len(playing) // 2), [round(s["starvedMs"]) for s in playing]
    playing = fed
    worst = max(abs(s["b"] - s["want"]) / frame_b for s in playing)
    assert worst <= 1.0, [(round(s["a"], 3), round(s["b"], 3), round(s["want"], 3)) for s in playing]


def test_videos_play_in_step_through_the_map(compared, browser_context):
    _, path = compared
    page = ComparePage(browser_context, path, 1280)
    start_a = page.state()["a"]
    samples = page.play_and_sample((1, 1), 3.5)
    _in_step(samples, page.frame_b)
    assert samples[-1]["a"] - start_a > 2.0  # it really played
    # The slow set runs faster than real time to keep up with the quick one's rise and hold.
    assert max(s["rate"] for s in samples) > 1.5
    assert max(s["b"] - s["a"] for s in samples) > 1.0  # and the clocks drift apart
    assert not page.errors(), page.errors()
    assert {Path(u).name for u in page.requests} == {path.name, "quick.annotated.mp4", "slow.annotated.mp4"}
    assert all(u.startswith("file://") for u in page.requests), page.requests
    page.page.close()


def test_picking_a_rep_lines_both_up(compared, browser_context):
    _, path = compared
    page = ComparePage(browser_context, path, 1280)
    page.page.click("button[data-pick=b][data-rep='3']")
    page.wait_until("!document.querySelector('video[data-side=b]').seeking")
    page.page.wait_for_timeout(200)
    s = page.state()
    rep1_a = page.data["a"]["reps"][0]["seek"]
    rep3_b = page.data["b"]["reps"][2]["seek"]
    assert abs(s["a"] - rep1_a) < 1e-3 and abs(s["b"] - rep3_b) <= page.frame_b
    assert page.off_by_frames((1, 3)) <= 1.0
    assert page.page.locator("button[data-pick=b].is-current").text_content().startswith("Rep 3")
    samples = page.play_and_sample((1, 3), 2.0)
    _in_step(samples, page.frame_b)
    # a pair from the table picks both sides
    page.page.click("tr.fcc-row[data-pair='2:2'] button")
    page.wait_until("!document.querySelector('video[data-side=b]').seeking")
    page.page.wait_for_timeout(200)
    assert page.off_by_frames((2, 2)) <= 1.0
    assert page.state()["a"] == pytest.approx(page.data["a"]["reps"][1]["seek"], abs=1e-3)
    assert not page.errors(), page.errors()
    page.page.close()


def test_phone_width_is_one_column_and_print_drops_the_players(compared, browser_context):
    _, path = compared
    page = ComparePage(browser_context, path, 390, 844)
    width = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    box_a = page.page.locator("video[data-side=a]").bounding_box()
    box_b = page.page.locator("video[data-side=b]").bounding_box()
    assert box_b["y"] >= box_a["y"] + box_a["height"] and box_a["width"] > 300
    page.page.emulate_media(media="print")
    assert not page.page.locator(".fcc-players").is_visible()
    assert page.page.locator(".fcc-table").is_visible() and page.page.locator(".fcc-overlay").is_visible()
    page.page.set_viewport_size({"width": 700, "height": 1000})  # about an A4 page's printable width
    table = page.page.locator(".fcc-table").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= 700  # every column on paper, none cut off
    page.page.close()


def test_b_waits_at_its_start_while_a_is_before_it(compared, tempo_sets, browser_context):
    """Slow set as A: A's first second maps before the quick set's start, so B holds its first
    frame until A gets there, then plays in step (a first start without lag)."""
    from formcheck.comparison import compare_paths

    out, _ = compared
    path = compare_paths(tempo_sets["slow"], tempo_sets["quick"], out, progress=False)
    page = ComparePage(browser_context, path, 1280)
    assert page.expected_b(0.0, (1, 1)) < 0
    page.page.click(".fcc-play")
    samples = []
    for _ in range(16):
        page.page.wait_for_timeout(100)
        s = page.state()
        s["want"] = max(0.0, page.expected_b(s["a"], (1, 1)))
        samples.append(s)
    page.page.click(".fcc-play")
    assert any(s["want"] == 0.0 for s in samples) and samples[-1]["want"] > 0.3
    worst = max(abs(s["b"] - s["want"]) / page.frame_b for s in samples)
    assert worst <= 1.0, [(round(s["a"], 3), round(s["b"], 3), round(s["want"], 3)) for s in samples]
    assert not page.errors(), page.errors()
    page.page.close()
