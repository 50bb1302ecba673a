"""What ``formcheck analyze`` writes per clip (the page) and for several clips (index.html)."""

from __future__ import annotations

from pathlib import Path

from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport
from formcheck.outputs.html.index import IndexEntry, write_index_html
from formcheck.outputs.html.keyframes import FrameKeeper, PageImages, build_images
from formcheck.outputs.html.page import write_html_report

__all__ = ["write_clip_html", "write_index_from_results"]


def write_clip_html(report: SetReport, series: LandmarkSeries, path: str | Path, *,
                    source_video: Path | None, annotated_video: Path | None,
                    targets_deg: dict[str, float], cue_s: float,
                    keeper: FrameKeeper | None = None) -> PageImages:
    """Build the keyframes and write the page at ``path``; return the images (the index's thumbnail).

    ``source_video``: the clip (None for a landmark file); ``annotated_video``: the annotated
    video written beside the page, or None (``--no-annotate``): no player then. ``keeper``: the
    frames the annotation pass kept (see ``FrameKeeper``); the others are grabbed from the clip.
    """
    path = Path(path)
    images = build_images(report, series, source_video, targets_deg=targets_deg, cue_s=cue_s, keeper=keeper)
    video_name = None
    if annotated_video is not None and Path(annotated_video).parent.resolve() == path.parent.resolve():
        video_name = Path(annotated_video).name
    write_html_report(report, series, video_name, images, path, targets_deg=targets_deg)
    return images


def write_index_from_results(results, path: str | Path) -> Path:
    """index.html beside the pages of analysed clips (``pipeline.AnalysisResult``s with a page)."""
    entries = [IndexEntry(r.report, r.outputs["html"].name, r.thumbnail) for r in results if "html" in r.outputs]
    return write_index_html(entries, Path(path))
