"""Charts for a projector or a 1920x1080 image: a copy of a figure sized and lettered to be read from the back."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.present.charts import _title_layout, _wrap

# --- projector ---------------------------------------------------------------------------------------------------

PROJECTOR_HEIGHT = 860  # with the page title above it, a chart block fits a 1920x1080 screen without scrolling
PROJECTOR_MIN_FONT = 18  # no text under 18 px at 1920x1080: readable from the back of a room


PROJECTOR_NOTE_CHARS = 140  # characters per line of a chart's note at 18 px across a 1920 px screen


def for_projector(fig: go.Figure, height: int = PROJECTOR_HEIGHT) -> go.Figure:
    """A copy of the figure sized and lettered for a projector or a 1920x1080 image: every text at least 18 px."""
    out = go.Figure(fig)
    size = PROJECTOR_MIN_FONT
    if out.layout.title.text:  # the same lines, each taller
        out.update_layout(**_title_layout(out.layout.title.text, line_height=round(1.3 * (size + 10)), top=100))
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
