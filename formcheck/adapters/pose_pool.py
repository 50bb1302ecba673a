"""Pose extraction on every core: a clip cut into time chunks, each run in its own process.

The pose model runs frame after frame in one thread, so one landmarker uses one core. Here each
worker process decodes its own part of the clip and runs its own landmarker on it. MediaPipe's
VIDEO mode carries state from frame to frame (the tracked region and a smoothing filter), so a
chunk's landmarker is first warmed up on the ``warmup_s`` seconds just before the chunk, their
results thrown away: at a seam the landmarks then match a serial run's closely (the benchmark
prints the median and worst difference in pixels). Decoding is exact: frames before a chunk are
decoded but not converted, so indices and timestamps are those of a full pass.

Workers are spawned (never forked: a forked MediaPipe graph can deadlock), ignore SIGINT (the
terminal's Ctrl-C goes to the whole process group; the parent decides), die with the parent
(Linux ``PR_SET_PDEATHSIG``), and keep their stderr off the terminal. Any exception in the
parent - KeyboardInterrupt, SystemExit from a SIGTERM handler, an error in another chunk -
terminates and reaps every worker before it propagates.
"""

from __future__ import annotations

import concurrent.futures as cf
import concurrent.futures.process
import ctypes
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from formcheck.core.errors import FormcheckError, InputError, ModelError
from formcheck.core.landmarks import LandmarkSeries

WARMUP_S = 1.0
# Clips shorter than this many frames per worker run serially. For speed alone the crossover
# is lower (a worker's start-up, import + model load, is about 1.1 s: see bench_pipeline.py
# --crossover), but a seam adds a few pixels of landmark noise after it, and on a clip of a few
# seconds that buys little time: 6 s at 30 fps keeps the bundled 11 s samples whole.
MIN_CHUNK_FRAMES = 180


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Chunk:
    """Frames ``start <= index < stop`` (``stop`` None: to the end), warmed up from ``warm``."""

    path: Path
    start: int
    stop: int | None
    warm: int
    step: int = 1  # the model runs on frames whose index is a multiple of it


@dataclass
class ChunkResult:
    """What a worker sends back: landmarks of its frames and the counts to sum."""

    chunk: Chunk
    t_s: np.ndarray
    image: np.ndarray
    world: np.ndarray
    n_multi: int
    n_adjusted: int
    frames_lost: int
    warnings: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)  # last chunk: the file's own facts


