"""The district overview page's view model: headline figures, one row per school, schools flagged for attention."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import pooled
from dashboard.metrics.achievement import WITHIN_NOISE, school_level_cells, with_change_interval
from dashboard.present.common import ALL, PageView, district_all_students, filter_schools
from dashboard.present.words import MISSING_NOTE, change_label, display_table, is_are, plural

c = pl.col


# --- 1. overview ---------------------------------------------------------------------------------------------------

SUMMARY_LABELS = {
    "school_name": "School",
    "network": "Network",
    "level": "Level",
    "school_year": "Year",
    "trust_index": "Trust index (0-100)",
    "trust_index_change": "Trust change",
    "cpl_consistency_pct": "CPL consistency %",
    "cpl_minutes_per_month": "CPL minutes/month",
    "readiness_pct_ready": "Ready % (latest vote)",
    "readiness_passed": "Vote passed",
    "all_students_pct_proficient": "All Students % proficient",
    "all_students_change_pp": "Change (pp)",
    "groups_declined": "Groups down beyond noise",
    "attention": "Attention",
}


def _latest(frame: pl.DataFrame) -> dict | None:
    """The newest year of a pooled measure (``dashboard.metrics.pooled``) that has a value."""
    shown = frame.filter(c("value").is_not_null()).sort("year_start")
    return shown.row(-1, named=True) if shown.height else None


def _school_changes(cells: pl.DataFrame) -> pl.DataFrame:
    """Each school's All Students change (all subjects pooled by counts, as the summary's) with its signal."""
    if cells.is_empty():
        return pl.DataFrame(schema={"school_id": pl.String, "_signal": pl.String})
    sc = school_level_cells(cells.filter(c("student_group") == ALL_STUDENTS))
    years = (
        sc.filter(~c("withheld").fill_null(False))
        .group_by("school_id", "year_start")
        .agg(c("n_tested").sum(), (c("pct_proficient") * c("n_tested") / 100).sum().alias("_x"))
        .with_columns((100 * c("_x") / c("n_tested")).alias("pct_proficient"))
    )
    latest = years.filter(c("year_start") == c("year_start").max().over("school_id"))
    prior = years.select(
        "school_id",
        (c("year_start") + 1).alias("year_start"),
        c("n_tested").alias("prior_n_tested"),
        c("pct_proficient").alias("prior_pct_proficient"),
    )
    both = latest.join(prior, on=["school_id", "year_start"], how="inner").pipe(with_change_interval)
    return both.select("school_id", c("change_signal").alias("_signal"))


def overview(
    summary: pl.DataFrame,
    cells: pl.DataFrame,
    t: Thresholds,
    network: str = ALL,
    level: str = ALL,
    scope_label: str | None = None,
    benchmark: pl.DataFrame | None = None,
    trust_results: pl.DataFrame | None = None,
    cadence: pl.DataFrame | None = None,
) -> PageView:
    """``scope_label`` ("your 3 schools") names a scoped user's rollups; ``benchmark`` (the whole district's All
    Students rate by year, from ``tables.district_benchmark``) is shown beside them. Every headline figure is the
    pooled one (``dashboard.metrics.pooled``, as a board goal reads it): trust by respondents from
    ``trust_results``, CPL consistency by team-weeks from ``cadence`` (the latest school year's teams),
    proficiency by students."""
    s = filter_schools(summary, network, level)
    if s.is_empty():
        return PageView(
            empty="No schools match these filters yet. Load a schools file on the Data page, "
            "or choose another network or level."
        )
    v = PageView()
    where = "district" if network == ALL and level == ALL else " / ".join(x for x in (network, level) if x != ALL)
    if scope_label:
        where = scope_label if where == "district" else f"{scope_label}, {where}"
    ids = s["school_id"].implode()
    voted = s.filter(c("readiness_passed").is_not_null())
    v.kpis = [("Schools", str(s.height), None)]
    trust = _latest(pooled.trust(filter_schools(trust_results, network, level))) if trust_results is not None else None
    if trust:
        v.kpis.append(
            (f"Trust index (0-100), all staff pooled by respondents, {_year(trust)}", f"{trust['value']:.0f}", None)
        )
    cpl = _latest(pooled.cpl_consistency(filter_schools(cadence, network, level))) if cadence is not None else None
    if cpl:
        v.kpis.append(
            (f"CPL consistency: share of team-weeks with a meeting, {_year(cpl)}", f"{cpl['value']:.0f}%", None)
        )
    v.kpis.append(
        (
            "Schools whose latest readiness vote passed",
            f"{voted['readiness_passed'].sum()} of {voted.height}" if voted.height else "no votes",
            None,
        )
    )
    roll = district_all_students(filter_schools(cells, network, level), t)
    latest_year = None
    if roll.height and roll["pct_proficient"].drop_nulls().len():
        roll = roll.filter(c("pct_proficient").is_not_null()).sort("year_start")
        last = roll.row(-1, named=True)
        prior = roll.filter(c("year_start") == last["year_start"] - 1)
        delta = None
        if prior.height:
            change = pl.DataFrame(
                {
                    "pct_proficient": [last["pct_proficient"]],
                    "n_tested": [last["n_tested"]],
                    "prior_pct_proficient": [prior["pct_proficient"][0]],
                    "prior_n_tested": [prior["n_tested"][0]],
                }
            ).pipe(with_change_interval)
            signal = change["change_signal"][0]
            delta = change_label(last["pct_proficient"] - prior["pct_proficient"][0], None, signal)
            v.extra["district_signal"] = signal
        latest_year = last["school_year"]
        label = f"All Students % proficient (all subjects), {scope_label + ', ' if scope_label else ''}{latest_year}"
        v.kpis.append((label, f"{last['pct_proficient']:.1f}%", delta))
        v.extra["district_pct"] = last["pct_proficient"]
        bench = (
            benchmark.filter((c("year_start") == last["year_start"]) & c("pct_proficient").is_not_null())
            if benchmark is not None and benchmark.height
            else None
        )
        if bench is not None and bench.height:
            b = bench.row(0, named=True)
            v.kpis.append(
                (
                    f"District benchmark (all subjects), all {b['district_schools']} schools, {latest_year}",
                    f"{b['pct_proficient']:.1f}%",
                    None,
                )
            )
    table = (
        s.select([k for k in SUMMARY_LABELS if k in s.columns])
        .with_columns(pl.col(pl.Float64).round(1), c("attention").fill_null(""))
        .rename(SUMMARY_LABELS)
    )
    v.frames["table"] = display_table(table)
    v.notes["table"] = MISSING_NOTE if any(table[n].null_count() for n in table.columns) else None
    flagged = s.filter(c("attention").is_not_null()).select(
        c("school_name").alias("School"), c("attention").alias("Why it needs attention")
    )
    v.frames["attention"] = flagged
    year = latest_year or (cast(str | None, s["school_year"].drop_nulls().max()) or "latest year")
    v.titles["attention"] = f"Schools flagged for attention, {where}, {year}: {flagged.height} of {s.height}"
    changes = _school_changes(cells.filter(c("school_id").is_in(ids)))
    chart = (
        s.select("school_id", "school_name", "all_students_pct_proficient", "all_students_change_pp")
        .filter(c("all_students_pct_proficient").is_not_null())
        .join(changes, on="school_id", how="left")
        .sort("all_students_pct_proficient", descending=True)
        .with_columns(
            pl.format(
                "{}% ({})",
                c("all_students_pct_proficient").round(1),
                pl.when(c("all_students_change_pp").is_null())
                .then(pl.lit("no prior year"))
                .otherwise(
                    pl.format(
                        "{} pp{}",
                        pl.when(c("all_students_change_pp") >= 0)
                        .then(pl.format("+{}", c("all_students_change_pp").round(1)))
                        .otherwise(c("all_students_change_pp").round(1).cast(pl.String)),
                        pl.when(c("_signal") == WITHIN_NOISE).then(pl.lit(", within noise")).otherwise(pl.lit("")),
                    )
                ),
            ).alias("label"),
            (c("_signal") == WITHIN_NOISE).fill_null(False).alias("_within_noise"),
        )
        .drop("school_id", "_signal")
    )
    v.frames["proficiency"] = chart
    v.titles["proficiency"] = (
        f"All Students % proficient by school, {where}, {year}, {plural(chart.height, 'school')} "
        "(all subjects; change since last year beside)"
    )
    v.sentence = (
        f"{flagged.height} of {plural(s.height, 'school')} {is_are(flagged.height)} flagged for attention."
        if flagged.height
        else f"None of the {plural(s.height, 'school')} is flagged for attention."
    )
    return v


def _year(row: dict) -> str:
    start = int(row["year_start"])
    return f"{start}-{(start + 1) % 100:02d}"
