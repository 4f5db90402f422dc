"""Achievement, pure polars: school-level cells across grades, year-over-year gains by student group (with the gap
to All Students and the Wilson interval) and count-weighted rollups (of published figures, or the district's and
networks' own as the pattern decided them). Frames in,
frames out: the cells are read and screened by ``dashboard.metrics.tables``."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.disclosure import PUBLISHED_SCHOOLS
from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_expr
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import timeline

c = pl.col
F = pl.Float64

GAINS_COLUMNS = [
    "school_id",
    "school_name",
    "subject",
    "student_group",
    "grade",
    "school_year",
    "prior_year",
    "n_tested",
    "prior_n_tested",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_relative_pct",
    "gap_to_all_pp",
    "prior_gap_to_all_pp",
    "gap_change_pp",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
    "change_ci_low",
    "change_ci_high",
    "change_signal",
]
GAINS_FIGURES = [
    "n_tested",
    "prior_n_tested",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_relative_pct",
    "gap_to_all_pp",
    "prior_gap_to_all_pp",
    "gap_change_pp",
    "ci_low",
    "ci_high",
    "change_ci_low",
    "change_ci_high",
    "change_signal",
]

UP, DOWN, WITHIN_NOISE = "up", "down", "within_noise"  # ``change_signal``: beyond chance either way, or not


def change_interval(pct: pl.Expr, n: pl.Expr, prior_pct: pl.Expr, prior_n: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The 95% interval of a change in a rate, in percentage points, and its signal (CONTRACT.md, ``gains``):
    Newcombe's hybrid score interval (his method 10) from the two years' Wilson intervals, no continuity
    correction, from the unrounded rates (percent) and counts tested. With p1, p0 this and last year's rates and
    (l, u) their Wilson bounds, d = p1 - p0, low = d - sqrt((p1 - l1)^2 + (u0 - p0)^2), high = d + sqrt((u1 -
    p1)^2 + (p0 - l0)^2); the signal is ``up`` where low > 0, ``down`` where high < 0, else ``within_noise``. Blank
    where either rate or count is. One function for school rows, rollups and cohort growth alike."""
    l1, u1 = privacy.wilson_interval(pct * n.cast(F) / 100, n.cast(F))
    l0, u0 = privacy.wilson_interval(prior_pct * prior_n.cast(F) / 100, prior_n.cast(F))
    d = pct - prior_pct
    low = d - ((pct - l1) ** 2 + (u0 - prior_pct) ** 2).sqrt()
    high = d + ((u1 - pct) ** 2 + (prior_pct - l0) ** 2).sqrt()
    signal = (
        pl.when(low.is_null() | high.is_null())
        .then(pl.lit(None, pl.String))
        .when(low > 0)
        .then(pl.lit(UP))
        .when(high < 0)
        .then(pl.lit(DOWN))
        .otherwise(pl.lit(WITHIN_NOISE))
    )
    return low, high, signal


def with_change_interval(frame: pl.DataFrame, prefix: str = "change") -> pl.DataFrame:
    """``frame`` (``pct_proficient``, ``n_tested``, ``prior_pct_proficient``, ``prior_n_tested``) with
    ``{prefix}_ci_low``, ``{prefix}_ci_high`` and ``{prefix}_signal`` of ``change_interval`` appended: the call a
    rollup's change rows make, as the school rows do."""
    low, high, signal = change_interval(
        c("pct_proficient"), c("n_tested"), c("prior_pct_proficient"), c("prior_n_tested")
    )
    return frame.with_columns(
        low.alias(f"{prefix}_ci_low"), high.alias(f"{prefix}_ci_high"), signal.alias(f"{prefix}_signal")
    )


def gains_from_cells(cells: pl.DataFrame, notes: pl.DataFrame | None = None) -> pl.DataFrame:
    """Year-over-year change per cell key (a key with no row the year before has no change row), with the gap to
    All Students in both years and the Wilson interval; every figure blank where either year is withheld. No change
    row crosses a ``break`` among the timeline ``notes`` of its school or of the district (``timeline``)."""
    key = ["school_id", "subject", "student_group", "grade"]
    all_students = cells.filter(c("student_group") == ALL_STUDENTS).select(
        "school_id",
        "subject",
        "grade",
        "year_start",
        c("pct_proficient").alias("_all_pct"),
        c("withheld").alias("_all_withheld"),
    )
    cells = cells.join(all_students, on=["school_id", "subject", "grade", "year_start"], how="left").with_columns(
        (c("pct_proficient") - c("_all_pct")).alias("_gap")
    )
    prior = cells.select(
        *key,
        (c("year_start") + 1).alias("year_start"),
        c("n_tested").alias("prior_n_tested"),
        c("pct_proficient").alias("prior_pct_proficient"),
        c("_gap").alias("prior_gap_to_all_pp"),
        c("withheld").alias("_prior_withheld"),
        c("reason").alias("_prior_reason"),
        c("_all_withheld").alias("_prior_all_withheld"),
    )
    successes = pl.coalesce(c("n_proficient").cast(F), c("pct_proficient") * c("n_tested") / 100)
    ci_low, ci_high = privacy.wilson_interval(successes, c("n_tested").cast(F))
    gains = (
        cells.join(prior, on=[*key, "year_start"], how="inner")
        .pipe(timeline.drop_across_breaks, notes)
        .pipe(with_change_interval)
        .with_columns(
            (c("pct_proficient") - c("prior_pct_proficient")).alias("change_pp"),
            c("_gap").alias("gap_to_all_pp"),
            ci_low.alias("ci_low"),
            ci_high.alias("ci_high"),
        )
        .with_columns(
            pl.when(c("prior_pct_proficient") > 0)
            .then(100 * c("change_pp") / c("prior_pct_proficient"))
            .alias("change_relative_pct"),
            (c("gap_to_all_pp") - c("prior_gap_to_all_pp")).alias("gap_change_pp"),
            (c("withheld") | c("_prior_withheld")).alias("suppressed"),
            pl.coalesce(c("reason"), c("_prior_reason")).alias("suppression_reason"),
        )
    )
    gains = privacy.blank_withheld(gains, GAINS_FIGURES)
    gains = gains.with_columns(  # the signal is blank wherever the change is
        pl.when(c("change_pp").is_null()).then(None).otherwise(c("change_signal")).alias("change_signal")
    )
    # the gap is withheld, too, where All Students is withheld in either year
    gap_hidden = c("_all_withheld").fill_null(False) | c("_prior_all_withheld").fill_null(False)
    gains = gains.with_columns(
        pl.when(gap_hidden).then(None).otherwise(c(g)).alias(g)
        for g in ("gap_to_all_pp", "prior_gap_to_all_pp", "gap_change_pp")
    )
    return gains.with_columns(
        school_year_expr("year_start").alias("school_year"),
        school_year_expr("year_start", offset=-1).alias("prior_year"),
    )


