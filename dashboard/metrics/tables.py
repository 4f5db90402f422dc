"""The computed tables (CONTRACT.md, Computed tables) as read from the database: these read the query units in
``dashboard/store/queries/`` for the caller's scope, with the column schema of each unit beside its reader, pass the
rows through ``dashboard.core.privacy`` and hand the frames to the pure modules (``achievement``, ``trust``,
``readiness``, ``cpl``, ``summary``) before anything leaves this module; and ``export_table``, a computed table by name.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.core import disclosure, privacy
from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_expr
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import published
from dashboard.metrics.achievement import GAINS_COLUMNS, exact_rollup, gains_from_cells
from dashboard.metrics.cohort import COHORT_COLUMNS, cohort_growth_from_cells
from dashboard.metrics.cpl import CPL_COLUMNS
from dashboard.metrics.readiness import READINESS_COLUMNS, readiness_from_votes
from dashboard.metrics.summary import SUMMARY_COLUMNS, school_summary_from
from dashboard.metrics.trust import TRUST_COLUMNS, trust_change_from_results
from dashboard.store import board_records, queries
from dashboard.store import settings as settings_mod

c = pl.col
S, I, F, D, B = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean  # noqa: E741

SCHOOL = {"school_id": S, "school_name": S, "network": S, "level": S}
CELLS_SCHEMA = {
    **SCHOOL,
    "subject": S,
    "student_group": S,
    "grade": S,
    "year_start": I,
    "n_tested": I,
    "n_proficient": I,
    "pct_proficient": F,
    "publisher_marker": S,
}
TRUST_SCHEMA = {
    **SCHOOL,
    "year_start": I,
    "wave": S,
    "respondent_group": S,
    "facet": S,
    "mean_score": F,
    "scale_max": F,
    "pct_favorable": F,
    "n_respondents": I,
    "response_rate": F,
    "publisher_marker": S,
}
READINESS_SCHEMA = {
    **SCHOOL,
    "vote_date": D,
    "year_start": I,
    "question": S,
    "votes_ready": I,
    "votes_not_yet": I,
    "votes_abstain": I,
    "eligible_voters": I,
    "threshold_pct": F,
}
CPL_SCHEMA = {
    **SCHOOL,
    "team": S,
    "team_type": S,
    "year_start": I,
    "meetings": I,
    "minutes": I,
    "school_months": I,
    "attendees_with_size": I,
    "seats": I,
    "weeks_with_meeting": I,
    "school_weeks": I,
    "longest_gap_weeks": I,
}
SCHOOLS_SCHEMA = {**SCHOOL, "enrollment": I}
CPL_MEETING_SCHEMA = {
    **SCHOOL,
    "team": S,
    "team_type": S,
    "year_start": I,
    "meeting_date": D,
    "duration_minutes": I,
    "attendees": I,
    "protocol": S,
}
SCHOOL_CELLS_SCHEMA = {
    **SCHOOL,
    "subject": S,
    "student_group": S,
    "grade": S,
    "year_start": I,
    "n_tested": I,
    "n_proficient": I,
    "pct_proficient": F,
    "withheld": B,
    "reason": S,
}
STORED_SUMMARY_SCHEMA = {
    **SCHOOL,
    "school_year": S,
    "trust_index": F,
    "trust_index_change": F,
    "cpl_consistency_pct": F,
    "cpl_minutes_per_month": F,
    "readiness_pct_ready": F,
    "readiness_passed": B,
    "all_students_pct_proficient": F,
    "all_students_change_pp": F,
    "groups_declined": I,
    "attention": S,
}


def read(conn: sa.Connection, unit: str, schema: dict, school_ids: list[str] | None, **params) -> pl.DataFrame:
    return queries.run(conn, unit, schema, **queries.scope_params(school_ids), **params)


NAMES = ("school_name", "network", "level")


def unit_schema(schema: dict) -> dict:
    """The columns a large unit returns: ``schema`` without the school's name, network and level."""
    return {k: v for k, v in schema.items() if k not in NAMES}


