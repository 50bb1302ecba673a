"""``formcheck serve`` and ``formcheck users add``: options parsed here, the app in formcheck.web."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from formcheck.cli.scale_options import DATA_OPT, DB_OPT, QUEUE_OPT, S3_ENDPOINT_OPT, STORAGE_OPT, scale_settings
from formcheck.core.errors import ConfigError, FormcheckError

DATA_HELP = "The app's data folder (database, queue, uploads, reports). Default: a per-user folder."
DB_HELP = "Database URL (default: SQLite in the data folder), e.g. postgresql+psycopg://user@host/db."


def _settings(data: Optional[Path], db: Optional[str], **kw: object):
    from formcheck.web.config import Settings, default_data_dir

    return Settings(data_dir=(data or default_data_dir()).expanduser().resolve(), db_url=db or "", **kw)


def _fail(exc: FormcheckError) -> typer.Exit:
    typer.echo(f"formcheck: error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


def serve(
    data: Optional[Path] = DATA_OPT,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    max_upload_mb: int = typer.Option(500, "--max-upload-mb", min=1, help="Largest upload accepted (MB)."),
    workers: int = typer.Option(1, min=0, max=64, help="Analyses at once in this server's processes (0: none)."),
    db: Optional[str] = DB_OPT,
    queue: Optional[str] = QUEUE_OPT,
    storage: Optional[str] = STORAGE_OPT,
    s3_endpoint_url: Optional[str] = S3_ENDPOINT_OPT,
) -> None:
    """Start the coach app: web server, database, job queue and workers, on embedded defaults."""
    from formcheck.web.server import run_server

    settings = scale_settings(data, db, queue, storage, s3_endpoint_url,
                              max_upload_bytes=max_upload_mb * 2**20, workers=workers)
    typer.echo(f"formcheck coach app on http://{host}:{port}/  (data: {settings.data_dir}, workers: {workers})")
    try:
        run_server(settings, host, port)
    except FormcheckError as exc:
        raise _fail(exc)


class Role(str, Enum):
    coach = "coach"
    athlete = "athlete"


users_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Manage the coach app's accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="The new user's email (their sign-in name)."),
    role: Role = typer.Option(..., "--role", help="coach or athlete."),
    coach: Optional[str] = typer.Option(None, "--coach", help="An athlete's coach (their email)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin."),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create a coach or an athlete account."""
    from sqlalchemy import select

    from formcheck.web.auth import add_user
    from formcheck.web.db import Database
    from formcheck.web.models import User

    try:
        if coach and role != Role.athlete:
            raise ConfigError("--coach is for athletes")
        database = Database.open(_settings(data, db))
        with database.session() as s:
            coach_user = None
            if coach:
                coach_user = s.scalar(select(User).where(User.email == coach.strip().lower()))
                if coach_user is None or coach_user.role != "coach":
                    raise ConfigError(f"no coach with email {coach}: add the coach first")
            user = add_user(s, email, _read_password(password_stdin), role.value, coach=coach_user)
            s.commit()
            typer.echo(f"added {user.role} {user.email}" + (f" (coach {coach_user.email})" if coach_user else ""))
    except FormcheckError as exc:
        raise _fail(exc)
