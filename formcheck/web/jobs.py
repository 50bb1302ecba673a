"""The analysis job: a clip's row claimed, ``analyze_path`` called, the outcome recorded.

The same library call as ``formcheck analyze`` (no second pipeline); this module adds only the
row's state: queued -> running (progress %) -> done | failed. The report reaches the row, and the
row says done, in one commit after every output file was written whole; a run cut short leaves
the row 'running' and a restart puts it back in the queue. Running a job twice writes the same
files into the same folder.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select, update

from formcheck.core.errors import FormcheckError
from formcheck.web.config import Settings
from formcheck.web.db import Database
from formcheck.web.liveness import heartbeat
from formcheck.web.models import Clip, utcnow
from formcheck.web.progress import store_side_rows
from formcheck.web.queue import JobQueue, make_queue
from formcheck.web.review import write_fragment
from formcheck.web.storage import Storage, make_storage

log = logging.getLogger("formcheck.web.jobs")
POSE_SHARE = 0.8  # the pose model's share of a job's time, for the progress figure
PROGRESS_EVERY_S = 0.5
INTERNAL_ERROR = "internal error while analysing this clip (the server log has the details)"
CRASHED = "the analysis stopped the worker process twice: this clip cannot be analysed here"
MAX_ATTEMPTS = 2  # a job whose worker died this many times fails instead of running again


def worker_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{pid or os.getpid()}"


@dataclass
class AppParts:
    """What a server or a worker process holds: settings, database, storage, queue."""

    settings: Settings
    db: Database
    storage: Storage
    queue: JobQueue


def build_parts(settings: Settings) -> AppParts:
    db = Database.open(settings)
    return AppParts(settings, db, make_storage(settings), make_queue(settings, run_clip))


@lru_cache(maxsize=1)
def _worker_parts() -> AppParts:
    """A worker process's parts, from the environment its server gave it."""
    return build_parts(Settings.from_env())


def _claim(parts: AppParts, clip_id: str) -> Clip | None:
    with parts.db.session() as s:
        claimed = s.execute(update(Clip).where(Clip.id == clip_id, Clip.status == "queued").values(
            status="running", progress=0, error=None, attempts=Clip.attempts + 1,
            worker=worker_id(), updated_at=utcnow())).rowcount
        s.commit()
        return s.get(Clip, clip_id) if claimed else None


def _set(parts: AppParts, clip_id: str, **values: object) -> None:
    with parts.db.session() as s:
        s.execute(update(Clip).where(Clip.id == clip_id).values(updated_at=utcnow(), **values))
        s.commit()


class _Progress:
    """Pose frames done -> a percentage in the row, written at most every PROGRESS_EVERY_S."""

    def __init__(self, parts: AppParts, clip_id: str) -> None:
        self.parts, self.clip_id, self._last_s = parts, clip_id, 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not total or now - self._last_s < PROGRESS_EVERY_S:
            return
        self._last_s = now
        _set(self.parts, self.clip_id, progress=int(POSE_SHARE * 100 * min(done, total) / total))


def run_clip(clip_id: str, parts: AppParts | None = None) -> None:
    """The queue's task: analyse one clip unless another delivery already has it."""
    parts = parts or _worker_parts()
    clip = _claim(parts, clip_id)
    if clip is None:
        return
    # An object store's outage while fetching escapes here: the row stays 'running', goes stale
    # and the reaper runs it again (formcheck.web.liveness), instead of a failed clip.
    upload = parts.storage.local_path(clip.upload_key)
    try:
        _analyse(parts, clip, upload)
    finally:
        parts.storage.release(clip.upload_key)  # an object store's copy on this worker goes


def _analyse(parts: AppParts, clip: Clip, upload: Path) -> None:
    """Analyse, publish the outputs, then say done (or failed, with the reason the CLI gives)."""
    from formcheck.pipeline import analyze_path

    clip_id = clip.id
    try:
        with heartbeat(parts, clip_id):
            result = analyze_path(upload, exercise=clip.exercise, side=clip.side,
                                  out_dir=parts.storage.work_dir(clip.id), progress=_Progress(parts, clip_id))
            write_fragment(parts.storage, clip.id, result, upload, clip.original_name)
            parts.storage.publish(clip.id)  # an object store gets the outputs before the row says done
    except FormcheckError as exc:
        # The CLI's one-line reason, with the stored name swapped back for the uploaded one.
        reason = str(exc).replace(str(upload), clip.original_name).replace(upload.name, clip.original_name)
        _set(parts, clip_id, status="failed", error=reason, progress=0)
        return
    except Exception:  # noqa: BLE001 - a job must end in a state, whatever broke
        log.exception("clip %s: analysis crashed", clip_id)
        _set(parts, clip_id, status="failed", error=INTERNAL_ERROR, progress=0)
        return
    # The stored name is random: the report (source, warnings) shows the athlete's own.
    report_json = json.dumps(result.report.to_dict()).replace(upload.name, clip.original_name)
    video = result.outputs.get("video")
    video_key = parts.storage.key_for(video) if video else None
    _finish(parts, clip_id, report_json, video_key)


def _finish(parts: AppParts, clip_id: str, report_json: str, video_key: str | None) -> None:
    """The row says done, with its report and its progress summaries, in one commit."""
    with parts.db.session() as s:
        s.execute(update(Clip).where(Clip.id == clip_id).values(
            status="done", progress=100, error=None, runs_done=Clip.runs_done + 1, report_json=report_json,
            video_key=video_key, updated_at=utcnow()))
        store_side_rows(s, s.get(Clip, clip_id))
        s.commit()


def requeue_interrupted(parts: AppParts) -> int:
    """At server start: jobs left 'running' by a killed server go back to 'queued'."""
    with parts.db.session() as s:
        n = s.execute(update(Clip).where(Clip.status == "running").values(
            status="queued", progress=0, updated_at=utcnow())).rowcount
        s.commit()
    return n


def release_dead_worker(parts: AppParts, pid: int) -> list[str]:
    """A worker process died mid-job: its job runs again, or fails after MAX_ATTEMPTS deaths."""
    gone = worker_id(pid)
    with parts.db.session() as s:
        rows = list(s.scalars(select(Clip).where(Clip.status == "running", Clip.worker == gone)))
        for clip in rows:
            again = clip.attempts < MAX_ATTEMPTS
            clip.status, clip.progress, clip.updated_at = ("queued" if again else "failed"), 0, utcnow()
            clip.error = None if again else CRASHED
        s.commit()
    requeued = [c.id for c in rows if c.status == "queued"]
    for clip_id in requeued:
        parts.queue.enqueue(clip_id)
    return requeued


def resend_queued(parts: AppParts, only_if_queue_empty: bool = True) -> int:
    """Deliver every queued row again when the queue holds nothing (its deliveries were lost)."""
    if only_if_queue_empty and parts.queue.pending() > 0:
        return 0
    with parts.db.session() as s:
        ids = list(s.scalars(select(Clip.id).where(Clip.status == "queued").order_by(Clip.created_at)))
    for clip_id in ids:
        parts.queue.enqueue(clip_id)
    return len(ids)
