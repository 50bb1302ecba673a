"""``formcheck serve``: database migrated, interrupted jobs re-queued, workers, then uvicorn."""

from __future__ import annotations

import logging

from formcheck.web.config import Settings
from formcheck.web.jobs import build_parts, release_dead_worker, requeue_interrupted, resend_queued

log = logging.getLogger("formcheck.web")


def run_server(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from formcheck.web.app import create_app
    from formcheck.web.worker import Supervisor

    parts = build_parts(settings)
    supervisor = None
    if settings.workers > 0 and not settings.queue_url:
        # This server's workers died with its last run: whatever was 'running' starts again.
        # (With a shared queue other machines' workers may be running: heart-beats decide.)
        n = requeue_interrupted(parts)
        if n:
            log.warning("re-queued %d job(s) interrupted by the last shutdown", n)
    if settings.workers > 0:
        supervisor = Supervisor(settings, on_death=lambda pid: release_dead_worker(parts, pid))
        resend_queued(parts, only_if_queue_empty=bool(settings.queue_url))
    try:
        uvicorn.run(create_app(parts), host=host, port=port, log_level="warning", access_log=False)
    finally:
        if supervisor is not None:
            supervisor.stop()
