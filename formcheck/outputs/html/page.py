"""The set as one HTML page: SetReport + landmark series -> a Jinja2 template -> a single file.

The page holds everything but the annotated video (a relative URL, beside the page): styles and
script inline, keyframes as data URIs, the chart as inline SVG. Nothing here judges anything:
every verdict, value, threshold and cue is read from the report; target lines are the profile's
``targets_deg``. ``render_report_html`` is the lower-level call the coach web app embeds (with
``fragment=True`` it returns the report's ``<section>`` alone, its style and script inside, so
an app can place it in its own page and give the video's URL).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2

from formcheck import __version__
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import Fault, Rep, SetReport
from formcheck.core.view import view_family
from formcheck.outputs.html.chart import build_chart
from formcheck.outputs.html.keyframes import PageImages
from formcheck.core.vocab import VIEW_WORDS

__all__ = ["render_report_html", "write_html_report", "page_assets", "video_clock", "player_fps", "fix_first",
           "REPS_PER_PRINT_PAGE"]

REPS_PER_PRINT_PAGE = 10  # the rep table breaks to a new printed page every this many reps
_UNITS = {"deg": "°", "s": " s", "cm": " cm", "m": " m"}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("formcheck.outputs.html", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.filters["measure"] = _measure
    env.filters["words"] = lambda code: str(code).replace("_", " ")
    return env


def page_assets() -> dict[str, str]:
    """The page's stylesheet and script (the app may serve them itself, e.g. under a CSP)."""
    base = resources.files("formcheck.outputs.html").joinpath("static")
    return {"css": base.joinpath("report.css").read_text(), "js": base.joinpath("report.js").read_text()}


def _num(v: float | None, fmt: str = "{:.0f}") -> str:
    return "–" if v is None or not math.isfinite(float(v)) else fmt.format(float(v))


def _measure(v: float | None, unit: str) -> str:
    """A value with its unit, as people write it (156°, 0.42 s)."""
    if v is None or not math.isfinite(float(v)):
        return "–"
    # small angles keep a decimal: a 2.5 deg waistband threshold must not read "2°"
    deg_fmt = "{:.1f}" if abs(float(v)) < 10 else "{:.0f}"
    fmt = deg_fmt if unit == "deg" else "{:.2f}" if unit == "s" else "{:.2g}"
    return fmt.format(float(v)) + _UNITS.get(unit, f" {unit}" if unit else "")


def video_clock(series: LandmarkSeries) -> Callable[[int], float]:
    """frame -> seconds in the annotated video: the middle of that frame.

    The annotated video is written at one constant rate over the series' span (as
    ``outputs.annotated_video`` does), so its clock is the frame index over that rate, not the
    source's (possibly variable) timestamps. Seeking to a frame's middle shows that frame.
    """
    fps = player_fps(series)
    return lambda frame: (int(frame) + 0.5) / fps


def player_fps(series: LandmarkSeries) -> float:
    """The annotated video's constant frame rate: the series' frames over its span."""
    t = series.t_s
    return float((t.size - 1) / (t[-1] - t[0])) if t.size > 1 and t[-1] > t[0] else 30.0


def fix_first(report: SetReport, limit: int = 2) -> list[dict]:
    """The faults to fix first: faults before warnings, then by how many reps show them."""
    seen: dict[str, dict] = {}
    for rep in report.reps:
        for f in rep.faults:
            item = seen.setdefault(f.code, {"code": f.code, "cue": f.cue, "severity": f.severity,
                                            "reps": [], "t_s": f.t_s})
            if f.severity == "fault":
                item["severity"] = "fault"
            if rep.index not in item["reps"]:
                item["reps"].append(rep.index)
    ranked = sorted(seen.values(), key=lambda d: (d["severity"] != "fault", -len(d["reps"]), d["t_s"]))
    return ranked[:limit]


def _fault_view(rep: Rep, k: int, f: Fault, clock) -> dict:
    return {"id": f"{rep.index}-{k}", "code": f.code, "severity": f.severity, "cue": f.cue,
            "value": _measure(f.value, f.unit), "threshold": _measure(f.threshold, f.unit),
            "detail": f.detail, "t_s": f.t_s, "seek": round(clock(f.frame), 3)}


