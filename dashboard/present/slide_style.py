"""The board pack's page: where a slide's title, chart and footnote sit on a 13.33 x 7.5 inch slide (the PDF's page
is the same size), and a chart lettered for the size it is placed at: no text smaller than 18 pt on the slide,
the text drawn inside the chart's image included.

A chart image is laid out ``IMAGE_LAYOUT_PX`` wide and placed ``IMAGE_WIDTH_IN`` wide, so one layout pixel is
``PT_PER_PX`` points on the slide; every font in it is set to at least ``MIN_PT / PT_PER_PX`` pixels. Its own title
is left out (the slide's title says what, where, when and n in larger type) and so are the notes under it (the
slide's footnote says what is withheld)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

# the slide (inches) and its parts, top to bottom: title, chart or table, footnote
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.3
TITLE_TOP, TITLE_H = 0.25, 1.0
BODY_TOP = TITLE_TOP + TITLE_H + 0.1
FOOT_H = 0.95
BODY_H = SLIDE_H - BODY_TOP - FOOT_H - 0.2
FOOT_TOP = BODY_TOP + BODY_H + 0.05
BODY_W = SLIDE_W - 2 * MARGIN
TITLE_PT, BODY_PT, TABLE_PT, FOOT_PT, MIN_PT = 28, 20, 18, 18, 18

# a chart's image: its layout size (Plotly's pixels), drawn at 1920 pixels across, placed BODY_W inches wide
IMAGE_LAYOUT_PX = 1000
IMAGE_WIDTH_IN = BODY_W
IMAGE_HEIGHT_IN = BODY_H
IMAGE_LAYOUT_H = round(IMAGE_LAYOUT_PX * IMAGE_HEIGHT_IN / IMAGE_WIDTH_IN)
IMAGE_PX = 1920
IMAGE_SCALE = IMAGE_PX / IMAGE_LAYOUT_PX
PT_PER_PX = IMAGE_WIDTH_IN * 72 / IMAGE_LAYOUT_PX
MIN_FONT_PX = math.ceil(MIN_PT / PT_PER_PX)
ROWS_PER_CHART = 10  # schools (or teams) one chart slide lists at this lettering; more go on the next slides
ROWS_PER_TABLE = 7  # rows of a table slide (a goal's name wraps to two lines at 18 pt)
FOOT_CHARS = 300  # characters of a footnote: three lines at 18 pt across the slide


def placed_pt(px: float) -> float:
    """The size in points on the slide of text ``px`` layout pixels high in a chart image."""
    return px * PT_PER_PX


def for_slide(fig: go.Figure) -> go.Figure:
    """A copy of the figure for a slide: its own title and notes left out, laid out at the image's size, and every
    text at least ``MIN_FONT_PX`` (18 pt as placed), with the room that larger text needs: end-of-line labels spread
    apart again, bar labels kept inside the image, point names turned away from the image's edges."""
    out = go.Figure(fig)
    size = MIN_FONT_PX
    out.update_layout(
        title=dict(text=""),
        width=IMAGE_LAYOUT_PX,
        height=IMAGE_LAYOUT_H,
        margin=dict(t=30),
        font=dict(size=size),
        legend=dict(font=dict(size=size)),
        hoverlabel=dict(font=dict(size=size)),
        uniformtext=dict(minsize=size, mode="show"),
    )
    out.update_xaxes(tickfont=dict(size=size), title=dict(font=dict(size=size)))
    out.update_yaxes(tickfont=dict(size=size), title=dict(font=dict(size=size)))
    kept = [a for a in out.layout.annotations or () if not (a.xref == "paper" and a.yref == "paper" and (a.y or 0) < 0)]
    out.layout.annotations = kept
    for annotation in out.layout.annotations:
        annotation.font.size = max(annotation.font.size or 0, size)
    for shape in out.layout.shapes or ():
        if shape.label is not None and shape.label.text:
            shape.label.font.size = max(shape.label.font.size or 0, size)
    for trace in out.data:
        if hasattr(trace, "textfont"):
            trace.textfont.size = max(trace.textfont.size or 0, size)
        if getattr(trace, "colorbar", None) is not None:
            trace.colorbar.tickfont.size = size
            trace.colorbar.title.font.size = size
    _respread_end_labels(out)
    _room_for_bar_labels(out)
    _names_inward(out)
    return out


PLOT_PX = IMAGE_LAYOUT_H - 130  # the plot's height within a slide's image (its margins, axis title and ticks)
CHAR_PX = 0.56  # a character's width, as a share of the font size


