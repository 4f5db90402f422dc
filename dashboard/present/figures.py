"""Named figures: each page's charts built from its view (``dashboard.present.common.PageView``), in one place, so a page,
a PNG download and the board pack draw exactly the same chart. Pure functions, no Streamlit."""

from __future__ import annotations

from typing import cast

import plotly.graph_objects as go

from dashboard.present import bar_charts, charts, matrix_charts, timeline
from dashboard.present.common import PageView


def overview_proficiency(v: PageView) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["proficiency"],
        "school_name",
        "all_students_pct_proficient",
        v.titles["proficiency"],
        text="label",
        y_title="% proficient (All Students)",
        horizontal=True,
        percent=True,
    )


def school_trust(v: PageView) -> go.Figure:
    return timeline.marked(
        charts.line_figure(
            v.frames["trust"],
            "school_year",
            "trust_index",
            v.titles["trust"],
            y_title="Trust index (0-100)",
            y_range=(0, 100),
        ),
        v,
    )


def school_cpl(v: PageView) -> go.Figure:
    cpl = v.frames["cpl"]
    if not cpl.height:
        return charts.empty_figure(v.titles["cpl"])
    return timeline.marked(
        charts.line_figure(
            cpl,
            "school_year",
            "consistency_pct",
            v.titles["cpl"],
            y_title="% of team-weeks with a meeting",
            y_range=(0, 100),
        ),
        v,
    )


def school_readiness(v: PageView) -> go.Figure:
    votes = v.frames["readiness"]
    if not votes.height:
        return charts.empty_figure(v.titles["readiness"])
    return bar_charts.bar_figure(
        votes,
        "vote",
        "pct_ready_of_cast",
        v.titles["readiness"],
        text="label",
        y_title="% ready of votes cast",
        x_title="Vote date",
        percent=True,
        threshold=cast(float | None, votes["threshold_pct"].max()),
        threshold_label=f"threshold {cast(float, votes['threshold_pct'].max()):.0f}%",
    )


def school_proficiency(v: PageView, key: str = "proficiency") -> go.Figure:
    """One subject's proficiency by student group (``key``: "proficiency", the subject chosen, or
    "proficiency:SUBJECT")."""
    return timeline.marked(
        charts.line_figure(
            v.frames[key],
            "school_year",
            "pct_proficient",
            v.titles[key],
            series="student_group",
            y_title="% proficient",
            y_range=(0, 100),
            ci_low="ci_low",
            ci_high="ci_high",
        ),
        v,
    )


def trust_heatmap(v: PageView, metric: str) -> go.Figure:
    return matrix_charts.heatmap_figure(
        v.frames["heatmap"],
        "facet",
        "school_name",
        "value",
        "label",
        v.titles["heatmap"],
        z_range=cast(tuple[float, float], v.extra["z_range"]),
        colorbar_title=metric,
    )


def cpl_consistency(v: PageView, unit: str = "school_name") -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["consistency"],
        unit,
        "consistency_pct",
        v.titles["consistency"],
        text="label",
        y_title="% of team-weeks with a meeting",
        horizontal=True,
        percent=True,
    )


def readiness_latest(v: PageView) -> go.Figure:
    return bar_charts.bullet_figure(
        v.frames["latest"], "school_name", "pct_ready_of_cast", "threshold_pct", "passed", "label", v.titles["latest"]
    )


def equity_levels(v: PageView) -> go.Figure:
    return timeline.marked(
        charts.line_figure(
            v.frames["levels"],
            "school_year",
            "pct_proficient",
            v.titles["levels"],
            series="student_group",
            y_title="% proficient",
            y_range=(0, 100),
            ci_low="ci_low",
            ci_high="ci_high",
        ),
        v,
    )


def equity_change(v: PageView) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["change"],
        "student_group",
        "change_pp",
        v.titles["change"],
        text="label",
        y_title="change in percentage points",
        horizontal=True,
        noise="_within_noise",
    )


def culture_scatter(v: PageView, measure: str) -> go.Figure:
    return matrix_charts.scatter_figure(
        v.frames["scatter"],
        cast(str, v.extra["measure"]),
        "all_students_change_pp",
        "school_name",
        v.titles["scatter"],
        x_title=measure,
        y_title="All Students change in proficiency (pp)",
        x_range=(0, 100) if "%" in measure else None,
    )


