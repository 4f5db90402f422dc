"""Readiness, pure polars: turnout, the share ready and whether a vote passed its threshold, screened; and each
school's latest vote. Frames in, frames out: the votes are read by ``dashboard.metrics.tables``."""

from __future__ import annotations

import polars as pl

from dashboard.core import privacy
from dashboard.core.privacy import Thresholds

c = pl.col

READINESS_COLUMNS = [
    "school_id",
    "school_name",
    "vote_date",
    "question",
    "votes_ready",
    "votes_not_yet",
    "votes_abstain",
    "eligible_voters",
    "turnout_pct",
    "pct_ready_of_cast",
    "pct_ready_of_eligible",
    "threshold_pct",
    "passed",
    "suppressed",
    "suppression_reason",
]


def readiness_from_votes(votes: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    cast = c("votes_ready") + c("votes_not_yet")
    out = votes.with_columns(
        (100.0 * (cast + c("votes_abstain")) / c("eligible_voters")).alias("turnout_pct"),
        pl.when(cast > 0).then(100.0 * c("votes_ready") / cast).alias("pct_ready_of_cast"),
        (100.0 * c("votes_ready") / c("eligible_voters")).alias("pct_ready_of_eligible"),
    ).with_columns((c("pct_ready_of_cast") >= c("threshold_pct")).fill_null(False).alias("passed"))
    out = privacy.screen_readiness(out, t).rename({"withheld": "suppressed", "reason": "suppression_reason"})
    return privacy.blank_withheld(
        out,
        [
            "votes_ready",
            "votes_not_yet",
            "votes_abstain",
            "eligible_voters",
            "turnout_pct",
            "pct_ready_of_cast",
            "pct_ready_of_eligible",
        ],
    )


def latest_votes(votes: pl.DataFrame) -> pl.DataFrame:
    """Each school's latest readiness vote: the vote of its latest date and, when it voted on several questions that
    day, the question first in alphabetical order, so the overview, the readiness page and the school summary show
    the same vote (before, one of the day's votes was taken as it came)."""
    return votes.sort(["school_id", "vote_date", "question"], descending=[False, True, False], nulls_last=True).unique(
        "school_id", keep="first", maintain_order=True
    )
