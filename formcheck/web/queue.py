"""Job delivery behind a small interface: huey on SQLite in the data folder now, Redis later.

The queue only delivers clip ids; the clip's row is the record of the job. A delivery may be
lost (a killed worker took it) or doubled (a re-send crossed it): ``jobs.run_clip`` claims the
row first, so a doubled delivery does nothing and a lost one is re-sent from the row.
"""

from __future__ import annotations

from typing import Callable, Protocol

from huey import SqliteHuey

from formcheck.web.config import Settings

TASK_NAME = "analyze_clip"


class JobQueue(Protocol):
    def enqueue(self, clip_id: str) -> None: ...
    def pending(self) -> int: ...
    def run_worker(self, workers: int) -> None: ...


class HueyQueue:
    """huey with its SQLite storage: no server to run, safe across processes."""

    def __init__(self, settings: Settings, handler: Callable[[str], None]) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.huey = SqliteHuey("formcheck", filename=str(settings.queue_path), results=False,
                               timeout=30)
        self._task = self.huey.task(name=TASK_NAME, retries=0)(handler)

    def enqueue(self, clip_id: str) -> None:
        self._task(clip_id)

    def pending(self) -> int:
        return self.huey.pending_count()

    def run_worker(self, workers: int) -> None:
        """Consume jobs in this process until it is told to stop (SIGTERM/SIGINT)."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                             initial_delay=0.1, backoff=1.15, max_delay=0.5)
        consumer.run()


def make_queue(settings: Settings, handler: Callable[[str], None]) -> JobQueue:
    """huey on SQLite in the data folder by default; ``redis://`` for workers on many machines."""
    if settings.queue_url:
        from formcheck.web.queue_redis import RedisQueue

        return RedisQueue(settings.queue_url, handler)
    return HueyQueue(settings, handler)
