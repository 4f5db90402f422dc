"""Summary tables the pages read instead of raw rows, refreshed inside the transaction that changes their source
(a load or an undo), so a reader sees the raw rows and their summary change together.

``cpl_team_year_summary``: one row per school, team and school year, the figures of ``dashboard/store/queries/cpl_team_year.sql``
(meetings, minutes, attendance, weeks with a meeting against the district's school weeks, the longest gap). The
district's school weeks of a year depend on every school's meetings that year, so a load refreshes every team of
the school years it touched; an undo refreshes all years.

The aggregation is one polars function (``cpl_team_year_rows``). A load whose rows are the only rows of their
school years (a new year's file, a first load) has it computed from the file's rows (``of_rows``), in a thread
beside the write of the same rows; otherwise the rows of those years are read back from the database, after the
write, in the same transaction. Either way the summary is written with the
loader's bulk insert: SQLite's window functions over millions of rows cost more than the load itself.

``achievement_withheld`` and ``achievement_rollup``: the district's one pattern of withheld achievement figures
(``core.disclosure``), decided over every school of a school year; ``achievement_school_year``: one row per
school, subject, student group and school year, grades combined and screened by it (``achievement.school_level_cells``
of ``tables.achievement_cells``). The pattern and the combining stay within a school year, so a load refreshes the
school years it touched.

``school_summary``: one row per school (``summary.school_summary_from``), rebuilt from the tables above after every
load or undo (``refresh_school_summary``). Both screened summaries depend on the settings: a change of a setting
rebuilds them (``refresh_screened``).
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.core.privacy import Thresholds
from dashboard.ingest import bulk
from dashboard.metrics import tables
from dashboard.metrics.achievement import school_level_cells
from dashboard.store import queries
from dashboard.store import settings as settings_mod
from dashboard.store.schema import (
    achievement_rollup,
    achievement_school_year,
    achievement_withheld,
    cpl_team_year_summary,
    school_summary,
)

c = pl.col
SUMMARY_COLUMNS = [
    "school_id",
    "team",
    "team_type",
    "year_start",
    "meetings",
    "minutes",
    "school_months",
    "attendees_with_size",
    "seats",
    "weeks_with_meeting",
    "school_weeks",
    "longest_gap_weeks",
]
MEETING_SCHEMA = pl.Schema(
    {
        "school_id": pl.String,
        "team": pl.String,
        "team_type": pl.String,
        "year_start": pl.Int64,
        "week_start": pl.Date,
        "meeting_date": pl.Date,
        "duration_minutes": pl.Int64,
        "attendees": pl.Int64,
        "team_size": pl.Int64,
    }
)
TEAM_YEAR = ["school_id", "team", "year_start"]
SOURCES_SUMMARISED = {"cpl", "achievement"}
SCHOOL_YEAR_COLUMNS = [column.name for column in achievement_school_year.columns]
STORED_SUMMARY_COLUMNS = [column.name for column in school_summary.columns]


def _sql_sum(name: str) -> pl.Expr:
    """SUM as SQL has it: blank, not 0, when every value is blank."""
    return pl.when(c(name).is_not_null().any()).then(c(name).sum())


def cpl_team_year_rows(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school, team and school year from meeting rows (``MEETING_SCHEMA``) holding every meeting of
    their school years. School weeks: the Monday-based weeks of the year in which any team met, numbered in order;
    school months likewise; the longest gap counts the weeks before a team's first and after its last meeting."""
    m = meetings.select(list(MEETING_SCHEMA)).cast(MEETING_SCHEMA)
    # each school and team as an integer (categorical codes): the groupings below are on integers, not strings
    m = m.with_columns(
        c("school_id").cast(pl.Categorical).to_physical().alias("_school"),
        c("team").cast(pl.Categorical).to_physical().alias("_team"),
    )
    key = ["_school", "_team", "year_start"]
    weeks = (
        m.select("year_start", "week_start")
        .unique()
        .with_columns(c("week_start").rank("dense").over("year_start").cast(pl.Int64).alias("week_no"))
    )
    year_weeks = weeks.group_by("year_start").agg(pl.len().cast(pl.Int64).alias("school_weeks"))
    year_months = m.group_by("year_start").agg(
        c("meeting_date").dt.month_start().n_unique().cast(pl.Int64).alias("school_months")
    )
    # a team's longest inner gap: the weeks before its first meeting week, or the largest step between two of its
    # meeting weeks, less one
    gaps = (
        m.select(*key, "week_start")
        .unique()
        .join(weeks, on=["year_start", "week_start"])
        .group_by(key)
        .agg(
            pl.len().cast(pl.Int64).alias("weeks_with_meeting"),
            pl.max_horizontal(c("week_no").min() - 1, c("week_no").sort().diff().max() - 1).alias("inner_gap"),
            c("week_no").max().alias("last_week_no"),
        )
    )
    totals = (
        m.with_columns(pl.when(c("team_size").is_not_null()).then(c("attendees")).alias("attendees_with_size"))
        .group_by(key)
        .agg(
            c("school_id").first(),
            c("team").first(),
            c("team_type").max(),
            pl.len().cast(pl.Int64).alias("meetings"),
            c("duration_minutes").sum().alias("minutes"),
            _sql_sum("attendees_with_size"),
            _sql_sum("team_size").alias("seats"),
        )
    )
    out = (
        totals.join(gaps, on=key)
        .join(year_weeks, on="year_start")
        .join(year_months, on="year_start")
        .with_columns(pl.max_horizontal("inner_gap", c("school_weeks") - c("last_week_no")).alias("longest_gap_weeks"))
    )
    return out.select(SUMMARY_COLUMNS).sort(TEAM_YEAR)


