"""``formcheck worker``: one analysis worker, on this machine or any other, for a shared queue."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

import typer

from formcheck.cli.scale_options import DATA_OPT, DB_OPT, QUEUE_OPT, S3_ENDPOINT_OPT, STORAGE_OPT, scale_settings
from formcheck.core.errors import FormcheckError


def worker(
    data: Optional[Path] = DATA_OPT,
    db: Optional[str] = DB_OPT,
    queue: Optional[str] = QUEUE_OPT,
    storage: Optional[str] = STORAGE_OPT,
    s3_endpoint_url: Optional[str] = S3_ENDPOINT_OPT,
) -> None:
    """Run analysis jobs from the queue, one at a time, until stopped (Ctrl-C or SIGTERM).

    Start as many as you like, on any machine that reaches the same database, queue and storage.
    A worker also re-queues jobs whose worker stopped heart-beating, so a killed one loses nothing.
    """
    from formcheck.web import worker as web_worker
    from formcheck.web.jobs import build_parts

    settings = scale_settings(data, db, queue, storage, s3_endpoint_url)
    try:
        build_parts(settings)  # fail now, in one line, if a part cannot be reached
    except FormcheckError as exc:
        typer.echo(f"formcheck: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    os.environ.update(settings.to_env())
    os.environ.pop("FORMCHECK_PARENT_PID", None)
    typer.echo(f"formcheck worker {os.getpid()}: queue {settings.queue_url or settings.queue_path}", err=True)
    web_worker.main()
