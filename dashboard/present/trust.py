"""The trust page's view model: staff trust by facet and school, over time, by respondent group, with response rates."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.metrics.timeline import in_scope
from dashboard.metrics.trust import WAVE_ORDER
from dashboard.present.common import (
    ALL,
    PageView,
    _direction,
    filter_schools,
    options,
    shown_as,
    weighted_mean,
    with_school_year,
    year_label,
)
from dashboard.present.timeline import NOTES_KEY
from dashboard.present.words import plural, respondent_group_words

c = pl.col


# --- 3. trust -----------------------------------------------------------------------------------------------------

# One statistic for trust on every page: the trust index, the mean score put on 0-100 as 100 x (mean - 1) /
# (scale_max - 1) (CONTRACT.md, school_summary), so the overview, this page and a school's profile speak of the same
# points; or the percent favourable where a survey gives it.
METRICS = {"Trust index (0-100)": "trust_index", "Percent favourable": "pct_favorable"}
INDEX = "Trust index (0-100)"


def _with_index(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        (100 * (c("mean_score") - 1) / (c("scale_max").fill_null(5) - 1)).alias("trust_index"),
        (c("facet").str.slice(0, 1).str.to_uppercase() + c("facet").str.slice(1)).alias("facet"),
    )


def _latest_wave(df: pl.DataFrame) -> pl.DataFrame:
    w = c("wave").str.to_lowercase().replace_strict(WAVE_ORDER, default=9)
    return df.with_columns(w.alias("_w")).filter(c("_w") == c("_w").max().over("school_id", "year_start")).drop("_w")


def trust(
    results: pl.DataFrame,
    t: Thresholds,
    year: str | None,
    metric: str = INDEX,
    network: str = ALL,
    level: str = ALL,
    notes: pl.DataFrame | None = None,
) -> PageView:
    """``notes``: the timeline notes the caller reads; the district's mark the trend over time."""
    r = _with_index(with_school_year(filter_schools(results, network, level)))
    years = options(r, "school_year")
    if not years:
        return PageView(empty="No staff survey results for these schools yet. Load trust_scores.csv on the Data page.")
    year = year if year in years else years[-1]
    col = METRICS.get(metric, "trust_index")
    metric = next(k for k, x in METRICS.items() if x == col)
    v = PageView(extra={"year": year, "years": years})
    v.frames[NOTES_KEY] = in_scope(notes if notes is not None else pl.DataFrame(), None)
    facet_rows = r.filter(c("facet") != "Overall")
    r = facet_rows if facet_rows.height else r
    staff = _latest_wave(r.filter(c("respondent_group") == "all_staff"))
    if staff.is_empty():
        staff = _latest_wave(r)
    cur = staff.filter(c("school_year") == year)
    fmt = "{:.0f}" if col == "trust_index" else "{:.0f}%"
    heat = cur.with_columns(
        pl.when(c("withheld")).then(None).otherwise(c(col)).alias("value"),
    ).with_columns(
        pl.struct("value", "reason", "low_response")
        .map_elements(
            lambda s: (
                shown_as(s["reason"], t, "staff")
                if s["reason"]
                else ("no data" if s["value"] is None else fmt.format(s["value"]) + (" †" if s["low_response"] else ""))
            ),
            return_dtype=pl.String,
        )
        .alias("label")
    )
    v.frames["heatmap"] = heat.select("school_name", "facet", "value", "label", "reason", "low_response")
    v.extra["z_range"] = (0.0, 100.0)
    n_schools = heat["school_id"].n_unique()
    v.titles["heatmap"] = (
        f"Staff trust by facet and school ({metric.lower()}), all staff, {year}, {plural(n_schools, 'school')}"
    )
    low = heat.filter(c("low_response") & c("reason").is_null())["school_name"].unique().to_list()
    v.notes["heatmap"] = (
        "† low response (below {:g}%): shown, left out of indices and rollups: {}".format(
            t.low_response_pct, ", ".join(sorted(low))
        )
        if low
        else None
    )
    usable = staff.filter(~c("withheld") & ~c("low_response") & c(col).is_not_null())
    trends = (
        usable.group_by("facet", "year_start", "school_year")
        .agg(weighted_mean(col, "n_respondents").alias("value"), c("school_id").n_unique().alias("schools"))
        .sort("facet", "year_start")
    )
    v.frames["trends"] = trends
    seen = sorted(str(y) for y in trends["school_year"].unique()) if trends.height else [year]
    span = f"{seen[0]} to {seen[-1]}"
    most = int(cast(int, trends["schools"].max())) if trends.height else 0
    v.titles["trends"] = (
        f"District trust by facet ({metric.lower()}, pooled by respondents), all staff, {span}, "
        f"up to {plural(most, 'school')} a year"
    )
    # groups compared over the same schools only: those that report every respondent group shown
    by_group = _latest_wave(r).filter(
        (c("school_year") == year) & ~c("withheld") & ~c("low_response") & c(col).is_not_null()
    )
    n_groups = by_group["respondent_group"].n_unique()
    every = by_group.group_by("school_id").agg(c("respondent_group").n_unique().alias("_k")).filter(c("_k") == n_groups)
    same = by_group.join(every.select("school_id"), on="school_id", how="semi")
    groups = (
        same.group_by("respondent_group", "facet")
        .agg(weighted_mean(col, "n_respondents").alias("value"), c("school_id").n_unique().alias("schools"))
        .sort("respondent_group", "facet")
        .with_columns(
            c("value").map_elements(lambda x: fmt.format(x), return_dtype=pl.String).alias("label"),
            respondent_group_words(c("respondent_group")).alias("respondent_group"),
        )
    )
    v.frames["groups"] = groups
    v.titles["groups"] = (
        f"Trust by respondent group and facet ({metric.lower()}), {year}, compared over the "
        f"{plural(every.height, 'school')} that report every group"
    )
    rates = (
        cur.group_by("school_name")
        .agg(c("response_rate").max(), c("low_response").any(), c("n_respondents").max())
        .sort("response_rate", descending=True, nulls_last=True)
        .with_columns(
            pl.when(c("response_rate").is_null())
            .then(pl.lit("not given"))
            .otherwise(
                pl.format(
                    "{}%{}",
                    c("response_rate").round(0).cast(pl.Int64),
                    pl.when(c("low_response")).then(pl.lit(" (low response)")).otherwise(pl.lit("")),
                )
            )
            .alias("label")
        )
    )
    v.frames["rates"] = rates
    v.titles["rates"] = f"Staff survey response rate by school, all staff, {year}, {plural(rates.height, 'school')}"
    weakest = (
        heat.filter(c("value").is_not_null() & ~c("low_response"))
        .sort("value")
        .group_by("school_name", maintain_order=True)
        .first()
        .select(c("school_name").alias("School"), c("facet").alias("Weakest facet"), c("value").round(0).alias(metric))
        .sort("School")
    )
    v.frames["weakest"] = weakest
    # sentence: district change per facet against the prior year
    prior_year = year_label(int(year[:4]) - 1)
    now = trends.filter(c("school_year") == year).select("facet", "value")
    before = trends.filter(c("school_year") == prior_year).select("facet", c("value").alias("prior"))
    both = now.join(before, on="facet").with_columns((c("value") - c("prior")).alias("change")).sort("change")
    bits = []
    if both.height:
        hi, lo = both.row(-1, named=True), both.row(0, named=True)
        unit = " points" if col == "trust_index" else " percentage points"
        what = "the trust index" if col == "trust_index" else "the percent favourable"
        bits.append(
            f"Across the district, {what} for {hi['facet'].lower()} {_direction(hi['change'], unit)} since {prior_year}"
        )
        if lo["facet"] != hi["facet"]:
            bits.append(f"for {lo['facet'].lower()} it {_direction(lo['change'], unit)}")
    if weakest.height:
        common = weakest["Weakest facet"].value_counts().sort("count", descending=True).row(0)
        bits.append(f"{common[0]} is the weakest facet at {common[1]} of {plural(weakest.height, 'school')}")
    v.sentence = ("; ".join(bits) + ".") if bits else f"No comparable results for {year}."
    return v
