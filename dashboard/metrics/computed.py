"""Computed tables (CONTRACT.md, Computed tables): year-over-year gains by student group, trust change, CPL
cadence, readiness and the one-row-per-school summary. Each reads aggregated or row-level results through the
query units in ``dashboard/store/queries/`` for the caller's scope, and passes them through ``dashboard.core.privacy`` before anything
leaves this module.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.store import queries
from dashboard.core import privacy
from dashboard.store import settings as settings_mod
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.ingest.validate import school_year_label

c = pl.col
S, I, F, D, B = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean

SCHOOL = {"school_id": S, "school_name": S, "network": S, "level": S}
CELLS_SCHEMA = {**SCHOOL, "subject": S, "student_group": S, "grade": S, "year_start": I, "n_tested": I,
                "n_proficient": I, "pct_proficient": F, "publisher_marker": S}
TRUST_SCHEMA = {**SCHOOL, "year_start": I, "wave": S, "respondent_group": S, "facet": S, "mean_score": F,
                "scale_max": F, "pct_favorable": F, "n_respondents": I, "response_rate": F, "publisher_marker": S}
READINESS_SCHEMA = {**SCHOOL, "vote_date": D, "year_start": I, "question": S, "votes_ready": I, "votes_not_yet": I,
                    "votes_abstain": I, "eligible_voters": I, "threshold_pct": F}
CPL_SCHEMA = {**SCHOOL, "team": S, "team_type": S, "year_start": I, "meetings": I, "minutes": I, "school_months": I,
              "attendees_with_size": I, "seats": I, "weeks_with_meeting": I, "school_weeks": I,
              "longest_gap_weeks": I}
SCHOOLS_SCHEMA = {**SCHOOL, "enrollment": I}
WAVE_ORDER = {"fall": 0, "autumn": 0, "winter": 1, "spring": 2, "summer": 3}


def _year_label(col: str, offset: int = 0) -> pl.Expr:
    """2024 -> '2024-25' (the school year starting in that calendar year), ``offset`` years away."""
    start = c(col) + offset
    return pl.when(start.is_not_null()).then(
        pl.concat_str(start.cast(S), pl.lit("-"), ((start + 1) % 100).cast(S).str.zfill(2)))


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

def achievement_cells(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None,
                      year_starts: list[int] | None = None) -> pl.DataFrame:
    """One row per school, subject, student group, grade and year, screened: ``withheld``, ``reason``, ``shown_as``
    (of the school years ``year_starts``; None: every year)."""
    rows = read(conn, "achievement_cells", CELLS_SCHEMA, school_ids, **queries.year_params(year_starts))
    return privacy.screen_achievement(rows, t)


SCHOOL_CELLS_SCHEMA = {**SCHOOL, "subject": S, "student_group": S, "grade": S, "year_start": I, "n_tested": I,
                       "n_proficient": I, "pct_proficient": F, "withheld": B, "reason": S}


def school_cells(conn: sa.Connection, school_ids: list[str] | None = None, groups: list[str] | None = None,
                 subjects: list[str] | None = None) -> pl.DataFrame:
    """One row per school, subject, student group and year, grades combined and screened (``school_level_cells`` of
    ``achievement_cells``, as stored at load by ``dashboard.ingest.summaries``; grade ``All``), of the student groups
    ``groups`` and the subjects ``subjects`` (None: every one)."""
    return read_named(conn, "school_cells", SCHOOL_CELLS_SCHEMA, school_ids, **queries.group_params(groups),
                      **queries.subject_params(subjects))


GAINS_COLUMNS = ["school_id", "school_name", "subject", "student_group", "grade", "school_year", "prior_year",
                 "n_tested", "prior_n_tested", "pct_proficient", "prior_pct_proficient", "change_pp",
                 "change_relative_pct", "gap_to_all_pp", "prior_gap_to_all_pp", "gap_change_pp", "ci_low", "ci_high",
                 "suppressed", "suppression_reason"]
GAINS_FIGURES = ["n_tested", "prior_n_tested", "pct_proficient", "prior_pct_proficient", "change_pp",
                 "change_relative_pct", "gap_to_all_pp", "prior_gap_to_all_pp", "gap_change_pp", "ci_low", "ci_high"]


def gains_from_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """Year-over-year change per cell key (a key with no row the year before has no change row), with the gap to
    All Students in both years and the Wilson interval; every figure blank where either year is withheld."""
    key = ["school_id", "subject", "student_group", "grade"]
    all_students = cells.filter(c("student_group") == ALL_STUDENTS).select(
        "school_id", "subject", "grade", "year_start", c("pct_proficient").alias("_all_pct"),
        c("withheld").alias("_all_withheld"))
    cells = cells.join(all_students, on=["school_id", "subject", "grade", "year_start"], how="left").with_columns(
        (c("pct_proficient") - c("_all_pct")).alias("_gap"))
    prior = cells.select(*key, (c("year_start") + 1).alias("year_start"),
                         c("n_tested").alias("prior_n_tested"), c("pct_proficient").alias("prior_pct_proficient"),
                         c("_gap").alias("prior_gap_to_all_pp"), c("withheld").alias("_prior_withheld"),
                         c("reason").alias("_prior_reason"), c("_all_withheld").alias("_prior_all_withheld"))
    successes = pl.coalesce(c("n_proficient").cast(F), c("pct_proficient") * c("n_tested") / 100)
    ci_low, ci_high = privacy.wilson_interval(successes, c("n_tested").cast(F))
    gains = cells.join(prior, on=[*key, "year_start"], how="inner").with_columns(
        (c("pct_proficient") - c("prior_pct_proficient")).alias("change_pp"),
        c("_gap").alias("gap_to_all_pp"),
        ci_low.alias("ci_low"), ci_high.alias("ci_high"),
    ).with_columns(
        pl.when(c("prior_pct_proficient") > 0).then(100 * c("change_pp") / c("prior_pct_proficient"))
        .alias("change_relative_pct"),
        (c("gap_to_all_pp") - c("prior_gap_to_all_pp")).alias("gap_change_pp"),
        (c("withheld") | c("_prior_withheld")).alias("suppressed"),
        pl.coalesce(c("reason"), c("_prior_reason")).alias("suppression_reason"),
    )
    gains = privacy.blank_withheld(gains, GAINS_FIGURES)
    # the gap is withheld, too, where All Students is withheld in either year
    gap_hidden = c("_all_withheld").fill_null(False) | c("_prior_all_withheld").fill_null(False)
    gains = gains.with_columns(
        pl.when(gap_hidden).then(None).otherwise(c(g)).alias(g)
        for g in ("gap_to_all_pp", "prior_gap_to_all_pp", "gap_change_pp"))
    return gains.with_columns(_year_label("year_start").alias("school_year"),
                              _year_label("year_start", offset=-1).alias("prior_year"))


def gains(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return (gains_from_cells(achievement_cells(conn, t, school_ids))
            .sort("school_id", "subject", "grade", "student_group", "year_start").select(GAINS_COLUMNS))


def school_level_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """One row per school, subject, student group and year across grades: a school's own 'All' grade row where it
    has one, else the sum of its grade rows, withheld when any of those grades is."""
    has_all = cells.filter(c("grade") == "All").select("school_id", "subject", "student_group", "year_start").unique()
    grade_rows = cells.filter(c("grade") != "All").join(
        has_all, on=["school_id", "subject", "student_group", "year_start"], how="anti")
    combined = pl.concat([cells.filter(c("grade") == "All"), grade_rows], how="vertical_relaxed")
    # a row with only the file's own percent counts as percent x tested (never as 0 proficient); the summed count
    # is left blank where any row had no count
    successes = pl.coalesce(c("n_proficient").cast(F), c("pct_proficient") * c("n_tested") / 100)
    return (combined.group_by("school_id", "school_name", "network", "level", "subject", "student_group", "year_start")
            .agg(c("n_tested").sum(),
                 pl.when(c("n_proficient").is_null().any()).then(None).otherwise(c("n_proficient").sum())
                 .alias("n_proficient"),
                 c("withheld").any(),
                 successes.sum().alias("_successes"), successes.is_null().any().alias("_no_count"),
                 c("reason").drop_nulls().first().alias("reason"))
            .with_columns(pl.when(~c("_no_count") & (c("n_tested") > 0))
                          .then(100.0 * c("_successes") / c("n_tested")).alias("pct_proficient"))
            .drop("_no_count", "_successes"))


def weighted_rollup(cells: pl.DataFrame, by: list[str], t: Thresholds) -> pl.DataFrame:
    """District or network rates weighted by counts (sum of proficient over sum of tested, never a mean of
    percents), over cells with counts. A rollup is withheld when it has fewer than ``min_n_students`` students, and
    also when it could give back a withheld school figure by subtraction: when exactly one of its cells is withheld,
    or when its withheld cells together hold fewer than ``min_n_students`` students (the cross-level form of
    complementary suppression)."""
    counted = cells.filter(c("n_tested").is_not_null() & c("n_proficient").is_not_null())
    hidden = c("withheld").fill_null(False) if "withheld" in counted.columns else pl.lit(False)
    out = counted.group_by(by).agg(
        c("n_tested").sum(), c("n_proficient").sum(), pl.len().alias("schools"),
        hidden.sum().alias("_hidden_cells"), c("n_tested").filter(hidden).sum().alias("_hidden_n"))
    reveals = (c("_hidden_cells") == 1) | ((c("_hidden_cells") > 1) & (c("_hidden_n") < t.min_n_students))
    withheld = (c("n_tested") < t.min_n_students) | reveals
    return out.with_columns(
        pl.when(withheld).then(None).otherwise(100.0 * c("n_proficient") / c("n_tested")).alias("pct_proficient"),
        pl.when(withheld).then(None).otherwise(c("n_proficient")).alias("n_proficient"),
        withheld.alias("withheld"),
        pl.when(c("n_tested") < t.min_n_students).then(pl.lit("small_n"))
        .when(reveals).then(pl.lit("complementary")).alias("reason"),
    ).drop("_hidden_cells", "_hidden_n").sort(by)


def district_benchmark(conn: sa.Connection, t: Thresholds) -> pl.DataFrame:
    """The whole district's All Students proficiency per year, by subject and for all subjects together (subject
    ``All``), weighted by counts, with the number of schools: the benchmark shown beside a scoped user's own
    rollup. Only district totals leave this function, never a school's figure or name."""
    cells = school_cells(conn, None, [ALL_STUDENTS])
    if cells.is_empty():
        return pl.DataFrame(schema={"subject": S, "year_start": I, "n_tested": I, "pct_proficient": F,
                                    "schools": I, "district_schools": I})
    sc = school_level_cells(cells).filter(c("student_group") == ALL_STUDENTS)
    by_subject = weighted_rollup(sc, ["subject", "year_start"], t)
    whole = weighted_rollup(sc.with_columns(pl.lit("All").alias("subject")), ["subject", "year_start"], t)
    total = read(conn, "schools", SCHOOLS_SCHEMA, None).height
    return (pl.concat([by_subject, whole], how="vertical_relaxed")
            .select("subject", "year_start", "n_tested", "pct_proficient", c("schools").cast(I),
                    pl.lit(total, dtype=I).alias("district_schools"))
            .sort("subject", "year_start"))


