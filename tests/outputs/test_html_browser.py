"""The HTML report in a real browser: Debian's Chromium driven by Playwright (no browser download).

The page comes from the same call as ``formcheck analyze`` (annotated H.264 video + page), on the
rendered 10-rep clip whose true landmarks stand in for the pose model's cache. Skips cleanly
without /usr/bin/chromium or the playwright package.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

from formcheck.core.analyzer import analyze_series  # noqa: E402
from formcheck.outputs.html import render_report_html  # noqa: E402
from formcheck.outputs.html.page import video_clock  # noqa: E402
from formcheck.pipeline import analyze_path  # noqa: E402
from formcheck.synth.landmarks import synth_series  # noqa: E402
from formcheck.synth.motion import MotionParams, simulate  # noqa: E402

from tests.support import browser as support  # noqa: E402
from tests.support.browser import CHROMIUM, chromium_context  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)")


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, seed_clip_into):
    """``analyze_path`` on the clip, its landmark cache seeded with the true landmarks."""
    folder = tmp_path_factory.mktemp("clip")
    clip = seed_clip_into(folder, folder / "out")
    result = analyze_path(clip, out_dir=folder / "out", annotate=True, html=True)
    assert result.outputs["html"].is_file() and result.outputs["video"].suffix == ".mp4"
    return result


@pytest.fixture(scope="module")
def browser_context():
    with chromium_context() as ctx:
        yield ctx


class Watched(support.Watched):
    def video(self, expr: str):
        return self.page.evaluate(f"() => {{ const v = document.querySelector('video.fcr-video'); return {expr}; }}")


def test_loads_from_file_with_no_error_and_no_other_host(analysed, browser_context):
    w = Watched(browser_context, 1280).open(analysed.outputs["html"])
    w.wait_until("document.querySelector('video.fcr-video').readyState >= 1", 15)
    w.page.locator(".fcr-chart svg").scroll_into_view_if_needed()
    w.page.hover(".fcr-chart svg", position={"x": 400, "y": 120})
    w.page.wait_for_timeout(200)
    errors = [m for m in w.console if m.startswith(("error", "pageerror", "warning"))]
    assert not errors, errors
    assert w.requests and all(u.startswith("file://") for u in w.requests), w.requests
    assert {Path(u).name for u in w.requests} == {"slht_10reps.html", "slht_10reps.annotated.mp4"}
    w.page.close()


def test_loads_from_a_web_server_too(analysed, browser_context):
    """Served by a plain static server on 127.0.0.1: same page, every request to that server."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Ranged(SimpleHTTPRequestHandler):
        """A static server that answers byte ranges, as any server must for a video to seek."""

        def log_message(self, *args):
            pass

        def do_GET(self):
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            path = Path(self.translate_path(self.path))
            if not m or not path.is_file():
                return super().do_GET()
            data = path.read_bytes()
            start = int(m.group(1))
            end = min(int(m.group(2) or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(data[start:end + 1])

    folder = analysed.outputs["html"].parent
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Ranged, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        w = Watched(browser_context, 1280)
        w.page.goto(base + analysed.outputs["html"].name)
        w.wait_until("document.querySelector('video.fcr-video').readyState >= 1", 15)
        w.page.click(".fcr-chapter[data-rep='2']")
        w.wait_until("!document.querySelector('video.fcr-video').seeking", 5)
        rep2 = analysed.report.reps[1]
        assert w.video("v.currentTime") == pytest.approx(video_clock(analysed.series)(rep2.start_frame), abs=1e-3)
        assert w.video("v.error") is None
        assert all(u.startswith(base) for u in w.requests), w.requests
        assert not [m for m in w.console if m.startswith(("error", "pageerror", "warning"))], w.console
        w.page.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_h264_plays_and_chapters_seek(analysed, browser_context):
    w = Watched(browser_context, 1280).open(analysed.outputs["html"])
    assert w.video("v.canPlayType('video/mp4; codecs=\"avc1.640028\"')") == "probably"
    w.wait_until("document.querySelector('video.fcr-video').readyState >= 1", 15)
    # The picture, 640 px wide, plus any band the overlay adds beside it for its panels.
    assert w.video("v.videoWidth") >= 640 and w.video("v.error") is None
    assert w.page.evaluate("() => { const v = document.querySelector('video.fcr-video'); v.muted = true;"
                           " return v.play().then(() => 'ok', e => String(e)); }") == "ok"
    w.wait_until("document.querySelector('video.fcr-video').currentTime > 0.5", 15)
    w.video("v.pause()")

    report, series = analysed.report, analysed.series
    rep2 = report.reps[1]
    w.page.click(".fcr-chapter[data-rep='2']")
    w.wait_until("!document.querySelector('video.fcr-video').seeking", 5)
    t = w.video("v.currentTime")
    assert t == pytest.approx(video_clock(series)(rep2.start_frame), abs=1e-3)
    assert abs(t - (rep2.start_s - series.t_s[0])) < 1 / 25  # rep 2's start, within a frame

    # One frame forward with the keyboard, then half speed.
    w.page.keyboard.press(".")
    w.wait_until("!document.querySelector('video.fcr-video').seeking", 5)
    assert w.video("v.currentTime") == pytest.approx(t + 1 / 30, abs=2e-3)
    w.page.click("[data-rate='0.25']")
    assert w.video("v.playbackRate") == 0.25

    # A fault's keyframe seeks to the fault's moment.
    fault = rep2.faults[0]
    w.page.click(f"figure[data-fault='2-0'] button")
    w.wait_until("!document.querySelector('video.fcr-video').seeking", 5)
    assert w.video("v.currentTime") == pytest.approx(video_clock(series)(fault.frame), abs=1e-3)
    assert not [m for m in w.console if m.startswith(("error", "pageerror"))], w.console
    w.page.close()


def test_chart_hover_reads_the_values(analysed, browser_context):
    w = Watched(browser_context, 1280).open(analysed.outputs["html"])
    w.page.locator(".fcr-chart svg").scroll_into_view_if_needed()
    box = w.page.locator(".fcr-chart svg").bounding_box()
    w.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    tip = w.page.locator(".fcr-tip")
    tip.wait_for(state="visible", timeout=3000)
    text = tip.inner_text()
    assert " s" in text and "hip extension:" in text and "knee:" in text
    w.page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    w.wait_until("document.querySelector('video.fcr-video').currentTime > 10", 5)
    w.page.close()


def test_phone_width_is_one_column_without_sideways_scroll(analysed, browser_context):
    w = Watched(browser_context, 390).open(analysed.outputs["html"])
    assert w.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    fix = w.page.locator(".fcr-fix").bounding_box()
    facts = w.page.locator(".fcr-facts").bounding_box()
    assert fix["y"] >= facts["y"] + facts["height"] - 1  # stacked, not side by side
    w.page.close()


def test_print_shows_keyframes_instead_of_the_video(analysed, browser_context):
    w = Watched(browser_context, 1280).open(analysed.outputs["html"])
    w.page.emulate_media(media="print")
    assert w.page.locator("video.fcr-video").is_hidden()
    assert w.page.locator("figure.fcr-kf").first.is_visible()
    pdf = w.page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2
    w.page.close()


def test_print_breaks_the_rep_table_every_ten_reps(tmp_path, browser_context):
    m = simulate(MotionParams(reps=12, peak_hip_deg=152.0, concentric_s=0.8, hold_s=0.6, eccentric_s=1.2,
                              bottom_pause_s=0.4), fps=30.0)
    series = synth_series(m, seed=3)
    page = tmp_path / "twelve.html"
    page.write_text(render_report_html(analyze_series(series), series, video_url=None))
    w = Watched(browser_context, 1280).open(page)
    w.page.emulate_media(media="print")
    breaks = w.page.evaluate("() => [...document.querySelectorAll('tbody.fcr-group')]"
                             ".map(b => getComputedStyle(b).breakBefore)")
    assert breaks == ["auto", "page"]
    assert not w.console, w.console
    w.page.close()
