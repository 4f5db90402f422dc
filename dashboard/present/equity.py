"""The equity page's view model: proficiency by student group, 95% intervals, change and the gap to All Students."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.disclosure import PUBLISHED_SCHOOLS
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import DOWN, UP, WITHIN_NOISE, gains_from_cells, school_level_cells
from dashboard.metrics.published import exact_rows, rollup_cells
from dashboard.metrics.timeline import in_scope
from dashboard.present.common import (
    ALL,
    PageView,
    filter_schools,
    options,
    shown_as,
    with_school_year,
    withheld_note,
)
from dashboard.present.timeline import NOTES_KEY
from dashboard.present.words import NOISE_NOTE, SIGNAL_WORDS, change_label, change_words, gap_diagnosis, plural

c = pl.col


# --- 6. equity ----------------------------------------------------------------------------------------------------

PUBLISHED_NOTE = (
    "These rollups add up the school figures shown: a group withheld at a school is left out, so each can be "
    "recomputed from the schools' own rows and gives back nothing withheld."
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
    notes: pl.DataFrame | None = None,
    exact: pl.DataFrame | None = None,
) -> PageView:
    """``notes``: the timeline notes the caller reads; those of the chart's scope mark the time chart, and no change
    crosses a break among them. ``exact``: the district's and networks' own figures (``tables.district_rollups``,
    empty for an account limited to some schools), shown for the district and for one network; every other
    rollup is the sum of the published school figures."""
    base = filter_schools(cells, network, level, school)
    subjects = options(base, "subject")
    if not subjects:
        return PageView(empty="No achievement results for these schools yet. Load achievement.csv on the Data page.")
    subject = subject if subject in subjects else subjects[0]
    base = base.filter(c("subject") == subject)
    v = PageView(extra={"subject": subject, "subjects": subjects})
    v.frames[NOTES_KEY] = in_scope(notes if notes is not None else pl.DataFrame(), None if school == ALL else school)
    if school == ALL:
        own = None if level != ALL else exact_rows(exact, None if network == ALL else network)
        own = None if own is None else own.filter(c("subject") == subject)
        levels_raw = rollup_cells(base, t, own)  # the same rollup as `export rollups`
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
    gains = gains_from_cells(levels_raw.with_columns(pl.lit(None, pl.String).alias("publisher_marker")), notes)
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
    if "basis" in levels.columns:  # the note says how a rollup was summed; the table need not
        if (levels["basis"] == PUBLISHED_SCHOOLS).any():
            before = (v.notes["levels"] or "").rstrip()
            v.notes["levels"] = f"{before}{'' if not before or before.endswith('.') else '.'} {PUBLISHED_NOTE}".strip()
        v.frames["levels"] = levels.drop("basis")
    latest = gains["year_start"].max() if gains.height else None
    g = gains.filter(c("year_start") == latest) if latest is not None else gains
    everyone = g.filter(c("student_group") == ALL_STUDENTS).select("school_id", c("change_pp").alias("_all_change"))
    g = (
        g.join(everyone, on="school_id", how="left")
        .with_columns(
            pl.struct("change_pp", "change_relative_pct", "change_signal")
            .map_elements(
                lambda s: change_label(s["change_pp"], s["change_relative_pct"], s["change_signal"]),
                return_dtype=pl.String,
            )
            .alias("label"),
            pl.when(c("student_group") == ALL_STUDENTS)
            .then(pl.lit("reference group"))
            .otherwise(
                pl.struct("change_pp", "_all_change", "prior_gap_to_all_pp", "gap_change_pp").map_elements(
                    lambda s: gap_diagnosis(
                        s["change_pp"], s["_all_change"], s["prior_gap_to_all_pp"], s["gap_change_pp"]
                    ),
                    return_dtype=pl.String,
                )
            )
            .alias("gap_status"),
        )
        .drop("_all_change")
        .with_columns((c("change_signal") == WITHIN_NOISE).fill_null(False).alias("_within_noise"))
        .sort("change_pp", descending=True, nulls_last=True)
    )
    year = g["school_year"][0] if g.height else "latest year"
    prior = g["prior_year"][0] if g.height else ""
    g = g.drop("basis", strict=False)  # how a rollup was summed is said in the levels chart's note
    v.frames["change"] = g.drop("school_id") if school == ALL else g  # the rollup's placeholder ID, as above
    v.titles["change"] = (
        f"Change in {subject} % proficient by student group, {where}, {prior} to {year}, "
        f"{plural(g.height, 'group')} (percentage points; hatched: within noise)"
    )
    v.notes["change"] = withheld_note(g, "student_group", "suppression_reason", t)
    v.frames["table"] = g.select(
        c("student_group").alias("Student group"),
        c("n_tested").alias("Tested"),
        c("pct_proficient").round(1).alias(f"% proficient {year}"),
        c("prior_pct_proficient").round(1).alias(f"% proficient {prior}"),
        c("label").alias("Change"),
        c("change_ci_low").round(1).alias("Change, 95% low (pp)"),
        c("change_ci_high").round(1).alias("Change, 95% high (pp)"),
        c("change_signal").replace_strict(SIGNAL_WORDS, default=None).alias("Against noise"),
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
            f"{top['student_group']} proficiency in {subject} {change_words(top['change_pp'], top['change_signal'])}"
        )
        bottom = shown.row(-1, named=True)
        if bottom["student_group"] != top["student_group"]:
            bits.append(f"{bottom['student_group']} {change_words(bottom['change_pp'], bottom['change_signal'])}")
        up = shown.filter(c("change_signal") == UP).height
        down = shown.filter(c("change_signal") == DOWN).height
        bits.append(
            f"{plural(up, 'group')} rose and {down} fell beyond noise, {shown.height - up - down} moved within noise"
        )
        narrowed = shown.filter(c("gap_status").str.starts_with("gap narrowed")).height
        widened = shown.filter(c("gap_status").str.starts_with("gap widened")).height
        bits.append(f"the gap to All Students narrowed for {plural(narrowed, 'group')} and widened for {widened}")
    v.notes["change_words"] = NOISE_NOTE
    v.sentence = (
        f"{where.capitalize() if where == 'all schools' else where}, {prior} to {year}: " + "; ".join(bits) + "."
        if bits
        else "No year-over-year change can be shown for these filters."
    )
    return v