def trust_trends(v: PageView, metric: str) -> go.Figure:
    return timeline.marked(
        charts.line_figure(
            v.frames["trends"],
            "school_year",
            "value",
            v.titles["trends"],
            series="facet",
            y_title=metric,
            y_range=(0, 100),
        ),
        v,
    )


def trust_groups(v: PageView, metric: str) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["groups"],
        "facet",
        "value",
        v.titles["groups"],
        series="respondent_group",
        text="label",
        y_title=metric,
        percent=True,
    )


def trust_rates(v: PageView, low_response_pct: float) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["rates"],
        "school_name",
        "response_rate",
        v.titles["rates"],
        text="label",
        y_title="% of staff responding",
        horizontal=True,
        percent=True,
        threshold=low_response_pct,
        threshold_label=f"low response below {low_response_pct:g}%",
    )


def cpl_minutes(v: PageView, unit: str) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["minutes"],
        unit,
        "minutes_per_month",
        v.titles["minutes"],
        text="minutes_label",
        y_title="minutes per month",
        horizontal=True,
    )


def cpl_types(v: PageView) -> go.Figure:
    # across the page: the kinds of team are named in full and each label, "74% (47 teams)", reads at full size
    return bar_charts.bar_figure(
        v.frames["types"],
        "team_type",
        "consistency_pct",
        v.titles["types"],
        text="label",
        y_title="% of team-weeks with a meeting",
        percent=True,
        horizontal=True,
    )


def cpl_monthly(d: PageView, unit: str) -> go.Figure:
    monthly = d.frames["monthly"]
    return matrix_charts.heatmap_figure(
        monthly,
        "month_label",
        unit,
        "minutes_per_team",
        "label",
        d.titles["monthly"],
        z_range=(0, float(cast(float | None, monthly["minutes_per_team"].max()) or 0)),
        colorbar_title="minutes per team",
        row_height=44,
    )


def cpl_calendar(d: PageView) -> go.Figure:
    return matrix_charts.calendar_figure(d.frames["calendar"], d.titles["calendar"])


def cpl_protocols(d: PageView) -> go.Figure:
    protocols = d.frames["protocols"]
    return bar_charts.bar_figure(
        protocols,
        "protocol",
        "meetings",
        d.titles["protocols"],
        text="label",
        y_title="meetings",
        horizontal=True,
        value_range=(0, 1.45 * float(cast(float | None, protocols["meetings"].max()) or 1)),
    )


def cpl_pair(d: PageView) -> go.Figure:
    return bar_charts.bar_figure(
        d.frames["pair"],
        "month_label",
        "minutes",
        d.titles["pair"],
        series="key",
        text="label",
        y_title="minutes in the month",
        x_title="Month",
    )


def readiness_turnout(v: PageView) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["turnout"],
        "school_name",
        "turnout_pct",
        v.titles["turnout"],
        text="label",
        y_title="% of eligible staff voting",
        horizontal=True,
        percent=True,
    )


def readiness_trend(v: PageView) -> go.Figure:
    return timeline.marked(
        matrix_charts.spread_figure(
            v.frames["trend"],
            "school_year",
            v.titles["trend"],
            y_title="% ready of votes cast",
            highlight_name=cast(str, v.extra.get("highlight_name") or ""),
            threshold=cast(float, v.extra["threshold"]),
            threshold_label=f"usual threshold {cast(float, v.extra['threshold']):.0f}%",
        ),
        v,
    )


def equity_grid(grid: PageView, performance_names: tuple | list) -> go.Figure:
    return matrix_charts.grid_figure(
        grid.frames["grid"], grid.titles["grid"], note=grid.notes.get("grid_chart"), level_names=performance_names
    )


def equity_cohort(v: PageView) -> go.Figure:
    return bar_charts.bar_figure(
        v.frames["cohort"],
        "cohort",
        "change_pp",
        v.titles["cohort"],
        text="label",
        y_title="change in percentage points",
        horizontal=True,
        noise="_within_noise",
    )