# --- trust -------------------------------------------------------------------------------------------------------

TRUST_COLUMNS = ["school_id", "school_name", "wave", "respondent_group", "facet", "school_year", "prior_year",
                 "mean_score", "prior_mean_score", "change", "pct_favorable", "n_respondents", "response_rate",
                 "low_response", "suppressed", "suppression_reason"]


def trust_results(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return privacy.screen_trust(read_named(conn, "trust_results", TRUST_SCHEMA, school_ids), t)


def trust_change_from_results(results: pl.DataFrame) -> pl.DataFrame:
    key = ["school_id", "wave", "respondent_group", "facet"]
    prior = results.select(*key, (c("year_start") + 1).alias("year_start"), c("mean_score").alias("prior_mean_score"),
                           c("withheld").alias("_prior_withheld"), c("reason").alias("_prior_reason"))
    out = results.join(prior, on=[*key, "year_start"], how="inner").with_columns(
        (c("mean_score") - c("prior_mean_score")).alias("change"),
        (c("withheld") | c("_prior_withheld")).alias("suppressed"),
        pl.coalesce(c("reason"), c("_prior_reason")).alias("suppression_reason"),
        _year_label("year_start").alias("school_year"),
        _year_label("year_start", offset=-1).alias("prior_year"),
    )
    return privacy.blank_withheld(out, ["mean_score", "prior_mean_score", "change", "pct_favorable", "n_respondents",
                                        "response_rate"])


def trust_change(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return (trust_change_from_results(trust_results(conn, t, school_ids))
            .sort("school_id", "wave", "respondent_group", "facet", "school_year").select(TRUST_COLUMNS))


def trust_index(results: pl.DataFrame) -> pl.DataFrame:
    """One row per school and year: the trust index (0-100) from the latest wave of that year, the mean of the
    facet scores (or the overall score) of all staff (or, without an all-staff row, every group), leaving out
    withheld and low-response results."""
    usable = results.filter(~c("withheld") & ~c("low_response") & c("mean_score").is_not_null())
    usable = usable.with_columns(c("wave").str.to_lowercase().replace_strict(WAVE_ORDER, default=9).alias("_w"))
    usable = usable.filter(c("_w") == c("_w").max().over("school_id", "year_start"))
    usable = usable.filter(pl.when((c("respondent_group") == "all_staff").any().over("school_id", "year_start"))
                           .then(c("respondent_group") == "all_staff").otherwise(True))
    usable = usable.filter(pl.when((c("facet") != "overall").any().over("school_id", "year_start"))
                           .then(c("facet") != "overall").otherwise(True))
    return (usable.with_columns((100 * (c("mean_score") - 1) / (c("scale_max") - 1)).alias("_index"))
            .group_by("school_id", "year_start").agg(c("_index").mean().alias("trust_index")))


# --- readiness ---------------------------------------------------------------------------------------------------

READINESS_COLUMNS = ["school_id", "school_name", "vote_date", "question", "votes_ready", "votes_not_yet",
                     "votes_abstain", "eligible_voters", "turnout_pct", "pct_ready_of_cast", "pct_ready_of_eligible",
                     "threshold_pct", "passed", "suppressed", "suppression_reason"]


def readiness_from_votes(votes: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    cast = c("votes_ready") + c("votes_not_yet")
    out = votes.with_columns(
        (100.0 * (cast + c("votes_abstain")) / c("eligible_voters")).alias("turnout_pct"),
        pl.when(cast > 0).then(100.0 * c("votes_ready") / cast).alias("pct_ready_of_cast"),
        (100.0 * c("votes_ready") / c("eligible_voters")).alias("pct_ready_of_eligible"),
    ).with_columns((c("pct_ready_of_cast") >= c("threshold_pct")).fill_null(False).alias("passed"))
    out = privacy.screen_readiness(out, t).rename({"withheld": "suppressed", "reason": "suppression_reason"})
    return privacy.blank_withheld(out, ["votes_ready", "votes_not_yet", "votes_abstain", "eligible_voters",
                                        "turnout_pct", "pct_ready_of_cast", "pct_ready_of_eligible"])


def readiness(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    votes = read(conn, "readiness_votes", READINESS_SCHEMA, school_ids)
    return readiness_from_votes(votes, t).sort("school_id", "vote_date", "question")


def readiness_export(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pl.DataFrame:
    return readiness(conn, t, school_ids).select(READINESS_COLUMNS)


# --- CPL ---------------------------------------------------------------------------------------------------------

CPL_COLUMNS = ["school_id", "school_name", "team", "team_type", "school_year", "meetings", "minutes",
               "minutes_per_month", "attendance_rate", "weeks_with_meeting", "school_weeks", "consistency_pct",
               "longest_gap_weeks"]


def cpl_cadence(conn: sa.Connection, school_ids: list[str] | None = None,
                year_start: int | None = None) -> pl.DataFrame:
    """One row per school, team and school year (of one school year; None: every year). Minutes per month are over
    the months of that school year in which any team of the district met; attendance is attendees over team size
    where the size is given."""
    rows = read_named(conn, "cpl_team_year", CPL_SCHEMA, school_ids, **_one_year(year_start))
    return rows.with_columns(
        _year_label("year_start").alias("school_year"),
        (c("minutes") / c("school_months")).alias("minutes_per_month"),
        pl.when(c("seats") > 0).then(100.0 * c("attendees_with_size") / c("seats")).alias("attendance_rate"),
        (100.0 * c("weeks_with_meeting") / c("school_weeks")).alias("consistency_pct"),
    ).sort("school_id", "team", "year_start")


def cpl_school_years(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school and school year with CPL team records, with the school's name, network and level."""
    return read_named(conn, "cpl_school_years", {**SCHOOL, "year_start": I}, school_ids)


# --- school summary ----------------------------------------------------------------------------------------------

SUMMARY_COLUMNS = ["school_id", "school_name", "network", "level", "school_year", "trust_index", "trust_index_change",
                   "cpl_consistency_pct", "cpl_minutes_per_month", "readiness_pct_ready", "readiness_passed",
                   "all_students_pct_proficient", "all_students_change_pp", "groups_declined", "attention"]


def _latest_per_school(frame: pl.DataFrame, order: str = "year_start") -> pl.DataFrame:
    return frame.filter(c(order) == c(order).max().over("school_id"))


def school_summary(conn: sa.Connection, values: dict[str, float], school_ids: list[str] | None = None,
                   cells: pl.DataFrame | None = None) -> pl.DataFrame:
    """``school_summary_from`` the tables of the schools ``school_ids``, screened under ``values``; ``cells``, when
    given, are achievement cells already screened under them (the stored ``school_cells``), read instead."""
    t = Thresholds.from_settings(values)
    if cells is None:
        cells = achievement_cells(conn, t, school_ids)
    return school_summary_from(schools(conn, school_ids), trust_results(conn, t, school_ids),
                               cpl_cadence(conn, school_ids), readiness(conn, t, school_ids), cells, values)


STORED_SUMMARY_SCHEMA = {**SCHOOL, "school_year": S, "trust_index": F, "trust_index_change": F,
                         "cpl_consistency_pct": F, "cpl_minutes_per_month": F, "readiness_pct_ready": F,
                         "readiness_passed": B, "all_students_pct_proficient": F, "all_students_change_pp": F,
                         "groups_declined": I, "attention": S}


def stored_school_summary(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """The school summary as the last load, undo or change of a setting stored it (``summaries.refresh_screened``):
    the same rows as ``school_summary`` under the stored settings, read in one statement."""
    return read(conn, "school_summary", STORED_SUMMARY_SCHEMA, school_ids).sort("school_id").select(SUMMARY_COLUMNS)


def schools(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """One row per school: id, name, network and level."""
    return read(conn, "schools", SCHOOLS_SCHEMA, school_ids).drop("enrollment")


def latest_votes(votes: pl.DataFrame) -> pl.DataFrame:
    """Each school's latest readiness vote: the vote of its latest date and, when it voted on several questions that
    day, the question first in alphabetical order, so the overview, the readiness page and the school summary show
    the same vote (before, one of the day's votes was taken as it came)."""
    return (votes.sort(["school_id", "vote_date", "question"], descending=[False, True, False], nulls_last=True)
            .unique("school_id", keep="first", maintain_order=True))


def school_summary_from(schools: pl.DataFrame, trust: pl.DataFrame, cpl: pl.DataFrame, votes: pl.DataFrame,
                        cells: pl.DataFrame, values: dict[str, float]) -> pl.DataFrame:
    """One row per school: its latest trust index and change, CPL consistency and minutes, readiness vote, All
    Students proficiency and change, student groups that declined, and the reasons it needs attention; from the
    screened tables of the same scope (``trust_results``, ``cpl_cadence``, ``readiness``, ``achievement_cells``)."""
    index = trust_index(trust)
    prior_index = index.select("school_id", (c("year_start") + 1).alias("year_start"),
                               c("trust_index").alias("_prior_index"))
    trust_latest = (_latest_per_school(index).join(prior_index, on=["school_id", "year_start"], how="left")
                    .select("school_id", c("year_start").alias("_trust_year"), "trust_index",
                            (c("trust_index") - c("_prior_index")).alias("trust_index_change")))
    cpl_latest = (_latest_per_school(cpl).group_by("school_id")
                  .agg(c("year_start").first().alias("_cpl_year"), c("consistency_pct").mean().alias("cpl_consistency_pct"),
                       c("minutes_per_month").mean().alias("cpl_minutes_per_month")))
    vote_latest = latest_votes(votes).select("school_id", c("year_start").alias("_vote_year"),
                                             c("pct_ready_of_cast").alias("readiness_pct_ready"),
                                             c("passed").alias("readiness_passed"))
    school_cells = school_level_cells(cells)
    by_year = (school_cells.group_by("school_id", "student_group", "year_start")  # all subjects together
               .agg(c("n_tested").sum(), (c("pct_proficient") * c("n_tested") / 100).sum().alias("_successes"),
                    (c("withheld") | c("pct_proficient").is_null()).any().alias("withheld")))
    by_year = by_year.with_columns(
        pl.when(~c("withheld") & (c("n_tested") > 0)).then(100.0 * c("_successes") / c("n_tested")).alias("pct"))
    all_students = by_year.filter(c("student_group") == ALL_STUDENTS)
    all_prior = all_students.select("school_id", (c("year_start") + 1).alias("year_start"), c("pct").alias("_prior"))
    all_latest = (_latest_per_school(all_students).join(all_prior, on=["school_id", "year_start"], how="left")
                  .select("school_id", c("year_start").alias("_ach_year"), c("pct").alias("all_students_pct_proficient"),
                          (c("pct") - c("_prior")).alias("all_students_change_pp")))
    band = values["maintained_band_pp"]
    group_changes = gains_from_cells(
        school_cells.with_columns(pl.lit("All").alias("grade"), pl.lit(None, dtype=S).alias("publisher_marker"),
                                  pl.lit(None, dtype=S).alias("shown_as")))
    # declined: beyond the maintained band, and by more than chance (last year's rate lies above this year's 95%
    # interval), so a small group's swing is not counted as a decline
    declined = (c("change_pp") <= -band) & (c("ci_high") < c("prior_pct_proficient"))
    latest_change_year = group_changes.group_by("school_id").agg(c("year_start").max().alias("_y"))
    declined = (group_changes.join(latest_change_year, on="school_id")
                .filter((c("year_start") == c("_y")) & (c("student_group") != ALL_STUDENTS))
                .group_by("school_id").agg(declined.sum().cast(I).alias("groups_declined")))
    out = (schools.join(trust_latest, on="school_id", how="left").join(cpl_latest, on="school_id", how="left")
           .join(vote_latest, on="school_id", how="left").join(all_latest, on="school_id", how="left")
           .join(declined, on="school_id", how="left"))
    out = out.with_columns(
        pl.max_horizontal("_trust_year", "_cpl_year", "_ach_year", "_vote_year").alias("_year"),
        c("groups_declined").fill_null(0),
    ).with_columns(_year_label("_year").alias("school_year"), attention_reasons(values).alias("attention"))
    return out.sort("school_id").select(SUMMARY_COLUMNS)


def attention_reasons(values: dict[str, float]) -> pl.Expr:
    """The reasons a school needs attention, in words (blank when none)."""
    reasons = [
        pl.when(c("trust_index") < values["attention_trust_index"])
        .then(pl.format("trust index {} is below {}", c("trust_index").round(0).cast(I),
                        pl.lit(int(values["attention_trust_index"])))),
        pl.when(c("trust_index_change") <= -values["attention_trust_drop"])
        .then(pl.format("trust index fell {} points", (-c("trust_index_change")).round(1))),
        pl.when(c("cpl_consistency_pct") < values["attention_cpl_consistency_pct"])
        .then(pl.format("teams met in {}% of school weeks", c("cpl_consistency_pct").round(0).cast(I))),
        pl.when(c("readiness_passed") == False)  # noqa: E712 (a null vote is not a failed one)
        .then(pl.lit("latest readiness vote below its threshold")),
        pl.when(c("groups_declined") >= values["attention_groups_declined"])
        .then(pl.format("{} student groups declined", c("groups_declined"))),
    ]
    return pl.concat_str(reasons, separator="; ", ignore_nulls=True).replace("", None)


# --- export ------------------------------------------------------------------------------------------------------

def export_table(engine: sa.Engine, table: str, values: dict[str, float] | None = None,
                 school_ids: list[str] | None = None) -> pl.DataFrame:
    with engine.connect() as conn:
        custom = values is not None  # settings other than the stored ones: the summary is built, not read
        values = values or settings_mod.load(conn)
        t = Thresholds.from_settings(values)
        if table == "gains":
            return gains(conn, t, school_ids)
        if table == "trust_change":
            return trust_change(conn, t, school_ids)
        if table == "cpl_cadence":
            return cpl_cadence(conn, school_ids).select(CPL_COLUMNS)
        if table == "readiness":
            return readiness_export(conn, t, school_ids)
        if table == "school_summary":
            return school_summary(conn, values, school_ids) if custom else stored_school_summary(conn, school_ids)
    raise ValueError(f"unknown table {table}")


__all__ = ["school_year_label"]


# --- CPL: months, protocols and meeting days (for the CPL page) -------------------------------------------------
# One school year's meetings are read once (``cpl_meetings``) and summed three ways here: three GROUP BYs over the
# same rows cost SQLite several times the one read.

CPL_MEETING_SCHEMA = {**SCHOOL, "team": S, "team_type": S, "year_start": I, "meeting_date": D,
                      "duration_minutes": I, "attendees": I, "protocol": S}


def cpl_meetings(conn: sa.Connection, school_ids: list[str] | None = None,
                 year_start: int | None = None) -> pl.DataFrame:
    """One row per CPL meeting of one school year (None: every year), with the school's name, network and level."""
    return read_named(conn, "cpl_meeting_detail", CPL_MEETING_SCHEMA, school_ids, **_one_year(year_start))


def cpl_team_months(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school, team and calendar month with a meeting: meetings, minutes and attendees, the team's type,
    the month (``YYYY-MM``) and its first day (``month_start``, for ordering), with the school year label."""
    return (meetings.group_by(*SCHOOL, "team", "year_start", c("meeting_date").dt.month_start().alias("month_start"))
            .agg(c("team_type").max(), pl.len().cast(I).alias("meetings"), c("duration_minutes").sum().alias("minutes"),
                 c("attendees").sum())
            .with_columns(c("month_start").dt.strftime("%Y-%m").alias("month"),
                          _year_label("year_start").alias("school_year"))
            .sort("school_id", "team", "month"))


def cpl_protocols(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school, protocol and school year: meetings and minutes (protocol "not recorded" where blank)."""
    return (meetings.with_columns(c("protocol").fill_null("not recorded"))
            .group_by(*SCHOOL, "year_start", "protocol")
            .agg(pl.len().cast(I).alias("meetings"), c("duration_minutes").sum().alias("minutes"))
            .with_columns(_year_label("year_start").alias("school_year"))
            .sort("school_id", "year_start", "protocol"))


def cpl_meeting_days(meetings: pl.DataFrame) -> pl.DataFrame:
    """One row per school and meeting date: the meetings held that day and their minutes."""
    return (meetings.group_by(*SCHOOL, "year_start", "meeting_date")
            .agg(pl.len().cast(I).alias("meetings"), c("duration_minutes").sum().alias("minutes"))
            .with_columns(_year_label("year_start").alias("school_year"))
            .sort("school_id", "meeting_date"))