def read_named(conn: sa.Connection, unit: str, schema: dict, school_ids: list[str] | None, **params) -> pl.DataFrame:
    """``read`` of a large unit that returns ``school_id`` without the school's name, network and level (the driver
    hands over far fewer strings), with those joined here from the schools of the same scope, rows in their order."""
    rows = read(conn, unit, unit_schema(schema), school_ids, **params)
    names = read(conn, "schools", SCHOOLS_SCHEMA, school_ids).select("school_id", *NAMES)
    return rows.join(names, on="school_id", how="inner", maintain_order="left").select(list(schema))


def _one_year(year_start: int | None) -> dict:
    return queries.year_params(None if year_start is None else [year_start])


# --- achievement -------------------------------------------------------------------------------------------------


WITHHELD_SCHEMA: dict = dict(disclosure.CELL_PATTERN_SCHEMA)


def achievement_cells(
    conn: sa.Connection,
    t: Thresholds,
    school_ids: list[str] | None = None,
    year_starts: list[int] | None = None,
    pattern: disclosure.Pattern | None = None,
) -> pl.DataFrame:
    """One row per school, subject, student group, grade and year (grade ``All``: grades combined, the file's own
    row or the sum of its grades), screened by the district's one pattern: ``withheld``, ``reason``, ``shown_as``
    (of the school years ``year_starts``; None: every year). Under the stored settings the pattern is the one
    stored at load (or ``pattern``, one just decided); under others it is decided here over every school of the
    district, then narrowed."""
    years = queries.year_params(year_starts)
    if pattern is not None:
        return disclosure.screen(read(conn, "achievement_cells", CELLS_SCHEMA, school_ids, **years), t, pattern.cells)
    if t == Thresholds.from_settings(settings_mod.load(conn)):
        rows = read(conn, "achievement_cells", CELLS_SCHEMA, school_ids, **years)
        return disclosure.screen(rows, t, read(conn, "achievement_withheld", WITHHELD_SCHEMA, school_ids, **years))
    every = disclosure.screen(read(conn, "achievement_cells", CELLS_SCHEMA, None, **years), t)
    return every if school_ids is None else every.filter(c("school_id").is_in(list(school_ids)))


def decide_pattern(conn: sa.Connection, t: Thresholds, year_starts: list[int] | None) -> disclosure.Pattern:
    """The district's pattern for some school years (None: every year), decided over every school's raw cells."""
    rows = read(conn, "achievement_cells", CELLS_SCHEMA, None, **queries.year_params(year_starts))
    return disclosure.decide(rows, rows.select("school_id", "network").unique("school_id"), t)


ROLLUP_SCHEMA: dict = dict(disclosure.ROLLUP_SCHEMA)


def district_rollups(conn: sa.Connection, school_ids: list[str] | None) -> pl.DataFrame:
    """The district's and each network's figures (``disclosure.ROLLUP_SCHEMA``) as stored at load, for an account
    that sees every school (``school_ids`` None); empty for any other."""
    every = 1 if school_ids is None else 0  # the unit returns nothing to a read that is not for every school
    return queries.run(conn, "achievement_rollup", ROLLUP_SCHEMA, all_schools=every, **queries.year_params(None))


CELL_GROUPS_SCHEMA = {"school_id": S, "subject": S, "student_group": S}


