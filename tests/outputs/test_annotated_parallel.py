"""The annotated video drawn in segments (a worker and this process side by side) has every
frame a serial drawing has, and leaves no segment files behind."""

from __future__ import annotations

import numpy as np

from formcheck.adapters.video import VideoWriter, open_video
from formcheck.core.analyzer import analyze_series
from formcheck.outputs.annotated_parallel import write_annotated_parallel
from formcheck.outputs.annotated_video import write_annotated
from formcheck.synth.landmarks import synth_series
from formcheck.synth.motion import MotionParams, simulate


def test_segments_drawn_side_by_side_make_the_whole_video(tmp_path):
    series = synth_series(simulate(MotionParams(reps=3), fps=30.0), noise_px=1.0, seed=3)
    w, h = series.image_size
    clip = tmp_path / "clip.mp4"
    with VideoWriter(clip, fps=30.0, size=(w, h)) as writer:
        for i in range(len(series)):
            writer.write(np.full((h, w, 3), (i * 3) % 255, np.uint8))
    assert len(series) >= 300  # long enough to be drawn in two segments
    report = analyze_series(series)
    (tmp_path / "out").mkdir()
    split = write_annotated_parallel(clip, series, report, tmp_path / "out" / "split.annotated.mp4", jobs=2)
    whole = write_annotated(clip, series, report, tmp_path / "out" / "whole.annotated.mp4")
    with open_video(split) as a, open_video(whole) as b:
        assert a.frame_count == b.frame_count > len(series)  # every frame, then the summary card
        assert (a.width, a.height) == (b.width, b.height)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["split.annotated.mp4", "whole.annotated.mp4"]
