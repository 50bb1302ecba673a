"""The database: an engine from a URL (SQLite by default, PostgreSQL with --db) and migrations.

Migrations run at every start (``migrate``), so an older data folder is brought up to date.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from formcheck.core.errors import ConfigError
from formcheck.web.config import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(settings: Settings) -> Engine:
    try:
        return _engine(settings)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"--db: not a database URL we can use ({exc})") from None


def _engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API types
            # WAL: readers (the API) never wait for the worker's writes; foreign keys enforced.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Servers and workers starting together on one database: one migrates at a time.
            conn.execute(text("SELECT pg_advisory_xact_lock(4015)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """An engine and its session factory; ``open`` migrates before anything else touches it."""

    def __init__(self, settings: Settings) -> None:
        self.engine = make_engine(settings)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, settings: Settings) -> "Database":
        db = cls(settings)
        try:
            migrate(db.engine)
        except OperationalError as exc:
            raise ConfigError(f"cannot open the database: {str(exc.orig).strip().splitlines()[0]}") from None
        return db

    def session(self) -> Session:
        return self.sessions()