def cell_groups(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school, subject and student group with a result (``school_cells``' groups, without reading its
    rows: 39,558 rows where the cells are 377,688 at 2,000 schools x 10 years)."""
    return read(conn, "cell_groups", CELL_GROUPS_SCHEMA, school_ids)


def school_cells(
    conn: sa.Connection,
    school_ids: list[str] | None = None,
    groups: list[str] | None = None,
    subjects: list[str] | None = None,
) -> pl.DataFrame:
    """One row per school, subject, student group and year, grades combined and screened (``school_level_cells`` of
    ``achievement_cells``, as stored at load by ``dashboard.ingest.summaries``; grade ``All``), of the student groups
    ``groups`` and the subjects ``subjects`` (None: every one)."""
    return read_named(
        conn,
        "school_cells",
        SCHOOL_CELLS_SCHEMA,
        school_ids,
        **queries.group_params(groups),
        **queries.subject_params(subjects),
    )


def gains(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return (
        gains_from_cells(achievement_cells(conn, t, school_ids), board_records.read_notes(conn, school_ids))
        .sort("school_id", "subject", "grade", "student_group", "year_start")
        .select(GAINS_COLUMNS)
    )


def cohort_growth(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    """The same grade group a year later, where a school reports grades (``cohort.cohort_growth_from_cells``)."""
    notes = board_records.read_notes(conn, school_ids)
    return cohort_growth_from_cells(achievement_cells(conn, t, school_ids), notes).select(COHORT_COLUMNS)


def district_benchmark(conn: sa.Connection, t: Thresholds) -> pl.DataFrame:
    """The whole district's All Students proficiency per year, by subject and for all subjects together (subject
    ``All``: withheld where any subject's is, so it gives back none of them), over every school, as the pattern
    decided it (``district_rollups``), with the number of schools: the benchmark shown beside a scoped user's own
    rollup. Only district totals leave this function, never a school's figure or name."""
    rows = district_rollups(conn, None).filter(
        (c("rollup") == disclosure.DISTRICT) & (c("student_group") == ALL_STUDENTS)
    )
    by_subject = exact_rollup(rows)
    whole = by_subject.group_by("year_start").agg(
        pl.lit("All").alias("subject"),
        c("n_tested").sum(),
        c("n_proficient").sum(),
        c("schools").max(),
        c("withheld").any(),
    )
    whole = whole.with_columns(
        pl.when(c("withheld")).then(None).otherwise(c("n_tested")).alias("n_tested"),
        pl.when(c("withheld")).then(None).otherwise(100.0 * c("n_proficient") / c("n_tested")).alias("pct_proficient"),
        pl.when(c("withheld")).then(pl.lit("complementary")).alias("reason"),
    )
    total = read(conn, "schools", SCHOOLS_SCHEMA, None).height
    return (
        pl.concat([by_subject, whole], how="diagonal_relaxed")
        .select(
            "subject",
            "year_start",
            c("n_tested").cast(I),
            c("pct_proficient").cast(F),
            c("schools").cast(I),
            pl.lit(total, dtype=I).alias("district_schools"),
            "withheld",
            "reason",
        )
        .sort("subject", "year_start")
    )


# --- trust -------------------------------------------------------------------------------------------------------


TRUST_FIGURES = ["mean_score", "pct_favorable", "n_respondents", "response_rate"]


def trust_results(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school, year, wave, respondent group and facet, screened: a withheld result leaves this function
    with every figure blank, its respondents and response rate too (with the rate, the respondents would give the
    size of a small staff)."""
    screened = privacy.screen_trust(read_named(conn, "trust_results", TRUST_SCHEMA, school_ids), t)
    return privacy.blank_withheld(screened, TRUST_FIGURES, flag="withheld")


def trust_change(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return (
        trust_change_from_results(trust_results(conn, t, school_ids), board_records.read_notes(conn, school_ids))
        .sort("school_id", "wave", "respondent_group", "facet", "school_year")
        .select(TRUST_COLUMNS)
    )


# --- readiness ---------------------------------------------------------------------------------------------------


def readiness(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    votes = read(conn, "readiness_votes", READINESS_SCHEMA, school_ids)
    return readiness_from_votes(votes, t).sort("school_id", "vote_date", "question")


def readiness_export(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return readiness(conn, t, school_ids).select(READINESS_COLUMNS)


# --- CPL ---------------------------------------------------------------------------------------------------------


def cpl_cadence(
    conn: sa.Connection, school_ids: list[str] | None = None, year_start: int | None = None
) -> pl.DataFrame:
    """One row per school, team and school year (of one school year; None: every year). Minutes per month are over
    the months of that school year in which any team of the district met; attendance is attendees over team size
    where the size is given."""
    rows = read_named(conn, "cpl_team_year", CPL_SCHEMA, school_ids, **_one_year(year_start))
    return rows.with_columns(
        school_year_expr("year_start").alias("school_year"),
        (c("minutes") / c("school_months")).alias("minutes_per_month"),
        pl.when(c("seats") > 0).then(100.0 * c("attendees_with_size") / c("seats")).alias("attendance_rate"),
        (100.0 * c("weeks_with_meeting") / c("school_weeks")).alias("consistency_pct"),
    ).sort("school_id", "team", "year_start")


def cpl_school_years(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school and school year with CPL team records, with the school's name, network and level."""
    return read_named(conn, "cpl_school_years", {**SCHOOL, "year_start": I}, school_ids)


def cpl_meetings(
    conn: sa.Connection, school_ids: list[str] | None = None, year_start: int | None = None
) -> pl.DataFrame:
    """One row per CPL meeting of one school year (None: every year), with the school's name, network and level."""
    return read_named(conn, "cpl_meeting_detail", CPL_MEETING_SCHEMA, school_ids, **_one_year(year_start))


# --- schools and the school summary ------------------------------------------------------------------------------


def schools(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school: id, name, network and level."""
    return read(conn, "schools", SCHOOLS_SCHEMA, school_ids).drop("enrollment")


def school_summary(
    conn: sa.Connection,
    values: dict[str, float],
    school_ids: list[str] | None = None,
    cells: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``school_summary_from`` the tables of the schools ``school_ids``, screened under ``values``; ``cells``, when
    given, are achievement cells already screened under them (the stored ``school_cells``), read instead."""
    t = Thresholds.from_settings(values)
    if cells is None:
        cells = achievement_cells(conn, t, school_ids)
    return school_summary_from(
        schools(conn, school_ids),
        trust_results(conn, t, school_ids),
        cpl_cadence(conn, school_ids),
        readiness(conn, t, school_ids),
        cells,
        values,
        board_records.read_notes_if_stored(conn, school_ids),
    )


def stored_school_summary(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """The school summary as the last load, undo or change of a setting stored it (``summaries.refresh_screened``):
    the same rows as ``school_summary`` under the stored settings, read in one statement."""
    return read(conn, "school_summary", STORED_SUMMARY_SCHEMA, school_ids).sort("school_id").select(SUMMARY_COLUMNS)


# --- export ------------------------------------------------------------------------------------------------------


def export_table(
    engine: sa.Engine, table: str, values: dict[str, float] | None = None, school_ids: list[str] | None = None
) -> pl.DataFrame:
    with engine.connect() as conn:
        custom = values is not None  # settings other than the stored ones: the summary is built, not read
        values = values or settings_mod.load(conn)
        t = Thresholds.from_settings(values)
        if table == "gains":
            return gains(conn, t, school_ids)
        if table == "cohort_growth":
            return cohort_growth(conn, t, school_ids)
        if table == "trust_change":
            return trust_change(conn, t, school_ids)
        if table == "cpl_cadence":
            return cpl_cadence(conn, school_ids).select(CPL_COLUMNS)
        if table == "readiness":
            return readiness_export(conn, t, school_ids)
        if table == "school_summary":
            return school_summary(conn, values, school_ids) if custom else stored_school_summary(conn, school_ids)
        if table == "levels":
            return published.levels(achievement_cells(conn, t, school_ids))
        if table == "rollups":
            cells = achievement_cells(conn, t, school_ids)
            scoped = school_ids is not None
            bench = district_benchmark(conn, t) if scoped else None
            exact = (
                None if scoped else (decide_pattern(conn, t, None).rollups if custom else district_rollups(conn, None))
            )
            return published.rollups(cells, t, scoped, bench, exact)
    raise ValueError(f"unknown table {table}")
