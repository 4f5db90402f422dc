"""The readiness page's view model: each school's latest vote against its threshold, turnout and the trend."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.metrics.readiness import latest_votes
from dashboard.metrics.timeline import in_scope
from dashboard.present.common import ALL, PageView, filter_schools, with_school_year
from dashboard.present.timeline import NOTES_KEY
from dashboard.present.words import plural

c = pl.col


# --- 5. readiness -------------------------------------------------------------------------------------------------


def _vote_label() -> pl.Expr:
    verdict = pl.when(c("passed")).then(pl.lit("passed")).otherwise(pl.lit("not yet"))
    return (
        pl.when(c("suppressed"))
        .then(pl.format("{} (small staff: figures withheld)", verdict))
        .otherwise(pl.format("{}% ready: {}", c("pct_ready_of_cast").round(0).cast(pl.Int64), verdict))
    )


SPREAD_NAMES = {"q25": "25th percentile school", "median": "Median school", "q75": "75th percentile school"}


def readiness_spread(votes: pl.DataFrame, highlight: str | None = None) -> pl.DataFrame:
    """Per school year, the 25th, 50th and 75th percentile of the schools' last vote that year (% ready of votes
    cast) and the number of schools, with the last vote of the school ``highlight`` (its ID) beside them: one
    school against the spread, not a tangle of one line per school."""
    last = (
        votes.sort("vote_date")
        .group_by("school_id", "school_year")
        .agg(c("pct_ready_of_cast").last(), c("school_name").last())
        .drop_nulls("pct_ready_of_cast")
    )
    spread = (
        last.group_by("school_year")
        .agg(
            *[c("pct_ready_of_cast").quantile(q, "linear").alias(k) for k, q in (("q25", 0.25), ("median", 0.5))],
            c("pct_ready_of_cast").quantile(0.75, "linear").alias("q75"),
            c("school_id").n_unique().alias("schools"),
        )
        .sort("school_year")
    )
    mine = last.filter(c("school_id").is_in([highlight] if highlight else [])).select(  # None: no school drawn
        "school_year", c("pct_ready_of_cast").alias("highlight")
    )
    return spread.join(mine, on="school_year", how="left")


def readiness(
    votes: pl.DataFrame,
    network: str = ALL,
    level: str = ALL,
    highlight: str | None = None,
    notes: pl.DataFrame | None = None,
) -> PageView:
    """``highlight``: the school drawn against the spread of schools in the trend (default: the first school, by
    name, that crossed its threshold after a vote fell short; else the first by name); ``notes``: the timeline
    notes the caller reads, the district's marking the trend."""
    r = with_school_year(filter_schools(votes, network, level)).sort("school_id", "vote_date", "question")
    if r.is_empty():
        return PageView(empty="No readiness votes for these schools yet. Load readiness_votes.csv on the Data page.")
    v = PageView()
    v.frames[NOTES_KEY] = in_scope(notes if notes is not None else pl.DataFrame(), None)
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
        f"{plural(same_day, 'school')} voted on more than one question on "
        f"{'its' if same_day == 1 else 'their'} latest date: the question first in alphabetical order is shown; the trend below has every "
        "vote."
        if same_day
        else None
    )
    v.frames["latest"] = latest
    passed = int(latest["passed"].sum())
    latest_years = sorted(str(y) for y in latest["school_year"].drop_nulls().unique())
    when = (
        ""
        if not latest_years
        else latest_years[0]
        if len(latest_years) == 1
        else f"{latest_years[0]} to {latest_years[-1]}"
    )
    v.titles["latest"] = (
        f"Latest readiness vote by school against its threshold, % ready of votes cast, {when}, "
        f"{plural(latest.height, 'school')} ({passed} passed)"
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
        f"Turnout in the latest readiness vote, % of eligible staff, {when}, "
        f"{plural(v.frames['turnout'].height, 'school')}"
    )
    shown = r.filter(~c("suppressed"))
    schools = shown["school_id"].n_unique()
    v.extra["schools"] = dict(shown.select("school_id", "school_name").unique().sort("school_name").iter_rows())
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
    crossed_ids = (
        r.filter(c("passed") & (prev == False))  # noqa: E712
        .join(shown.select("school_id").unique(), on="school_id", how="semi")
        .sort("school_name")["school_id"]
        .to_list()
    )
    names = cast(dict[str, str], v.extra["schools"])
    chosen = highlight if highlight in names else (crossed_ids[0] if crossed_ids else next(iter(names), None))
    v.extra["highlight"] = chosen
    spread = readiness_spread(shown, chosen)
    v.frames["trend"] = spread
    v.extra["highlight_name"] = names.get(chosen or "", "")
    years = spread["school_year"].to_list()
    span = f"{years[0]} to {years[-1]}" if years else ""
    v.titles["trend"] = (
        f"Readiness by school year, % ready of votes cast: {names.get(chosen or '', 'no school')} against the "
        f"middle half of {plural(schools, 'school')}, {span} (each school's last vote of the year)"
    )
    v.sentence = (
        f"{passed} of {plural(latest.height, 'school')} passed {'its' if latest.height == 1 else 'their'} latest "
        f"vote; {crossed.height} {'has' if crossed.height == 1 else 'have'} crossed the threshold after an earlier "
        "vote fell short. Ready is counted among votes cast; abstentions count in turnout only."
    )
    return v
