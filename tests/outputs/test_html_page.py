"""The HTML report's structure, read back with an HTML parser: a row per rep, a keyframe per fault,
chapters at the reps, nothing fetched from another host; the CLI's --html/--no-html and index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.cli.app import app
from formcheck.core.analyzer import analyze_series
from formcheck.core.landmarks import LandmarkSeries
from formcheck.outputs.html import build_images, render_report_html, write_clip_html
from formcheck.outputs.html.page import REPS_PER_PRINT_PAGE, fix_first, page_assets, video_clock
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate

DATA = Path(__file__).resolve().parents[1] / "data" / "html"
FPS = 30.0


class Page(HTMLParser):
    """Every element as (tag, attributes, class set), and the text of each <script>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], set[str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a, set(a.get("class", "").split())))
        if tag == "script":
            self._script = a

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))
            self._script = None

    def find(self, tag: str | None = None, cls: str | None = None) -> list[dict[str, str]]:
        return [a for t, a, c in self.elements if (tag is None or t == tag) and (cls is None or cls in c)]

    def data(self) -> dict:
        return json.loads(next(text for a, text in self.scripts if "fcr-data" in a.get("class", "")))


def targets_and_cue(report):
    return report.targets_deg(), report.cue_s


@pytest.fixture(scope="module")
def faulty():
    """12 reps, hips short of lockout on every rep and elbows pushing on rep 3: 13 faults."""
    m = simulate(MotionParams(reps=12, peak_hip_deg=152.0, concentric_s=0.8, hold_s=0.6, eccentric_s=1.2,
                              bottom_pause_s=0.4, rep_overrides={3: {"elbow_push": 1.0}}), fps=FPS)
    series = synth_series(m, noise_px=0.5, seed=3)
    report = analyze_series(series)
    targets, cue_s = targets_and_cue(report)
    images = build_images(report, series, None, targets_deg=targets, cue_s=cue_s)
    html = render_report_html(report, series, video_url="set.annotated.mp4", images=images, targets_deg=targets)
    return report, series, images, html


