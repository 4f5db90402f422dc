"""The school summary, pure polars: one row per school with its latest trust index, CPL consistency, readiness vote
and All Students proficiency, the student groups that declined and the reasons it needs attention, from the screened
tables of one scope (read by ``dashboard.metrics.tables``)."""

from __future__ import annotations

import polars as pl

from dashboard.core.school_year import school_year_expr
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import DOWN, gains_from_cells, school_level_cells
from dashboard.metrics.readiness import latest_votes
from dashboard.metrics.timeline import drop_across_breaks
from dashboard.metrics.trust import trust_index

c = pl.col
S, I = pl.String, pl.Int64  # noqa: E741

SUMMARY_COLUMNS = [
    "school_id",
    "school_name",
    "network",
    "level",
    "school_year",
    "trust_index",
    "trust_index_change",
    "cpl_consistency_pct",
    "cpl_minutes_per_month",
    "readiness_pct_ready",
    "readiness_passed",
    "all_students_pct_proficient",
    "all_students_change_pp",
    "groups_declined",
    "attention",
]


def _latest_per_school(frame: pl.DataFrame, order: str = "year_start") -> pl.DataFrame:
    return frame.filter(c(order) == c(order).max().over("school_id"))


def school_summary_from(
    schools: pl.DataFrame,
    trust: pl.DataFrame,
    cpl: pl.DataFrame,
    votes: pl.DataFrame,
    cells: pl.DataFrame,
    values: dict[str, float],
    notes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per school: its latest trust index and change, CPL consistency and minutes, readiness vote, All
    Students proficiency and change, student groups that declined, and the reasons it needs attention; from the
    screened tables of the same scope (``trust_results``, ``cpl_cadence``, ``readiness``, ``achievement_cells``).
    No change crosses a ``break`` among the timeline ``notes`` (``timeline.drop_across_breaks``)."""
    index = trust_index(trust)
    prior_index = index.select(
        "school_id", (c("year_start") + 1).alias("year_start"), c("trust_index").alias("_prior_index")
    ).pipe(drop_across_breaks, notes)
    trust_latest = (
        _latest_per_school(index)
        .join(prior_index, on=["school_id", "year_start"], how="left")
        .select(
            "school_id",
            c("year_start").alias("_trust_year"),
            "trust_index",
            (c("trust_index") - c("_prior_index")).alias("trust_index_change"),
        )
    )
    cpl_latest = (
        _latest_per_school(cpl)
        .group_by("school_id")
        .agg(
            c("year_start").first().alias("_cpl_year"),
            c("consistency_pct").mean().alias("cpl_consistency_pct"),
            c("minutes_per_month").mean().alias("cpl_minutes_per_month"),
        )
    )
    vote_latest = latest_votes(votes).select(
        "school_id",
        c("year_start").alias("_vote_year"),
        c("pct_ready_of_cast").alias("readiness_pct_ready"),
        c("passed").alias("readiness_passed"),
    )
    school_cells = school_level_cells(cells)
    by_year = school_cells.group_by("school_id", "student_group", "year_start").agg(  # all subjects together
        c("n_tested").sum(),
        (c("pct_proficient") * c("n_tested") / 100).sum().alias("_successes"),
        (c("withheld") | c("pct_proficient").is_null()).any().alias("withheld"),
    )
    by_year = by_year.with_columns(
        pl.when(~c("withheld") & (c("n_tested") > 0)).then(100.0 * c("_successes") / c("n_tested")).alias("pct")
    )
    all_students = by_year.filter(c("student_group") == ALL_STUDENTS)
    all_prior = all_students.select(
        "school_id", (c("year_start") + 1).alias("year_start"), c("pct").alias("_prior")
    ).pipe(drop_across_breaks, notes)
    all_latest = (
        _latest_per_school(all_students)
        .join(all_prior, on=["school_id", "year_start"], how="left")
        .select(
            "school_id",
            c("year_start").alias("_ach_year"),
            c("pct").alias("all_students_pct_proficient"),
            (c("pct") - c("_prior")).alias("all_students_change_pp"),
        )
    )
    group_changes = gains_from_cells(
        school_cells.with_columns(
            pl.lit("All").alias("grade"),
            pl.lit(None, dtype=S).alias("publisher_marker"),
            pl.lit(None, dtype=S).alias("shown_as"),
        ),
        notes,
    )
    # declined: by more than chance (the change's own 95% interval lies below zero: ``change_signal`` down), so a
    # small group's swing within noise is never counted as a decline
    is_declined = c("change_signal") == DOWN
    # the school's latest year of results (a change that a break removed is not replaced by an older year's)
    latest_change_year = school_cells.group_by("school_id").agg(c("year_start").max().alias("_y"))
    declined = (
        group_changes.join(latest_change_year, on="school_id")
        .filter((c("year_start") == c("_y")) & (c("student_group") != ALL_STUDENTS))
        .group_by("school_id")
        .agg(is_declined.sum().cast(I).alias("groups_declined"))
    )
    out = (
        schools.join(trust_latest, on="school_id", how="left")
        .join(cpl_latest, on="school_id", how="left")
        .join(vote_latest, on="school_id", how="left")
        .join(all_latest, on="school_id", how="left")
        .join(declined, on="school_id", how="left")
    )
    out = out.with_columns(
        pl.max_horizontal("_trust_year", "_cpl_year", "_ach_year", "_vote_year").alias("_year"),
        c("groups_declined").fill_null(0),
    ).with_columns(school_year_expr("_year").alias("school_year"), attention_reasons(values).alias("attention"))
    return out.sort("school_id").select(SUMMARY_COLUMNS)


def attention_reasons(values: dict[str, float]) -> pl.Expr:
    """The reasons a school needs attention, in words (blank when none). The school's row is of its latest year of
    any measure (``_year``); a reason from an older year of its own measure (last year's vote, where trust has this
    year's survey) names that year, so "flagged in 2025-26" never passes off a 2024-25 vote as this year's."""
    reasons = [
        pl.when(c("trust_index") < values["attention_trust_index"]).then(
            pl.format(
                "trust index {} is below {}{}",
                c("trust_index").round(0).cast(I),
                pl.lit(int(values["attention_trust_index"])),
                _if_older("_trust_year"),
            )
        ),
        pl.when(c("trust_index_change") <= -values["attention_trust_drop"]).then(
            pl.format("trust index fell {} points{}", (-c("trust_index_change")).round(1), _if_older("_trust_year"))
        ),
        pl.when(c("cpl_consistency_pct") < values["attention_cpl_consistency_pct"]).then(
            pl.format(
                "teams met in {}% of team-weeks{}", c("cpl_consistency_pct").round(0).cast(I), _if_older("_cpl_year")
            )
        ),
        pl.when(c("readiness_passed") == False).then(  # noqa: E712 (a null vote is not a failed one)
            pl.format("latest readiness vote below its threshold{}", _if_older("_vote_year"))
        ),
        pl.when(c("groups_declined") >= values["attention_groups_declined"]).then(
            pl.format(
                "{} student {} declined beyond noise{}",
                c("groups_declined"),
                pl.when(c("groups_declined") == 1).then(pl.lit("group")).otherwise(pl.lit("groups")),
                _if_older("_ach_year"),
            )
        ),
    ]
    return pl.concat_str(reasons, separator="; ", ignore_nulls=True).replace("", None)


def _if_older(year: str) -> pl.Expr:
    """The words " (2024-25)" where the measure's latest year (``year``) is before the school's latest year of any measure."""
    return pl.when(c(year) < c("_year")).then(pl.format(" ({})", school_year_expr(year))).otherwise(pl.lit(""))
