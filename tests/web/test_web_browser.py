"""The coach app in a real browser (Playwright driving the system's Chromium).

Athlete: sign in, upload a sample, watch it progress, open the report. Coach: find it in the
roster, click rep 2 (the video seeks there), add a note, disagree with a flag. Athlete: sees both.
Screenshots of each page at 1280 and 390 px go to $FORMCHECK_SCREENSHOTS (docs/coachapp for the
README) or the test's temp folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from webapp import PASSWORD, SAMPLES

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
VIDEO = "document.querySelector('video.fcr-video')"  # the set's report's player, inside the review page
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no system Chromium")


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Shots:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        if page.locator("video.fcr-video").count():  # a painted frame, not a black box
            page.wait_for_function(f"{VIDEO}.readyState >= 2")
            page.evaluate("""() => new Promise((done) => {
                const v = document.querySelector('video.fcr-video');
                v.addEventListener('seeked', () => requestAnimationFrame(() => requestAnimationFrame(done)), {once: true});
                v.currentTime = v.currentTime + 0.001;
            })""")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.screenshot(path=str(self.folder / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_athlete_uploads_coach_reviews_athlete_sees(team, browser, tmp_path):
    shots = Shots(Path(os.environ.get("FORMCHECK_SCREENSHOTS") or tmp_path / "shots"))
    athlete = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    athlete.goto(team.url + "/sets")
    assert athlete.url.startswith(team.url + "/login")
    shots.take(athlete, "login")
    _sign_in(athlete, team.url, "a@example.com")
    athlete.wait_for_url("**/sets")
    athlete.click("text=Upload a set")
    athlete.wait_for_url("**/upload")
    shots.take(athlete, "upload")
    athlete.set_input_files("input[type=file]", str(SAMPLES / "slht_fast_descent.mp4"))
    athlete.click("button[type=submit]")
    athlete.wait_for_url("**/clips/*")
    athlete.wait_for_selector("#progress")
    athlete.wait_for_function("document.getElementById('pct') && parseInt(document.getElementById('pct').textContent) > 0",
                              timeout=120_000)
    shots.take(athlete, "analysing")
    athlete.wait_for_selector("video.fcr-video", timeout=300_000)
    assert athlete.locator("li.rep").count() == 3
    assert athlete.locator("[data-fcr] tr.fcr-rep").count() == 3  # the HTML report is on the page
    assert athlete.locator("[data-fcr] .fcr-player-block #timeline").count() == 1
    clip_id = athlete.url.rsplit("/", 1)[1]
    assert athlete.locator("video.fcr-video").get_attribute("src") == f"/api/clips/{clip_id}/video"
    athlete.goto(team.url + "/sets")
    shots.take(athlete, "sets")

    coach = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(coach, team.url, "c1@example.com")
    coach.wait_for_url("**/roster")
    assert coach.locator("section.athlete", has_text="a@example.com").locator(".new").count() >= 1
    shots.take(coach, "roster")
    coach.click("section.athlete >> text=single leg hip thrust")
    coach.wait_for_selector("video.fcr-video")
    coach.wait_for_function(f"{VIDEO}.readyState >= 1")
    rep2 = coach.locator("[data-fcr] .fcr-chapter[data-rep='2']")  # the report's rep chapter
    start_s = float(rep2.get_attribute("data-seek"))
    rep2.click()
    coach.wait_for_function(f"Math.abs({VIDEO}.currentTime - {start_s}) < 0.05")
    coach.evaluate(f"{VIDEO}.currentTime = 0")
    own = coach.locator("#rep-2 button.seek")  # the app's verdict list seeks the same player
    own_s = float(own.get_attribute("data-seek"))
    assert own_s == start_s  # on the report video's clock, as the chapter
    own.click()
    coach.wait_for_function(f"Math.abs({VIDEO}.currentTime - {own_s}) < 0.05")
    coach.fill("#note-form textarea", "Slow the way down on rep 2: count three")
    coach.select_option("#note-form select", "rep-2")
    coach.click("#note-form button")
    coach.wait_for_selector("text=Slow the way down on rep 2")
    coach.locator("#rep-2 [data-verdict][data-agree=false]").first.click()
    coach.wait_for_selector("#rep-2 .verdict.disagree")
    shots.take(coach, "review-coach")

    athlete.goto(coach.url)
    assert athlete.locator("#notes", has_text="Slow the way down on rep 2").count() == 1
    assert athlete.locator("#rep-2 .verdict.disagree").count() == 1
    assert athlete.locator("#timeline .note-mark").count() == 1
    assert athlete.locator("[data-verdict]").count() == 0  # verdict buttons are the coach's
    shots.take(athlete, "review-athlete")
