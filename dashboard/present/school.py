"""The school profile page's view model: one school's trust, CPL, readiness votes and proficiency, year by year."""

from __future__ import annotations

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.trust import trust_index
from dashboard.present.common import (
    ALL,
    PageView,
    _direction,
    fmt_pp,
    options,
    screened_school_cells,
    with_school_year,
    withheld_note,
)

c = pl.col


# --- 2. school profile ---------------------------------------------------------------------------------------------


def school_profile(
    school_id: str,
    cells: pl.DataFrame,
    trust: pl.DataFrame,
    cpl: pl.DataFrame,
    votes: pl.DataFrame,
    t: Thresholds,
    subject: str = ALL,
) -> PageView:
    name_source = next(
        (
            f
            for f in (cells, trust, cpl, votes)
            if "school_id" in f.columns and f.filter(c("school_id") == school_id).height
        ),
        None,
    )
    if name_source is None:
        return PageView(empty="No data for this school yet.")
    name = name_source.filter(c("school_id") == school_id)["school_name"][0]
    v = PageView(extra={"school_name": name})
    parts = []
    # trust index by year
    index = with_school_year(trust_index(trust.filter(c("school_id") == school_id))).sort("year_start")
    v.frames["trust"] = index
    v.titles["trust"] = f"Trust index (0-100) by year, {name}, {index.height} survey years"
    if index.height:
        last = index.row(-1, named=True)
        prev = index.filter(c("year_start") == last["year_start"] - 1)
        ch = last["trust_index"] - prev["trust_index"][0] if prev.height else None
        parts.append(
            f"the trust index {_direction(ch, ' points')} to {last['trust_index']:.0f} in {last['school_year']}"
        )
    # CPL consistency by year
    team_years = cpl.filter(c("school_id") == school_id)
    by_year = (
        (
            team_years.group_by("year_start")
            .agg(c("consistency_pct").mean(), c("minutes_per_month").mean(), c("team").n_unique().alias("teams"))
            .pipe(with_school_year)
            .sort("year_start")
        )
        if team_years.height
        else pl.DataFrame()
    )
    v.frames["cpl"] = by_year
    v.titles["cpl"] = f"CPL consistency: mean share of school weeks with a team meeting, {name}, by year"
    if by_year.height:
        last = by_year.row(-1, named=True)
        parts.append(f"its {last['teams']} teams met in {last['consistency_pct']:.0f}% of school weeks")
    # readiness votes
    mine = votes.filter(c("school_id") == school_id).sort("vote_date")
    vf = (
        mine.with_columns(
            c("vote_date").cast(pl.String).alias("vote"),
            pl.when(c("suppressed"))
            .then(pl.when(c("passed")).then(pl.lit("passed")).otherwise(pl.lit("not passed")))
            .otherwise(
                pl.format(
                    "{}% ready: {}",
                    c("pct_ready_of_cast").round(0).cast(pl.Int64),
                    pl.when(c("passed")).then(pl.lit("passed")).otherwise(pl.lit("not yet")),
                )
            )
            .alias("label"),
        )
        if mine.height
        else mine
    )
    v.frames["readiness"] = vf
    v.titles["readiness"] = f"Readiness votes, % ready of votes cast, {name}, {mine.height} votes"
    if mine.height:
        last = mine.row(-1, named=True)
        pct = "" if last["pct_ready_of_cast"] is None else f"{last['pct_ready_of_cast']:.0f}% voted ready, "
        parts.append(
            f"{pct}{'passing' if last['passed'] else 'short of'} the {last['threshold_pct']:.0f}% threshold"
            f" ({last['vote_date']})"
        )
    # proficiency by group
    sc = screened_school_cells(cells.filter(c("school_id") == school_id), t)
    subjects = options(sc, "subject")
    subj = subject if subject in subjects else (subjects[0] if subjects else None)
    prof = sc.filter(c("subject") == subj).sort("student_group", "year_start") if subj else sc
    v.extra["subject"] = subj
    v.frames["proficiency"] = prof
    groups = prof["student_group"].n_unique() if prof.height else 0
    v.titles["proficiency"] = f"{subj or ''} proficiency by student group, {name}, by year ({groups} groups)"
    v.notes["proficiency"] = withheld_note(
        prof.with_columns(pl.format("{} {}", c("student_group"), c("school_year")).alias("_l")), "_l", "reason", t
    )
    alls = prof.filter(c("student_group") == ALL_STUDENTS).sort("year_start")
    if alls.height >= 2 and alls["pct_proficient"][-1] is not None and alls["pct_proficient"][-2] is not None:
        parts.append(
            f"All Students proficiency in {subj} moved {fmt_pp(alls['pct_proficient'][-1] - alls['pct_proficient'][-2])} "
            f"to {alls['pct_proficient'][-1]:.1f}%"
        )
    v.sentence = (f"At {name}, " + "; ".join(parts) + ".") if parts else f"No results for {name} yet."
    return v
