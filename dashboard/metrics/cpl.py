"""CPL, pure polars: one school year's meetings (read once by ``dashboard.metrics.tables.cpl_meetings``) summed three
ways for the CPL page, by team and month, by protocol and by meeting day: three GROUP BYs over the same rows cost
SQLite several times the one read."""

from __future__ import annotations

import polars as pl

from dashboard.core.school_year import school_year_expr

c = pl.col
I = pl.Int64  # noqa: E741

SCHOOL = ("school_id", "school_name", "network", "level")  # the school columns of every row (the readers' SCHOOL)

CPL_COLUMNS = [
    "school_id",
    "school_name",
    "team",
    "team_type",
    "school_year",
    "meetings",
    "minutes",
    "minutes_per_month",
    "attendance_rate",
    "weeks_with_meeting",
    "school_weeks",
    "consistency_pct",
    "longest_gap_weeks",
]


def cpl_team_months(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school, team and calendar month with a meeting: meetings, minutes and attendees, the team's type,
    the month (``YYYY-MM``) and its first day (``month_start``, for ordering), with the school year label."""
    return (
        meetings.group_by(*SCHOOL, "team", "year_start", c("meeting_date").dt.month_start().alias("month_start"))
        .agg(
            c("team_type").max(),
            pl.len().cast(I).alias("meetings"),
            c("duration_minutes").sum().alias("minutes"),
            c("attendees").sum(),
        )
        .with_columns(
            c("month_start").dt.strftime("%Y-%m").alias("month"), school_year_expr("year_start").alias("school_year")
        )
        .sort("school_id", "team", "month")
    )


def cpl_protocols(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school, protocol and school year: meetings and minutes (protocol "not recorded" where blank)."""
    return (
        meetings.with_columns(c("protocol").fill_null("not recorded"))
        .group_by(*SCHOOL, "year_start", "protocol")
        .agg(pl.len().cast(I).alias("meetings"), c("duration_minutes").sum().alias("minutes"))
        .with_columns(school_year_expr("year_start").alias("school_year"))
        .sort("school_id", "year_start", "protocol")
    )


def cpl_meeting_days(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school and meeting date: the meetings held that day and their minutes."""
    return (
        meetings.group_by(*SCHOOL, "year_start", "meeting_date")
        .agg(pl.len().cast(I).alias("meetings"), c("duration_minutes").sum().alias("minutes"))
        .with_columns(school_year_expr("year_start").alias("school_year"))
        .sort("school_id", "meeting_date")
    )
