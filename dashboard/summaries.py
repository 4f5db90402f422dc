"""Summary tables the pages read instead of raw rows, refreshed inside the transaction that changes their source
(a load or an undo), so a reader sees the raw rows and their summary change together.

``cpl_team_year_summary``: one row per school, team and school year, the figures of ``queries/cpl_team_year.sql``
(meetings, minutes, attendance, weeks with a meeting against the district's school weeks, the longest gap). The
district's school weeks of a year depend on every school's meetings that year, so a load refreshes every team of
the school years it touched; an undo refreshes all years.
"""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.schema import cpl_team_year_summary

SUMMARY_COLUMNS = ["school_id", "team", "team_type", "year_start", "meetings", "minutes", "school_months",
                   "attendees_with_size", "seats", "weeks_with_meeting", "school_weeks", "longest_gap_weeks"]

# The aggregation of cpl_team_year.sql over every school (scope is applied when the summary is read), for the
# school years in :years (or all of them with :all_years = 1).
_REFRESH = sa.text("""
WITH base AS (
    SELECT school_id, team, team_type, year_start, week_start, meeting_date, duration_minutes, attendees, team_size
    FROM cpl_meeting WHERE (:all_years = 1 OR year_start IN :years)
),
district_weeks AS (
    SELECT year_start, week_start, DENSE_RANK() OVER (PARTITION BY year_start ORDER BY week_start) AS week_no
    FROM (SELECT DISTINCT year_start, week_start FROM base) w
),
year_weeks AS (SELECT year_start, COUNT(*) AS school_weeks FROM district_weeks GROUP BY year_start),
year_months AS (
    SELECT year_start, COUNT(DISTINCT month_key) AS school_months
    FROM (SELECT year_start, SUBSTR(CAST(meeting_date AS VARCHAR(32)), 1, 7) AS month_key FROM base) m
    GROUP BY year_start
),
team_weeks AS (
    SELECT DISTINCT t.school_id, t.team, t.year_start, w.week_no
    FROM base t JOIN district_weeks w ON w.year_start = t.year_start AND w.week_start = t.week_start
),
team_gaps AS (
    SELECT school_id, team, year_start, week_no,
           week_no - COALESCE(LAG(week_no) OVER (PARTITION BY school_id, team, year_start ORDER BY week_no), 0) - 1
             AS gap_before
    FROM team_weeks
),
team_gap_summary AS (
    SELECT school_id, team, year_start, COUNT(*) AS weeks_with_meeting, MAX(gap_before) AS longest_inner_gap,
           MAX(week_no) AS last_week_no
    FROM team_gaps GROUP BY school_id, team, year_start
),
team_totals AS (
    SELECT school_id, team, year_start, MAX(team_type) AS team_type, COUNT(*) AS meetings,
           SUM(duration_minutes) AS minutes, SUM(attendees) AS attendees,
           SUM(CASE WHEN team_size IS NOT NULL THEN attendees END) AS attendees_with_size,
           SUM(team_size) AS seats
    FROM base GROUP BY school_id, team, year_start
)
SELECT t.school_id, t.team, t.team_type, t.year_start, t.meetings, t.minutes, ym.school_months,
       t.attendees_with_size, t.seats, g.weeks_with_meeting, yw.school_weeks,
       CASE WHEN g.longest_inner_gap > yw.school_weeks - g.last_week_no THEN g.longest_inner_gap
            ELSE yw.school_weeks - g.last_week_no END AS longest_gap_weeks
FROM team_totals t
JOIN team_gap_summary g ON g.school_id = t.school_id AND g.team = t.team AND g.year_start = t.year_start
JOIN year_weeks yw ON yw.year_start = t.year_start
JOIN year_months ym ON ym.year_start = t.year_start
""").bindparams(sa.bindparam("years", expanding=True))

SOURCES_SUMMARISED = {"cpl"}


def refresh(conn: sa.Connection, source: str, year_starts: list[int] | None = None) -> None:
    """Rebuild the summaries of ``source`` for the given school years (None: every year), in ``conn``'s
    transaction. A source without a summary is a no-op."""
    if source not in SOURCES_SUMMARISED:
        return
    if year_starts is not None and not year_starts:
        return
    years = list(year_starts) if year_starts is not None else [-1]
    all_years = 1 if year_starts is None else 0
    table = cpl_team_year_summary
    if all_years:
        conn.execute(sa.delete(table))
    else:
        conn.execute(sa.delete(table).where(table.c.year_start.in_(years)))
    select = _REFRESH.bindparams(sa.bindparam("years", expanding=True)).columns(*SUMMARY_COLUMNS)
    conn.execute(sa.insert(table).from_select(SUMMARY_COLUMNS, select), {"all_years": all_years, "years": years})