def _clear(conn: sa.Connection, table: sa.Table, year_starts: list[int] | None) -> None:
    if year_starts is None:
        conn.execute(sa.delete(table))
    else:
        conn.execute(sa.delete(table).where(table.c.year_start.in_(list(year_starts))))


def of_rows(source: str, rows: pl.DataFrame) -> pl.DataFrame | None:
    """The summary rows of ``source`` computed from ``rows`` alone, which must hold every stored row of their
    school years (the loader's append of years the database did not hold), for ``refresh(..., summary=)``; None
    for a source whose summary is read back from the database. Pure polars, no connection: the loader computes it
    in a thread of its own while it writes the same rows."""
    return cpl_team_year_rows(rows) if source == "cpl" else None


def refresh(
    conn: sa.Connection, source: str, year_starts: list[int] | None = None, summary: pl.DataFrame | None = None
) -> None:
    """Rebuild the summaries of ``source`` for the given school years (None: every year), in ``conn``'s
    transaction. ``summary``, when given, is ``of_rows`` of every stored row of those years; otherwise the rows are
    read back. A source without a summary is a no-op. The school summary is rebuilt separately, once per load
    (``refresh_school_summary``)."""
    if source not in SOURCES_SUMMARISED:
        return
    if year_starts is not None and not year_starts:
        return
    if source == "achievement":
        refresh_achievement(conn, year_starts)
        return
    _clear(conn, cpl_team_year_summary, year_starts)
    if summary is None:
        rows = queries.run(
            conn,
            "cpl_meetings_of_years",
            MEETING_SCHEMA,
            **queries.scope_params(None),
            **queries.year_params(year_starts),
        )
        summary = cpl_team_year_rows(rows)
    bulk.insert_rows(conn, cpl_team_year_summary, summary)


def refresh_achievement(conn: sa.Connection, year_starts: list[int] | None = None) -> None:
    """Decide and store the district's pattern of withheld achievement figures (``core.disclosure``: the withheld
    school cells and the district's and networks' figures), then rebuild ``achievement_school_year`` under it, for
    the given school years (None: every year) under the stored settings."""
    t = Thresholds.from_settings(settings_mod.load(conn))
    _clear(conn, achievement_school_year, year_starts)
    pattern = tables.decide_pattern(conn, t, year_starts)
    if sa.inspect(conn).has_table(achievement_withheld.name):  # not yet, in the migrations before 0008
        for table in (achievement_withheld, achievement_rollup):
            _clear(conn, table, year_starts)
        bulk.insert_rows(conn, achievement_withheld, pattern.cells)
        bulk.insert_rows(conn, achievement_rollup, pattern.rollups)
    cells = tables.achievement_cells(conn, t, None, year_starts, pattern)
    if cells.height:
        bulk.insert_rows(conn, achievement_school_year, school_level_cells(cells).select(SCHOOL_YEAR_COLUMNS))


def refresh_school_summary(conn: sa.Connection) -> None:
    """Rebuild ``school_summary`` from the stored tables and summaries, under the stored settings."""
    summary = tables.school_summary(conn, settings_mod.load(conn), None, cells=tables.school_cells(conn))
    conn.execute(sa.delete(school_summary))
    bulk.insert_rows(conn, school_summary, summary.select(STORED_SUMMARY_COLUMNS))


def refresh_screened(conn: sa.Connection) -> None:
    """Rebuild every summary that depends on the settings (after a change of a setting, or a migration)."""
    refresh_achievement(conn, None)
    refresh_school_summary(conn)
