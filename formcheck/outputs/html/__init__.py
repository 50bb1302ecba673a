"""The HTML report: one self-contained page per set (plus the annotated video beside it) and an
index page for several clips. See ``page.render_report_html`` for the embeddable form."""

from formcheck.outputs.html.index import IndexEntry, write_index_html
from formcheck.outputs.html.keyframes import Keyframe, PageImages, build_images
from formcheck.outputs.html.page import page_assets, render_report_html, write_html_report

__all__ = ["IndexEntry", "Keyframe", "PageImages", "build_images", "page_assets", "render_report_html",
           "write_clip_html", "write_html_report", "write_index_from_results", "write_index_html"]


def write_clip_html(report, series, path, *, source_video, annotated_video, targets_deg, cue_s) -> PageImages:
    """Build the keyframes and write ``path``: what ``formcheck analyze --html`` does per clip.

    ``source_video``: the clip (None for a landmark file); ``annotated_video``: the annotated
    video written beside the page, or None (``--no-annotate``). Returns the images, whose
    thumbnail the index page reuses.
    """
    from pathlib import Path

    path = Path(path)
    images = build_images(report, series, source_video, targets_deg=targets_deg, cue_s=cue_s)
    video_name = None
    if annotated_video is not None and Path(annotated_video).parent.resolve() == path.parent.resolve():
        video_name = Path(annotated_video).name
    write_html_report(report, series, video_name, images, path, targets_deg=targets_deg)
    return images


def write_index_from_results(results, path):
    """index.html for analysed clips (``pipeline.AnalysisResult``s that wrote a page), beside them."""
    from pathlib import Path

    path = Path(path)
    entries = [IndexEntry(r.report, r.outputs["html"].name, r.thumbnail) for r in results if "html" in r.outputs]
    return write_index_html(entries, path)
