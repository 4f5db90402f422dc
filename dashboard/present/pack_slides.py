"""The board pack's slides, each with a title that says what, where, when and n, and a footnote of its own: where its
figures come from and what is withheld on that slide and why (never the same generic note on every slide). The
goals slides open the pack; a chart listing more schools than a slide can letter at 18 pt continues on the next
slide ("1 of 2"). Pure: the views and figures are the pages' (``dashboard.present``), read by
``dashboard.present.board_pack``."""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.metrics import goals as goal_metrics
from dashboard.present.common import PageView, withheld_note
from dashboard.present.goals import goals_view
from dashboard.present.slide_style import FOOT_CHARS, ROWS_PER_CHART, ROWS_PER_TABLE
from dashboard.present.words import plural

c = pl.col


@dataclass
class Slide:
    """A chart slide (``figure``) or a table slide (``table``, its columns ``widths`` inches wide)."""

    key: str
    figure: go.Figure | None
    title: str
    footnote: str
    alt_text: str
    notes: str
    table: pl.DataFrame | None = None
    widths: tuple[float, ...] = field(default_factory=tuple)


REASONS = {  # a withheld figure's printed form -> why, in words, for a slide's footnote
    "n<": "n<{n}: fewer than {n} students tested (or {staff} staff responding)",
    "* withheld": "*: withheld so a small group cannot be worked out from the others",
    "≤": "≤ and ≥: a small group's rate near 0% or 100%, shown only as a band",
    "≥": "≤ and ≥: a small group's rate near 0% or 100%, shown only as a band",
    "withheld by publisher": "withheld by the file's publisher",
    "†": "†: under half of staff responded, shown but left out of indices",
}


def footnote(source: str, withheld: str | None, t: Thresholds, extra: str = "") -> str:
    """A slide's footnote: its source, then what is withheld on it and why (or that nothing is), within three lines
    at 18 pt (a long list ends "and more")."""
    if withheld:
        why = dict.fromkeys(
            why.format(n=t.min_n_students, staff=t.min_n_staff) for mark, why in REASONS.items() if mark in withheld
        )
        body = withheld.replace("Withheld, not drawn:", "Withheld on this slide, not drawn:")
        text = f"{body.rstrip('.')}{' (' + '; '.join(why) + ')' if why else ''}."
    else:
        text = "Nothing on this slide is withheld."
    text = f"Source: {source}. {text}{' ' + extra if extra else ''}"
    if len(text) <= FOOT_CHARS:
        return text
    cut = text[: FOOT_CHARS - 45]
    return cut[: cut.rfind("; ")] + "; and more, each in the dashboard's data table."


def withheld_on(
    frame: pl.DataFrame, labels: list[str], reason: str, t: Thresholds, what: str = "students"
) -> str | None:
    """What a slide's chart (``frame``, its rows on that slide) withholds, named by ``labels`` ("Asian 2023-24
    (n<10)"): ``common.withheld_note`` of that slide's rows only."""
    if frame.is_empty() or reason not in frame.columns:
        return None
    named = frame.with_columns(pl.concat_str([c(x).cast(pl.String) for x in labels], separator=" ").alias("_named"))
    return withheld_note(named, "_named", reason, t, what)


