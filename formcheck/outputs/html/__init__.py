"""The HTML report: one self-contained page per set (plus the annotated video beside it) and an
index page for several clips. ``page.render_report_html`` is the form an app embeds."""

from formcheck.outputs.html.clip import write_clip_html, write_index_from_results
from formcheck.outputs.html.index import IndexEntry, write_index_html
from formcheck.outputs.html.keyframes import FrameKeeper, Keyframe, PageImages, build_images
from formcheck.outputs.html.page import page_assets, render_report_html, write_html_report

__all__ = ["FrameKeeper", "IndexEntry", "Keyframe", "PageImages", "build_images", "page_assets",
           "render_report_html", "write_clip_html", "write_html_report", "write_index_from_results",
           "write_index_html"]
