"""Board goals and guardrails, and timeline notes: the goals a board monitors (their figures are computed from the
data when read, never stored) and the dated notes shown on the time charts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_goal",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(64), nullable=True),
        sa.Column("student_group", sa.String(255), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("bound", sa.String(16), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "timeline_note",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("note_date", sa.Date(), nullable=False),
        sa.Column("year_start", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_timeline_note_school", "timeline_note", ["school_id"])


def downgrade() -> None:
    op.drop_index("ix_timeline_note_school", "timeline_note")
    op.drop_table("timeline_note")
    op.drop_table("board_goal")
