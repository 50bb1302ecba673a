"""Jobs that outlive their worker: heart-beats into the clip's row, and the reaper that reads them.

A worker running a clip touches the row's ``updated_at`` every ``HEARTBEAT_S``. A 'running' row
untouched for ``STALE_S`` lost its worker (killed, machine gone, network cut): the reaper puts it
back to 'queued' and on the queue, one reaper per row winning (a conditional update). Reapers run
in the server and in every ``formcheck worker``, so either alone keeps jobs moving. Clocks of the
machines must agree to well under ``STALE_S`` (NTP does).
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import select, update

from formcheck.web.models import Clip, utcnow

if TYPE_CHECKING:
    from formcheck.web.jobs import AppParts

log = logging.getLogger("formcheck.web.liveness")
HEARTBEAT_S = float(os.environ.get("FORMCHECK_HEARTBEAT_S", "5"))
STALE_S = float(os.environ.get("FORMCHECK_STALE_S", "30"))
REAP_EVERY_S = float(os.environ.get("FORMCHECK_REAP_EVERY_S", "10"))


def _beat(parts: "AppParts", clip_id: str) -> None:
    with parts.db.session() as s:
        s.execute(update(Clip).where(Clip.id == clip_id, Clip.status == "running")
                  .values(updated_at=utcnow()))
        s.commit()


@contextmanager
def heartbeat(parts: "AppParts", clip_id: str, every_s: float = HEARTBEAT_S) -> Iterator[None]:
    """Keep the row fresh while the body runs; a missed beat (database away) is only logged."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                _beat(parts, clip_id)
            except Exception as exc:  # noqa: BLE001 - the job goes on; the row may go stale
                log.warning("clip %s: heart-beat failed: %s", clip_id, exc)

    thread = threading.Thread(target=loop, name=f"heartbeat-{clip_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every_s + 1)


def reap_stale(parts: "AppParts", stale_s: float = STALE_S) -> int:
    """Put 'running' rows whose worker stopped heart-beating back on the queue; how many.

    As with a supervised worker that died (``jobs.release_dead_worker``), a clip whose worker
    vanished ``MAX_ATTEMPTS`` times fails instead of taking down worker after worker.
    """
    from formcheck.web.jobs import CRASHED, MAX_ATTEMPTS

    cutoff = utcnow() - timedelta(seconds=stale_s)
    stale = (Clip.status == "running", Clip.updated_at < cutoff)
    with parts.db.session() as s:
        rows = list(s.execute(select(Clip.id, Clip.attempts).where(*stale)))
    reaped = 0
    for clip_id, attempts in rows:
        again = attempts < MAX_ATTEMPTS
        with parts.db.session() as s:
            won = s.execute(update(Clip).where(Clip.id == clip_id, *stale).values(
                status="queued" if again else "failed", error=None if again else CRASHED, progress=0,
                updated_at=utcnow())).rowcount
            s.commit()
        if won and again:
            log.warning("clip %s: its worker stopped heart-beating; queued again", clip_id)
            parts.queue.enqueue(clip_id)
            reaped += 1
        elif won:
            log.warning("clip %s: its worker vanished %d times; failed", clip_id, attempts)
    return reaped


def sweep_once(parts: "AppParts") -> None:
    """One reaper pass: stale 'running' rows, then 'queued' rows the queue lost."""
    from formcheck.web.jobs import resend_queued

    reap_stale(parts)
    resend_queued(parts)


def run_reaper(parts: "AppParts", stop: threading.Event, every_s: float = REAP_EVERY_S) -> None:
    """Sweep until ``stop`` is set; a database or queue outage is logged and tried again."""
    while not stop.wait(every_s):
        try:
            sweep_once(parts)
        except Exception as exc:  # noqa: BLE001 - the reaper must outlive an outage
            log.warning("reaper pass failed (will retry): %s", exc)


def start_reaper(parts: "AppParts") -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_reaper, args=(parts, stop), name="reaper", daemon=True).start()
    return stop
