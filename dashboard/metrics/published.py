"""The achievement figures as an account's pages show them, for ``export levels`` and ``export rollups``: every
school cell (by grade and with grades combined), and every rollup a page can show (the district, each network,
each level, each network and level; for an account limited to some schools, each of those over its own schools
and the whole of them, ``scope``). The equity page's rollups come from ``rollup_cells`` here too, so the page and
the export cannot disagree. Pure polars: the screened cells come from ``metrics.tables.achievement_cells``."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.disclosure import DISTRICT, EVERY_SCHOOL, NETWORK
from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_expr
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import exact_rollup, school_level_cells, weighted_rollup, with_change_interval

c = pl.col
F = pl.Float64
ALL = "All"

LEVELS_COLUMNS = [
    "school_id",
    "school_name",
    "network",
    "level",
    "subject",
    "student_group",
    "grade",
    "school_year",
    "n_tested",
    "n_proficient",
    "pct_proficient",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
]
ROLLUPS_COLUMNS = [
    "rollup",
    "network",
    "level",
    "subject",
    "student_group",
    "grade",
    "school_year",
    "prior_year",
    "schools",
    "n_tested",
    "n_proficient",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_ci_low",
    "change_ci_high",
    "change_signal",
    "gap_to_all_pp",
    "gap_change_pp",
    "suppressed",
    "suppression_reason",
    "basis",
]


def _with_interval(frame: pl.DataFrame) -> pl.DataFrame:
    lo, hi = privacy.wilson_interval(c("n_proficient").cast(F), c("n_tested").cast(F))
    return frame.with_columns(lo.alias("ci_low"), hi.alias("ci_high"))


def levels(cells: pl.DataFrame) -> pl.DataFrame:
    """One row per school, subject, student group, grade and school year: the grade rows a file gives and the row
    with grades combined (``All``: the file's own, else the sum of its grades), withheld figures blank."""
    combined = school_level_cells(cells).with_columns(pl.lit(ALL).alias("grade"))
    grades = cells.filter(c("grade") != ALL).select(combined.columns)
    rows = _with_interval(pl.concat([combined, grades], how="vertical_relaxed"))
    rows = rows.with_columns(c("withheld").alias("suppressed"), c("reason").alias("suppression_reason"))
    rows = privacy.blank_withheld(rows, ["n_tested", "n_proficient", "pct_proficient", "ci_low", "ci_high"])
    return (
        rows.with_columns(school_year_expr("year_start").alias("school_year"))
        .sort("school_id", "subject", "student_group", "grade", "year_start")
        .select(LEVELS_COLUMNS)
    )


def rollup_cells(cells: pl.DataFrame, t: Thresholds, exact: pl.DataFrame | None = None) -> pl.DataFrame:
    """The count-weighted rollup of the schools in ``cells`` by subject, student group and year, grades combined,
    keyed like a school's cells (school ``district``): ``exact``, the stored figures of this membership over every
    school (the district's or a network's, ``tables.district_rollups``), where given; else the sum of the published
    school figures (``weighted_rollup``), which gives back nothing withheld."""
    if exact is not None and exact.height:
        roll = exact_rollup(exact)
    else:
        roll = weighted_rollup(school_level_cells(cells), ["subject", "student_group", "year_start"], t)
    return roll.with_columns(
        pl.lit("district").alias("school_id"),
        pl.lit("All schools").alias("school_name"),
        pl.lit(ALL).alias("grade"),
        pl.when(c("withheld")).then(c("reason")).alias("reason"),
    )


def exact_rows(exact: pl.DataFrame | None, network: str | None = None) -> pl.DataFrame | None:
    """The stored district figures (``network`` None) or one network's, of ``tables.district_rollups``."""
    if exact is None or exact.is_empty():
        return None
    if network is None:
        return exact.filter(c("rollup") == DISTRICT)
    return exact.filter((c("rollup") == NETWORK) & (c("network") == network))


def _rollup_rows(
    cells: pl.DataFrame,
    t: Thresholds,
    rollup: str,
    network: str | None,
    level: str | None,
    exact: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One rollup's rows, every year: its figures, the change from the year before with its interval and signal,
    and the gap to the same rollup's All Students; blank wherever either year's figure is withheld."""
    roll = rollup_cells(cells, t, exact)
    key = ["subject", "student_group"]
    allstu = roll.filter(c("student_group") == ALL_STUDENTS).select(
        "subject", "year_start", c("pct_proficient").alias("_all")
    )
    roll = roll.join(allstu, on=["subject", "year_start"], how="left").with_columns(
        (c("pct_proficient") - c("_all")).alias("gap_to_all_pp")
    )
    prior = roll.select(
        *key,
        (c("year_start") + 1).alias("year_start"),
        c("n_tested").alias("prior_n_tested"),
        c("pct_proficient").alias("prior_pct_proficient"),
        c("gap_to_all_pp").alias("_prior_gap"),
        c("withheld").alias("_prior_withheld"),
        c("reason").alias("_prior_reason"),
    )
    out = roll.join(prior, on=[*key, "year_start"], how="left")
    out = with_change_interval(out.with_columns((c("pct_proficient") - c("prior_pct_proficient")).alias("change_pp")))
    return out.with_columns(
        (c("gap_to_all_pp") - c("_prior_gap")).alias("gap_change_pp"),
        school_year_expr("year_start").alias("school_year"),
        pl.when(c("prior_n_tested").is_not_null()).then(school_year_expr("year_start", offset=-1)).alias("prior_year"),
        c("withheld").alias("suppressed"),
        c("reason").alias("suppression_reason"),
        pl.lit(rollup).alias("rollup"),
        pl.lit(network, pl.String).alias("network"),
        pl.lit(level, pl.String).alias("level"),
        pl.when(c("withheld")).then(None).otherwise(c("n_tested")).alias("n_tested"),
    )


def rollups(
    cells: pl.DataFrame,
    t: Thresholds,
    scoped: bool,
    benchmark: pl.DataFrame | None = None,
    exact: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every rollup the equity page can show for these cells (the caller's schools): the whole of them
    (``district``, or ``scope`` for an account limited to some schools), each network, each level and each network
    and level; for a limited account, the district's All Students benchmark (``benchmark``) as ``district`` rows.
    The district's and each network's figures are the stored ones over every school (``exact``, for an account that
    sees every school); every other rollup is the sum of the published school figures (``basis``)."""
    parts = [_rollup_rows(cells, t, "scope" if scoped else "district", None, None, exact_rows(exact))]
    for (network,), part in cells.group_by(["network"], maintain_order=True):
        parts.append(_rollup_rows(part, t, "network", network, None, exact_rows(exact, network)))
    for (level,), part in cells.group_by(["level"], maintain_order=True):
        parts.append(_rollup_rows(part, t, "level", None, level))
    for (network, level), part in cells.group_by(["network", "level"], maintain_order=True):
        parts.append(_rollup_rows(part, t, "network_level", network, level))
    if scoped and benchmark is not None and benchmark.height:
        bench = benchmark.filter(c("subject") != ALL).with_columns(
            pl.lit("district").alias("rollup"),
            pl.lit(None, pl.String).alias("network"),
            pl.lit(None, pl.String).alias("level"),
            pl.lit(ALL_STUDENTS).alias("student_group"),
            pl.lit(ALL).alias("grade"),
            school_year_expr("year_start").alias("school_year"),
            c("district_schools").alias("schools"),
            (c("pct_proficient") * c("n_tested") / 100).round().cast(pl.Int64).alias("n_proficient"),
            c("withheld").alias("suppressed"),
            c("reason").alias("suppression_reason"),
            pl.lit(EVERY_SCHOOL).alias("basis"),
        )
        parts.append(bench.select([x for x in ROLLUPS_COLUMNS if x in bench.columns] + ["year_start"]))
    out = pl.concat([p.select([x for x in ROLLUPS_COLUMNS if x in p.columns] + ["year_start"]) for p in parts],
                    how="diagonal_relaxed")  # fmt: skip
    order = {"district": 0, "scope": 1, "network": 2, "level": 3, "network_level": 4}
    return (
        out.with_columns(c("rollup").replace_strict(order, default=9).alias("_o"))
        .sort("_o", "network", "level", "subject", "student_group", "year_start", nulls_last=False)
        .select(ROLLUPS_COLUMNS)
    )
