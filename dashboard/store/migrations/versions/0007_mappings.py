"""Saved mappings: a mapping the Data page's guided import saved, offered again for the next file with the same
headers (issue 18).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_mapping",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("headers_key", sa.String(64), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("toml", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_saved_mapping_headers_key", "saved_mapping", ["headers_key"])


def downgrade() -> None:
    op.drop_index("ix_saved_mapping_headers_key", "saved_mapping")
    op.drop_table("saved_mapping")
