"""Cohort growth, pure polars: the same grade group a year later (grade 4 this year against grade 3 last year, same
school, subject and student group). Not matched students: students move in and out and are reclassified, so it is
the grade group that is followed, not its children. Beside it stands the cross-sectional change of ``achievement``
(grade 4 this year against grade 4 last year); the two answer different questions and are named apart everywhere.
"""

from __future__ import annotations

import polars as pl

from dashboard.core.school_year import school_year_expr
from dashboard.metrics import timeline
from dashboard.metrics.achievement import with_change_interval

c = pl.col
F = pl.Float64

COHORT_COLUMNS = [
    "school_id",
    "school_name",
    "subject",
    "student_group",
    "school_year",
    "grade",
    "prior_grade",
    "n_tested",
    "prior_n_tested",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_ci_low",
    "change_ci_high",
    "change_signal",
    "suppressed",
    "suppression_reason",
]
COHORT_FIGURES = [
    "n_tested",
    "prior_n_tested",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_ci_low",
    "change_ci_high",
    "change_signal",
]
KINDERGARTEN = ("K", "KG", "KINDERGARTEN")


def grade_number(grade: pl.Expr) -> pl.Expr:
    """The grade a label names, 0 (``K``) to 12, or null: a label holding exactly one whole number from 1 to 12
    (``3``, ``03``, ``Grade 3``, ``Grade HS (11)``); ``All``, ``3-5`` or ``13`` name none."""
    numbers = grade.str.extract_all(r"\d+")
    one = pl.when(numbers.list.len() == 1).then(numbers.list.first().cast(pl.Int64, strict=False))
    return (
        pl.when(grade.str.strip_chars().str.to_uppercase().is_in(KINDERGARTEN))
        .then(pl.lit(0, pl.Int64))
        .otherwise(pl.when(one.is_between(1, 12)).then(one))
    )


def cohort_growth_from_cells(cells: pl.DataFrame, notes: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per school, subject, student group, grade and school year whose prior year holds the grade below,
    from screened achievement cells (``withheld``, ``reason``; ``tables.achievement_cells``): the rate of this
    year's grade against last year's grade below, its change in percentage points with the 95% interval and signal
    of ``achievement.change_interval``. Every figure is blank where either year's cell is withheld. No row crosses
    a ``break`` among the timeline ``notes`` of its school or of the district (a change of test is no growth)."""
    graded = cells.with_columns(grade_number(c("grade")).alias("_grade")).filter(c("_grade").is_not_null())
    key = ["school_id", "subject", "student_group"]
    prior = (
        graded.sort("grade")
        .unique([*key, "year_start", "_grade"], keep="first", maintain_order=True)
        .select(
            *key,
            (c("year_start") + 1).alias("year_start"),
            (c("_grade") + 1).alias("_grade"),
            c("grade").alias("prior_grade"),
            c("n_tested").alias("prior_n_tested"),
            c("pct_proficient").alias("prior_pct_proficient"),
            c("withheld").alias("_prior_withheld"),
            c("reason").alias("_prior_reason"),
        )
    )
    out = (
        graded.join(prior, on=[*key, "year_start", "_grade"], how="inner")
        .pipe(with_change_interval)
        .with_columns(
            (c("pct_proficient") - c("prior_pct_proficient")).alias("change_pp"),
            (c("withheld").fill_null(False) | c("_prior_withheld").fill_null(False)).alias("suppressed"),
            pl.coalesce(c("reason"), c("_prior_reason")).alias("suppression_reason"),
            school_year_expr("year_start").alias("school_year"),
        )
    )
    out = out.with_columns(pl.when(c("suppressed")).then(None).otherwise(c(f)).alias(f) for f in COHORT_FIGURES)
    out = timeline.drop_across_breaks(out, notes)
    return out.sort("school_id", "subject", "student_group", "_grade", "year_start").select(
        *COHORT_COLUMNS, "year_start"
    )
