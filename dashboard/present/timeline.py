"""Timeline notes on the time charts: the one call a chart builder makes (``marked(fig, v)``) to draw the notes of its
view's scope (``v.frames["notes"]``, set by the view from ``metrics.timeline.in_scope``) as markers on a chart whose
x axis is the school year. A note is drawn where its date falls: a note of September 2024 sits just after the
2023-24 point, before the 2024-25 one, so a break (a new test) stands between the two years it parts. A note dated
in a year the chart does not show is not drawn (the axis is never stretched for it). Pure: no Streamlit."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.core.text import plotly_literal
from dashboard.metrics.timeline import BREAK
from dashboard.present.charts import add_annotations, add_shapes

NOTES_KEY = "notes"  # the frame of a view holding the notes its time charts mark
LABEL_CHARS = 28  # characters of a note's text on the chart (the School profile lists it whole)
MARKER_COLOUR = "#555555"
LABEL_ROWS = 3  # labels of notes close together are stepped down over this many rows


def label(kind: str, text: str) -> str:
    """A note as its marker names it: "Break: State test changed; scores …" (no prefix for a plain event)."""
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
    return short if kind == "event" else f"{kind.capitalize()}: {short}"


def _position(day: dt.date, year_start: int, years: list[str]) -> float | None:
    """The note's place on a category axis of school years (the category's index; its points sit on whole
    numbers), or None when its school year is not on the axis."""
    name = f"{year_start}-{(year_start + 1) % 100:02d}"
    if name not in years:
        return None
    into_year = (day - dt.date(year_start, 7, 1)).days / 365
    return years.index(name) - 0.5 + min(max(into_year, 0.0), 1.0)


def _axis_years(fig: go.Figure) -> list[str]:
    """The school years of the figure's x axis, in the order drawn."""
    seen: dict[str, None] = {}
    for trace in fig.data:
        for x in getattr(trace, "x", None) or ():
            if isinstance(x, str):
                seen.setdefault(x, None)
    return sorted(seen)


def mark(fig: go.Figure, notes: pl.DataFrame | None) -> go.Figure:
    """Draw each note (``note_date``, ``year_start``, ``kind``, ``text``) as a dotted line at its date (dashed for a
    break) with its label low in the plot; returns the figure."""
    if notes is None or notes.is_empty():
        return fig
    years = _axis_years(fig)
    placed = [
        (at, row)
        for row in notes.sort("note_date").iter_rows(named=True)
        if (at := _position(row["note_date"], row["year_start"], years)) is not None
    ]
    if placed:  # the years in their order (Plotly orders categories as the traces first name them)
        fig.update_xaxes(categoryorder="array", categoryarray=years)
    add_shapes(
        fig,
        [
            dict(
                type="line",
                x0=at,
                x1=at,
                xref="x",
                yref="paper",
                y0=0,
                y1=1,
                line=dict(color=MARKER_COLOUR, dash="dash" if row["kind"] == BREAK else "dot", width=2),
            )
            for at, row in placed
        ],
    )
    add_annotations(
        fig,
        [
            dict(
                x=at,
                xref="x",
                y=0.02 + 0.09 * (i % LABEL_ROWS),  # low in the plot: end-of-line labels sit high, at the right
                yref="paper",
                text=plotly_literal(label(row["kind"], row["text"])),
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                xshift=4,
                align="left",
                bgcolor="rgba(255,255,255,0.85)",
                font=dict(size=13, color="#222222"),
            )
            for i, (at, row) in enumerate(placed)
        ],
    )
    return fig


def marked(fig: go.Figure, v) -> go.Figure:
    """``mark`` with the notes of a view (``dashboard.present.common.PageView``): the call a time chart makes."""
    return mark(fig, v.frames.get(NOTES_KEY))