def pages_of(v: PageView, key: str, unit: str, rows: int = ROWS_PER_CHART, every: str | None = None) -> list[PageView]:
    """The view once per slide: its frame ``key`` in runs of ``rows`` of ``unit`` (schools, in the frame's order),
    each titled "..., 1 of 2", the unit ``every`` (All Students) in each run; the view itself when one slide holds
    it."""
    frame = v.frames[key]
    units = [u for u in frame[unit].unique(maintain_order=True).to_list() if u != every]
    if len(units) <= rows:
        return [v]
    count = -(-len(units) // rows)  # as many slides as it takes, the units shared evenly among them
    size = -(-len(units) // count)
    runs = [units[i : i + size] for i in range(0, len(units), size)]
    return [
        PageView(
            sentence=v.sentence,
            frames={**v.frames, key: frame.filter(c(unit).is_in([*run, every]))},
            titles={**v.titles, key: f"{v.titles[key]}, {i} of {len(runs)}"},
            notes=v.notes,
            extra=v.extra,
        )
        for i, run in enumerate(runs, start=1)
    ]


GOAL_ROWS = 4  # goals on one slide: a goal's row is two lines of 20 pt


def table_pages(frame: pl.DataFrame, rows: int = ROWS_PER_TABLE) -> list[pl.DataFrame]:
    return [frame.slice(i, rows) for i in range(0, max(frame.height, 1), rows)]


GOAL_NOTES = (
    "A goal's status is read from the data: met at or past its target; on track within the goal tolerance of the "
    "value expected on the straight path from baseline to target; off track otherwise; no data where a value is "
    "missing or withheld. A guardrail is a floor or ceiling its measure must hold."
)


def goal_slides(
    goals: pl.DataFrame,
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame],
    schools: pl.DataFrame,
    t: Thresholds,
    tolerance: float,
    year: int,
    label: str,
    where: str,
    source: str,
) -> list[Slide]:
    """The goals slide (and its guardrails): each goal's baseline, target, latest value, the value expected by now
    and its status in words and a symbol, as of ``year``; a goal whose value is withheld says "no data"."""
    v = goals_view(goals, *frames, schools, t, tolerance, until=year)
    if v.empty:
        return [
            Slide(
                "goals",
                None,
                f"Board goals, {where}, {label}: none set yet",
                footnote(source, None, t),
                "",
                GOAL_NOTES,
                table=pl.DataFrame({"Board goals": ["No board goal has been set for this scope yet."]}),
                widths=(12.7,),
            )
        ]
    results = v.frames["results"]
    unseen = results.filter(c("status") == goal_metrics.NO_DATA)["name"].to_list()
    withheld = (
        f"Withheld on this slide: the figures of {'; '.join(unseen)} (a withheld value is no data, never shown)"
        if unseen
        else None
    )
    extra = f"On track: within {tolerance:g} of the straight path to the target."
    slides = []
    for kind, key, widths, noun in (
        ("goals", "goals", (3.6, 1.4, 1.3, 1.6, 1.6, 1.6, 1.6), "goal"),
        ("guardrails", "guardrails", (3.5, 1.3, 1.6, 2.6, 1.9, 1.8), "guardrail"),
    ):
        table = v.frames[key].drop("Measure") if kind == "goals" else v.frames[key]
        if table.is_empty():
            continue
        # each figure above its year ("47.9%" over "(2022-23)"): a goal's row is two lines, its name's
        table = table.with_columns(pl.col(pl.String).str.replace(r" \(", "\n(").str.replace(" by ", "\nby "))
        parts = table_pages(table, GOAL_ROWS)
        for i, part in enumerate(parts, start=1):
            more = f", {i} of {len(parts)}" if len(parts) > 1 else ""
            slides.append(
                Slide(
                    f"{key}_{i}",
                    None,
                    f"Board {kind} and their status, {where}, as of {label} ({plural(table.height, noun)}){more}",
                    footnote(source, withheld, t, extra),
                    "",
                    f"{v.sentence} {GOAL_NOTES}",
                    table=part,
                    widths=widths,
                )
            )
    return slides


def overview_slides(v: PageView, where: str, label: str, source: str, t: Thresholds, notes: str) -> list[Slide]:
    """The headline figures and the schools flagged for attention, with the reason for each."""
    kpis = pl.DataFrame(
        [{"Figure": k, "Value": value, "Change": delta or "–"} for k, value, delta in v.kpis],
        schema=dict.fromkeys(("Figure", "Value", "Change"), pl.String),
    )
    schools = int(v.kpis[0][1].replace(",", "")) if v.kpis else 0
    slides = [
        Slide(
            "overview",
            None,
            f"District overview, {where}, {label} ({plural(schools, 'school')})",
            footnote(source, None, t, "Trust by respondents, CPL by team-weeks, proficiency by students."),
            "",
            notes,
            table=kpis,
            widths=(8.7, 2.0, 2.0),
        )
    ]
    flagged = v.frames["attention"]
    parts = table_pages(flagged)
    for i, part in enumerate(parts, start=1):
        more = f", {i} of {len(parts)}" if len(parts) > 1 else ""
        slides.append(
            Slide(
                f"attention_{i}",
                None,
                f"Schools flagged for attention, {where}, {label} ({flagged.height} of {plural(schools, 'school')})"
                + more,
                footnote(source, None, t, "A school is flagged by the thresholds set on the Data page's settings."),
                "",
                v.sentence,
                table=part if part.height else pl.DataFrame({"School": ["None of the schools is flagged."]}),
                widths=(4.2, 8.5) if part.height else (12.7,),
            )
        )
    return slides