def test_one_table_row_per_rep_in_print_groups_of_ten(faulty):
    report, _, _, html = faulty
    page = Page(html)
    assert report.rep_count == 12
    rows = page.find("tr", "fcr-rep")
    assert [int(r["data-rep"]) for r in rows] == list(range(1, 13))
    groups = page.find("tbody", "fcr-group")
    assert len(groups) == -(-report.rep_count // REPS_PER_PRINT_PAGE) == 2


def test_one_keyframe_per_fault(faulty):
    report, _, images, html = faulty
    page = Page(html)
    faults = [f"{r.index}-{k}" for r in report.reps for k, _ in enumerate(r.faults)]
    assert len(faults) == 13 and {f.code for r in report.reps for f in r.faults} >= {
        "incomplete_hip_extension", "elbow_push"}
    figures = page.find("figure", "fcr-kf")
    assert [f["data-fault"] for f in figures] == faults
    imgs = [a for t, a, c in page.elements if t == "img" and a.get("src", "").startswith("data:image/jpeg;base64,")]
    assert len(imgs) == len(faults)
    assert len(images.keyframes) == len(faults) and images.origin == "landmarks"


def test_chapters_and_seek_targets_match_the_reps(faulty):
    report, series, _, html = faulty
    page = Page(html)
    clock = video_clock(series)
    chapters = page.find("button", "fcr-chapter")
    assert [int(c["data-rep"]) for c in chapters] == [r.index for r in report.reps]
    for chapter, rep in zip(chapters, report.reps):
        seek = float(chapter["data-seek"])
        assert seek == pytest.approx(clock(rep.start_frame), abs=1e-3)
        # A constant-rate set: the video clock is the report's clock, within a frame.
        assert abs(seek - (rep.start_s - series.t_s[0])) <= 1 / FPS
    data = page.data()
    assert [r["index"] for r in data["reps"]] == [r.index for r in report.reps]
    assert data["fps"] == pytest.approx(FPS, rel=1e-3)
    # Every fault's button seeks to the fault's frame.
    buttons = [a for t, a, c in page.elements if t == "button" and "fcr-seek" in c and "fcr-link" in c]
    fault_frames = {round(clock(f.frame), 3) for r in report.reps for f in r.faults}
    assert fault_frames <= {float(b["data-seek"]) for b in buttons}


def test_no_external_url_anywhere(faulty):
    html = faulty[3]
    assert not re.search(r"https?:", html, re.I), re.search(r".{40}https?:.{40}", html, re.I)
    page = Page(html)
    for tag, attrs, _ in page.elements:
        for key in ("src", "href", "poster", "data", "action", "srcset"):
            if key in attrs:
                value = attrs[key]
                assert not value.startswith("//") and "://" not in value, (tag, key, value[:80])
                assert value.startswith("data:image/") or re.fullmatch(r"[\w.%-]+", value), (tag, key, value[:80])
    assert "@import" not in html and "url(http" not in html and "url(//" not in html
    assert not re.search(r"\burl\((?!#)", html), "CSS may only point at the page's own SVG patterns"
    # The policy the browser enforces: nothing but this page, its images and its video.
    csp = next(a["content"] for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp


def test_header_names_the_verdict(faulty):
    report, _, _, html = faulty
    page_text = re.sub(r"<[^>]+>", " ", html)
    assert "Single leg hip thrust" in page_text and "recognised" in page_text
    first = fix_first(report)
    assert first[0]["code"] == "incomplete_hip_extension" and len(first[0]["reps"]) == 12
    header = html[html.index("<header class=\"fcr-verdict\""):html.index("<section class=\"fcr-player-block\"")]
    assert first[0]["cue"] in header and "12 of 12 reps" in header
    # The value against the threshold, both from the report (the page holds no threshold).
    fault = report.reps[0].faults[0]
    assert f"{fault.value:.0f}° <span class=\"fcr-muted\">vs</span> {fault.threshold:.0f}°" in html


def test_thresholds_come_from_the_report_not_the_page(tmp_path):
    m = simulate(MotionParams(reps=3, peak_hip_deg=152.0), fps=FPS)
    series = synth_series(m, seed=1)
    prof = tmp_path / "strict.toml"
    prof.write_text("[faults.incomplete_hip_extension]\nfault_below_deg = 171.0\nwarn_below_deg = 173.0\n")
    report = analyze_series(series, profile_path=str(prof))
    html = render_report_html(report, series, video_url=None)
    assert "vs</span> 171°" in html and "vs</span> 165°" not in html
    for name in ("report_body.html.j2", "report.html.j2"):
        text = (Path(__file__).resolve().parents[2] / "formcheck/outputs/html/templates" / name).read_text()
        assert not re.search(r"\b1[5-9]\d\b|\b20\d\b", text), f"a threshold-like number in {name}"


def test_without_video_the_page_says_why_and_keeps_its_keyframes(faulty):
    report, series, images, _ = faulty
    html = render_report_html(report, series, video_url=None, images=images)
    page = Page(html)
    assert not page.find("video") and not page.find("button", "fcr-chapter")
    assert "landmark file" in html and len(page.find("figure", "fcr-kf")) == 13


def test_fragment_for_an_app_and_assets_apart(faulty):
    report, series, images, _ = faulty
    frag = render_report_html(report, series, video_url="/clips/7/video", images=images, fragment=True,
                              inline_assets=False)
    assert frag.lstrip().startswith("<section class=\"fcr\"") and "<html" not in frag
    assert "<style>" not in frag and "<script>" not in frag and "fcr-data" in frag
    assert 'src="/clips/7/video"' in frag
    assets = page_assets()
    assert ".fcr" in assets["css"] and "data-fcr" in assets["js"]


def test_text_from_the_report_is_escaped(faulty):
    report, series, _, _ = faulty
    from dataclasses import replace

    evil = replace(report, source="<script>alert(1)</script>.mp4",
                   warnings=("</script><img src=x onerror=alert(1)>",))
    html = render_report_html(evil, series, video_url=None)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    Page(html).data()  # the data block still parses


def test_a_set_with_no_rep_still_renders():
    m = simulate(MotionParams(reps=1, peak_hip_deg=152.0), fps=FPS)
    series = synth_series(m, seed=1)
    still = LandmarkSeries(series.t_s[:20], series.image[:20], series.image_size, None, "still.npz", {})
    report = analyze_series(still)
    assert report.rep_count == 0
    html = render_report_html(report, still, video_url=None)
    assert "No rep was counted" in html and not Page(html).find("tr", "fcr-rep")


def test_ten_rep_page_with_video_keyframes_is_under_one_megabyte(tmp_path):
    """The rendered 10-rep clip (see tests/data/html/README.md): keyframes from its frames."""
    series = LandmarkSeries.load_npz(DATA / "slht_10reps.landmarks.npz")
    report = analyze_series(series)
    assert report.rep_count == 10
    targets, cue_s = targets_and_cue(report)
    page = tmp_path / "slht_10reps.html"
    images = write_clip_html(report, series, page, source_video=DATA / "slht_10reps.mp4", annotated_video=None,
                             targets_deg=targets, cue_s=cue_s)
    n_faults = sum(len(r.faults) for r in report.reps)
    assert n_faults >= 12 and len(images.keyframes) == n_faults and images.origin == "video"
    assert page.stat().st_size < 1_000_000, page.stat().st_size
    assert len(Page(page.read_text()).find("figure", "fcr-kf")) == n_faults
    assert not list(tmp_path.glob("*.part"))


# -- the command line -------------------------------------------------------------------------
runner = CliRunner()


@pytest.fixture(scope="module")
def two_npz(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lm")
    paths = []
    for name, peak in (("short", 152.0), ("clean", 180.0)):
        m = simulate(MotionParams(reps=3, peak_hip_deg=peak), fps=FPS)
        synth_series(m, seed=2).save_npz(folder / f"{name}.landmarks.npz")
        paths.append(folder / f"{name}.landmarks.npz")
    return paths


def test_cli_writes_a_page_per_input_and_an_index(two_npz, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", *map(str, two_npz), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    for name in ("short", "clean"):
        assert Page((out / f"{name}.html").read_text()).find("tr", "fcr-rep")
    index = Page((out / "index.html").read_text())
    links = [a["href"] for a in index.find("a") if a.get("href") and a.get("tabindex") != "-1"]
    assert links == ["short.html", "clean.html"]
    text = (out / "index.html").read_text()
    assert "incomplete hip extension" in text and "× 3 of 3" in text
    assert len([a for a in index.find("img") if a["src"].startswith("data:image/jpeg")]) == 2
    assert not list(out.glob("*.part"))


def test_cli_no_html_writes_no_page(two_npz, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", *map(str, two_npz), "--out", str(out), "--no-html", "-q"])
    assert res.exit_code == 0, res.output
    assert not list(out.glob("*.html")) and (out / "short.json").is_file()


def test_cli_one_input_no_index(two_npz, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", str(two_npz[0]), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert (out / "short.html").is_file() and not (out / "index.html").exists()


def test_templates_and_assets_ship_as_package_data():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert "outputs/html/templates/*.j2" in text and "outputs/html/static/*" in text


def test_frames_kept_from_the_annotation_pass_equal_the_grabbed_ones():
    """The keeper fed by a sequential decode (as write_annotated does) and the seeking grabber agree."""
    from formcheck.adapters.video import open_video
    from formcheck.outputs.html import FrameKeeper

    series = LandmarkSeries.load_npz(DATA / "slht_10reps.landmarks.npz")
    report = analyze_series(series)
    fed = FrameKeeper(report, series)
    with open_video(DATA / "slht_10reps.mp4") as video:
        for frame in video:
            fed.offer(frame.index, frame.bgr)
    grabbed = FrameKeeper(report, series)
    grabbed.fill_from(DATA / "slht_10reps.mp4")
    assert len(fed.wanted) >= 12 and fed.crops.keys() == grabbed.crops.keys() == fed.wanted
    for k in fed.wanted:
        assert (fed.crops[k] == grabbed.crops[k]).all(), k


def test_cli_no_annotate_keeps_keyframes_from_the_source_clip(seeded_clip):
    clip, out = seeded_clip
    res = runner.invoke(app, ["analyze", str(clip), "--out", str(out), "--no-annotate", "-q"])
    assert res.exit_code == 0, res.output
    html = (out / "slht_10reps.html").read_text()
    page = Page(html)
    assert not page.find("video") and "--no-annotate" in html
    assert len(page.find("figure", "fcr-kf")) == 14 and not list(out.glob("*.mp4"))


def test_a_faults_detail_shows_beside_it(faulty):
    """A fault's detail (which hip is lower, how long the head was back) is on the page, by its
    row and its keyframe, not only in the JSON."""
    from dataclasses import replace

    report, series, images, _ = faulty
    rep = report.reps[2]
    marked = replace(rep.faults[0], detail="right hip lower (waistband tilted 4.8 deg)")
    report = replace(report, reps=tuple(replace(r, faults=(marked, *r.faults[1:])) if r is rep else r
                                        for r in report.reps))
    html = render_report_html(report, series, video_url=None, images=images, targets_deg=report.targets_deg())
    details = re.findall(r'<span class="fcr-detail">([^<]*)</span>', html)
    expected = [f.detail for r in report.reps for f in r.faults if f.detail]
    assert details == expected and "right hip lower (waistband tilted 4.8 deg)" in details
    assert html.count("right hip lower (waistband tilted 4.8 deg)") >= 2  # the row and the keyframe