def _rep_view(rep: Rep, clock) -> dict:
    return {"index": rep.index, "side": rep.side, "variation": rep.variation.replace("_", " "),
            "start_s": rep.start_s, "top_s": rep.top_s, "end_s": rep.end_s,
            "seek": round(clock(rep.start_frame), 3), "seek_top": round(clock(rep.top_frame), 3),
            "seek_end": round(clock(rep.end_frame), 3),
            "hip": rep.peak_hip_extension_deg, "knee": rep.knee_at_top_deg, "hold": rep.hold_s,
            "up": rep.concentric_s, "down": rep.eccentric_s,
            "faults": [_fault_view(rep, k, f, clock) for k, f in enumerate(rep.faults)]}


def _not_judged(report: SetReport) -> list[dict]:
    by_reason: dict[str, list[str]] = {}
    for na in report.not_assessed:
        by_reason.setdefault(na.reason, []).append(na.code)
    return [{"codes": codes, "reason": reason} for reason, codes in by_reason.items()]


def _video_note(video_url: str | None, images: PageImages) -> str:
    if video_url:
        return ""
    if images.origin == "landmarks":
        return ("Analysed from a landmark file: there is no video. The keyframes show the skeleton "
                "the analysis saw.")
    return ("No annotated video was written (--no-annotate): the keyframes are frames of the source "
            "clip with the overlay drawn on them.")


def _header(report: SetReport) -> dict:
    by_side = report.reps_by_side
    return {
        "source": Path(report.source).name if report.source else "set",
        "exercise": report.exercise.replace("-", " ").replace("_", " "),
        "exercise_how": "recognised" if report.exercise_source == "auto" else "as given",
        "view": VIEW_WORDS.get(report.view, report.view.replace("_", " ")),
        "angles_judged": view_family(report.view) not in ("front", "back"),
        "working_side": report.working_side,
        "rep_count": report.rep_count,
        "by_side": sorted(by_side.items()),
        "partials": [{"t_s": r.top_s} for r in report.partials],
        "duration_s": report.duration_s,
        "not_judged": len(report.not_assessed),
    }


def _json_for_script(obj) -> str:
    """JSON safe inside a <script> element (no "</script>" can close it early)."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def render_report_html(report: SetReport, series: LandmarkSeries, *, video_url: str | None,
                       images: PageImages = PageImages(), targets_deg: dict[str, float] | None = None,
                       fragment: bool = False, inline_assets: bool = True) -> str:
    """The report page as a string.

    ``video_url``: the annotated video's URL relative to the page (or an app's URL for it), or
    None for no player. ``fragment``: only the report's ``<section>`` (for an app's own page).
    ``inline_assets=False`` leaves out the style and script (``page_assets()`` gives them).
    """
    clock = video_clock(series)
    chart = build_chart(report, report.targets_deg() if targets_deg is None else targets_deg, clock)
    reps = [_rep_view(r, clock) for r in report.reps]
    groups = [reps[i:i + REPS_PER_PRINT_PAGE] for i in range(0, len(reps), REPS_PER_PRINT_PAGE)]
    keyframes = {f"{k.rep}-{k.fault}": k for k in images.keyframes}
    data = {"fps": round(player_fps(series), 6), "chart": chart.data,
            "reps": [{"index": r["index"], "seek": r["seek"], "end": r["seek_end"]} for r in reps]}
    ctx = {
        "h": _header(report), "report": report, "reps": reps, "rep_groups": groups,
        "fix_first": fix_first(report), "keyframes": keyframes, "images": images,
        "video_url": video_url, "video_note": _video_note(video_url, images),
        "chart": chart, "not_judged": _not_judged(report), "advice": list(report.camera_advice),
        "warnings": list(report.warnings), "data_json": _json_for_script(data),
        "assets": page_assets() if inline_assets else None, "fragment": fragment,
        "version": __version__,
    }
    name = "report_body.html.j2" if fragment else "report.html.j2"
    return _env().get_template(name).render(**ctx)


def write_html_report(report: SetReport, series: LandmarkSeries, video_name: str | None,
                      keyframes: PageImages, path: str | Path, *,
                      targets_deg: dict[str, float] | None = None) -> Path:
    """Write the page to ``path`` atomically; ``video_name``: the video file beside it, or None."""
    path = Path(path)
    url = quote(video_name) if video_name else None
    html = render_report_html(report, series, video_url=url, images=keyframes, targets_deg=targets_deg)
    write_text_atomic(path, html)
    return path


def write_text_atomic(path: Path, text: str) -> None:
    """Temporary file, then rename: a stopped run never leaves a page that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
