"""The equity page's cohort growth view: the same grade group a year later at one school (grade 4 this year against
grade 3 last year), beside the cross-sectional change, and named apart from it: it follows a grade group, not
matched students (students move in and out, and are reclassified)."""

from __future__ import annotations

import polars as pl

from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import WITHIN_NOISE
from dashboard.present.common import ALL, PageView, options
from dashboard.present.words import NOISE_NOTE, change_label, plural

c = pl.col

COHORT_NAME = "Cohort growth (the same grade group a year later, not matched students)"


def cohort(growth: pl.DataFrame, subject: str | None, school: str, group: str = ALL) -> PageView:
    """``growth``: ``tables.cohort_growth`` rows of one school; the latest school year's grades of ``subject``
    for ``group`` (All Students unless one is chosen)."""
    rows = growth.filter(c("school_id") == school) if school != ALL else growth.clear()
    subject = subject if subject in options(rows, "subject") else None
    who = group if group != ALL else ALL_STUDENTS
    rows = rows.filter((c("subject") == subject) & (c("student_group") == who)) if subject else rows.clear()
    if rows.is_empty():
        return PageView(empty="No grade rows to follow a grade group from one year to the next for these filters.")
    rows = rows.filter(c("school_year") == c("school_year").max())
    year = rows["school_year"][0]
    prior = f"{int(year[:4]) - 1}-{int(year[:4]) % 100:02d}"
    v = PageView(extra={"year": year})
    frame = rows.with_columns(
        pl.format("Grade {} (grade {} in {})", c("grade"), c("prior_grade"), pl.lit(prior)).alias("cohort"),
        pl.struct("change_pp", "change_signal")
        .map_elements(lambda s: change_label(s["change_pp"], None, s["change_signal"]), return_dtype=pl.String)
        .alias("label"),
        (c("change_signal") == WITHIN_NOISE).fill_null(False).alias("_within_noise"),
    ).select(
        "cohort",
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
        "label",
        "_within_noise",
        "suppression_reason",
    )
    v.frames["cohort"] = frame
    name = rows["school_name"][0]
    v.titles["cohort"] = (
        f"Cohort growth in {subject} % proficient, {who}, {name}: each grade in {year} against the grade below in "
        f"{prior} ({plural(frame.height, 'grade')}; the same grade group, not the same students)"
    )
    v.notes["cohort"] = (
        "Cohort growth follows a grade group from one year to the next; the change chart above compares the same "
        f"grade in two years (different children). {NOISE_NOTE}"
    )
    return v
