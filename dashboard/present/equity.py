"""The equity page's view model: proficiency by student group, 95% intervals, change and the gap to All Students."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import gains_from_cells, school_level_cells, weighted_rollup
from dashboard.present.common import (
    ALL,
    PageView,
    filter_schools,
    fmt_change,
    options,
    shown_as,
    with_school_year,
    withheld_note,
)

c = pl.col


# --- 6. equity ----------------------------------------------------------------------------------------------------


def _district_cells(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    sc = school_level_cells(cells)
    roll = weighted_rollup(sc, ["subject", "student_group", "year_start"], t)
    return roll.with_columns(
        pl.lit("district").alias("school_id"),
        pl.lit("All schools").alias("school_name"),
        pl.lit("All").alias("grade"),
        pl.when(c("withheld")).then(c("reason")).alias("reason"),
    )


def equity(
    cells: pl.DataFrame,
    t: Thresholds,
    subject: str | None,
    school: str = ALL,
    group: str = ALL,
    network: str = ALL,
    level: str = ALL,
    scope_label: str | None = None,
) -> PageView:
    base = filter_schools(cells, network, level, school)
    subjects = options(base, "subject")
    if not subjects:
        return PageView(empty="No achievement results for these schools yet. Load achievement.csv on the Data page.")
    subject = subject if subject in subjects else subjects[0]
    base = base.filter(c("subject") == subject)
    v = PageView(extra={"subject": subject, "subjects": subjects})
    if school == ALL:
        levels_raw = _district_cells(base, t)
        where = (
            "all schools" if network == ALL and level == ALL else " / ".join(x for x in (network, level) if x != ALL)
        )
        if scope_label:  # a scoped user's rollup is over their schools only, and says so
            where = scope_label if where == "all schools" else f"{scope_label}, {where}"
    else:
        levels_raw = school_level_cells(base).with_columns(pl.lit("All").alias("grade"))
        where = base["school_name"][0]
    lo, hi = privacy.wilson_interval(c("n_proficient").cast(pl.Float64), c("n_tested").cast(pl.Float64))
    levels = levels_raw.with_columns(lo.alias("ci_low"), hi.alias("ci_high"))
    levels = with_school_year(
        privacy.blank_withheld(
            levels, ["n_tested", "n_proficient", "pct_proficient", "ci_low", "ci_high"], flag="withheld"
        )
    )
    levels = levels.with_columns(
        c("reason").map_elements(lambda r: shown_as(r, t), return_dtype=pl.String).alias("shown_as")
    )
    gains = gains_from_cells(levels_raw.with_columns(pl.lit(None, pl.String).alias("publisher_marker")))
    if group != ALL:
        keep = [group, ALL_STUDENTS]
        levels, gains = levels.filter(c("student_group").is_in(keep)), gains.filter(c("student_group").is_in(keep))
    levels = levels.sort("student_group", "year_start")
    if school == ALL:  # the rollup's rows carry a placeholder school ID ("district"): no reader needs it
        levels = levels.drop("school_id")
    v.frames["levels"] = levels
    v.titles["levels"] = (
        f"{subject} proficiency by student group, {where}, by year, with 95% intervals "
        f"({levels['student_group'].n_unique()} groups)"
    )
    v.notes["levels"] = withheld_note(
        levels.with_columns(pl.format("{} {}", c("student_group"), c("school_year")).alias("_l")), "_l", "reason", t
    )
    latest = gains["year_start"].max() if gains.height else None
    g = gains.filter(c("year_start") == latest) if latest is not None else gains
    g = g.with_columns(
        pl.struct("change_pp", "change_relative_pct")
        .map_elements(lambda s: fmt_change(s["change_pp"], s["change_relative_pct"]), return_dtype=pl.String)
        .alias("label"),
        pl.when(c("gap_change_pp").is_null())
        .then(pl.lit(""))
        .when(c("student_group") == ALL_STUDENTS)
        .then(pl.lit("reference group"))
        .when((c("prior_gap_to_all_pp") < 0) & (c("gap_change_pp") > 0))
        .then(pl.lit("gap narrowed"))
        .when((c("prior_gap_to_all_pp") < 0) & (c("gap_change_pp") < 0))
        .then(pl.lit("gap widened"))
        .when(c("gap_change_pp") == 0)
        .then(pl.lit("gap unchanged"))
        .when(c("gap_to_all_pp") >= 0)
        .then(pl.lit("at or above All Students"))
        .otherwise(pl.lit("now below All Students"))
        .alias("gap_status"),
    ).sort("change_pp", descending=True, nulls_last=True)
    year = g["school_year"][0] if g.height else "latest year"
    prior = g["prior_year"][0] if g.height else ""
    v.frames["change"] = g.drop("school_id") if school == ALL else g  # the rollup's placeholder ID, as above
    v.titles["change"] = (
        f"Change in {subject} proficiency by student group, {where}, {prior} to {year} "
        f"(percentage points; relative change beside)"
    )
    v.notes["change"] = withheld_note(g, "student_group", "suppression_reason", t)
    v.frames["table"] = g.select(
        c("student_group").alias("Student group"),
        c("n_tested").alias("Tested"),
        c("pct_proficient").round(1).alias(f"% proficient {year}"),
        c("prior_pct_proficient").round(1).alias(f"% proficient {prior}"),
        c("label").alias("Change"),
        c("gap_to_all_pp").round(1).alias("Gap to All Students (pp)"),
        c("gap_change_pp").round(1).alias("Gap change (pp)"),
        c("gap_status").alias("Gap"),
        c("ci_low").round(1).alias("95% low"),
        c("ci_high").round(1).alias("95% high"),
        pl.when(c("suppressed"))
        .then(c("suppression_reason").map_elements(lambda r: shown_as(r, t), return_dtype=pl.String))
        .alias("Withheld"),
    )
    shown = g.filter(c("change_pp").is_not_null() & (c("student_group") != ALL_STUDENTS))
    bits = []
    if shown.height:
        top = shown.row(0, named=True)
        bits.append(
            f"{top['student_group']} proficiency in {subject} {fmt_change(top['change_pp'], top['change_relative_pct'])}"
        )
        bottom = shown.row(-1, named=True)
        if bottom["student_group"] != top["student_group"]:
            bits.append(f"{bottom['student_group']} {fmt_change(bottom['change_pp'], bottom['change_relative_pct'])}")
        narrowed = shown.filter(c("gap_status") == "gap narrowed").height
        widened = shown.filter(c("gap_status") == "gap widened").height
        bits.append(f"the gap to All Students narrowed for {narrowed} groups and widened for {widened}")
    v.sentence = (
        f"{where.capitalize() if where == 'all schools' else where}, {prior} to {year}: " + "; ".join(bits) + "."
        if bits
        else "No year-over-year change can be shown for these filters."
    )
    return v
