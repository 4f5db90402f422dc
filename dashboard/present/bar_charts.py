"""Bar and bullet chart builders, in the style of ``charts``: a percent axis ends at 100, and a label that needs room
goes beside the chart (horizontal bars: in a column right of the plot) or inside its bar (a tall vertical bar),
never pushing the axis past 100; a change within noise is hatched and named in the legend and in its label."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.core.text import plotly_literal
from dashboard.present.charts import (
    GOOD,
    NOT_YET,
    SERIES_COLOURS,
    _literal,
    _literals,
    _values,
    add_annotations,
    finish,
    lowest,
)
from dashboard.present.contrast import text_on

LABEL_PX_PER_CHAR = 8  # a bar's printed label at 16 px, per character
HALF_WIDTH_PLOT_PX = 300  # the plot area of a chart in half a laptop screen, beside its school names
BESIDE_GAP_PX = 14  # between the plot's right edge and the column of labels beside it
INSIDE_ABOVE = 88  # on a vertical percent axis, a bar this tall carries its label inside its top
WITHIN_NOISE_COLOUR = "#8C8C8C"  # a change within noise: grey and hatched (not by colour alone), named in the legend
TEXT = "#222222"


def _room_for_labels(high: float, labels: list[str], value_range: tuple[float, float] | None) -> tuple[float, float]:
    """A horizontal bar chart's value axis (not a percent one), long enough that the label printed after the
    longest bar fits in a half-width chart (Plotly leaves no room for it: "1,007 min" was cut at the chart's
    edge)."""
    label_px = LABEL_PX_PER_CHAR * max((len(label) for label in labels), default=4) + 10
    room = max(HALF_WIDTH_PLOT_PX - label_px, HALF_WIDTH_PLOT_PX / 3)
    low, upper = value_range if value_range else (0.0, 0.0)
    return low, max(upper, (high or 1) * HALF_WIDTH_PLOT_PX / room)


def labels_beside(fig: go.Figure, categories: list, labels: list) -> None:
    """Each row's label in a column right of the plot (a horizontal bar chart on a 0-100 axis has no room after a
    long bar), the right margin grown to hold the longest; rows keep their own label, so none can overlap."""
    width = max((len(str(t)) for t in labels if t), default=0)
    add_annotations(
        fig,
        [
            dict(
                x=1,
                xref="paper",
                y=cat,
                yref="y",
                xanchor="left",
                xshift=BESIDE_GAP_PX,
                text=label,
                showarrow=False,
                align="left",
                font=dict(size=14, color=TEXT),
            )
            for cat, label in zip(categories, labels, strict=False)
            if label
        ],
    )
    fig.update_layout(margin=dict(r=BESIDE_GAP_PX + 20 + LABEL_PX_PER_CHAR * width))


def bar_figure(
    df: pl.DataFrame,
    x: str,
    y: str,
    title: str,
    *,
    series: str | None = None,
    text: str | None = None,
    y_title: str = "",
    x_title: str = "",
    horizontal: bool = False,
    threshold: float | None = None,
    threshold_label: str = "",
    value_range: tuple[float, float] | None = None,
    percent: bool = False,
    noise: str | None = None,
    note: str | None = None,
) -> go.Figure:
    """Bars (grouped by ``series``), each with its value printed (``text`` column, or the value itself). Null values
    draw no bar. ``percent``: the value axis runs 0 to 100 and labels never push it (beside the plot for horizontal
    bars, inside a tall vertical bar). ``noise``: a boolean column; those bars (changes within noise) are grey and
    hatched, a trace of their own named in the legend."""
    if horizontal:
        df, title = lowest(df, x, y, title)
    if percent:
        value_range = (0.0, 100.0)
    fig = go.Figure()
    order = _literals(df[x].unique(maintain_order=True).to_list())
    groups: list[tuple[str, pl.DataFrame, str, str | None]]
    if series is not None:
        groups = [
            (plotly_literal(name), df.filter(pl.col(series) == name), SERIES_COLOURS[i % len(SERIES_COLOURS)], None)
            for i, name in enumerate(df[series].unique(maintain_order=True).to_list())
        ]
    elif noise is not None:
        flag = pl.col(noise).fill_null(False)
        groups = [  # a withheld change draws no bar in either (its label says withheld)
            ("Beyond noise", df.filter(~flag & pl.col(y).is_not_null()), GOOD, None),
            ("Within noise (95% interval holds zero)", df.filter(flag), WITHIN_NOISE_COLOUR, "/"),
        ]
        groups = [g for g in groups if g[1].height]
    else:
        groups = [(y_title or "value", df, SERIES_COLOURS[0], None)]
    beside = percent and horizontal
    for name, part, colour, pattern in groups:
        labels = _literals(_values(part, text)) or [None if v is None else f"{v:.0f}" for v in part[y].to_list()]
        cat, val = _literals(part[x].to_list()), part[y].to_list()
        inside = [percent and not horizontal and v is not None and v >= INSIDE_ABOVE for v in val]
        fig.add_trace(
            go.Bar(
                x=val if horizontal else cat,
                y=cat if horizontal else val,
                orientation="h" if horizontal else "v",
                name=name,
                text=None if beside else labels,
                textposition=["inside" if k else "outside" for k in inside],
                insidetextanchor="end",
                insidetextfont=dict(color=text_on(colour)),
                outsidetextfont=dict(color=TEXT),
                cliponaxis=False,
                # beside a horizontal bar a label keeps its size (the axis leaves it room); above a narrow vertical one
                # Plotly shrinks it rather than print it over its neighbours
                constraintext="none" if horizontal else "both",
                # hatching over the bar's own colour (overlay), so a bar within noise is still a bar
                marker=dict(
                    color=colour, pattern=dict(shape=pattern or "", fgcolor="#FFFFFF", size=8, fillmode="overlay")
                ),
                hovertemplate="%{y}: %{x}<extra></extra>" if horizontal else "%{x}: %{y}<extra></extra>",
            )
        )
    if beside and text:
        labels_beside(fig, _literals(df[x].to_list()) or [], _literals(df[text].to_list()) or [])
    values = [v for v in df[y].to_list() if v is not None]
    if value_range is None and values and min(values) < 0:  # room for the printed labels of negative bars too
        lo, hi = min(values), max(0.0, max(values))
        pad = 0.45 * (hi - lo or 1)
        value_range = (lo - pad, hi + pad)
    if horizontal and not percent and values and min(values) >= 0:
        value_range = _room_for_labels(
            max(values), [str(v) for v in df[text].to_list() if v] if text else [], value_range
        )
    if text and series is None and not beside:  # a withheld value draws no bar: print its label at zero
        add_annotations(
            fig,
            [
                dict(
                    x=0 if horizontal else _literal(cat),
                    y=_literal(cat) if horizontal else 0,
                    text=f"<i>{plotly_literal(label)}</i>",
                    showarrow=False,
                    xanchor="left" if horizontal else "center",
                    yanchor="middle" if horizontal else "bottom",
                    font=dict(size=13, color="#444444"),
                )
                for cat, val, label in zip(df[x].to_list(), df[y].to_list(), df[text].to_list(), strict=False)
                if val is None and label
            ],
        )
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    value_axis(title_text=y_title, range=list(value_range) if value_range else None)
    category_axis(title_text=x_title, type="category", categoryorder="array", categoryarray=order)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    if threshold is not None:
        _threshold(fig, threshold, threshold_label, horizontal)
    fig.update_layout(
        barmode="group" if series is not None else "overlay",  # a noise split is one bar a category
        showlegend=len(groups) > 1,
        height=max(420, 28 * df[x].n_unique() + 160) if horizontal else None,
    )
    return finish(fig, title, note)


def _threshold(fig: go.Figure, at: float, label: str, horizontal: bool) -> None:
    """A dashed threshold line, its label outside the plot (above it for a vertical line, right of it for a
    horizontal one), where no bar, label or line can run through it."""
    line = dict(color="#444444", dash="dash", width=2)
    if horizontal:
        fig.add_vline(at, line=line)
        fig.add_annotation(
            x=at, xref="x", y=1, yref="paper", yanchor="bottom", text=label, showarrow=False, font=dict(color=TEXT)
        )
    else:
        fig.add_hline(at, line=line)
        fig.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            xshift=4,
            y=at,
            yref="y",
            text=label,
            showarrow=False,
            font=dict(color=TEXT),
        )
        fig.update_layout(margin=dict(r=30 + LABEL_PX_PER_CHAR * len(label)))


def bullet_figure(
    df: pl.DataFrame,
    label: str,
    value: str,
    threshold: str,
    passed: str,
    text: str,
    title: str,
    *,
    x_title: str = "% ready of votes cast",
    note: str | None = None,
) -> go.Figure:
    """One horizontal bar per row against its own threshold (a black tick) on a 0-100 axis; the ``text`` column
    (e.g. "84% ready: passed") is printed beside the plot, so colour is never the only signal, and the legend names
    each colour. A withheld value draws no bar."""
    df, title = lowest(df, label, value, title)
    fig = go.Figure()
    order = _literals(df[label].to_list())
    for name, keep, colour in (("Passed", True, GOOD), ("Not yet", False, NOT_YET)):
        part = df.filter(pl.col(passed).fill_null(False) == keep)
        if part.height:
            fig.add_trace(
                go.Bar(
                    x=part[value].to_list(),
                    y=_literals(part[label].to_list()),
                    orientation="h",
                    name=name,
                    marker_color=colour,
                    hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=df[threshold].to_list(),
            y=order,
            mode="markers",
            name="Threshold",
            marker=dict(symbol="line-ns", size=26, line=dict(width=4, color="#000000")),
            hovertemplate="threshold %{x:.0f}%<extra></extra>",
        )
    )
    labels_beside(fig, order or [], _literals(df[text].to_list()) or [])
    fig.update_xaxes(title_text=x_title, range=[0, 100])
    fig.update_yaxes(autorange="reversed", type="category", categoryorder="array", categoryarray=order)
    fig.update_layout(showlegend=True, barmode="overlay", height=max(420, 30 * df.height + 180))
    return finish(fig, title, note)
