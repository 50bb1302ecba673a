"""Pose extraction on every core: a clip cut into time chunks, each run in its own process.

The pose model runs frame after frame in one thread, so one landmarker uses one core. Here each
worker process decodes its own part of the clip and runs its own landmarker on it.

Results never depend on ``--jobs``. MediaPipe's VIDEO mode carries state from frame to frame
(the region it tracks, and smoothing filters), and a landmarker started part-way settles on a
slightly different track that does not rejoin the old one (10-15 px apart for seconds). So the
pose pass restarts its landmarker at *fixed seams*, frame indices set by the clip alone (its
frame count and model rate, see :func:`seam_frames`), in a serial run exactly as in a split
one: a chunk is a run of whole segments, and the landmarks are bit for bit those of one process.
Each new landmarker is first warmed up on the ``WARMUP_S`` seconds before its seam (results
thrown away; a serial run feeds them to both landmarkers) so that its first frames are tracked,
not freshly detected (without a warm-up the first second after a seam had 105 px outliers).
Decoding is exact: frames before a chunk are decoded but not converted, so indices and
timestamps are those of a full pass.

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
import itertools
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
# A segment (the frames between two seams) has at least this many model frames: 6 s at 30 fps,
# so clips under 12 s (all the bundled samples) have no seam and are never split. The number of
# segments is a power of two (2 or 4 workers share them evenly), at most MAX_SEGMENTS (a seam
# costs a landmarker start, ~70 ms, and the warm-up's second of model work).
SEGMENT_MIN_FRAMES = 180
MAX_SEGMENTS = 16


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def seam_frames(n_frames: int | None, step: int = 1, min_frames: int | None = None) -> list[int]:
    """Frame indices where the pose pass restarts its landmarker: a function of the clip only
    (frame count and model step), never of the number of processes. Unknown length: none.
    ``min_frames``: model frames per segment at least (default ``SEGMENT_MIN_FRAMES``)."""
    min_frames = SEGMENT_MIN_FRAMES if min_frames is None else min_frames
    n_model = -(-n_frames // step) if n_frames else 0
    parts = 1
    while parts * 2 <= MAX_SEGMENTS and n_model >= parts * 2 * max(1, min_frames):
        parts *= 2
    return [int(round(k * n_model / parts)) * step for k in range(1, parts)]


def warmup_frames(fps: float, step: int = 1) -> int:
    """Model frames a new landmarker sees before its seam."""
    return int(round(WARMUP_S * fps / step))


@dataclass(frozen=True)
class Chunk:
    """Frames ``start <= index < stop`` (``stop`` None: to the end) with the landmarker restarted
    at ``start`` (when > 0) and at each of ``seams``, each new one warmed up on ``warm_n`` model
    frames before its seam."""

    path: Path
    start: int
    stop: int | None
    seams: tuple[int, ...] = ()
    warm_n: int = 0
    step: int = 1  # the model runs on frames whose index is a multiple of it

    @property
    def warm(self) -> int:
        """The first frame this chunk decodes into a landmarker."""
        return max(0, self.start - self.warm_n * self.step) if self.start else 0


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
                min_chunk_frames: int | None = None, step: int = 1) -> list[Chunk]:
    """The clip's segments (see :func:`seam_frames`) grouped into at most ``parts`` chunks of
    about equal model work; every seam restarts the landmarker whichever chunk holds it."""
    seams = seam_frames(n_frames, step, min_chunk_frames)
    warm_n = warmup_frames(fps, step)
    bounds = [0, *seams, None]
    n_seg = len(bounds) - 1
    n_chunks = max(1, min(parts, n_seg))
    groups = sorted({int(round(k * n_seg / n_chunks)) for k in range(n_chunks + 1)})
    chunks = []
    for a, b in zip(groups, groups[1:]):
        inner = tuple(seams[a:b - 1])  # seams strictly inside segments a..b-1
        chunks.append(Chunk(Path(path), bounds[a], bounds[b], inner, warm_n, step))
    return chunks


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


class _Landmarkers:
    """The landmarker of the current segment and, within a warm-up window, the next one's."""

    def __init__(self, chunk: Chunk, model: Path | None) -> None:
        self.model = model
        self.seams = list(chunk.seams)
        self.warm_frames = chunk.warm_n * chunk.step
        self.current = self._new()
        self.upcoming: Any = None
        self.adjusted = 0  # timestamps bumped on kept frames (warm-up frames are not counted)

    def _new(self) -> Any:
        from formcheck.adapters.pose import PoseEstimator

        return PoseEstimator(model_path=self.model)

    def detect(self, index: int, t_s: float, bgr: np.ndarray, probe: bool) -> Any:
        """The kept frame ``index``: the landmarker changes at a seam, the next one warms up."""
        if self.seams and index >= self.seams[0]:
            self.seams.pop(0)
            fresh = self.upcoming or self._new()
            fresh.take_probe(self.current)  # stateless (IMAGE mode): one per chunk is enough
            self.current.close()
            self.current, self.upcoming = fresh, None
        if self.seams and index >= self.seams[0] - self.warm_frames:
            self.upcoming = self.upcoming or self._new()
            self.upcoming.detect(bgr, t_s * 1000.0, probe=False)
        before = self.current.n_timestamps_adjusted
        res = self.current.detect(bgr, t_s * 1000.0, probe=probe)
        self.adjusted += self.current.n_timestamps_adjusted - before
        return res

    def close(self) -> None:
        for est in (self.current, self.upcoming):
            if est is not None:
                est.close()


