"""The tables of one school's profile and brief (the page and the PDF show the same): its four strands this year
against last year and the district, its teams, its trust facets, every student group's proficiency and gap in each
subject with the change signal, its latest vote, its timeline notes. People-named columns, figures as printed:
withheld figures say why ("n<10"), a missing one is a dash. Pure polars, no Streamlit."""

from __future__ import annotations

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_label
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import pooled, timeline
from dashboard.metrics.achievement import gains_from_cells, school_level_cells
from dashboard.metrics.readiness import latest_votes
from dashboard.metrics.trust import WAVE_ORDER
from dashboard.present.common import screened_school_cells, shown_as
from dashboard.present.words import DASH, SIGNAL_WORDS, team_type_words

c = pl.col
S = pl.String


def _signed(expr: pl.Expr, digits: int = 1) -> pl.Expr:
    """A change or gap as printed: its sign always ("+6.7", "-16.3", "+0.10")."""
    return expr.map_elements(lambda x: f"{x:+.{digits}f}", return_dtype=S)


def _value(frame: pl.DataFrame, year: int) -> tuple[bool, float | None]:
    """(the year has data, its value) of a pooled measure."""
    hit = frame.filter(c("year_start") == year)
    return (hit.height > 0, hit["value"][0] if hit.height else None)


def _shown(has: bool, value: float | None, unit: str) -> str:
    if not has:
        return DASH
    return "withheld" if value is None else f"{value:.1f}{unit}"


def strands(
    school_id: str,
    mine: pooled.Frames,
    year: int,
    t: Thresholds,
    subjects: list[str],
    comparison: pooled.Frames | None,
    notes: pl.DataFrame | None,
    compared_with: str,
) -> pl.DataFrame:
    """One row per strand (trust index, CPL consistency, readiness, All Students proficiency in each subject): this
    year, last year, the change (none across a break), and the same measure this year pooled over ``comparison``'s
    schools (the district, or a scoped caller's own schools), in a column named for ``compared_with`` ("the
    district") and the year ("The district, 2025-26"): a table on a projector says what it is compared with."""
    other_column = f"{compared_with[:1].upper()}{compared_with[1:]}, {school_year_label(year)}"
    crossed = not timeline.drop_across_breaks(
        pl.DataFrame({"school_id": [school_id], "year_start": [year]}), notes
    ).height
    measures: list[tuple[str, str, str | None]] = [
        ("Trust index (0-100)", "trust_index", None),
        ("CPL consistency (% of school weeks)", "cpl_consistency", None),
        ("Ready, latest vote (% of votes cast)", "readiness_pct_ready", None),
        *[(f"All Students % proficient, {s}", "proficiency", s) for s in subjects],
    ]
    rows = []
    for label, measure, subject in measures:
        unit = "" if measure == "trust_index" else "%"
        series = pooled.measure(measure, mine, t, subject)
        has_now, now = _value(series, year)
        has_before, before = _value(series, year - 1)
        if crossed and has_now and has_before:
            change = "not comparable (break)"
        elif now is None or before is None:
            change = DASH if not (has_now and has_before) else "withheld"
        else:
            change = f"{now - before:+.1f}{'' if unit == '' else ' pp'}"
        other = DASH
        if comparison is not None:
            has_other, value = _value(pooled.measure(measure, comparison, t, subject), year)
            other = _shown(has_other, value, unit)
        rows.append(
            {
                "Strand": label,
                school_year_label(year): _shown(has_now, now, unit),
                school_year_label(year - 1): _shown(has_before, before, unit),
                "Change": change,
                other_column: other,
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], S) if rows else None)


def teams(cadence: pl.DataFrame, year: int) -> pl.DataFrame:
    """The school's teams in ``year``, least consistent first: type, meetings, consistency and longest gap."""
    rows = cadence.filter(c("year_start") == year)
    return rows.sort("consistency_pct", "team").select(
        c("team").alias("Team"),
        team_type_words(c("team_type")).alias("Type"),
        c("meetings").cast(S).alias("Meetings"),
        pl.format("{}%", c("consistency_pct").round(0).cast(pl.Int64)).alias("Consistency"),
        c("longest_gap_weeks").cast(S).alias("Longest gap (weeks)"),
    )


