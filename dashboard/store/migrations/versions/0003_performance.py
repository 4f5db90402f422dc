"""Performance: the CPL team-year summary (refreshed inside each load and undo) and indexes on the filters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cpl_team_year_summary",
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("team", sa.String(255), primary_key=True),
        sa.Column("year_start", sa.Integer(), primary_key=True),
        sa.Column("team_type", sa.String(32), nullable=True),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("school_months", sa.Integer(), nullable=False),
        sa.Column("attendees_with_size", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("weeks_with_meeting", sa.Integer(), nullable=False),
        sa.Column("school_weeks", sa.Integer(), nullable=False),
        sa.Column("longest_gap_weeks", sa.Integer(), nullable=False),
    )
    op.create_index("ix_cpl_team_year_summary_year", "cpl_team_year_summary", ["year_start"])
    op.create_index("ix_readiness_vote_year", "readiness_vote", ["year_start"])
    # a database upgraded with data in it gets its summary now (the same statement a load runs)
    from dashboard.ingest import summaries

    summaries.refresh(op.get_bind(), "cpl", None)


def downgrade() -> None:
    op.drop_index("ix_readiness_vote_year", "readiness_vote")
    op.drop_index("ix_cpl_team_year_summary_year", "cpl_team_year_summary")
    op.drop_table("cpl_team_year_summary")
