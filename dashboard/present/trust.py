"""The trust page's view model: staff trust by facet and school, over time, by respondent group, with response rates."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.core.privacy import Thresholds
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

c = pl.col


# --- 3. trust -----------------------------------------------------------------------------------------------------

METRICS = {"Mean score": "mean_score", "Percent favourable": "pct_favorable"}


def _latest_wave(df: pl.DataFrame) -> pl.DataFrame:
    w = c("wave").str.to_lowercase().replace_strict(WAVE_ORDER, default=9)
    return df.with_columns(w.alias("_w")).filter(c("_w") == c("_w").max().over("school_id", "year_start")).drop("_w")


def trust(
    results: pl.DataFrame,
    t: Thresholds,
    year: str | None,
    metric: str = "Mean score",
    network: str = ALL,
    level: str = ALL,
) -> PageView:
    r = with_school_year(filter_schools(results, network, level))
    years = options(r, "school_year")
    if not years:
        return PageView(empty="No staff survey results for these schools yet. Load trust_scores.csv on the Data page.")
    year = year if year in years else years[-1]
    col = METRICS.get(metric, "mean_score")
    v = PageView(extra={"year": year, "years": years})
    facet_rows = r.filter(c("facet") != "overall")
    r = facet_rows if facet_rows.height else r
    staff = _latest_wave(r.filter(c("respondent_group") == "all_staff"))
    if staff.is_empty():
        staff = _latest_wave(r)
    cur = staff.filter(c("school_year") == year)
    scale_max = cast(float | None, cur["scale_max"].max()) if cur.height else 5
    fmt = "{:.2f}" if col == "mean_score" else "{:.0f}%"
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
    v.extra["z_range"] = (1.0, float(scale_max or 5)) if col == "mean_score" else (0.0, 100.0)
    n_schools = heat["school_id"].n_unique()
    v.titles["heatmap"] = f"Staff trust by facet and school ({metric.lower()}), all staff, {year}, {n_schools} schools"
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
    v.titles["trends"] = f"District trust by facet over time ({metric.lower()}, weighted by respondents), all staff"
    groups = (
        _latest_wave(r)
        .filter((c("school_year") == year) & ~c("withheld") & ~c("low_response") & c(col).is_not_null())
        .group_by("respondent_group", "facet")
        .agg(weighted_mean(col, "n_respondents").alias("value"))
        .sort("respondent_group", "facet")
        .with_columns(
            c("value").map_elements(lambda x: fmt.format(x), return_dtype=pl.String).alias("label"),
            # the legend in words: "all_staff" -> "All staff"
            (
                c("respondent_group").str.slice(0, 1).str.to_uppercase()
                + c("respondent_group").str.slice(1).str.replace_all("_", " ")
            ).alias("respondent_group"),
        )
    )
    v.frames["groups"] = groups
    v.titles["groups"] = f"Trust by respondent group and facet ({metric.lower()}), {year}, {n_schools} schools"
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
    v.titles["rates"] = f"Staff survey response rate by school, all staff, {year}, {rates.height} schools"
    weakest = (
        heat.filter(c("value").is_not_null() & ~c("low_response"))
        .sort("value")
        .group_by("school_name", maintain_order=True)
        .first()
        .select(c("school_name").alias("School"), c("facet").alias("Weakest facet"), c("value").round(2).alias(metric))
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
        unit = "" if col == "mean_score" else " points"
        bits.append(
            f"Across the district, trust in {hi['facet']} {_direction(hi['change'], unit, 2 if not unit else 1)}"
            f" since {prior_year}"
        )
        if lo["facet"] != hi["facet"]:
            bits.append(f"{lo['facet']} {_direction(lo['change'], unit, 2 if not unit else 1)}")
    if weakest.height:
        common = weakest["Weakest facet"].value_counts().sort("count", descending=True).row(0)
        bits.append(f"{common[0]} is the weakest facet at {common[1]} of {weakest.height} schools")
    v.sentence = ("; ".join(bits) + ".") if bits else f"No comparable results for {year}."
    return v
