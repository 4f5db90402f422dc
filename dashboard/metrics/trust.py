"""Trust, pure polars: the change of each screened survey result from the year before, and the trust index (0-100)
per school and year. Frames in, frames out: the results are read and screened by ``dashboard.metrics.tables``."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.school_year import school_year_expr
from dashboard.metrics import timeline

c = pl.col

WAVE_ORDER = {"fall": 0, "autumn": 0, "winter": 1, "spring": 2, "summer": 3}
TRUST_COLUMNS = [
    "school_id",
    "school_name",
    "wave",
    "respondent_group",
    "facet",
    "school_year",
    "prior_year",
    "mean_score",
    "prior_mean_score",
    "change",
    "pct_favorable",
    "n_respondents",
    "response_rate",
    "low_response",
    "suppressed",
    "suppression_reason",
]


def trust_change_from_results(results: pl.DataFrame, notes: pl.DataFrame | None = None) -> pl.DataFrame:
    """The change of each result from the year before; none across a ``break`` among the timeline ``notes`` of its
    school or of the district (``timeline``)."""
    key = ["school_id", "wave", "respondent_group", "facet"]
    prior = results.select(
        *key,
        (c("year_start") + 1).alias("year_start"),
        c("mean_score").alias("prior_mean_score"),
        c("withheld").alias("_prior_withheld"),
        c("reason").alias("_prior_reason"),
    )
    out = (
        results.join(prior, on=[*key, "year_start"], how="inner")
        .pipe(timeline.drop_across_breaks, notes)
        .with_columns(
            (c("mean_score") - c("prior_mean_score")).alias("change"),
            (c("withheld") | c("_prior_withheld")).alias("suppressed"),
            pl.coalesce(c("reason"), c("_prior_reason")).alias("suppression_reason"),
            school_year_expr("year_start").alias("school_year"),
            school_year_expr("year_start", offset=-1).alias("prior_year"),
        )
    )
    return privacy.blank_withheld(
        out, ["mean_score", "prior_mean_score", "change", "pct_favorable", "n_respondents", "response_rate"]
    )


def trust_index(results: pl.DataFrame) -> pl.DataFrame:
    """One row per school and year: the trust index (0-100) from the latest wave of that year, the mean of the
    facet scores (or the overall score) of all staff (or, without an all-staff row, every group), leaving out
    withheld and low-response results; with ``n_respondents``, the most respondents of the results it is the mean of
    (what a pooled index over several schools weighs it by: ``dashboard.metrics.pooled``)."""
    usable = results.filter(~c("withheld") & ~c("low_response") & c("mean_score").is_not_null())
    usable = usable.with_columns(c("wave").str.to_lowercase().replace_strict(WAVE_ORDER, default=9).alias("_w"))
    usable = usable.filter(c("_w") == c("_w").max().over("school_id", "year_start"))
    usable = usable.filter(
        pl.when((c("respondent_group") == "all_staff").any().over("school_id", "year_start"))
        .then(c("respondent_group") == "all_staff")
        .otherwise(True)
    )
    usable = usable.filter(
        pl.when((c("facet") != "overall").any().over("school_id", "year_start"))
        .then(c("facet") != "overall")
        .otherwise(True)
    )
    return (
        usable.with_columns((100 * (c("mean_score") - 1) / (c("scale_max") - 1)).alias("_index"))
        .group_by("school_id", "year_start")
        .agg(c("_index").mean().alias("trust_index"), c("n_respondents").max())
    )
