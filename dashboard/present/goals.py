"""The Goals page's view model and its chart: each board goal as its actual value against the straight path from
baseline to target (every interim year a point), its status in words and a symbol (never colour alone), district
goals first; the guardrails beside them, holding or breached. The figures are ``dashboard.metrics.goals``', over the
screened tables, so a withheld value shows as "withheld" and its goal as "no data"."""

from __future__ import annotations

from typing import cast

import plotly.graph_objects as go
import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_label
from dashboard.metrics import goals as goal_metrics
from dashboard.metrics import pooled
from dashboard.present import charts
from dashboard.present.common import PageView

c = pl.col

STATUS = {
    goal_metrics.MET: ("✓", "met"),
    goal_metrics.ON_TRACK: ("→", "on track"),
    goal_metrics.OFF_TRACK: ("✗", "off track"),
    goal_metrics.NO_DATA: ("–", "no data"),
    goal_metrics.HOLDING: ("✓", "holding"),
    goal_metrics.BREACHED: ("✗", "breached"),
}
ACTUAL, PATH = charts.SERIES_COLOURS[0], "#444444"
# a goal chart's frame, named as its data table names it
CHART_COLUMNS = {"name": "Goal", "actual": "Actual", "expected": "Expected on the path"}


def status_text(status: str) -> str:
    """A status as printed: its symbol and its words ("✓ met", "✗ off track")."""
    symbol, words = STATUS[status]
    return f"{symbol} {words}"


def fmt(value: float | None, measure: str) -> str:
    """A goal's figure as printed: one decimal, with its unit; "withheld" where there is none."""
    if value is None:
        return "withheld"
    unit = pooled.MEASURES[measure][1]
    return f"{value:+.1f}{unit}" if measure == "gap_to_all" else f"{value:.1f}{unit}"


def measure_words(measure: str, subject: str | None, group: str | None) -> str:
    where = f" in {subject}" if subject else ", all subjects"
    if measure == "proficiency":
        return f"{group} % proficient{where}"
    if measure == "gap_to_all":
        return f"{group} gap to All Students{where} (pp)"
    words = pooled.MEASURES[measure][0]
    return words[0].upper() + words[1:]


def scope_words(scope: str, names: dict[str, str]) -> str:
    """ "District", "South Network (network)", or the school's name."""
    parsed = goal_metrics.parse_scope(scope)
    if parsed.kind == "district":
        return "District"
    if parsed.kind == "network":
        return f"{parsed.name} (network)"
    return names.get(parsed.name or "", parsed.name or "")


def _rows(results: pl.DataFrame, names: dict[str, str]) -> list[dict]:
    return [dict(r, where=scope_words(r["scope"], names)) for r in results.iter_rows(named=True)]