def school_level_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """One row per school, subject, student group and year across grades: a school's 'All' grade row (screened
    cells carry one wherever there are grades: the file's own, or the sum of its grades with the pattern's
    verdict), else the sum of its grade rows, withheld when any of those grades is."""
    has_all = cells.filter(c("grade") == "All").select("school_id", "subject", "student_group", "year_start").unique()
    grade_rows = cells.filter(c("grade") != "All").join(
        has_all, on=["school_id", "subject", "student_group", "year_start"], how="anti"
    )
    combined = pl.concat([cells.filter(c("grade") == "All"), grade_rows], how="vertical_relaxed")
    # a row with only the file's own percent counts as percent x tested (never as 0 proficient); the summed count
    # is left blank where any row had no count
    successes = pl.coalesce(c("n_proficient").cast(F), c("pct_proficient") * c("n_tested") / 100)
    return (
        combined.group_by("school_id", "school_name", "network", "level", "subject", "student_group", "year_start")
        .agg(
            c("n_tested").sum(),
            pl.when(c("n_proficient").is_null().any())
            .then(None)
            .otherwise(c("n_proficient").sum())
            .alias("n_proficient"),
            c("withheld").any(),
            successes.sum().alias("_successes"),
            successes.is_null().any().alias("_no_count"),
            c("reason").drop_nulls().first().alias("reason"),
        )
        .with_columns(
            pl.when(~c("_no_count") & (c("n_tested") > 0))
            .then(100.0 * c("_successes") / c("n_tested"))
            .alias("pct_proficient")
        )
        .drop("_no_count", "_successes")
    )


def weighted_rollup(cells: pl.DataFrame, by: list[str], t: Thresholds) -> pl.DataFrame:
    """Rates weighted by counts (sum of proficient over sum of tested, never a mean of percents) over the published
    school cells only: a sum of figures already shown, so it gives back nothing withheld (``basis`` ``published
    school figures``; the district's and networks' own figures over every school are decided with the pattern,
    ``core.disclosure``). ``schools``: the published cells summed; withheld under ``min_n_students`` tested."""
    counted = cells.filter(c("n_tested").is_not_null() & c("n_proficient").is_not_null())
    shown = ~c("withheld").fill_null(False) if "withheld" in counted.columns else pl.lit(True)
    out = counted.group_by(by).agg(
        c("n_tested").filter(shown).sum(),
        c("n_proficient").filter(shown).sum(),
        shown.sum().cast(pl.Int64).alias("schools") if "withheld" in counted.columns else pl.len().alias("schools"),
    )
    withheld = c("n_tested") < t.min_n_students
    return out.with_columns(
        pl.when(withheld).then(None).otherwise(100.0 * c("n_proficient") / c("n_tested")).alias("pct_proficient"),
        pl.when(withheld).then(None).otherwise(c("n_proficient")).alias("n_proficient"),
        withheld.alias("withheld"),
        pl.when(withheld).then(pl.lit("small_n")).alias("reason"),
        pl.lit(PUBLISHED_SCHOOLS).alias("basis"),
    ).sort(by)


def exact_rollup(rows: pl.DataFrame) -> pl.DataFrame:
    """Stored district or network figures (``core.disclosure.ROLLUP_SCHEMA``) in ``weighted_rollup``'s shape."""
    withheld = c("reason").is_not_null()
    return rows.select(
        "subject",
        "student_group",
        "year_start",
        pl.when(withheld).then(None).otherwise(c("n_tested")).alias("n_tested"),
        pl.when(withheld).then(None).otherwise(c("n_proficient")).alias("n_proficient"),
        "schools",
        pl.when(withheld | (c("n_tested") <= 0)).then(None).otherwise(100.0 * c("n_proficient") / c("n_tested"))
        .alias("pct_proficient"),
        withheld.alias("withheld"),
        "reason",
        "basis",
    ).sort("subject", "student_group", "year_start")  # fmt: skip
