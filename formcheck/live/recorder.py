"""Recording a live set: the frames shown, written on a worker thread, then the set's files.

``Recorder`` encodes; ``RecordClock`` maps frame times to the recording's time with pauses cut
out; ``write_set_files`` writes the landmarks, the JSON report and the session log beside it.
"""

from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import numpy as np

from formcheck.core.errors import FormcheckError
from formcheck.core.landmarks import LandmarkSeries
from formcheck.core.report import SetReport

RECORD_MAX_FPS = 30.0  # the recording's frame rate: the source's, capped at this
RECORD_QUEUE_FRAMES = 64  # frames waiting for the encoder; beyond this they are dropped (counted)


class Recorder:
    """Writes the frames shown to a video on a worker thread, at a constant rate.

    Frames arrive at the (variable) rate they were shown; each is written as many times as
    needed to keep the video in real time at ``fps`` (pauses are cut out by the caller's
    timestamps). The encoder (``formcheck.adapters.video.VideoWriter``, atomic) never slows the loop:
    when it falls ``RECORD_QUEUE_FRAMES`` behind, frames are dropped and counted.
    """

    def __init__(self, path: Path, fps: float) -> None:
        import queue

        self.path = Path(path)
        self.fps = float(fps)
        self.frames_in = 0
        self.frames_dropped = 0
        self.error: FormcheckError | None = None
        self._q: queue.Queue = queue.Queue(maxsize=RECORD_QUEUE_FRAMES)
        self._writer = None
        self._written = 0
        self._t0: float | None = None
        self._thread = threading.Thread(target=self._run, name="formcheck-record", daemon=True)
        self._thread.start()

    def write(self, img: np.ndarray, t_s: float) -> None:
        import queue

        if self.error is not None:
            return
        try:
            self._q.put_nowait((img, float(t_s)))
            self.frames_in += 1
        except queue.Full:
            self.frames_dropped += 1

    def _run(self) -> None:
        from formcheck.adapters.video import VideoWriter

        while True:
            item = self._q.get()
            if item is None:
                return
            if self.error is not None:
                continue
            img, t_s = item
            try:
                if self._writer is None:
                    self._writer = VideoWriter(self.path, fps=self.fps, size=(img.shape[1], img.shape[0]), fast=True)
                    self._t0 = t_s
                # Real time: frame k of the video shows t0 + k / fps.
                target = int(math.floor((t_s - self._t0) * self.fps + 1e-6)) + 1
                n = min(max(target - self._written, 0 if self._written else 1), int(5 * self.fps))
                for _ in range(n):
                    self._writer.write(img)
                self._written += n
            except FormcheckError as exc:
                self.error = exc

    def close(self, final_path: Path | None = None) -> Path | None:
        """Finish the video (moved to ``final_path`` when given). None when nothing was written."""
        self._q.put(None)
        self._thread.join()
        if self.error is not None:
            if self._writer is not None:
                self._writer.abort()
            raise self.error
        if self._writer is None:
            return None
        path = self._writer.close()
        if final_path is not None and Path(final_path) != path:
            os.replace(path, final_path)
            path = Path(final_path)
        return path

    def abort(self) -> None:
        self._q.put(None)
        self._thread.join()
        if self._writer is not None:
            self._writer.abort()


class RecordClock:
    """The recording's time of each frame shown: pauses are cut out, so the video has no freeze."""

    def __init__(self, fps: float) -> None:
        self.fps = max(float(fps), 1.0)
        self._offset_s = 0.0
        self._last_t_s: float | None = None
        self._gap = False

    def pause(self) -> None:
        """The next frame comes after a pause: close the gap."""
        self._gap = True

    def __call__(self, t_s: float) -> float:
        if self._gap and self._last_t_s is not None:
            self._offset_s += max(0.0, t_s - self._last_t_s - 1.0 / self.fps)
            self._gap = False
        self._last_t_s = t_s
        return t_s - self._offset_s


def write_set_files(folder: Path, stem: str, *, series: LandmarkSeries | None, report: SetReport | None,
                    log: dict) -> dict[str, Path]:
    """Landmarks (.landmarks.npz), report (.json) and session log (.live.json) in ``folder``."""
    out: dict[str, Path] = {}
    if series is not None:
        out["landmarks"] = folder / f"{stem}.landmarks.npz"
        series.save_npz(out["landmarks"])
    if report is not None:
        out["json"] = folder / f"{stem}.json"
        report.write_json(out["json"])
    out["log"] = folder / f"{stem}.live.json"
    _atomic_write(out["log"], json.dumps(log, indent=2) + "\n")
    return out


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text)
    tmp.replace(path)
