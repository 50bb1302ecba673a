"""The job queue on Redis (huey's Redis storage), for workers on many machines.

huey pops a task off the Redis list before running it, so a worker killed mid-job takes that
delivery with it, and a Redis restart without its append-only file empties the list. Neither
loses a job: the clip's row is the record, workers heart-beat into it while they run
(``formcheck.web.liveness``), and the reapers put a stale 'running' row, or 'queued' rows the
queue no longer holds, back on the queue. An enqueue that cannot reach Redis is logged and left
to the reapers for the same reason: the row was committed first.
"""

from __future__ import annotations

import logging
from typing import Callable

from huey import RedisHuey

from formcheck.core.errors import ConfigError

log = logging.getLogger("formcheck.web.queue")
TASK_NAME = "analyze_clip"


class RedisQueue:
    """The same interface as the SQLite ``HueyQueue``: enqueue, pending, run_worker."""

    def __init__(self, url: str, handler: Callable[[str], None]) -> None:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"queue must be redis://HOST[:PORT][/DB], not {url!r}")
        from redis import ConnectionPool

        # Timeouts: a restarted or unreachable Redis is an error to retry, never a hang.
        pool = ConnectionPool.from_url(url, health_check_interval=10, socket_timeout=10, socket_connect_timeout=5)
        self.huey = RedisHuey("formcheck", connection_pool=pool, results=False, read_timeout=1)
        self._task = self.huey.task(name=TASK_NAME, retries=0)(handler)

    def enqueue(self, clip_id: str) -> None:
        from redis.exceptions import RedisError

        try:
            self._task(clip_id)
        except RedisError as exc:
            log.warning("queue unreachable, clip %s waits for the reaper to send it again: %s", clip_id, exc)

    def pending(self) -> int:
        """Tasks waiting in Redis; -1 when Redis cannot be reached (a re-send then only logs)."""
        from redis.exceptions import RedisError

        try:
            return self.huey.pending_count()
        except RedisError:
            return -1

    def run_worker(self, workers: int) -> None:
        """Consume jobs until SIGTERM/SIGINT; huey retries reading when Redis is away."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                             initial_delay=0.1, backoff=1.15, max_delay=1.0)
        consumer.run()
