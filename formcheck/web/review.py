"""The set's HTML report inside the review page: written by the job, read by the page.

The job renders the report's embeddable ``<section>`` once (it has the landmark series and the
keyframes then) with the app's own video route, and stores it beside the other outputs through
the storage interface, so an object store holds it too. The page only reads that file: no
analysis work at request time.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.outputs.html import PageImages, page_assets, render_report_html
from formcheck.outputs.html.page import write_text_atomic
from formcheck.web.storage import read_text

if TYPE_CHECKING:
    from formcheck.pipeline import AnalysisResult
    from formcheck.web.storage import Storage

FRAGMENT_NAME = "review.fragment.html"
THUMBNAIL_NAME = "thumbnail.datauri"  # the index's picture of the set (``formcheck submit``)


def video_url(clip_id: str) -> str:
    """The app's route for the annotated video (Range requests locally, a redirect for S3)."""
    return f"/api/clips/{clip_id}/video"


def write_fragment(storage: "Storage", clip_id: str, result: "AnalysisResult", upload: Path,
                   original_name: str) -> Path:
    """Render the report's section into the job's work folder (before ``publish``)."""
    report = dataclasses.replace(result.report, source=original_name)
    has_video = "video" in result.outputs
    text = render_report_html(report, result.series, video_url=video_url(clip_id) if has_video else None,
                              images=result.page_images or PageImages(), fragment=True, inline_assets=False)
    # Warnings may name the stored (random) file: show the athlete's own name, escaped.
    own = html.escape(original_name)
    text = text.replace(str(upload), own).replace(upload.name, own)
    path = storage.work_dir(clip_id) / FRAGMENT_NAME
    write_text_atomic(path, text)
    if result.thumbnail:
        write_text_atomic(path.with_name(THUMBNAIL_NAME), result.thumbnail)
    return path


def read_fragment(storage: "Storage", clip_id: str) -> str | None:
    """The stored section, or None for a set analysed before the app stored one."""
    return read_text(storage, storage.key_for(storage.work_dir(clip_id) / FRAGMENT_NAME))


def report_assets() -> dict[str, str]:
    """The report's stylesheet and script, for the review page's head and foot."""
    return page_assets()
