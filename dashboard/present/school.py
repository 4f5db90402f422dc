"""The school profile page's view model: one school's trust, CPL, readiness votes and proficiency in every subject,
year by year, with its timeline notes; and the content of the coach's school brief (``dashboard.present.brief``), the
same on the page and in the PDF: its strands this year against last year and the district, teams, trust facets,
student groups, latest vote, notes and why it is flagged (``dashboard.present.school_tables``)."""

from __future__ import annotations

from typing import cast

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_label
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import pooled
from dashboard.metrics.achievement import with_change_interval
from dashboard.metrics.summary import school_summary_from
from dashboard.metrics.timeline import in_scope
from dashboard.metrics.trust import trust_index
from dashboard.present import school_tables
from dashboard.present.common import (
    ALL,
    PageView,
    _direction,
    options,
    screened_school_cells,
    with_school_year,
    withheld_note,
)
from dashboard.present.cpl import TEAM_WEEKS
from dashboard.present.timeline import NOTES_KEY
from dashboard.present.words import change_words, plural

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
    *,
    notes: pl.DataFrame | None = None,
    comparison: pooled.Frames | None = None,
    comparison_label: str | None = None,
    values: dict[str, float] | None = None,
    year: int | None = None,
) -> PageView:
    """``notes``: the timeline notes the caller reads (the school's and the district's are kept); ``comparison``:
    the tables of the schools its strands are compared with (the district, or a scoped caller's schools; None: no
    comparison), named ``comparison_label``; ``values``: the settings, for why the school is flagged (None: not
    said); ``year``: the year the brief's tables are of (None: the school's latest). Frames of later years are the
    caller's to leave out (a brief of an earlier year)."""
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
    v.frames[NOTES_KEY] = in_scope(notes, school_id) if notes is not None else pl.DataFrame()
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
            .agg(
                TEAM_WEEKS.alias("consistency_pct"), c("minutes_per_month").mean(), c("team").n_unique().alias("teams")
            )
            .pipe(with_school_year)
            .sort("year_start")
        )
        if team_years.height
        else pl.DataFrame()
    )
    v.frames["cpl"] = by_year
    v.titles["cpl"] = (
        f"CPL consistency: share of team-weeks with a meeting, {name}, by year ({plural(by_year.height, 'year')})"
    )
    if by_year.height:
        last = by_year.row(-1, named=True)
        parts.append(
            f"its {plural(last['teams'], 'team')} met in {last['consistency_pct']:.0f}% of team-weeks "
            f"in {last['school_year']}"
        )
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
    v.titles["readiness"] = f"Readiness votes, % ready of votes cast, {name}, {plural(mine.height, 'vote')}"
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
    v.extra["subject"] = subj
    for key, one in [("proficiency", subj), *[(f"proficiency:{s}", s) for s in subjects]]:
        _proficiency(v, key, sc, one, name, t)
    v.extra["subject_keys"] = [f"proficiency:{s}" for s in subjects]
    prof = v.frames["proficiency"]
    alls = prof.filter((c("student_group") == ALL_STUDENTS) & c("pct_proficient").is_not_null()).sort("year_start")
    if alls.height >= 2 and alls["year_start"][-1] == alls["year_start"][-2] + 1:
        change = pl.DataFrame(
            {
                "pct_proficient": [alls["pct_proficient"][-1]],
                "n_tested": [alls["n_tested"][-1]],
                "prior_pct_proficient": [alls["pct_proficient"][-2]],
                "prior_n_tested": [alls["n_tested"][-2]],
            }
        ).pipe(with_change_interval)
        moved = change_words(alls["pct_proficient"][-1] - alls["pct_proficient"][-2], change["change_signal"][0])
        parts.append(f"All Students proficiency in {subj} {moved} to {alls['pct_proficient'][-1]:.1f}%")
    own = pooled.Frames(cells, trust, cpl, votes).of_schools([school_id])
    _brief(v, school_id, own, t, subjects, comparison, comparison_label, values, year)
    if v.extra["weakest"]:
        parts.append(f"its weakest trust facet is {v.extra['weakest']}")
    v.sentence = (f"At {name}, " + "; ".join(parts) + ".") if parts else f"No results for {name} yet."
    return v


