"""Measures pooled over a set of schools, one row per school year: the figure of the district, a network or one
school, as a board goal reads it (CONTRACT.md, Goals) and as the school brief compares a school with its district.

Pooling weighs by what each figure counts, never a mean of percentages: proficiency by students (proficient over
tested, ``achievement.weighted_rollup``, the district figure of the overview, with its complementary suppression),
the trust index by respondents, CPL consistency by team-weeks (weeks with a meeting over school weeks, summed over
teams) and readiness by votes cast (ready over ready and not yet, each school's latest vote of the year).

Every function returns ``year_start``, ``value`` (blank where withheld or where nothing could be counted),
``withheld`` and ``schools`` (schools with data that year), one row for each year the source has rows in the frames
given, so a year whose only figures are withheld is a year with data whose value is withheld (never an older year
instead). Frames in (screened, of the schools pooled), frames out.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import school_level_cells, weighted_rollup
from dashboard.metrics.readiness import latest_votes
from dashboard.metrics.trust import trust_index

c = pl.col
F, I, B = pl.Float64, pl.Int64, pl.Boolean  # noqa: E741
SCHEMA = {"year_start": I, "value": F, "withheld": B, "schools": I}

# what each measure is, in words and units, for titles and notes
MEASURES = {
    "proficiency": ("% proficient", "%"),
    "gap_to_all": ("gap to All Students", " pp"),
    "trust_index": ("trust index (0-100)", ""),
    "cpl_consistency": ("CPL consistency (% of school weeks)", "%"),
    "readiness_pct_ready": ("% ready of votes cast", "%"),
}
SOURCE_OF = {
    "proficiency": "achievement",
    "gap_to_all": "achievement",
    "trust_index": "trust",
    "cpl_consistency": "cpl",
    "readiness_pct_ready": "readiness",
}


@dataclass(frozen=True)
class Frames:
    """The screened tables a pooled measure is read from, for the schools pooled: achievement cells (school cells
    or grade cells), trust results, the CPL cadence per team and year, and the readiness votes."""

    cells: pl.DataFrame
    trust: pl.DataFrame
    cadence: pl.DataFrame
    votes: pl.DataFrame

    def of_schools(self, school_ids: list[str]) -> Frames:
        keep = c("school_id").is_in(list(school_ids))
        return Frames(*(f.filter(keep) for f in (self.cells, self.trust, self.cadence, self.votes)))

    def until(self, year_start: int) -> Frames:
        """Only the school years up to ``year_start`` (a pack or brief of an earlier year)."""
        keep = c("year_start") <= year_start
        return Frames(*(f.filter(keep) for f in (self.cells, self.trust, self.cadence, self.votes)))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def _years(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.group_by("year_start").agg(c("school_id").n_unique().cast(I).alias("schools"))


def _finish(years: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """Every year with rows, its pooled value where there is one."""
    if years.is_empty():
        return _empty()
    out = years.join(values.select("year_start", "value"), on="year_start", how="left")
    return (
        out.with_columns(c("value").cast(F), c("value").is_null().alias("withheld"))
        .select(list(SCHEMA))
        .sort("year_start")
    )


def proficiency(
    cells: pl.DataFrame, t: Thresholds, subject: str | None = None, group: str = ALL_STUDENTS
) -> pl.DataFrame:
    """A student group's percent proficient in a subject (None: every subject together, as the overview's district
    figure is), weighted by counts; withheld as a rollup is (too few students, or it would give a withheld school
    cell back)."""
    rows = cells.filter(c("student_group") == group)
    if subject is not None:
        rows = rows.filter(c("subject") == subject)
    if rows.is_empty():
        return _empty()
    roll = weighted_rollup(school_level_cells(rows), ["year_start"], t)
    values = roll.select("year_start", pl.when(~c("withheld")).then(c("pct_proficient")).alias("value"))
    return _finish(_years(rows), values)


def gap_to_all(cells: pl.DataFrame, t: Thresholds, subject: str | None, group: str) -> pl.DataFrame:
    """A group's percent proficient less All Students' (pp, signed as ``gap_to_all_pp``), each pooled as
    ``proficiency``; withheld where either is."""
    mine = proficiency(cells, t, subject, group)
    everyone = proficiency(cells, t, subject, ALL_STUDENTS).select("year_start", c("value").alias("_all"))
    gap = mine.join(everyone, on="year_start", how="left").select("year_start", (c("value") - c("_all")).alias("value"))
    return _finish(mine.select("year_start", "schools"), gap)


def trust(results: pl.DataFrame) -> pl.DataFrame:
    """The trust index (0-100) pooled by respondents: each school's index (``trust.trust_index``: withheld and
    low-response results left out) weighed by its respondents; where a school's results carry no respondent count,
    the schools' plain mean."""
    if results.is_empty():
        return _empty()
    index = trust_index(results)
    weighted = (c("trust_index") * c("n_respondents")).sum() / c("n_respondents").sum()
    values = index.group_by("year_start").agg(
        pl.when(c("n_respondents").is_null().any()).then(c("trust_index").mean()).otherwise(weighted).alias("value")
    )
    return _finish(_years(results), values)


def cpl_consistency(cadence: pl.DataFrame) -> pl.DataFrame:
    """CPL consistency pooled by team-weeks: the weeks with a meeting of every team over their school weeks."""
    if cadence.is_empty():
        return _empty()
    values = cadence.group_by("year_start").agg(
        (100.0 * c("weeks_with_meeting").sum() / c("school_weeks").sum()).alias("value")
    )
    return _finish(_years(cadence), values)


def readiness(votes: pl.DataFrame) -> pl.DataFrame:
    """The share ready of votes cast, pooled by votes: each school's latest vote of the year (``latest_votes``),
    ready over ready and not yet; a vote withheld (too few eligible voters) is not counted in."""
    if votes.is_empty():
        return _empty()
    latest = pl.concat([latest_votes(part) for part in votes.partition_by("year_start")])
    shown = latest.filter(~c("suppressed") & c("votes_ready").is_not_null() & c("votes_not_yet").is_not_null())
    values = shown.group_by("year_start").agg(
        pl.when((c("votes_ready") + c("votes_not_yet")).sum() > 0)
        .then(100.0 * c("votes_ready").sum() / (c("votes_ready") + c("votes_not_yet")).sum())
        .alias("value")
    )
    return _finish(_years(votes), values)


def measure(
    name: str, frames: Frames, t: Thresholds, subject: str | None = None, group: str | None = None
) -> pl.DataFrame:
    """One measure of CONTRACT.md's Goals by name, pooled over the schools of ``frames``."""
    if name == "proficiency":
        return proficiency(frames.cells, t, subject, group or ALL_STUDENTS)
    if name == "gap_to_all":
        return gap_to_all(frames.cells, t, subject, group or ALL_STUDENTS)
    if name == "trust_index":
        return trust(frames.trust)
    if name == "cpl_consistency":
        return cpl_consistency(frames.cadence)
    if name == "readiness_pct_ready":
        return readiness(frames.votes)
    raise ValueError(f"unknown measure {name!r}")