def plan_chunks(path: Path, n_frames: int | None, parts: int, fps: float,
                min_chunk_frames: int = MIN_CHUNK_FRAMES, step: int = 1) -> list[Chunk]:
    """Cut ``n_frames`` into ``parts`` chunks of equal model work (warm-up frames included).

    One chunk (the whole clip) when the frame count is unknown or the chunks would be shorter
    than ``min_chunk_frames`` model frames. With ``step``, every bound is a multiple of it.
    """
    warm_n = int(round(WARMUP_S * fps / step))
    n_model = -(-n_frames // step) if n_frames else 0
    if not n_model or parts <= 1 or n_model < parts * max(min_chunk_frames, warm_n + 1):
        return [Chunk(Path(path), 0, None, 0, step)]
    per = (n_model + (parts - 1) * warm_n) / parts
    starts = [0] + [int(round(k * per - (k - 1) * warm_n)) for k in range(1, parts)]
    stops: list[int | None] = [*(s * step for s in starts[1:]), None]
    return [Chunk(Path(path), s * step, e, max(0, s - warm_n) * step, step) for s, e in zip(starts, stops)]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _worker_init() -> None:
    """Quiet, interrupt-proof worker: the parent handles Ctrl-C and reports errors."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    target = os.environ.get("FORMCHECK_NATIVE_LOG", "")
    if target != "-":
        sink = os.open(target or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(sink, 2)
        os.close(sink)
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - lives as long as the process


def run_chunk(chunk: Chunk, model: Path | None) -> ChunkResult:
    """Decode and run the pose model over one chunk (in a worker, or in this process)."""
    from formcheck.adapters.pose import PoseEstimator
    from formcheck.adapters.video import open_video

    t_list: list[float] = []
    images: list[np.ndarray] = []
    worlds: list[np.ndarray] = []
    n_multi = 0
    with open_video(chunk.path) as video, PoseEstimator(model_path=model) as est:
        every = est.probe_every
        for index, t_s, bgr in video.frames(chunk.warm, chunk.stop, chunk.step):
            if index < chunk.start:
                est.detect(bgr, t_s * 1000.0, probe=False)
                continue
            res = est.detect(bgr, t_s * 1000.0, probe=bool(every) and (index // chunk.step) % every == 0)
            t_list.append(float(t_s))
            images.append(res.image)
            worlds.append(res.world)
            n_multi += res.n_people > 1
        warnings = [w for w in video.warnings if w not in video.open_warnings]
        info = {"fps": video.fps, "size": (int(video.width), int(video.height)),
                "frame_count": video.frame_count, "truncated": video.truncated,
                "timestamps_from": video.timestamps_from, "name": video.name,
                "open_warnings": list(video.open_warnings), "model": est.model_path.name,
                "probe_every": every, "step": chunk.step}
        adjusted = est.n_timestamps_adjusted
    if not t_list:
        empty = np.zeros((0, 33, 4))
        return ChunkResult(chunk, np.zeros(0), empty, empty, 0, adjusted, video.frames_lost, warnings, info)
    return ChunkResult(chunk, np.array(t_list), np.stack(images), np.stack(worlds), int(n_multi),
                       adjusted, video.frames_lost, warnings, info)


def stitch(results: list[ChunkResult]) -> LandmarkSeries:
    """One LandmarkSeries from a clip's chunk results (in order), meta as a serial run's."""
    results = sorted(results, key=lambda r: r.chunk.start)
    last = results[-1].info
    t_s = np.concatenate([r.t_s for r in results])
    if t_s.size == 0:
        raise InputError(f"{last['name'] or 'the video'}: no frames were decoded")
    done = int(t_s.size)
    every = last["probe_every"]
    warnings = list(last["open_warnings"]) + [w for r in results for w in r.warnings]
    meta = {
        "frames_decoded": done,
        "frames_expected": last["frame_count"],
        "n_multi_person_frames": sum(r.n_multi for r in results),
        "n_people_checked_frames": -(-done // every) if every else done,
        "n_timestamps_adjusted": sum(r.n_adjusted for r in results),
        "frames_lost": sum(r.frames_lost for r in results),
        "truncated": bool(last["truncated"]),
        "timestamps_from": last["timestamps_from"],
        "warnings": warnings,
        "model": last["model"],
        "fps": last["fps"],
        "chunks": len(results),
        "model_step": last["step"],
    }
    return LandmarkSeries(t_s=t_s, image=np.concatenate([r.image for r in results]),
                          image_size=tuple(last["size"]),
                          world=np.concatenate([r.world for r in results]), source=last["name"], meta=meta)


class WorkerPool:
    """Quiet worker processes; ``with WorkerPool(jobs) as pool: pool.imap(fn, tasks)``.

    Leaving the block by any exception terminates the workers at once (no orphans, no waits).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, int(jobs))
        self._executor: cf.ProcessPoolExecutor | None = None

    def __enter__(self) -> "WorkerPool":
        ctx = multiprocessing.get_context("spawn")
        self._executor = cf.ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_worker_init)
        return self

    def imap(self, fn: Callable[..., Any], tasks: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        """``(task, fn(*task))`` as they finish (any order); a FormcheckError is the result of a
        task that failed (a damaged clip must not stop the others). Anything else raises."""
        assert self._executor is not None, "use the pool in a with block"
        futures = {self._executor.submit(fn, *task): task for task in tasks}
        for fut in cf.as_completed(futures):
            try:
                yield futures[fut], fut.result()
            except FormcheckError as exc:
                yield futures[fut], exc
            except cf.process.BrokenProcessPool as exc:
                raise ModelError("a worker process died (out of memory, or killed); "
                                 "try again with --jobs 1") from exc

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if exc_type is None:
            executor.shutdown(wait=True)
            return
        procs = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()


def extract_parallel(paths: list[Path], jobs: int, *, model: Path | None = None,
                     on_done: Callable[[Path, "LandmarkSeries | FormcheckError"], None] | None = None,
                     ) -> dict[Path, LandmarkSeries | FormcheckError]:
    """Landmarks of every clip in ``paths``, ``jobs`` processes at a time.

    Whole clips go to the workers; the last ``len(paths) % jobs`` clips (all of them when there
    are fewer clips than jobs) are split into chunks so that no core idles at the end.
    A clip that fails maps to its FormcheckError. ``on_done(path, series_or_error)`` is called as
    each clip completes.
    """
    from formcheck.adapters.video import model_step, open_video

    paths = [Path(p) for p in paths]
    tail = len(paths) % jobs if len(paths) >= jobs else len(paths)
    chunks: list[Chunk] = []
    out: dict[Path, LandmarkSeries | FormcheckError] = {}
    for i, path in enumerate(paths):
        parts = 1 if i < len(paths) - tail or tail == 0 else max(1, jobs // tail)
        try:
            with open_video(path) as video:
                chunks.extend(plan_chunks(path, video.frame_count, parts, video.fps,
                                          step=model_step(video.fps)))
        except FormcheckError as exc:
            out[path] = exc
            if on_done is not None:
                on_done(path, exc)
    expected = {p: sum(c.path == p for c in chunks) for p in paths}
    parts_done: dict[Path, list[ChunkResult]] = {p: [] for p in paths}
    with WorkerPool(jobs) as pool:
        for (chunk, _), res in pool.imap(run_chunk, [(c, model) for c in chunks]):
            path = chunk.path
            if path in out:
                continue  # another chunk of this clip failed already
            if isinstance(res, FormcheckError):
                out[path] = res
            else:
                parts_done[path].append(res)
                if len(parts_done[path]) < expected[path]:
                    continue
                try:
                    out[path] = stitch(parts_done[path])
                except FormcheckError as exc:
                    out[path] = exc
            if on_done is not None:
                on_done(path, out[path])
    return out


__all__ = ["Chunk", "ChunkResult", "WorkerPool", "available_cores", "extract_parallel", "plan_chunks",
           "run_chunk", "stitch"]
