"""Charts for a projector or a 1920x1080 image: a copy of a figure sized and lettered to be read from the back."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.present.charts import _title_layout, _wrap

# --- projector ---------------------------------------------------------------------------------------------------

PROJECTOR_HEIGHT = 880  # with the page title and the deck's controls, one screen of the deck fits 1920x1080
NOTE_LINE_PX = 34  # a line of a chart's note written under it on a screen of the deck, at 18 px
PROJECTOR_TITLE_CHARS = 110  # characters per title line at 28 px across a 1920 px screen
MARGIN_GROWTH = 1.35  # labels beside the plot (and end-of-line labels) grow from 13-14 px to 18 px: so does their room
PROJECTOR_MIN_FONT = 18  # no text under 18 px at 1920x1080: readable from the back of a room


PROJECTOR_NOTE_CHARS = 140  # characters per line of a chart's note at 18 px across a 1920 px screen


def height_beside(note: str | None) -> int:
    """The chart's height on a screen of the deck that also holds ``note`` under it, so both fit 1920x1080."""
    lines = -(-len(note) // PROJECTOR_NOTE_CHARS) if note else 0
    return PROJECTOR_HEIGHT - NOTE_LINE_PX * lines


def for_projector(fig: go.Figure, height: int = PROJECTOR_HEIGHT) -> go.Figure:
    """A copy of the figure sized and lettered for a projector or a 1920x1080 image: every text at least 18 px."""
    out = go.Figure(fig)
    size = PROJECTOR_MIN_FONT
    if out.layout.title.text:  # the title broken anew for a screen's width, each line taller
        text = out.layout.title.text.replace("<br>", " ")
        out.update_layout(
            **_title_layout(text, line_height=round(1.3 * (size + 10)), top=100, width=PROJECTOR_TITLE_CHARS)
        )
    if out.layout.margin.r:
        out.update_layout(margin=dict(r=round(out.layout.margin.r * MARGIN_GROWTH)))
    out.update_layout(
        height=height,
        font=dict(size=size + 2),
        title=dict(font=dict(size=size + 10)),
        legend=dict(font=dict(size=size)),
        hoverlabel=dict(font=dict(size=size)),
        uniformtext=dict(minsize=size, mode="show"),
    )  # Plotly may not shrink bar labels below it
    out.update_xaxes(tickfont=dict(size=size), title=dict(font=dict(size=size)))
    out.update_yaxes(tickfont=dict(size=size), title=dict(font=dict(size=size)))
    for annotation in out.layout.annotations or ():
        annotation.font.size = max(annotation.font.size or 0, size)
        if annotation.xref == "paper" and annotation.text and "<br>" not in annotation.text:
            annotation.text = _wrap(annotation.text, PROJECTOR_NOTE_CHARS)  # a note never runs past the chart
    for trace in out.data:
        if hasattr(trace, "textfont"):
            trace.textfont.size = max(trace.textfont.size or 0, size)
        if getattr(trace, "type", None) == "heatmap" and trace.colorbar is not None:
            trace.colorbar.tickfont.size = size
            trace.colorbar.title.font.size = size
    return out