def facets(trust: pl.DataFrame, year: int, t: Thresholds) -> tuple[pl.DataFrame, str | None, str | None]:
    """The school's trust facets in ``year`` (all staff, its latest wave): mean score on the survey's scale and the
    change since last year, withheld ones saying why; and the weakest and strongest facet shown."""
    r = trust.filter((c("facet") != "overall") & (c("respondent_group") == "all_staff"))
    wave = c("wave").str.to_lowercase().replace_strict(WAVE_ORDER, default=9)
    r = r.with_columns(wave.alias("_w")).filter(c("_w") == c("_w").max().over("year_start"))
    now = r.filter(c("year_start") == year)
    before = r.filter(c("year_start") == year - 1).select(
        "facet", pl.when(~c("withheld") & ~c("low_response")).then(c("mean_score")).alias("_before")
    )
    rows = now.join(before, on="facet", how="left").sort("facet")
    table = rows.select(
        c("facet").str.to_titlecase().alias("Facet"),
        pl.when(c("withheld"))
        .then(c("reason").map_elements(lambda x: shown_as(x, t, "staff"), return_dtype=S))
        .otherwise(
            pl.format(
                "{}{}", c("mean_score").round(2), pl.when(c("low_response")).then(pl.lit(" †")).otherwise(pl.lit(""))
            )
        )
        .alias("Mean (1-5)"),
        pl.when(c("withheld") | c("low_response") | c("_before").is_null())
        .then(pl.lit(DASH))
        .otherwise(_signed(c("mean_score") - c("_before"), 2))
        .alias("Change"),
        pl.when(c("withheld"))
        .then(pl.lit(DASH))
        .otherwise(c("n_respondents").cast(S))
        .fill_null(DASH)
        .alias("Respondents"),
    )
    shown = rows.filter(~c("withheld") & ~c("low_response") & c("mean_score").is_not_null()).sort("mean_score")
    weakest = shown["facet"][0] if shown.height else None
    strongest = shown["facet"][-1] if shown.height > 1 else None
    return table, weakest, strongest


def groups(cells: pl.DataFrame, year: int, t: Thresholds, notes: pl.DataFrame | None) -> pl.DataFrame:
    """Every student group's proficiency in each subject in ``year``, its gap to All Students and its change since
    last year with the change signal (up, down, within noise; none across a break)."""
    levels = screened_school_cells(cells, t).filter(c("year_start") == year)
    if levels.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(GROUP_COLUMNS, S))
    everyone = levels.filter(c("student_group") == ALL_STUDENTS).select("subject", c("pct_proficient").alias("_all"))
    sc = school_level_cells(cells).with_columns(
        pl.lit("All").alias("grade"), pl.lit(None, dtype=S).alias("publisher_marker")
    )
    changes = (
        gains_from_cells(sc, notes)
        .filter(c("year_start") == year)
        .select("subject", "student_group", "change_pp", "change_signal", c("suppressed").alias("_change_withheld"))
    )
    rows = (
        levels.join(everyone, on="subject", how="left")
        .join(changes, on=["subject", "student_group"], how="left")
        .with_columns((c("student_group") == ALL_STUDENTS).alias("_all_row"))
        .sort("subject", "_all_row", "student_group", descending=[False, True, False])
    )
    return rows.select(
        c("subject").alias("Subject"),
        c("student_group").alias("Student group"),
        pl.when(c("withheld")).then(pl.lit(DASH)).otherwise(c("n_tested").cast(S)).alias("Tested"),
        pl.when(c("withheld"))
        .then(c("shown_as"))
        .otherwise(pl.format("{}%", c("pct_proficient").round(1)))
        .alias("% proficient"),
        pl.when(c("_all_row"))
        .then(pl.lit("reference"))
        .when(c("pct_proficient").is_null() | c("_all").is_null())
        .then(pl.lit(DASH))
        .otherwise(_signed(c("pct_proficient") - c("_all")))
        .alias("Gap to All (pp)"),
        pl.when(c("change_pp").is_not_null())
        .then(_signed(c("change_pp")))
        .when(c("_change_withheld").fill_null(False))
        .then(pl.lit("withheld"))
        .otherwise(pl.lit(DASH))
        .alias("Change (pp)"),
        c("change_signal").replace_strict(SIGNAL_WORDS, default=DASH).fill_null(DASH).alias("Signal"),
    )


GROUP_COLUMNS = ("Subject", "Student group", "Tested", "% proficient", "Gap to All (pp)", "Change (pp)", "Signal")


def latest_vote(votes: pl.DataFrame, year: int) -> dict | None:
    """The school's latest vote up to ``year``: date, question, share ready (None where withheld), threshold,
    whether it passed."""
    shown = votes.filter(c("year_start") <= year)
    if shown.is_empty():
        return None
    return latest_votes(shown).row(0, named=True)


def vote_sentence(vote: dict | None) -> str:
    if vote is None:
        return "No readiness vote yet."
    verdict = "passed" if vote["passed"] else "did not pass"
    ready = (
        "too few eligible voters to show the share"
        if vote["pct_ready_of_cast"] is None
        else f"{vote['pct_ready_of_cast']:.0f}% of votes cast said ready"
    )
    return f"{vote['vote_date']}, {vote['question']}: {ready}; it {verdict} the {vote['threshold_pct']:.0f}% threshold."


def notes_table(notes: pl.DataFrame | None, names: dict[str, str]) -> pl.DataFrame:
    """The notes of the school and of the district, oldest first."""
    schema = dict.fromkeys(("Date", "For", "Kind", "Note"), S)
    if notes is None or notes.is_empty():
        return pl.DataFrame(schema=schema)
    return notes.sort("note_date").select(
        c("note_date").cast(S).alias("Date"),
        c("school_id").replace_strict(names, default=c("school_id")).fill_null("District").alias("For"),
        c("kind").str.to_titlecase().alias("Kind"),
        c("text").alias("Note"),
    )
