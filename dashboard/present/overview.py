"""The district overview page's view model: headline figures, one row per school, schools flagged for attention."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.present.common import ALL, PageView, district_all_students, filter_schools

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
    "groups_declined": "Groups declined",
    "attention": "Attention",
}


def overview(
    summary: pl.DataFrame,
    cells: pl.DataFrame,
    t: Thresholds,
    network: str = ALL,
    level: str = ALL,
    scope_label: str | None = None,
    benchmark: pl.DataFrame | None = None,
) -> PageView:
    """``scope_label`` ("your 3 schools") names a scoped user's rollups; ``benchmark`` (the whole district's All
    Students rate by year, from ``tables.district_benchmark``) is shown beside them."""
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
    trust = s["trust_index"].drop_nulls()
    cpl = s["cpl_consistency_pct"].drop_nulls()
    voted = s.filter(c("readiness_passed").is_not_null())
    v.kpis = [
        ("Schools", str(s.height), None),
        ("Median trust index", f"{cast(float, trust.median()):.0f} / 100" if trust.len() else "no data", None),
        ("Mean CPL consistency", f"{cast(float, cpl.mean()):.0f}% of weeks" if cpl.len() else "no data", None),
        (
            "Latest readiness vote passed",
            f"{voted['readiness_passed'].sum()} of {voted.height}" if voted.height else "no votes",
            None,
        ),
    ]
    roll = district_all_students(filter_schools(cells, network, level), t)
    latest_year = None
    if roll.height and roll["pct_proficient"].drop_nulls().len():
        roll = roll.filter(c("pct_proficient").is_not_null()).sort("year_start")
        last = roll.row(-1, named=True)
        prior = roll.filter(c("year_start") == last["year_start"] - 1)
        delta = f"{last['pct_proficient'] - prior['pct_proficient'][0]:+.1f} pp" if prior.height else None
        latest_year = last["school_year"]
        label = f"All Students proficient, {scope_label + ', ' if scope_label else ''}{latest_year}"
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
                    f"District benchmark, all {b['district_schools']} schools, {latest_year}",
                    f"{b['pct_proficient']:.1f}%",
                    None,
                )
            )
    table = (
        s.select([k for k in SUMMARY_LABELS if k in s.columns])
        .with_columns(pl.col(pl.Float64).round(1))
        .rename(SUMMARY_LABELS)
    )
    v.frames["table"] = table
    flagged = s.filter(c("attention").is_not_null()).select(
        c("school_name").alias("School"), c("attention").alias("Why it needs attention")
    )
    v.frames["attention"] = flagged
    chart = (
        s.select("school_name", "all_students_pct_proficient", "all_students_change_pp")
        .filter(c("all_students_pct_proficient").is_not_null())
        .sort("all_students_pct_proficient", descending=True)
        .with_columns(
            pl.format(
                "{}% ({})",
                c("all_students_pct_proficient").round(1),
                pl.when(c("all_students_change_pp").is_null())
                .then(pl.lit("no prior year"))
                .otherwise(pl.format("{} pp", c("all_students_change_pp").round(1))),
            ).alias("label")
        )
    )
    v.frames["proficiency"] = chart
    year = latest_year or (cast(str | None, s["school_year"].drop_nulls().max()) or "latest year")
    v.titles["proficiency"] = (
        f"All Students proficiency by school, {where}, {year} ({chart.height} schools, all subjects)"
    )
    v.sentence = (
        f"{flagged.height} of {s.height} schools are flagged for attention."
        if flagged.height
        else f"None of the {s.height} schools is flagged for attention."
    )
    return v
