"""The readiness page's view model: each school's latest vote against its threshold, turnout and the trend."""

from __future__ import annotations

import polars as pl

from dashboard.metrics.readiness import latest_votes
from dashboard.present.common import ALL, PageView, filter_schools, with_school_year

c = pl.col


# --- 5. readiness -------------------------------------------------------------------------------------------------


def _vote_label() -> pl.Expr:
    verdict = pl.when(c("passed")).then(pl.lit("passed")).otherwise(pl.lit("not yet"))
    return (
        pl.when(c("suppressed"))
        .then(pl.format("{} (small staff: figures withheld)", verdict))
        .otherwise(pl.format("{}% ready: {}", c("pct_ready_of_cast").round(0).cast(pl.Int64), verdict))
    )


TREND_LINES_MAX = 30  # schools drawn as a line each; beyond it the trend shows their spread


def readiness_spread(votes: pl.DataFrame) -> pl.DataFrame:
    """Per school year, the 25th, 50th and 75th percentile of the schools' last vote that year (% ready of votes
    cast), as three named series, in the trend chart's columns."""
    last = (
        votes.sort("vote_date")
        .group_by("school_id", "school_year")
        .agg(c("pct_ready_of_cast").last())
        .drop_nulls("pct_ready_of_cast")
    )
    names = {0.75: "75th percentile school", 0.5: "Median school", 0.25: "25th percentile school"}
    parts = [
        last.group_by("school_year")
        .agg(c("pct_ready_of_cast").quantile(q, "linear"))
        .with_columns(pl.lit(name).alias("school_name"))
        for q, name in names.items()
    ]
    return pl.concat(parts).select("school_name", "school_year", "pct_ready_of_cast").sort("school_name", "school_year")


def readiness(votes: pl.DataFrame, network: str = ALL, level: str = ALL) -> PageView:
    r = with_school_year(filter_schools(votes, network, level)).sort("school_id", "vote_date", "question")
    if r.is_empty():
        return PageView(empty="No readiness votes for these schools yet. Load readiness_votes.csv on the Data page.")
    v = PageView()
    latest = (
        latest_votes(r)
        .with_columns(_vote_label().alias("label"))
        .sort("pct_ready_of_cast", "school_name", descending=[True, False], nulls_last=True)
    )
    same_day = (
        r.join(latest.select("school_id", "vote_date"), on=["school_id", "vote_date"])
        .group_by("school_id")
        .len()
        .filter(c("len") > 1)
        .height
    )
    same_day_note = (
        f"{same_day} {'school' if same_day == 1 else 'schools'} voted on more than one question on "
        "its latest date: the question first in alphabetical order is shown; the trend below has every "
        "vote."
        if same_day
        else None
    )
    v.frames["latest"] = latest
    passed = int(latest["passed"].sum())
    v.titles["latest"] = (
        f"Latest readiness vote by school against its threshold, {latest.height} schools ({passed} passed)"
    )
    hidden = latest.filter(c("suppressed"))
    hidden_note = (
        "Fewer than the minimum eligible voters, shown only as passed or not: "
        + "; ".join(f"{a}: {b}" for a, b in hidden.select("school_name", "label").iter_rows())
        + "."
        if hidden.height
        else None
    )
    v.notes["latest"] = " ".join(x for x in (hidden_note, same_day_note) if x) or None
    v.frames["turnout"] = (
        latest.filter(~c("suppressed"))
        .sort("turnout_pct", descending=True)
        .with_columns(
            pl.format(
                "{}% ({} of {})",
                c("turnout_pct").round(0).cast(pl.Int64),
                c("votes_ready") + c("votes_not_yet") + c("votes_abstain").fill_null(0),
                c("eligible_voters"),
            ).alias("label")
        )
    )
    v.titles["turnout"] = (
        f"Turnout in the latest readiness vote, % of eligible staff, {v.frames['turnout'].height} schools"
    )
    shown = r.filter(~c("suppressed"))
    schools = shown["school_id"].n_unique()
    if schools <= TREND_LINES_MAX:
        v.frames["trend"] = shown.select(
            "school_name", "school_year", "vote_date", "pct_ready_of_cast", "threshold_pct"
        )
        v.titles["trend"] = f"Readiness over voting rounds: % ready of votes cast by school year, {schools} schools"
    else:  # one line per school would be a tangle (and thousands of traces): the spread of schools, year by year
        v.frames["trend"] = readiness_spread(shown)
        v.titles["trend"] = (
            f"Readiness by school year: the middle school and the middle half of {schools} schools "
            "(each school's last vote of the year, % ready of votes cast)"
        )
    common = r["threshold_pct"].mode()
    v.extra["threshold"] = float(common[0]) if common.len() else 80.0
    prev = c("passed").shift(1).over("school_id")
    crossed = (
        r.filter(c("passed") & (prev == False))  # noqa: E712 (a first vote has no previous one)
        .group_by("school_id", maintain_order=True)
        .first()
        .select(
            c("school_name").alias("School"),
            c("vote_date").alias("Crossed on"),
            c("pct_ready_of_cast").round(0).alias("% ready"),
            c("threshold_pct").alias("Threshold %"),
            c("question").alias("Question"),
        )
    )
    v.frames["crossed"] = crossed
    v.sentence = (
        f"{passed} of {latest.height} schools passed their latest vote; {crossed.height} crossed the "
        "threshold after an earlier vote fell short. Ready is counted among votes cast; abstentions "
        "count in turnout only."
    )
    return v
