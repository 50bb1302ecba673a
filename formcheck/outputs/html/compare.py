"""Two sets on one page, lined up rep by rep: the annotated videos side by side, played in step.

The time map (``core.align``) is computed here for every pair of reps a user can pick, converted
to each annotated video's own clock, and handed to the page's script, which only interpolates:
B's ``currentTime`` follows A's through the knots (its playback rate set to the segment's slope,
corrected when it drifts). The page is self-contained like the set's page (``page.py``: same
Jinja2 environment, stylesheet, content security policy, print rules); the videos are files
beside it. Nothing here judges anything: every number is read from the two reports.
"""

from __future__ import annotations

import base64

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import numpy as np

from formcheck import __version__
from formcheck.core.align import RepCurve, build_time_map, pair_reps
from formcheck.core.errors import InputError
from formcheck.core.report import Rep, SetReport
from formcheck.core.signals import rep_signal
from formcheck.core.vocab import VIEW_WORDS
from formcheck.outputs.html.compare_chart import build_overlay
from formcheck.outputs.html.page import _env, _json_for_script, _measure, page_assets, write_text_atomic

__all__ = ["CompareSide", "Keymark", "compare_assets", "render_compare_html", "rep_curve", "write_compare_html",
           "video_time_of"]


@dataclass(frozen=True)
class Keymark:
    """A moment a coach marked on a set (``t_s`` on the report's clock) with its title."""

    t_s: float
    title: str


@dataclass(frozen=True)
class CompareSide:
    """One side of the page: a report, which of its reps take part, and its video's URL."""

    report: SetReport
    label: str  # "A" / "B", or "left" / "right"
    video_url: str | None
    reps: tuple[Rep, ...] = ()  # default: every counted rep of the report
    keymarks: tuple[Keymark, ...] = ()
    name: str = ""  # what the set is called on the page (default: the report's source file)

    def rep_list(self) -> tuple[Rep, ...]:
        return self.reps or self.report.reps

    def title(self) -> str:
        return self.name or (Path(self.report.source).name if self.report.source else f"set {self.label}")


def video_data_uri(path: Path) -> str:
    """A video inside the page (the one-file export): no file beside it, no request anywhere."""
    return "data:video/mp4;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def video_time_of(report: SetReport, name: str = ""):
    """(fps, t_s -> seconds in the annotated video) from the report's per-frame table.

    The annotated video runs at one constant rate over the frames (see ``page.video_clock``): a
    time on the report's clock is a (fractional) frame index, shown at the middle of the frame.
    """
    t = np.asarray((report.frames_table or {}).get("t_s", ()), dtype=float)
    if t.size < 2 or not t[-1] > t[0]:
        raise InputError(f"{name or Path(report.source).name or 'a set'}: no per-frame table (the CSV beside the "
                         "JSON report): cannot line its video up")
    fps = float((t.size - 1) / (t[-1] - t[0]))
    index = np.arange(t.size, dtype=float)

    def clock(ts):
        return (np.interp(np.asarray(ts, dtype=float), t, index) + 0.5) / fps
    return fps, clock


def rep_curve(report: SetReport) -> RepCurve | None:
    """The set's rep signal from its per-frame table, with the profile's tempo bands and fit range
    (None without the profile or the column: the map then runs through the report's anchors)."""
    profile = report.exercise_profile
    if profile is None:
        return None
    sig = rep_signal(profile, report.view)
    table = report.frames_table or {}
    if sig.name not in table or "t_s" not in table:
        return None
    reps = profile.reps
    return RepCurve(np.asarray(table["t_s"], dtype=float), np.asarray(table[sig.name], dtype=float),
                    sig.tempo_top_band, sig.tempo_bottom_frac, reps.align_fit_low_frac, reps.align_fit_high_frac)


def _maps(a: CompareSide, b: CompareSide, same_side: bool, clock_a, clock_b) -> tuple[list, dict[str, int]]:
    """Knots on the two videos' clocks for every pick (i, j) a user can make: the distinct maps
    and, per pick "i:j", which one (picks that shift the pairing alike share a map)."""
    ra, rb = a.rep_list(), b.rep_list()
    curve_a, curve_b = rep_curve(a.report), rep_curve(b.report)
    maps: list[list[list[float]]] = []
    seen: dict[tuple, int] = {}
    of: dict[str, int] = {}
    for i in (r.index for r in ra):
        for j in (r.index for r in rb):
            pairs = tuple(pair_reps(ra, rb, (i, j), same_side=same_side))
            if pairs not in seen:
                m = build_time_map(ra, rb, pairs, curve_a, curve_b)
                seen[pairs] = len(maps)
                maps.append([[round(float(x), 4), round(float(y), 4)] for x, y in zip(clock_a(m.a_s), clock_b(m.b_s))])
            of[f"{i}:{j}"] = seen[pairs]
    return maps, of


