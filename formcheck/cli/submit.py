"""``formcheck submit FOLDER``: queue a folder for the workers, show progress, then the results."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from formcheck.cli.scale_options import DATA_OPT, DB_OPT, QUEUE_OPT, S3_ENDPOINT_OPT, STORAGE_OPT, scale_settings
from formcheck.core.errors import ConfigError, FormcheckError, InputError

POLL_S = 1.0
QUIET_LINE_S = 15.0  # a progress line at least this often, even when nothing changed


def _wait(parts, ids: list[str], timeout_s: float, quiet: bool) -> list:
    """Poll the rows until every clip is done or failed (or the time is up); the last rows."""
    from sqlalchemy.exc import OperationalError

    from formcheck.web.batch import counts, read_rows

    deadline = time.monotonic() + timeout_s
    rows, last, last_t = [], None, 0.0
    while True:
        try:
            rows = read_rows(parts, ids)
        except OperationalError:  # the database restarting: the jobs go on, so does the wait
            typer.echo("  database unavailable; still waiting", err=True)
        c = counts(rows)
        now = time.monotonic()
        if rows and not quiet and (c != last or now - last_t >= QUIET_LINE_S):
            typer.echo(f"  {c['done'] + c['failed']}/{len(ids)} finished: {c['done']} done, {c['failed']} failed, "
                       f"{c['running']} running, {c['queued']} queued", err=True)
            last, last_t = c, now
        if (rows and c["done"] + c["failed"] == len(ids)) or now > deadline:
            return rows
        time.sleep(POLL_S)


def submit(
    folder: Path = typer.Argument(..., help="A folder of videos (mp4, mov, avi, webm, mkv, m4v)."),
    data: Optional[Path] = DATA_OPT,
    db: Optional[str] = DB_OPT,
    queue: Optional[str] = QUEUE_OPT,
    storage: Optional[str] = STORAGE_OPT,
    s3_endpoint_url: Optional[str] = S3_ENDPOINT_OPT,
    out: Path = typer.Option(Path("formcheck-submit"), help="Where the summary page and JSON reports go."),
    owner: Optional[str] = typer.Option(None, help="An athlete's email to own the clips (default: a batch account)."),
    exercise: str = typer.Option("auto", help="Exercise, or auto."),
    side: str = typer.Option("auto", help="Working leg: auto, left or right."),
    timeout_min: float = typer.Option(60.0, "--timeout-min", min=0.1, help="Stop waiting after this long (the jobs go on)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Queue every video of FOLDER for the workers (`formcheck worker`), wait, print a table.

    The results stay in storage with the database rows (the coach app shows them under the
    owner); a summary page and each JSON report are written to --out.
    """
    from formcheck.core.profile import EXERCISES
    from formcheck.web.batch import batch_owner, folder_videos, submit_videos, summary_table, write_results
    from formcheck.web.jobs import build_parts

    settings = scale_settings(data, db, queue, storage, s3_endpoint_url)
    try:
        if exercise not in ("auto", *EXERCISES) or side not in ("auto", "left", "right"):
            raise ConfigError(f"exercise must be auto or one of {', '.join(EXERCISES)}; side auto, left or right")
        videos = folder_videos(folder)
        parts = build_parts(settings)
        if parts.queue.pending() < 0:
            raise ConfigError(f"cannot reach the queue {settings.queue_url}")
        ids = submit_videos(parts, videos, batch_owner(parts, owner), exercise, side)
    except FormcheckError as exc:
        typer.echo(f"formcheck: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    if not settings.queue_url:
        typer.echo("note: the queue is this data folder's own; a `formcheck serve` or `formcheck worker` "
                   "on it runs the jobs", err=True)
    typer.echo(f"queued {len(ids)} clip(s) from {folder}", err=True)
    try:
        rows = _wait(parts, ids, timeout_min * 60, quiet)
    except KeyboardInterrupt:
        typer.echo("stopped waiting; the clips stay queued and the workers finish them", err=True)
        raise typer.Exit(130)
    if len(rows) < len(ids):
        typer.echo(f"formcheck: error: could not read the state of {len(ids) - len(rows)} clip(s) "
                   "(database unavailable); they stay queued", err=True)
        raise typer.Exit(1)
    typer.echo(summary_table(rows))
    index = write_results(parts, rows, out)
    typer.echo(f"summary page: {index}")
    unfinished = [r for r in rows if r.status in ("queued", "running")]
    if unfinished:
        typer.echo(f"formcheck: error: {len(unfinished)} clip(s) not finished after {timeout_min:g} min; "
                   "they stay queued", err=True)
        raise typer.Exit(1)
    if any(r.status == "failed" for r in rows):
        raise typer.Exit(InputError.exit_code)  # a clip that cannot be analysed: its reason is in the table
