"""The initial schema: the five sources, their history twins, the import log, settings and meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SHORT = 255

# Frozen copy of the source tables as they were at this revision: (name, [(column, type, key, nullable)]).
SOURCES = {
    "school": [
        ("school_id", sa.String(64), True, False),
        ("school_name", sa.String(SHORT), False, False),
        ("level", sa.String(32), False, True),
        ("network", sa.String(SHORT), False, True),
        ("enrollment", sa.Integer(), False, True),
    ],
    "cpl_meeting": [
        ("school_id", sa.String(64), True, False),
        ("meeting_date", sa.Date(), True, False),
        ("team", sa.String(SHORT), True, False),
        ("team_type", sa.String(32), False, True),
        ("duration_minutes", sa.Integer(), False, False),
        ("attendees", sa.Integer(), False, False),
        ("team_size", sa.Integer(), False, True),
        ("protocol", sa.String(SHORT), False, True),
        ("focus", sa.Text(), False, True),
        ("year_start", sa.Integer(), False, False),
        ("week_start", sa.Date(), False, False),
    ],
    "trust_score": [
        ("school_id", sa.String(64), True, False),
        ("year_start", sa.Integer(), True, False),
        ("wave", sa.String(64), True, False),
        ("respondent_group", sa.String(SHORT), True, False),
        ("facet", sa.String(64), True, False),
        ("mean_score", sa.Float(), False, True),
        ("scale_max", sa.Float(), False, False),
        ("pct_favorable", sa.Float(), False, True),
        ("n_respondents", sa.Integer(), False, True),
        ("response_rate", sa.Float(), False, True),
        ("publisher_marker", sa.String(32), False, True),
    ],
    "readiness_vote": [
        ("school_id", sa.String(64), True, False),
        ("vote_date", sa.Date(), True, False),
        ("question", sa.String(SHORT), True, False),
        ("votes_ready", sa.Integer(), False, False),
        ("votes_not_yet", sa.Integer(), False, False),
        ("votes_abstain", sa.Integer(), False, False),
        ("eligible_voters", sa.Integer(), False, False),
        ("threshold_pct", sa.Float(), False, False),
        ("year_start", sa.Integer(), False, False),
    ],
    "achievement": [
        ("school_id", sa.String(64), True, False),
        ("year_start", sa.Integer(), True, False),
        ("subject", sa.String(64), True, False),
        ("student_group", sa.String(SHORT), True, False),
        ("grade", sa.String(32), True, False),
        ("n_tested", sa.Integer(), False, True),
        ("n_proficient", sa.Integer(), False, True),
        ("pct_proficient", sa.Float(), False, True),
        ("publisher_marker", sa.String(32), False, True),
    ],
}


def upgrade() -> None:
    for name, columns in SOURCES.items():
        op.create_table(
            name,
            *[sa.Column(col, typ, primary_key=key, nullable=nullable) for col, typ, key, nullable in columns],
            sa.Column("import_id", sa.Integer(), nullable=True),
        )
        op.create_table(
            f"{name}_history",
            sa.Column("history_id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("changed_by_import", sa.Integer(), nullable=False),
            *[sa.Column(col, typ, nullable=True) for col, typ, _key, _nullable in columns],
            sa.Column("import_id", sa.Integer(), nullable=True),
        )
        op.create_index(f"ix_{name}_history_changed_by_import", f"{name}_history", ["changed_by_import"])
    op.create_index("ix_cpl_meeting_year_week", "cpl_meeting", ["year_start", "week_start"])
    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(SHORT), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(1024), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows_in_file", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_replaced", sa.Integer(), nullable=False),
        sa.Column("rows_removed", sa.Integer(), nullable=False),
        sa.Column("schools_created", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "setting",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(SHORT), nullable=False),
    )


def downgrade() -> None:
    for name in ("meta", "setting", "import_log"):
        op.drop_table(name)
    for name in reversed(list(SOURCES)):
        op.drop_table(f"{name}_history")
        op.drop_table(name)