def _diff(va: float, vb: float, unit: str) -> str:
    if not (math.isfinite(va) and math.isfinite(vb)):
        return "–"
    d = vb - va
    text = _measure(abs(d), unit)
    return ("+" if d > 0 else "−" if d < 0 else "±") + text if text != "–" else "–"


_MEASURES = (("hip", "Hip at top", "peak_hip_extension_deg", "deg"), ("knee", "Knee at top", "knee_at_top_deg", "deg"),
             ("hold", "Hold", "hold_s", "s"), ("up", "Up", "concentric_s", "s"), ("down", "Down", "eccentric_s", "s"))


def _rows(pairs, reps_a: dict[int, Rep], reps_b: dict[int, Rep]) -> list[dict]:
    rows = []
    for i, j in pairs:
        ra, rb = reps_a[i], reps_b[j]
        cells = [{"label": label, "a": _measure(getattr(ra, key), unit), "b": _measure(getattr(rb, key), unit),
                  "d": _diff(getattr(ra, key), getattr(rb, key), unit)} for _, label, key, unit in _MEASURES]
        rows.append({"a": i, "b": j, "side_a": ra.side, "side_b": rb.side, "cells": cells,
                     "faults_a": [f.code for f in ra.faults], "faults_b": [f.code for f in rb.faults]})
    return rows


def _side_view(side: CompareSide, clock, fps: float) -> dict:
    r = side.report
    reps = side.rep_list()
    return {
        "label": side.label, "source": side.title(), "video_url": side.video_url,
        "view": VIEW_WORDS.get(r.view, r.view.replace("_", " ")), "duration_s": r.duration_s,
        "by_side": sorted(r.reps_by_side.items()),
        "reps": [{"index": p.index, "side": p.side, "faults": len(p.faults), "seek": round(float(clock(p.start_s)), 3),
                  "start_s": p.start_s} for p in reps],
        "keymarks": [{"t_s": k.t_s, "title": k.title, "seek": round(float(clock(k.t_s)), 3)} for k in side.keymarks],
        "fps": round(fps, 6),
    }


def render_compare_html(a: CompareSide, b: CompareSide, *, same_side: bool = True,
                        pick: tuple[int, int] | None = None, title: str | None = None,
                        fragment: bool = False, inline_assets: bool = True) -> str:
    """The compare page as a string. ``pick``: the pair of reps shown first (default: the first
    matched pair); ``same_side=False`` pairs reps whatever their side (left against right).
    ``fragment``: only the page's ``<section>`` (for an app's own page); ``inline_assets=False``
    leaves out its style and script (``compare_assets()`` gives them, to serve under a CSP)."""
    ra, rb = a.rep_list(), b.rep_list()
    if not ra or not rb:
        empty = a if not ra else b
        raise InputError(f"{empty.title()}: no counted reps to line up")
    fps_a, clock_a = video_time_of(a.report, a.title())
    fps_b, clock_b = video_time_of(b.report, b.title())
    try:
        pairs = pair_reps(ra, rb, pick, same_side=same_side)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if not pairs:
        raise InputError("no rep of A has a rep of the same side in B: nothing to line up "
                         "(left against right: --sides on one set)")
    first = pick or pairs[0]
    by_a, by_b = {r.index: r for r in ra}, {r.index: r for r in rb}
    maps, map_of = _maps(a, b, same_side, clock_a, clock_b)
    data = {"a": _side_view(a, clock_a, fps_a), "b": _side_view(b, clock_b, fps_b),
            "maps": maps, "map_of": map_of, "pick": list(first)}
    exercise = a.report.exercise.replace("-", " ").replace("_", " ")
    ctx = {
        "title": title or f"{data['a']['source']} against {data['b']['source']}",
        "exercise": exercise, "same_side": same_side, "sides": (data["a"], data["b"]), "rows": _rows(pairs, by_a, by_b),
        "overlay": build_overlay(a.report, by_a, b.report, by_b, pairs), "pick": first,
        "measures": [m[1] for m in _MEASURES], "data_json": _json_for_script(data), "version": __version__,
        "assets": compare_assets() if inline_assets else None,
    }
    return _env().get_template("compare_body.html.j2" if fragment else "compare.html.j2").render(**ctx)


def compare_assets() -> dict[str, str]:
    """The report's stylesheet (``css``) and the compare page's own style and script."""
    base = resources.files("formcheck.outputs.html").joinpath("static")
    return {"css": page_assets()["css"], "compare_css": base.joinpath("compare.css").read_text(),
            "compare_js": base.joinpath("compare.js").read_text()}


def write_compare_html(a: CompareSide, b: CompareSide, path: str | Path, **options) -> Path:
    """Write the page atomically at ``path`` (the videos' URLs are relative to it)."""
    path = Path(path)
    write_text_atomic(path, render_compare_html(a, b, **options))
    return path


def relative_url(video: Path | None, page: Path) -> str | None:
    """The video's URL from the page, when it sits in the page's folder (else None: no player)."""
    if video is None or Path(video).resolve().parent != Path(page).resolve().parent:
        return None
    return quote(Path(video).name)
