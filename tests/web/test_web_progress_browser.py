"""Progress and keyframes in a real browser (Playwright on the system's Chromium).

The progress chart has one point per set and a click on a point opens that set; a coach marks
the paused moment as a keyframe, the athlete sees it on the timeline and in the list, and its
author deletes it. Screenshots at 1280 and 390 px go to $FORMCHECK_SCREENSHOTS (docs/coachapp).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from test_web_browser import VIDEO, Shots, _sign_in, browser, pytestmark  # noqa: F401 - the browser fixture and its skip without Chromium
from webapp import SAMPLES, fake_report, seed_sets

T0 = datetime(2026, 9, 1, 9, 0)


def _shots(tmp_path: Path) -> Shots:
    return Shots(Path(os.environ.get("FORMCHECK_SCREENSHOTS") or tmp_path / "shots"))


def test_progress_chart_has_a_point_per_set_and_a_click_opens_it(team, browser, tmp_path):
    sets = []
    for i in range(16):  # eight weeks, both legs each week, the left leg catching up
        side = "left" if i % 2 == 0 else "right"
        peak = 148 + i * 0.8 + (0 if side == "right" else -4 + i * 0.4)
        wobble = (0.0, 1.5, -1.0, 0.5)[i % 4]
        sets.append({"report": fake_report("single-leg-hip-thrust", side, 6, peak, faults=(16 - i) // 5,
                                           knee_deg=96 - i * 0.3 + wobble, hold_s=0.6 + i * 0.05 + wobble / 10,
                                           descent_s=0.7 + i * 0.04 - wobble / 20),
                     "at": T0 + timedelta(days=7 * (i // 2), minutes=20 * (i % 2))})
    sets += [{"report": fake_report("hip-thrust", "both", 8, 158.0 + i, faults=i % 2, knee_deg=92 + i % 2,
                                    hold_s=1.0 + 0.1 * i, descent_s=1.1 - 0.05 * i),
              "at": T0 + timedelta(days=7 * i + 3)} for i in range(4)]
    ids = seed_sets(team.data, "a@example.com", sets)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(page, team.url, "c1@example.com")
    page.wait_for_url("**/roster")
    page.click("section.athlete:has-text('a@example.com') >> text=progress")
    page.wait_for_url("**/progress")
    groups = page.locator("section.progress-group")
    assert groups.count() == 4  # hip thrust, single-leg left, single-leg right, left minus right
    left = groups.nth(1)
    assert "left leg" in left.locator("h2").inner_text()
    for k in range(5):  # each measure: one point per left set, oldest first
        hrefs = left.locator("svg.pchart").nth(k).locator("a.pt").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        assert hrefs == [f"/clips/{c}" for c in ids[0:16:2]]
    assert page.locator("section.asym svg.pchart a.pt").count() == 8  # one a week
    _shots(tmp_path).take(page, "progress")
    target = left.locator("svg.pchart").first.locator("a.pt").nth(3)
    target.click()
    page.wait_for_url(f"**/clips/{ids[6]}")
    assert page.locator("#review").get_attribute("data-clip") == ids[6]


def test_coach_marks_a_keyframe_athlete_sees_it_author_deletes_it_and_compares(team, browser, tmp_path):
    a = team.client("a@example.com")
    clip_id = a.upload(SAMPLES / "slht_fast_descent.mp4").json()["id"]
    other_id = a.upload(SAMPLES / "slht_left_good.mp4").json()["id"]
    assert a.wait(clip_id)["status"] == "done"
    coach = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(coach, team.url, "c1@example.com")
    coach.wait_for_url("**/roster")
    coach.goto(f"{team.url}/clips/{clip_id}")
    coach.wait_for_function(f"{VIDEO}.readyState >= 1")
    marks = []
    for t_s, title in ((2.2, "Lockout on rep 1: ribs down"), (6.4, "Rep 2 drops fast from here")):
        coach.evaluate(f"{VIDEO}.currentTime = {t_s}")
        coach.wait_for_function(f"Math.abs({VIDEO}.currentTime - {t_s}) < 0.05")
        coach.fill("#keyframe-form input[name=title]", title)
        coach.click("#keyframe-form button")
        coach.wait_for_selector(f"text={title}")
        marks.append(t_s)
    assert coach.locator("#timeline .kf-mark").count() == 2
    assert coach.locator("[data-fcr] .fcr-player-block #keyframes").count() == 1  # right under the video
    coach.wait_for_function("[...document.querySelectorAll('#keyframes canvas.kf-still')].every(c => c.dataset.painted"
                            " && c.getContext('2d').getImageData(c.width / 4, c.height / 2, 1, 1).data[3] > 0)")
    seek = coach.locator("#keyframes .kf-seek").nth(1)
    assert abs(float(seek.get_attribute("data-seek")) - marks[1]) < 0.05
    coach.evaluate(f"{VIDEO}.currentTime = 0")
    seek.click()
    coach.wait_for_function(f"Math.abs({VIDEO}.currentTime - {marks[1]}) < 0.05")
    _shots(tmp_path).take(coach, "review-keyframes")

    athlete = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(athlete, team.url, "a@example.com")
    athlete.wait_for_url("**/sets")
    athlete.goto(coach.url)
    assert athlete.locator("#keyframes .kf-title").all_inner_texts() == ["Lockout on rep 1: ribs down",
                                                                         "Rep 2 drops fast from here"]
    assert athlete.locator("#timeline .kf-mark").count() == 2
    assert athlete.locator("[data-delete-keyframe], #keyframe-form").count() == 0
    athlete.goto(f"{team.url}/progress")  # the finished job left its summary: one point per chart
    assert athlete.locator("svg.pchart a.pt").count() == 5
    athlete.set_viewport_size({"width": 390, "height": 844})  # the athlete's nav and charts fit a phone
    assert athlete.evaluate("document.documentElement.scrollWidth") <= 390

    coach.locator("#keyframes li", has_text="Rep 2 drops fast").locator("[data-delete-keyframe]").click()
    coach.wait_for_function("document.querySelectorAll('#keyframes .kf-title').length === 1")
    assert coach.locator("#timeline .kf-mark").count() == 1
    athlete.goto(coach.url)
    assert athlete.locator("#keyframes .kf-title").all_inner_texts() == ["Lockout on rep 1: ribs down"]

    _compare(coach, team.url, tmp_path, clip_id, other_id, a)


def _compare(coach, url: str, tmp_path: Path, clip_id: str, other_id: str, athlete_client) -> None:
    """The compare page in the app: picked in the form, shown in its frame with the keyframe."""
    assert athlete_client.wait(other_id)["status"] == "done"
    coach.goto(f"{url}/clips/{clip_id}")
    coach.click("text=compare…")
    coach.wait_for_url("**/compare?a=*")
    coach.select_option("select[name=b]", other_id)
    coach.click(".compare-pick button")
    coach.wait_for_url(f"**/compare?a={clip_id}&b={other_id}*")
    videos = coach.locator(".compare-page [data-fcc] video.fcc-video")  # h16a's section in the app's page
    videos.first.wait_for()
    assert [videos.nth(k).get_attribute("src") for k in range(2)] == [f"/api/clips/{clip_id}/video",
                                                                       f"/api/clips/{other_id}/video"]
    mark = coach.locator(".fcc-keymarks button", has_text="Lockout on rep 1")
    assert abs(float(mark.get_attribute("data-seek")) - 2.2) < 0.02  # the moment the coach marked
    assert coach.locator("tr.fcc-row").count() == 3
    coach.wait_for_function("[...document.querySelectorAll('video.fcc-video')].every(v => v.readyState >= 2)")
    coach.locator(".fcc-play").click()  # its own script runs in the app's page: both play
    coach.wait_for_function("[...document.querySelectorAll('video.fcc-video')].every(v => !v.paused && v.currentTime > 0.3)")
    coach.locator(".fcc-play").click()
    _shots(tmp_path).take(coach, "compare")
    _export_plays_offline(coach, tmp_path)
    coach.goto(f"{url}/compare?a={clip_id}&sides=1")
    assert "needs reps on both legs" in coach.locator("p.error").inner_text()
    assert coach.locator("select[name=a]").input_value() == clip_id  # the picker stays as chosen


def _export_plays_offline(coach, tmp_path: Path) -> None:
    """The compare export: one file, both videos inside, playing from disk with no request out."""
    with coach.expect_download() as download:
        coach.click("a[download]")
    path = tmp_path / "compare-export.html"
    download.value.save_as(path)
    text = path.read_text()
    assert text.count('src="data:video/mp4;base64,') == 2 and "/api/clips/" not in text
    page = coach.context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    # Polled with evaluate: the page's security policy forbids the eval that wait_for_function uses.
    _until(page, "() => [...document.querySelectorAll('video.fcc-video')].every(v => v.readyState >= 2)")
    page.locator(".fcc-play").click()
    _until(page, "() => [...document.querySelectorAll('video.fcc-video')].every(v => !v.paused && v.currentTime > 0.3)")
    page.close()
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert not errors, errors


def _until(page, js: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {js}"
        page.wait_for_timeout(100)
