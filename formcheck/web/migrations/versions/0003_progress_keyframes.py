"""Per-set summaries for the progress page (backfilled from stored reports) and coach keyframes.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "set_sides",
        sa.Column("clip_id", sa.String(32), sa.ForeignKey("clips.id"), primary_key=True),
        sa.Column("side", sa.String(16), primary_key=True),
        sa.Column("owner_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("peak_hip_deg", sa.Float, nullable=True),
        sa.Column("knee_top_deg", sa.Float, nullable=True),
        sa.Column("hold_s", sa.Float, nullable=True),
        sa.Column("descent_s", sa.Float, nullable=True),
        sa.Column("faults", sa.Integer, nullable=False))
    op.create_table(
        "keyframes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("clip_id", sa.String(32), sa.ForeignKey("clips.id"), nullable=False, index=True),
        sa.Column("author_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("t_s", sa.Float, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False))
    _backfill()


def _backfill() -> None:
    """Summaries for the clips finished before this revision, from the report in their row."""
    from formcheck.web.progress import side_rows

    conn = op.get_bind()
    clips = sa.table("clips", sa.column("id"), sa.column("owner_id"), sa.column("status"),
                     sa.column("report_json"), sa.column("created_at"))
    sides = sa.table("set_sides", *(sa.column(c) for c in (
        "clip_id", "side", "owner_id", "exercise", "recorded_at", "reps", "peak_hip_deg",
        "knee_top_deg", "hold_s", "descent_s", "faults")))
    done = conn.execute(sa.select(clips).where(clips.c.status == "done", clips.c.report_json.is_not(None)))
    rows = [row for c in done for row in side_rows(c.id, c.owner_id, c.created_at, c.report_json)]
    if rows:
        conn.execute(sides.insert(), rows)


def downgrade() -> None:
    op.drop_table("keyframes")
    op.drop_table("set_sides")
