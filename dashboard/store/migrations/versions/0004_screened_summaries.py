"""Performance: the screened, grade-combined achievement table and the one-row-per-school summary, refreshed inside
each load, undo and change of a setting, so the pages read them instead of screening raw rows; and no index on the
CPL meetings' school year and week (a scan reads a year as fast, and the index cost a third of a large load).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cpl_meeting_year_week", "cpl_meeting")
    op.create_table(
        "achievement_school_year",
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("student_group", sa.String(255), primary_key=True),
        sa.Column("year_start", sa.Integer(), primary_key=True),
        sa.Column("n_tested", sa.Integer(), nullable=True),
        sa.Column("n_proficient", sa.Integer(), nullable=True),
        sa.Column("pct_proficient", sa.Float(), nullable=True),
        sa.Column("withheld", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
    )
    op.create_index("ix_achievement_school_year_group", "achievement_school_year", ["student_group"])
    op.create_table(
        "school_summary",
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("school_year", sa.String(16), nullable=True),
        sa.Column("trust_index", sa.Float(), nullable=True),
        sa.Column("trust_index_change", sa.Float(), nullable=True),
        sa.Column("cpl_consistency_pct", sa.Float(), nullable=True),
        sa.Column("cpl_minutes_per_month", sa.Float(), nullable=True),
        sa.Column("readiness_pct_ready", sa.Float(), nullable=True),
        sa.Column("readiness_passed", sa.Boolean(), nullable=True),
        sa.Column("all_students_pct_proficient", sa.Float(), nullable=True),
        sa.Column("all_students_change_pp", sa.Float(), nullable=True),
        sa.Column("groups_declined", sa.Integer(), nullable=False),
        sa.Column("attention", sa.Text(), nullable=True),
    )
    # a database upgraded with data in it gets both now (what a change of a setting runs)
    from dashboard.ingest import summaries

    summaries.refresh_screened(op.get_bind())


def downgrade() -> None:
    op.drop_table("school_summary")
    op.drop_index("ix_achievement_school_year_group", "achievement_school_year")
    op.drop_table("achievement_school_year")
    op.create_index("ix_cpl_meeting_year_week", "cpl_meeting", ["year_start", "week_start"])
