"""The school summary's reasons for attention name the year of a measure older than the school's latest (a
2024-25 vote beside a 2025-26 survey): the stored summaries are rebuilt under the new wording. No change of schema.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from dashboard.ingest import summaries

    summaries.refresh_school_summary(op.get_bind())


def downgrade() -> None:
    """Nothing to undo in the schema; the summaries keep the wording of this version until the next load."""