def run_chunk(chunk: Chunk, model: Path | None,
              progress: Callable[[int, int | None], None] | None = None) -> ChunkResult:
    """Decode and run the pose model over one chunk (in a worker, or in this process for a
    serial run: the whole clip as one chunk). ``progress(done, total)`` after each kept frame."""
    from formcheck.adapters.video import open_video

    t_list: list[float] = []
    images: list[np.ndarray] = []
    worlds: list[np.ndarray] = []
    n_multi = 0
    with open_video(chunk.path) as video:
        total = -(-video.frame_count // chunk.step) if video.frame_count and chunk.start == 0 and \
            chunk.stop is None else None
        marks = _Landmarkers(chunk, model)
        try:
            every = marks.current.probe_every
            for index, t_s, bgr in video.frames(chunk.warm, chunk.stop, chunk.step):
                if index < chunk.start:
                    marks.current.detect(bgr, t_s * 1000.0, probe=False)  # the warm-up
                    continue
                res = marks.detect(index, t_s, bgr, bool(every) and (index // chunk.step) % every == 0)
                t_list.append(float(t_s))
                images.append(res.image)
                worlds.append(res.world)
                n_multi += res.n_people > 1
                if progress is not None:
                    progress(len(t_list), total)
            model_name = marks.current.model_path.name
        finally:
            marks.close()
        warnings = [w for w in video.warnings if w not in video.open_warnings]
        info = {"fps": video.fps, "size": (int(video.width), int(video.height)),
                "frame_count": video.frame_count, "truncated": video.truncated,
                "timestamps_from": video.timestamps_from, "name": video.name,
                "open_warnings": list(video.open_warnings), "model": model_name,
                "probe_every": every, "step": chunk.step}
    if not t_list:
        empty = np.zeros((0, 33, 4))
        return ChunkResult(chunk, np.zeros(0), empty, empty, 0, marks.adjusted, video.frames_lost, warnings, info)
    return ChunkResult(chunk, np.array(t_list), np.stack(images), np.stack(worlds), int(n_multi),
                       marks.adjusted, video.frames_lost, warnings, info)


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
        "seams": sorted({r.chunk.start for r in results if r.chunk.start} | {f for r in results for f in r.chunk.seams}),
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
        task that failed (a damaged clip must not stop the others). Anything else raises.
        The tasks are submitted at once: this process may work on something else meanwhile."""
        assert self._executor is not None, "use the pool in a with block"
        return self._results({self._executor.submit(fn, *task): task for task in tasks})

    @staticmethod
    def _results(futures: dict) -> Iterator[tuple[tuple, Any]]:
        for fut in cf.as_completed(futures):
            yield futures[fut], WorkerPool.outcome(fut)

    @staticmethod
    def outcome(fut: cf.Future) -> Any:
        """A finished future's result, or its FormcheckError; a dead worker raises ModelError."""
        try:
            return fut.result()
        except FormcheckError as exc:
            return exc
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


@dataclass
class Task:
    """Work for a pool worker: ``fn(*args)`` there, then ``then(result)`` here, which may return
    follow-up tasks (a finished clip's annotated video, say)."""

    fn: Callable[..., Any]
    args: tuple
    then: Callable[[Any], "list[Task] | None"]


def run_tasks(pool: "WorkerPool", tasks: Iterable[Task]) -> None:
    """Run ``tasks`` ``pool.jobs`` at a time. A finished task's ``then(result)`` runs in this
    process; the tasks it returns go before those not started yet, so a clip that has its
    landmarks is finished (drawn) before the next clip starts, and its outputs come early.
    A FormcheckError is a task's result (one bad clip must not stop the others)."""
    assert pool._executor is not None, "use the pool in a with block"
    waiting = list(tasks)
    waiting.reverse()  # a stack: pop() takes the next task, follow-ups are pushed on top
    running: dict[cf.Future, tuple[int, Task]] = {}
    for order in itertools.count():
        if not (waiting or running):
            break
        while waiting and len(running) < pool.jobs:
            task = waiting.pop()
            running[pool._executor.submit(task.fn, *task.args)] = (order, task)
        finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
        for fut in sorted(finished, key=lambda f: running[f][0]):  # in the order they started
            _, task = running.pop(fut)
            more = task.then(WorkerPool.outcome(fut))
            waiting.extend(reversed(more or []))


def plan_pool(clips: list[tuple[Path, int | None, float]], jobs: int) -> list[Chunk]:
    """Chunks for several clips, given as (path, frame count, fps): whole clips first, then the
    last ``len(clips) % jobs`` clips (all of them when there are fewer clips than jobs) split in
    ``jobs // tail`` chunks each, so that no core idles at the end. A clip splits only at its own
    seams (one under 12 s stays whole), so its landmarks are the same whichever way it is run."""
    from formcheck.adapters.video import model_step

    tail = len(clips) % jobs if len(clips) >= jobs else len(clips)
    chunks: list[Chunk] = []
    for i, (path, n_frames, fps) in enumerate(clips):
        parts = max(1, jobs // tail) if tail and i >= len(clips) - tail else 1
        chunks.extend(plan_chunks(path, n_frames, parts, fps, step=model_step(fps)))
    return chunks


def extract_parallel(paths: list[Path], jobs: int, *, model: Path | None = None,
                     on_done: Callable[[Path, "LandmarkSeries | FormcheckError"], "list[Task] | None"] | None = None,
                     first: Iterable[Task] = (), pool: "WorkerPool | None" = None,
                     ) -> dict[Path, LandmarkSeries | FormcheckError]:
    """Landmarks of every clip in ``paths``, ``jobs`` processes at a time.

    Whole clips go to the workers; the last ``len(paths) % jobs`` clips (all of them when there
    are fewer clips than jobs) are split into chunks so that no core idles at the end.
    A clip that fails maps to its FormcheckError. ``on_done(path, series_or_error)`` is called as
    each clip completes; the tasks it returns (its annotated video, say) run in the same pool,
    before the clips not started yet. ``first``: tasks to run before any clip. ``pool``: a pool
    of ``jobs`` workers already open (the caller's, kept for the annotated video), else one here.
    """
    from formcheck.adapters.video import open_video

    paths = [Path(p) for p in paths]
    clips: list[tuple[Path, int | None, float]] = []
    out: dict[Path, LandmarkSeries | FormcheckError] = {}
    first = list(first)
    for path in paths:
        try:
            with open_video(path) as video:
                clips.append((path, video.frame_count, video.fps))
        except FormcheckError as exc:
            out[path] = exc
            if on_done is not None:
                first.extend(on_done(path, exc) or [])
    chunks = plan_pool(clips, jobs)
    expected = {p: sum(c.path == p for c in chunks) for p in paths}
    parts_done: dict[Path, list[ChunkResult]] = {p: [] for p in paths}

    def collect(path: Path, res: "ChunkResult | FormcheckError") -> "list[Task] | None":
        if path in out:
            return None  # another chunk of this clip failed already
        if isinstance(res, FormcheckError):
            out[path] = res
        else:
            parts_done[path].append(res)
            if len(parts_done[path]) < expected[path]:
                return None
            try:
                out[path] = stitch(parts_done[path])
            except FormcheckError as exc:
                out[path] = exc
        return on_done(path, out[path]) if on_done is not None else None

    tasks = first + [Task(run_chunk, (c, model), lambda res, p=c.path: collect(p, res)) for c in chunks]
    if pool is not None:
        run_tasks(pool, tasks)
        return out
    with WorkerPool(jobs) as own:
        run_tasks(own, tasks)
    return out


__all__ = ["Chunk", "ChunkResult", "Task", "WorkerPool", "available_cores", "extract_parallel", "plan_chunks",
           "plan_pool", "run_chunk", "run_tasks", "seam_frames", "stitch", "warmup_frames"]
