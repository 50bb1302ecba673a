"""Grabbing a few frames of a clip: by seeking when the container's times agree with the series',
by decoding when they do not; either way the frames asked for, in order, one at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.adapters.frames import each_frame
from formcheck.adapters.video import open_video

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "slht_left_good.mp4"
WANTED = [3, 70, 71, 200]


def _decoded() -> tuple[dict[int, np.ndarray], np.ndarray]:
    frames, t_s = {}, []
    with open_video(SAMPLE) as video:
        for frame in video:
            t_s.append(frame.t_s)
            if frame.index in WANTED:
                frames[frame.index] = frame.bgr
    return frames, np.asarray(t_s)


def test_seeked_and_decoded_frames_are_the_frames_asked_for():
    truth, t_s = _decoded()
    seeked = list(each_frame(SAMPLE, [200, 3, 71, 70, 3], t_s))  # any order, repeats: once each, in order
    assert [k for k, _ in seeked] == WANTED
    assert all(np.array_equal(bgr, truth[k]) for k, bgr in seeked)
    # Times that disagree with the container's (as a variable frame rate file's would): the
    # frames after the first mismatch are decoded from the start, and are still the right ones.
    skewed = t_s.copy()
    skewed[70:] += 0.5
    decoded = list(each_frame(SAMPLE, WANTED, skewed))
    assert [k for k, _ in decoded] == WANTED
    assert all(np.array_equal(bgr, truth[k]) for k, bgr in decoded)
    assert list(each_frame(SAMPLE, [-1])) == []
