"""The database schema, in SQLAlchemy Core. Alembic migrations (``dashboard/migrations``) create and upgrade it;
this module is what the code reads and writes through. Every source table carries ``import_id``, the import that
last wrote the row, and has a ``*_history`` twin holding rows an import replaced or removed, so an import can be
undone exactly.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

SHORT = 255


def _source_columns(*cols: sa.Column) -> list[sa.Column]:
    return [*cols, sa.Column("import_id", sa.Integer, nullable=True)]


school = sa.Table(
    "school",
    metadata,
    *_source_columns(
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("school_name", sa.String(SHORT), nullable=False),
        sa.Column("level", sa.String(32)),
        sa.Column("network", sa.String(SHORT)),
        sa.Column("enrollment", sa.Integer),
    ),
)

cpl_meeting = sa.Table(
    "cpl_meeting",
    metadata,
    *_source_columns(
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("meeting_date", sa.Date, primary_key=True),
        sa.Column("team", sa.String(SHORT), primary_key=True),
        sa.Column("team_type", sa.String(32)),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("attendees", sa.Integer, nullable=False),
        sa.Column("team_size", sa.Integer),
        sa.Column("protocol", sa.String(SHORT)),
        sa.Column("focus", sa.Text),
        # derived at load: the school year (starting 1 July) and the Monday of the meeting's week
        sa.Column("year_start", sa.Integer, nullable=False),
        sa.Column("week_start", sa.Date, nullable=False),
    ),
)
# no index on the school year (revision 0004 dropped it): the pages read the summaries, a year's meetings are read
# as fast by a scan, and keeping a second index in step cost a third of a state-scale load

trust_score = sa.Table(
    "trust_score",
    metadata,
    *_source_columns(
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("year_start", sa.Integer, primary_key=True),
        sa.Column("wave", sa.String(64), primary_key=True),
        sa.Column("respondent_group", sa.String(SHORT), primary_key=True),
        sa.Column("facet", sa.String(64), primary_key=True),
        sa.Column("mean_score", sa.Float),
        sa.Column("scale_max", sa.Float, nullable=False),
        sa.Column("pct_favorable", sa.Float),
        sa.Column("n_respondents", sa.Integer),
        sa.Column("response_rate", sa.Float),
        # the publisher's suppression marker, where the file withheld this result
        sa.Column("publisher_marker", sa.String(32)),
    ),
)

readiness_vote = sa.Table(
    "readiness_vote",
    metadata,
    *_source_columns(
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("vote_date", sa.Date, primary_key=True),
        sa.Column("question", sa.String(SHORT), primary_key=True),
        sa.Column("votes_ready", sa.Integer, nullable=False),
        sa.Column("votes_not_yet", sa.Integer, nullable=False),
        sa.Column("votes_abstain", sa.Integer, nullable=False),
        sa.Column("eligible_voters", sa.Integer, nullable=False),
        sa.Column("threshold_pct", sa.Float, nullable=False),
        sa.Column("year_start", sa.Integer, nullable=False),
    ),
)

achievement = sa.Table(
    "achievement",
    metadata,
    *_source_columns(
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("year_start", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("student_group", sa.String(SHORT), primary_key=True),
        sa.Column("grade", sa.String(32), primary_key=True),
        sa.Column("n_tested", sa.Integer),
        sa.Column("n_proficient", sa.Integer),
        # the file's own percent, kept only where the file gave a percent and no proficient count
        sa.Column("pct_proficient", sa.Float),
        sa.Column("publisher_marker", sa.String(32)),
    ),
)

SOURCE_TABLES: dict[str, sa.Table] = {
    "schools": school,
    "cpl": cpl_meeting,
    "trust": trust_score,
    "readiness": readiness_vote,
    "achievement": achievement,
}


def _history_twin(table: sa.Table) -> sa.Table:
    """Rows an import replaced or removed, with the import that did it, for undo."""
    return sa.Table(
        f"{table.name}_history",
        metadata,
        sa.Column("history_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("changed_by_import", sa.Integer, nullable=False, index=True),
        *[sa.Column(c.name, c.type, nullable=True) for c in table.columns],
    )


HISTORY_TABLES: dict[str, sa.Table] = {source: _history_twin(t) for source, t in SOURCE_TABLES.items()}

import_log = sa.Table(
    "import_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(SHORT), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("file_name", sa.String(1024), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows_in_file", sa.Integer, nullable=False),
    sa.Column("rows_inserted", sa.Integer, nullable=False),
    sa.Column("rows_replaced", sa.Integer, nullable=False),
    sa.Column("rows_removed", sa.Integer, nullable=False),
    sa.Column("schools_created", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # loaded | undone
)

setting = sa.Table(
    "setting",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(SHORT), nullable=False),
)

# --- accounts and audit (revision 0002) --------------------------------------------------------------------------

app_user = sa.Table(
    "app_user",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(SHORT), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),  # superintendent | coach | principal | board | admin
    sa.Column("schools", sa.Text, nullable=False, default=""),  # school ids separated by ';' (coach, principal)
    sa.Column("password_hash", sa.String(255), nullable=False),  # bcrypt, never a password
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # revision 0005: raised by a password change, a role or school change, disable and "sign out everywhere"; a
    # session or re-login cookie of an older version no longer signs in (dashboard.auth.accounts)
    sa.Column("session_version", sa.Integer, nullable=False, default=0),
)

# --- login throttling (revision 0005): failed logins counted per client address and per name typed ----------------

# one row per client address (scope 'client') or per name typed at the login, known or not (scope 'account'); see
# dashboard.auth.throttle for the rules and SECURITY.md for why there is no account lock
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("scope", sa.String(16), primary_key=True),  # client | account
    sa.Column("key", sa.String(SHORT), primary_key=True),  # an address (an IPv6 /64) or a lower-cased name
    sa.Column("failures", sa.Integer, nullable=False),  # failed logins in a row (forgotten after a quiet hour)
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("wait_until", sa.DateTime(timezone=True)),  # clients only: no attempt is checked before this
    sa.Column("pending", sa.Integer, nullable=False, default=0),  # clients only: password checks in flight
    sa.Column("pending_at", sa.DateTime(timezone=True)),  # when the last of them began
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False),  # who (or the name tried, for a failed login)
    sa.Column(
        "action", sa.String(32), nullable=False
    ),  # login | login_failed | locked | account_change | load | undo | download
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

# --- performance (revision 0003): summaries the pages read instead of raw rows -------------------------------------

# one row per school, team and school year: the figures of dashboard/store/queries/cpl_team_year.sql, refreshed in the load or undo
# transaction (dashboard.ingest.summaries)
cpl_team_year_summary = sa.Table(
    "cpl_team_year_summary",
    metadata,
    sa.Column("school_id", sa.String(64), primary_key=True),
    sa.Column("team", sa.String(SHORT), primary_key=True),
    sa.Column("year_start", sa.Integer, primary_key=True),
    sa.Column("team_type", sa.String(32)),
    sa.Column("meetings", sa.Integer, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("school_months", sa.Integer, nullable=False),
    sa.Column("attendees_with_size", sa.Integer),
    sa.Column("seats", sa.Integer),
    sa.Column("weeks_with_meeting", sa.Integer, nullable=False),
    sa.Column("school_weeks", sa.Integer, nullable=False),
    sa.Column("longest_gap_weeks", sa.Integer, nullable=False),
)
sa.Index("ix_cpl_team_year_summary_year", cpl_team_year_summary.c.year_start)
sa.Index("ix_readiness_vote_year", readiness_vote.c.year_start)

# --- performance (revision 0004): the screened, grade-combined achievement and the one-row-per-school summary ------

# one row per school, subject, student group and school year: achievement with grades combined
# (metrics.achievement.school_level_cells) and screened (dashboard.core.privacy) under the stored settings; refreshed
# for the school years a load or undo touches, and wholly when a setting changes
achievement_school_year = sa.Table(
    "achievement_school_year",
    metadata,
    sa.Column("school_id", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("student_group", sa.String(SHORT), primary_key=True),
    sa.Column("year_start", sa.Integer, primary_key=True),
    sa.Column("n_tested", sa.Integer),
    sa.Column("n_proficient", sa.Integer),
    sa.Column("pct_proficient", sa.Float),
    sa.Column("withheld", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(32)),
)
sa.Index("ix_achievement_school_year_group", achievement_school_year.c.student_group)

# --- disclosure (revision 0008): the district's one pattern of withheld achievement figures (core.disclosure) ------

# one row per withheld school cell (school, subject, student group, grade and school year; grade 'All' is grades
# combined, the file's own row or the sum of its grades) and its reason; refreshed with achievement_school_year
achievement_withheld = sa.Table(
    "achievement_withheld",
    metadata,
    sa.Column("school_id", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("student_group", sa.String(SHORT), primary_key=True),
    sa.Column("grade", sa.String(32), primary_key=True),
    sa.Column("year_start", sa.Integer, primary_key=True),
    sa.Column("reason", sa.String(32), nullable=False),
)

# one row per district or network figure (rollup 'district' with network '', or 'network'), subject, student group
# and school year, grades combined: the schools, students tested and proficient, its basis ('every school', or
# 'published school figures' where a member's count is unknown) and, where withheld, why
achievement_rollup = sa.Table(
    "achievement_rollup",
    metadata,
    sa.Column("rollup", sa.String(16), primary_key=True),
    sa.Column("network", sa.String(SHORT), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("student_group", sa.String(SHORT), primary_key=True),
    sa.Column("year_start", sa.Integer, primary_key=True),
    sa.Column("schools", sa.Integer, nullable=False),
    sa.Column("n_tested", sa.Integer),
    sa.Column("n_proficient", sa.Integer),
    sa.Column("basis", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(32)),
)

# one row per school: the figures of metrics.summary.school_summary_from (names, network and level are joined at
# read, so a schools file needs no refresh); rebuilt after every load, undo and change of a setting
school_summary = sa.Table(
    "school_summary",
    metadata,
    sa.Column("school_id", sa.String(64), primary_key=True),
    sa.Column("school_year", sa.String(16)),
    sa.Column("trust_index", sa.Float),
    sa.Column("trust_index_change", sa.Float),
    sa.Column("cpl_consistency_pct", sa.Float),
    sa.Column("cpl_minutes_per_month", sa.Float),
    sa.Column("readiness_pct_ready", sa.Float),
    sa.Column("readiness_passed", sa.Boolean),
    sa.Column("all_students_pct_proficient", sa.Float),
    sa.Column("all_students_change_pp", sa.Float),
    sa.Column("groups_declined", sa.Integer, nullable=False),
    sa.Column("attention", sa.Text),
)

# --- board goals and timeline notes (revision 0006) ----------------------------------------------------------------

# one row per board goal or guardrail (CONTRACT.md, Goals): what it measures, over which schools, from which year;
# the baseline, latest value and status are computed from the data when read (dashboard.metrics.goals), never stored
board_goal = sa.Table(
    "board_goal",
    metadata,
    sa.Column("name", sa.String(SHORT), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # goal | guardrail
    sa.Column("measure", sa.String(32), nullable=False),  # proficiency | gap_to_all | trust_index | ...
    sa.Column("scope", sa.String(SHORT), nullable=False),  # district | network:NAME | school:ID
    sa.Column("subject", sa.String(64)),  # blank: every subject together (proficiency, gap_to_all)
    sa.Column("student_group", sa.String(SHORT)),  # proficiency and gap_to_all only
    sa.Column("baseline_year", sa.Integer, nullable=False),  # the school year's first calendar year
    sa.Column("target", sa.Float, nullable=False),  # a goal's target, or a guardrail's floor or ceiling
    sa.Column("target_year", sa.Integer),  # goals only
    sa.Column("bound", sa.String(16)),  # guardrails only: floor | ceiling
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# one row per dated note on the timeline of the district (school_id blank) or of one school: shown on the time
# charts of that scope; a note of kind 'break' leaves no change row across it; an internal note never reaches the
# board role or a board pack
timeline_note = sa.Table(
    "timeline_note",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("note_date", sa.Date, nullable=False),
    sa.Column("year_start", sa.Integer, nullable=False),  # the school year of the date (starting 1 July)
    sa.Column("school_id", sa.String(64)),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("internal", sa.Boolean, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_timeline_note_school", timeline_note.c.school_id)

# --- saved mappings (revision 0007) --------------------------------------------------------------------------------

# one row per mapping a data lead saved on the Data page: offered again for the next file with the same headers
# (headers_key: the SHA-256 of its folded headers); the TOML is the mapping itself, as `load --mapping` reads it
saved_mapping = sa.Table(
    "saved_mapping",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(SHORT), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("headers_key", sa.String(64), nullable=False),
    sa.Column("headers", sa.Text, nullable=False),  # the file's headers, one a line (what the key was made of)
    sa.Column("toml", sa.Text, nullable=False),
    sa.Column("saved_by", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_saved_mapping_headers_key", saved_mapping.c.headers_key)
