"""The first schema: users, sessions, invites, clips (the job records), notes, verdicts.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id(name: str = "id") -> sa.Column:
    return sa.Column(name, sa.String(32), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "users", _id(),
        sa.Column("email", sa.String(320), nullable=False, unique=True, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("coach_id", sa.String(32), sa.ForeignKey("users.id"), nullable=True, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("roster_seen_at", sa.DateTime, nullable=True))
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False))
    op.create_table(
        "invites",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("coach_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_by", sa.String(32), sa.ForeignKey("users.id"), nullable=True))
    op.create_table(
        "clips", _id(),
        sa.Column("owner_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("upload_key", sa.String(128), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("report_json", sa.Text, nullable=True),
        sa.Column("video_key", sa.String(128), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("runs_done", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime, nullable=False))
    op.create_table(
        "notes", _id(),
        sa.Column("clip_id", sa.String(32), sa.ForeignKey("clips.id"), nullable=False, index=True),
        sa.Column("author_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("rep", sa.Integer, nullable=True),
        sa.Column("t_s", sa.Float, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False))
    op.create_table(
        "verdicts", _id(),
        sa.Column("clip_id", sa.String(32), sa.ForeignKey("clips.id"), nullable=False, index=True),
        sa.Column("author_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("rep", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("agree", sa.Boolean, nullable=True),
        sa.Column("missed", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("clip_id", "rep", "code", name="uq_verdict_target"))


def downgrade() -> None:
    for table in ("verdicts", "notes", "clips", "invites", "sessions", "users"):
        op.drop_table(table)
