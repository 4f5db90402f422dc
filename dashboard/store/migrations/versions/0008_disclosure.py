"""Disclosure control as a system (issue 14): the district's one pattern of withheld achievement figures, stored
at load beside the screened summaries: the withheld school cells and the district's and networks' figures.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "achievement_withheld",
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("student_group", sa.String(255), primary_key=True),
        sa.Column("grade", sa.String(32), primary_key=True),
        sa.Column("year_start", sa.Integer(), primary_key=True),
        sa.Column("reason", sa.String(32), nullable=False),
    )
    op.create_table(
        "achievement_rollup",
        sa.Column("rollup", sa.String(16), primary_key=True),
        sa.Column("network", sa.String(255), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("student_group", sa.String(255), primary_key=True),
        sa.Column("year_start", sa.Integer(), primary_key=True),
        sa.Column("schools", sa.Integer(), nullable=False),
        sa.Column("n_tested", sa.Integer(), nullable=True),
        sa.Column("n_proficient", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
    )
    # a database upgraded with data in it gets its pattern now, and the screened summaries under it
    from dashboard.ingest import summaries

    summaries.refresh_screened(op.get_bind())


def downgrade() -> None:
    op.drop_table("achievement_rollup")
    op.drop_table("achievement_withheld")