def goal_reads(goals: pl.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sources and student groups the goals read (``goals.reads``): the page reads no other table."""
    return goal_metrics.reads(goals)


_NOT_READ = pl.DataFrame(schema={"school_id": pl.String, "year_start": pl.Int64})  # a source no goal reads


def goals_view(
    goals: pl.DataFrame,
    cells: pl.DataFrame | None,
    trust: pl.DataFrame | None,
    cadence: pl.DataFrame | None,
    votes: pl.DataFrame | None,
    schools: pl.DataFrame,
    t: Thresholds,
    tolerance: float,
    until: int | None = None,
) -> PageView:
    """``goals``: the stored goals the caller may read; the tables, of the caller's schools (None: a source no goal
    reads, ``goal_reads``); ``until``: only the school years up to it (a board pack of an earlier year)."""
    if goals.is_empty():
        return PageView(empty="No board goals yet. An admin or the superintendent adds them on this page.")
    frames = pooled.Frames(*(_NOT_READ if f is None else f for f in (cells, trust, cadence, votes)))
    results, series = goal_metrics.evaluate(
        goals, frames if until is None else frames.until(until), schools, t, tolerance
    )
    names = dict(schools.select("school_id", "school_name").iter_rows())
    v = PageView()
    rows = _rows(results, names)
    kept = [r for r in rows if r["kind"] == goal_metrics.GOAL]
    rails = [r for r in rows if r["kind"] == goal_metrics.GUARDRAIL]
    v.frames["goals"] = pl.DataFrame(
        [
            {
                "Goal": r["name"],
                "Status": status_text(r["status"]),
                "For": r["where"],
                "Measure": measure_words(r["measure"], r["subject"], r["student_group"]),
                "Baseline": f"{fmt(r['baseline'], r['measure'])} ({r['baseline_year']})",
                "Target": f"{fmt(r['target'], r['measure'])} by {r['target_year']}",
                "Latest": "no year yet"
                if r["latest_year"] is None
                else f"{fmt(r['latest'], r['measure'])} ({r['latest_year']})",
                "Expected by now": "" if r["expected"] is None else fmt(r["expected"], r["measure"]),
            }
            for r in kept
        ],
        schema=dict.fromkeys(
            ("Goal", "Status", "For", "Measure", "Baseline", "Target", "Latest", "Expected by now"), pl.String
        ),
    )
    v.frames["guardrails"] = pl.DataFrame(
        [
            {
                "Guardrail": r["name"],
                "Status": status_text(r["status"]),
                "For": r["where"],
                "Measure": measure_words(r["measure"], r["subject"], r["student_group"]),
                "Holds": f"{'at or above' if r['bound'] == goal_metrics.FLOOR else 'at or below'} "
                f"{fmt(r['target'], r['measure'])}",
                "Latest": "no year yet"
                if r["latest_year"] is None
                else f"{fmt(r['latest'], r['measure'])} ({r['latest_year']})",
            }
            for r in rails
        ],
        schema=dict.fromkeys(("Guardrail", "Status", "For", "Measure", "Holds", "Latest"), pl.String),
    )
    v.frames["results"] = results
    keys = []
    for i, r in enumerate(rows):
        key = f"goal_{i}"
        keys.append(key)
        v.frames[key] = (
            series.filter(c("name") == r["name"])
            .with_columns(
                pl.col("year_start").map_elements(school_year_label, return_dtype=pl.String).alias("school_year")
            )
            .rename(CHART_COLUMNS)
        )
        span = (
            r["baseline_year"] if r["kind"] == goal_metrics.GUARDRAIL else f"{r['baseline_year']} to {r['target_year']}"
        )
        v.titles[key] = (
            f"{r['name']}: {measure_words(r['measure'], r['subject'], r['student_group'])}, {r['where']}, {span} "
            f"({r['schools']} school{'s' if r['schools'] != 1 else ''}): {status_text(r['status'])}"
        )
        v.extra[key] = r
    v.extra["charts"] = keys
    counts = {s: sum(r["status"] == s for r in kept) for s in STATUS}
    bits = [
        f"{counts[s]} {STATUS[s][1]}"
        for s in (goal_metrics.MET, goal_metrics.ON_TRACK, goal_metrics.OFF_TRACK, goal_metrics.NO_DATA)
        if counts[s]
    ]
    held = sum(r["status"] == goal_metrics.HOLDING for r in rails)
    v.sentence = f"{len(kept)} goal{'s' if len(kept) != 1 else ''}: {', '.join(bits) or 'none yet'}." + (
        f" {held} of {len(rails)} guardrail{'s' if len(rails) != 1 else ''} holding." if rails else ""
    )
    return v


def goal_figure(v: PageView, key: str) -> go.Figure:
    """One goal: its actual values (a solid line, each labelled) against its path (dashed, a point for each interim
    year, the target marked), or a guardrail's values against its floor or ceiling; withheld years say so."""
    r = cast(dict, v.extra[key])
    frame: pl.DataFrame = v.frames[key]
    years = frame["school_year"].to_list()
    measure = r["measure"]
    fig = go.Figure()
    guardrail = r["kind"] == goal_metrics.GUARDRAIL
    fig.add_trace(
        go.Scatter(
            x=years,
            y=frame["Expected on the path"].to_list(),
            name=("floor" if r["bound"] == goal_metrics.FLOOR else "ceiling") if guardrail else "path to target",
            mode="lines" if guardrail else "lines+markers",
            line=dict(color=PATH, dash="dash", width=2),
            marker=dict(size=9, symbol="circle-open", color=PATH),
            connectgaps=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=frame["Actual"].to_list(),
            name="actual",
            mode="lines+markers+text",
            text=[None if a is None else fmt(a, measure) for a in frame["Actual"].to_list()],
            textposition="top center",
            line=dict(color=ACTUAL, width=3),
            cliponaxis=False,  # a label above a value near 100 stays whole
            marker=dict(size=11, color=ACTUAL),
            connectgaps=False,
        )
    )
    end = frame.filter(c("Expected on the path").is_not_null()).tail(1)
    if end.height and not guardrail:
        fig.add_annotation(
            x=end["school_year"][0],
            y=end["Expected on the path"][0],
            text=f"target {fmt(end['Expected on the path'][0], measure)}",
            showarrow=False,
            yshift=-18,
            font=dict(size=13, color=PATH),
        )
    charts.add_annotations(
        fig,
        [
            dict(
                x=year,
                y=0,
                yref="paper",
                yanchor="bottom",
                text="<i>withheld</i>",
                showarrow=False,
                font=dict(size=13, color="#444444"),
            )
            for year in frame.filter(c("withheld"))["school_year"]
        ],
    )
    values = [x for x in (*frame["Actual"].to_list(), *frame["Expected on the path"].to_list()) if x is not None]
    if measure == "gap_to_all":
        low, high = min([*values, -10.0]) - 5, max([*values, 0.0]) + 5
    else:
        low, high = 0.0, 100.0
    fig.update_xaxes(title_text="School year", type="category", categoryorder="array", categoryarray=years)
    fig.update_yaxes(title_text=pooled.MEASURES[measure][0], range=[low, high])
    return charts.finish(fig, v.titles[key])


def notes_choices(notes: pl.DataFrame, schools: pl.DataFrame) -> dict[int, str]:
    """The notes as the removal form lists them, newest first: id -> "2024-09-01, District, break: State test ..."."""
    names = dict(schools.select("school_id", "school_name").iter_rows())
    return {
        row[
            "id"
        ]: f"{row['note_date']}, {names.get(row['school_id'], row['school_id']) if row['school_id'] else 'District'}"
        f", {row['kind']}{' (internal)' if row['internal'] else ''}: {row['text']}"
        for row in notes.sort("note_date", descending=True).iter_rows(named=True)
    }
