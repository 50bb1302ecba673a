"""The index page of several analysed clips: one row per clip, linking to each clip's page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from formcheck import __version__
from formcheck.core.report import SetReport
from formcheck.outputs.html.page import _env, _header, page_assets, write_text_atomic

__all__ = ["IndexEntry", "render_index_html", "write_index_html"]


@dataclass(frozen=True)
class IndexEntry:
    report: SetReport
    page_name: str  # the clip's page, relative to the index
    thumbnail: str = ""  # data URI or ""


def _faults_by_count(report: SetReport) -> list[tuple[str, int, str]]:
    """(code, reps showing it, worst severity), most frequent first."""
    counts: dict[str, list] = {}
    for rep in report.reps:
        for code in {f.code for f in rep.faults}:
            sev = "fault" if any(f.code == code and f.severity == "fault" for f in rep.faults) else "warn"
            item = counts.setdefault(code, [0, "warn"])
            item[0] += 1
            item[1] = "fault" if "fault" in (item[1], sev) else "warn"
    return sorted(((c, n, s) for c, (n, s) in counts.items()), key=lambda x: (-x[1], x[0]))


def render_index_html(entries: list[IndexEntry], missing: list[tuple[str, str]] = ()) -> str:
    """``missing``: (clip name, reason) of clips with no report, listed under the table so a
    failed clip is never silently absent from the index."""
    rows = [{"h": _header(e.report), "href": quote(e.page_name), "thumb": e.thumbnail,
             "faults": _faults_by_count(e.report), "warnings": len(e.report.warnings),
             "partials": len(e.report.partials)} for e in entries]
    return _env().get_template("index.html.j2").render(rows=rows, missing=list(missing), assets=page_assets(),
                                                       version=__version__)


def write_index_html(entries: list[IndexEntry], path: str | Path, missing: list[tuple[str, str]] = ()) -> Path:
    path = Path(path)
    write_text_atomic(path, render_index_html(entries, missing))
    return path