def _respread_end_labels(fig: go.Figure) -> None:
    """End-of-line labels (data-placed, left-anchored, no arrow) spread apart for their larger type: a label's
    height in axis units, on the axis's fixed range (``charts._spread_end_labels``, the line chart's own rule)."""
    from dashboard.present.charts import _spread_end_labels

    ends = [a for a in fig.layout.annotations if a.yref in (None, "y") and a.xanchor == "left" and not a.showarrow]
    bounds = fig.layout.yaxis.range
    if len(ends) < 2 or bounds is None:
        return
    low, high = float(bounds[0]), float(bounds[1])
    gap = (high - low) * (MIN_FONT_PX + 3) / PLOT_PX
    placed = _spread_end_labels([(a.text, a.x, float(a.y), str(i)) for i, a in enumerate(ends)], gap, (low, high))
    for _text, _x, y, i in placed:
        ends[int(i)].y = y


def _positions(value) -> tuple:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _label_px(texts) -> float:
    return max((len(str(t)) for t in texts or () if t), default=0) * CHAR_PX * MIN_FONT_PX


def _room_for_bar_labels(fig: go.Figure) -> None:
    """A horizontal bar's label printed beside it stays inside the image: a percent axis (its range ends at 100)
    keeps its range and the image's right margin grows; another axis's range grows to hold the labels."""
    beside = [a.text for a in fig.layout.annotations if a.xref == "paper" and (a.x or 0) >= 1 and a.xanchor == "left"]
    if beside:  # labels printed in the right margin, beside the plot
        fig.update_layout(
            margin=dict(r=max(fig.layout.margin.r or 0, min(_label_px(beside) + 12, 0.4 * IMAGE_LAYOUT_PX)))
        )
    bars = [
        t
        for t in fig.data
        if t.type == "bar" and t.orientation == "h" and t.text and "outside" in _positions(t.textposition)
    ]
    if not bars:
        return
    label = max(_label_px(t.text) for t in bars) + 12
    values = [v for t in bars for v in (t.x or ()) if v is not None]
    axis = fig.layout.xaxis
    if axis.range is not None and float(axis.range[1]) == 100 and min(values, default=0) >= 0:
        fig.update_layout(margin=dict(r=max(fig.layout.margin.r or 0, min(label, 0.4 * IMAGE_LAYOUT_PX))))
        return
    low = min([0.0, *values])
    high = max([0.0, *values])
    share = min(label / (0.6 * IMAGE_LAYOUT_PX), 0.4)  # of the plot's width, for the labels on each side used
    pad = (high - low or 1) * share / (1 - 2 * share)
    fig.update_xaxes(range=[low - (pad if low < 0 else 0), high + (pad if high > 0 else 0)])


def _names_inward(fig: go.Figure) -> None:
    """Point names (a text-only trace) beside their point on the side facing the middle of the chart, so a name
    never runs off the image's edge."""
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode == "text" and trace.x:
            xs = [x for x in trace.x if isinstance(x, int | float)]
            if len(xs) != len(trace.x):  # names on a category axis stay where they are
                continue
            middle = (min(xs) + max(xs)) / 2
            trace.textposition = ["middle right" if x is not None and x < middle else "middle left" for x in trace.x]


def font_sizes(fig: go.Figure) -> list[tuple[str, float]]:
    """Every text size a figure draws with, in layout pixels, each named by where it is (a size left unset takes
    the figure's font size, as Plotly draws it): what a test reads to hold the 18 pt rule."""
    base = fig.layout.font.size or 12
    sizes = [("layout font", base)]
    for name in ("xaxis", "yaxis"):
        axis = getattr(fig.layout, name)
        sizes += [(f"{name} ticks", axis.tickfont.size or base), (f"{name} title", axis.title.font.size or base)]
    sizes.append(("legend", fig.layout.legend.font.size or base))
    sizes += [(f"annotation {a.text!r}", a.font.size or base) for a in fig.layout.annotations or ()]
    for trace in fig.data:
        drawn = trace.type != "scatter" or "text" in (trace.mode or "")
        if drawn and (getattr(trace, "text", None) is not None or getattr(trace, "texttemplate", None)):
            sizes.append((f"text of {trace.name!r}", trace.textfont.size or base))
        if getattr(trace, "colorbar", None) is not None and trace.type == "heatmap":
            sizes.append(("colour bar", trace.colorbar.tickfont.size or base))
    return sizes
