"""The annotated video drawn in time chunks on every core, then joined without re-encoding.

The overlay of a frame needs the finished report (offline-refined angles, counts, cues), so it
cannot be drawn while the landmarks come in; instead each worker decodes its part of the clip,
draws it with the overlay engineer's ``draw_overlay`` (the same calls, frame for frame, as
``annotated_video.write_annotated``), and encodes an H.264 segment; the last one adds the summary
card. This process draws the last segment itself rather than wait (one worker process, ~160 MB
at 1080p, fewer), and the segments' encoders run one thread each (see ``VideoWriter``).
ffmpeg's concat demuxer then joins the segments (stream copy, no quality loss, well under a
second) into a hidden file renamed over the target. Without ffmpeg (.webm output) or with one
job, the serial ``write_annotated`` is used, except for a series sampled from a high frame rate
clip, drawn here in one segment on the frames the model saw.
"""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import tempfile
from pathlib import Path


from formcheck.adapters.pose_pool import WorkerPool, available_cores
from formcheck.adapters.video import VideoWriter, open_video
from formcheck.adapters.video_writer import ffmpeg_exe
from formcheck.core.errors import FormcheckError, VideoError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport
from formcheck.core.timeline import replay
from formcheck.draw.overlay import draw_summary_card
from formcheck.outputs.annotated_video import (END_CARD_S, check_frame_size, clip_layout, draw_frame, fit_frame,
                                               video_size, write_annotated)

# Shorter clips are drawn in one process: starting a worker costs about a second.
MIN_SEGMENT_FRAMES = 150


def _fps(series: LandmarkSeries) -> float:
    n = len(series)
    span = series.t_s[-1] - series.t_s[0] if n > 1 else 0.0
    return (n - 1) / span if span > 0 else 30.0


def draw_segment(video_path: Path, series: LandmarkSeries, report: SetReport,
                 start: int, stop: int | None, out: Path, with_card: bool, threads: int | None = None) -> int:
    """Draw the series' frames ``start <= i < stop`` (and the summary card) into ``out``.

    A series sampled from a high frame rate clip (``meta["model_step"]``) is drawn on the frames
    the model saw, at the series' rate. ``threads``: the encoder's (see ``VideoWriter``).
    Returns the frames written."""
    step = int(series.meta.get("model_step", 1) or 1)
    # The replay is a running state (counts, cues): it starts at the first frame in every chunk.
    results = itertools.islice(replay(report, report.targets_deg(), report.cue_s), start, None)
    fps = _fps(series)
    with open_video(video_path) as video:
        size = video_size((video.width, video.height))
        layout = clip_layout(series, report, size)
        with VideoWriter(out, fps=fps, size=layout.canvas, threads=threads, fast=True) as writer:
            frames = video.frames(start * step, None if stop is None else stop * step, step)
            for frame, result in zip(frames, results):
                writer.write(draw_frame(fit_frame(frame.bgr, size), series, frame.index // step, result, report, layout))
            if with_card:
                card = draw_summary_card(report, size=layout.canvas)
                for _ in range(int(END_CARD_S * fps)):
                    writer.write(card)
            written = writer.frames_written
    return written


def draw_clip(video_path: Path, series: LandmarkSeries, report: SetReport, out: Path) -> Path:
    """A whole clip's annotated video in one worker of a folder's pool (its encoder on one thread,
    the other worker keeps the other core); a disk error comes back as the clip's OutputError."""
    from formcheck.outputs.places import os_error_of

    try:
        draw_segment(video_path, series, report, 0, None, out, True, threads=1)
    except OSError as exc:
        raise os_error_of(exc, video_path, out.parent) from None
    return out


def write_annotated_parallel(video_path: Path, series: LandmarkSeries, report: SetReport, out_path: Path,
                             *, jobs: int, pool: WorkerPool | None = None) -> Path:
    """Write the annotated video to ``out_path`` (as ``write_annotated``) with ``jobs`` processes.

    ``pool``: the pose pass's workers, still open (they are warm: a new worker costs ~1 s, which
    the other segments would wait for at the end)."""
    from formcheck.outputs.annotated_video import annotated_suffix

    out_path = Path(out_path).with_suffix(annotated_suffix())
    ffmpeg = ffmpeg_exe()
    n = len(series)
    sampled = int(series.meta.get("model_step", 1) or 1) > 1
    if not sampled and (ffmpeg is None or jobs <= 1 or n < 2 * MIN_SEGMENT_FRAMES):
        return write_annotated(video_path, series, report, out_path)
    if ffmpeg is None or jobs <= 1 or n < 2 * MIN_SEGMENT_FRAMES:  # one segment (atomic), drawn here
        draw_segment(video_path, series, report, 0, None, out_path, True)
        return out_path
    with open_video(video_path) as video:
        check_frame_size(video_path, (video.width, video.height), series)
    parts = min(jobs, n // MIN_SEGMENT_FRAMES)
    bounds = [round(k * n / parts) for k in range(parts)] + [None]
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=f".{out_path.stem}.") as tmp:
        segs = [Path(tmp) / f"part{k:03d}.mp4" for k in range(parts)]
        threads = max(1, available_cores() // parts)  # the segments' encoders share the cores
        tasks = [(video_path, series, report, bounds[k], bounds[k + 1], segs[k], k == parts - 1, threads)
                 for k in range(parts)]
        with contextlib.nullcontext(pool) if pool is not None else WorkerPool(parts - 1) as workers:
            others = workers.imap(draw_segment, tasks[:-1])
            draw_segment(*tasks[-1])  # this process draws the last segment meanwhile
            for _, res in others:
                if isinstance(res, FormcheckError):
                    raise res
        listing = Path(tmp) / "parts.txt"
        listing.write_text("".join(f"file '{s.name}'\n" for s in segs))
        joined = Path(tmp) / f"joined{out_path.suffix}"
        proc = subprocess.run([ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0",
                               "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(joined)],
                              capture_output=True, text=True, start_new_session=True)
        if proc.returncode != 0 or not joined.is_file():
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise VideoError(f"{out_path.name}: joining the video segments failed ({last})")
        joined.replace(out_path)
    return out_path


__all__ = ["draw_clip", "draw_segment", "write_annotated_parallel"]
