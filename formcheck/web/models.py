"""Database tables (SQLAlchemy 2). A clip's row is the record of its job: the queue only delivers.

Ids are random (``new_id``), never counters, so one cannot guess another athlete's clip.
Times are naive UTC (SQLite keeps no zone).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("coach", "athlete")
STATUSES = ("queued", "running", "done", "failed")


def new_id() -> str:
    """A random, URL-safe id (128 bits)."""
    return secrets.token_urlsafe(16)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    coach_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    roster_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebSession(Base):
    """A server-side session; the cookie holds the token, the row only its hash."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Invite(Base):
    __tablename__ = "invites"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    coach_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Clip(Base):
    """One uploaded set and the state of its analysis job."""

    __tablename__ = "clips"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    upload_key: Mapped[str] = mapped_column(String(128))
    exercise: Mapped[str] = mapped_column(String(64), default="auto")
    side: Mapped[str] = mapped_column(String(16), default="auto")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    video_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(64), nullable=True)  # "host:pid" while running
    runs_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Note(Base):
    """A coach's note on a rep or on a moment of the video (shown on the athlete's timeline)."""

    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    rep: Mapped[int | None] = mapped_column(Integer, nullable=True)
    t_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Verdict(Base):
    """A coach's verdict on a flag (code on a rep: agree or not) or on a rep (missed faults)."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("clip_id", "rep", "code", name="uq_verdict_target"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    rep: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64), default="")  # "" = the rep as a whole
    agree: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    missed: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SetSide(Base):
    """A finished set's summary on one side (the progress page's row: no report to open).

    Written with the report when the job finishes; means over the counted reps of that side.
    """

    __tablename__ = "set_sides"
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)  # left, right or both
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    exercise: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)  # the clip's upload time
    reps: Mapped[int] = mapped_column(Integer)
    peak_hip_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    knee_top_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    hold_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    descent_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    faults: Mapped[int] = mapped_column(Integer, default=0)


class Keyframe(Base):
    """A moment of a set's video a coach marked with a title (on the report video's clock)."""

    __tablename__ = "keyframes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    t_s: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
