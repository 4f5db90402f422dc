"""Named figures: each page's charts built from its view (``dashboard.views.PageView``), in one place, so a page,
a PNG download and the board pack draw exactly the same chart. Pure functions, no Streamlit."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import charts
from dashboard.views import PageView


def overview_proficiency(v: PageView) -> go.Figure:
    return charts.bar_figure(v.frames["proficiency"], "school_name", "all_students_pct_proficient",
                             v.titles["proficiency"], text="label", y_title="% proficient (All Students)",
                             horizontal=True, value_range=(0, 100))


def school_trust(v: PageView) -> go.Figure:
    return charts.line_figure(v.frames["trust"], "school_year", "trust_index", v.titles["trust"],
                              y_title="Trust index (0-100)", y_range=(0, 100))


def school_cpl(v: PageView) -> go.Figure:
    cpl = v.frames["cpl"]
    if not cpl.height:
        return charts.empty_figure(v.titles["cpl"])
    return charts.line_figure(cpl, "school_year", "consistency_pct", v.titles["cpl"], y_title="% of school weeks",
                              y_range=(0, 105))


def school_readiness(v: PageView) -> go.Figure:
    votes = v.frames["readiness"]
    if not votes.height:
        return charts.empty_figure(v.titles["readiness"])
    return charts.bar_figure(votes, "vote", "pct_ready_of_cast", v.titles["readiness"], text="label",
                             y_title="% ready of votes cast", x_title="Vote date", value_range=(0, 110),
                             threshold=votes["threshold_pct"].max(), threshold_label="threshold")


def school_proficiency(v: PageView) -> go.Figure:
    return charts.line_figure(v.frames["proficiency"], "school_year", "pct_proficient", v.titles["proficiency"],
                              series="student_group", y_title="% proficient", y_range=(0, 100),
                              ci_low="ci_low", ci_high="ci_high")


def trust_heatmap(v: PageView, metric: str) -> go.Figure:
    return charts.heatmap_figure(v.frames["heatmap"], "facet", "school_name", "value", "label", v.titles["heatmap"],
                                 z_range=v.extra["z_range"], colorbar_title=metric)


def cpl_consistency(v: PageView, unit: str = "school_name") -> go.Figure:
    return charts.bar_figure(v.frames["consistency"], unit, "consistency_pct", v.titles["consistency"],
                             text="label", y_title="% of school weeks with a meeting", horizontal=True,
                             value_range=(0, 140))


def readiness_latest(v: PageView) -> go.Figure:
    return charts.bullet_figure(v.frames["latest"], "school_name", "pct_ready_of_cast", "threshold_pct", "passed",
                                "label", v.titles["latest"])


def equity_levels(v: PageView) -> go.Figure:
    return charts.line_figure(v.frames["levels"], "school_year", "pct_proficient", v.titles["levels"],
                              series="student_group", y_title="% proficient", y_range=(0, 100),
                              ci_low="ci_low", ci_high="ci_high")


def equity_change(v: PageView) -> go.Figure:
    return charts.bar_figure(v.frames["change"], "student_group", "change_pp", v.titles["change"], text="label",
                             y_title="change in percentage points", horizontal=True)


def culture_scatter(v: PageView, measure: str) -> go.Figure:
    return charts.scatter_figure(v.frames["scatter"], "x", "all_students_change_pp", "school_name",
                                 v.titles["scatter"], x_title=measure,
                                 y_title="All Students change in proficiency (pp)")