def _proficiency(v: PageView, key: str, sc: pl.DataFrame, subj: str | None, name: str, t: Thresholds) -> None:
    """One subject's proficiency by student group and year: its frame, title and note on the view under ``key``."""
    prof = sc.filter(c("subject") == subj).sort("student_group", "year_start") if subj else sc
    v.frames[key] = prof
    groups = prof["student_group"].n_unique() if prof.height else 0
    v.titles[key] = (
        f"{subj or ''} % proficient by student group, {name}, by year, with 95% intervals ({plural(groups, 'group')})"
    )
    v.notes[key] = withheld_note(
        prof.with_columns(pl.format("{} {}", c("student_group"), c("school_year")).alias("_l")), "_l", "reason", t
    )


def _brief(
    v: PageView,
    school_id: str,
    mine: pooled.Frames,
    t: Thresholds,
    subjects: list[str],
    comparison: pooled.Frames | None,
    comparison_label: str | None,
    values: dict[str, float] | None,
    year: int | None,
) -> None:
    """The brief's content on the view: its year (``year``, else the school's latest), the tables of
    ``school_tables`` and why the school is flagged."""
    if year is None:
        year = max(
            cast(int, f["year_start"].max()) for f in (mine.cells, mine.trust, mine.cadence, mine.votes) if f.height
        )
    notes = v.frames[NOTES_KEY]
    v.extra.update(year=year, comparison_label=comparison_label or "the district")
    v.frames["strands"] = school_tables.strands(
        school_id, mine, year, t, subjects, comparison, notes, str(v.extra["comparison_label"])
    )
    v.frames["teams"] = school_tables.teams(mine.cadence, year)
    v.frames["facets"], v.extra["weakest"], v.extra["strongest"] = school_tables.facets(mine.trust, year, t)
    v.frames["groups"] = school_tables.groups(mine.cells, year, t, notes)
    vote = school_tables.latest_vote(mine.votes, year)
    v.extra["vote"] = vote
    v.frames["notes_list"] = school_tables.notes_table(notes, {school_id: str(v.extra["school_name"])})
    label = school_year_label(year)
    weakest, strongest = v.extra["weakest"], v.extra["strongest"]
    v.extra.update(
        year_label=label,
        vote_sentence=school_tables.vote_sentence(vote),
        facets_sentence=(
            f"Weakest facet in {label}: {weakest}" + (f"; strongest: {strongest}." if strongest else ".")
            if weakest
            else f"No facet result can be shown for {label}."
        ),
        attention=None,
        flag=f"Not said whether it is flagged in {label}.",
    )
    if values is not None:
        place = next(f for f in (mine.cells, mine.trust, mine.cadence, mine.votes) if f.height)
        summary = school_summary_from(
            place.select("school_id", "school_name", "network", "level").unique(),
            mine.trust,
            mine.cadence,
            mine.votes,
            mine.cells,
            values,
            notes,
        )
        reason = summary["attention"][0] if summary.height else None
        v.extra.update(
            attention=reason,
            flag=f"Why it is flagged in {label}: {reason}." if reason else f"Not flagged for attention in {label}.",
            network=place["network"][0],
            level=place["level"][0],
        )


def school_page(
    school_id: str,
    cells: pl.DataFrame,
    trust: pl.DataFrame,
    cpl: pl.DataFrame,
    votes: pl.DataFrame,
    t: Thresholds,
    notes: pl.DataFrame,
    other_cells: pl.DataFrame,
    other_trust: pl.DataFrame,
    other_cadence: pl.DataFrame,
    other_votes: pl.DataFrame,
    scope_label: str | None,
    values: dict[str, float],
) -> PageView:
    """The School profile page: ``school_profile`` of one school's tables (``cells`` .. ``votes``), compared with
    the schools of the ``other_*`` tables: the district's, or a scoped caller's own (``scope_label``, "your 3
    schools"), none for a caller of one school."""
    comparison = pooled.Frames(other_cells, other_trust, other_cadence, other_votes)
    few = scope_label is not None and comparison.cells["school_id"].n_unique() < 2
    return school_profile(
        school_id,
        cells,
        trust,
        cpl,
        votes,
        t,
        notes=notes,
        comparison=None if few else comparison,
        comparison_label=scope_label or "the district",
        values=values,
    )
