"""Pure chart builders: polars frames in, ``plotly.graph_objects`` figures out (no Streamlit here).

Every figure uses the one registered template ``district`` (Okabe-Ito colour-blind-safe palette, large fonts, white
background) and carries a title that stands alone (what, where, when, n), passed in by the page's view model
(``dashboard.present.overview`` and the rest). Where colour carries meaning, text labels carry it too. Withheld
(suppressed) values arrive as nulls: they are never drawn (never as zero) and are listed in a note under the chart.
A copy for a projector or a 1920x1080 image is ``dashboard.present.projector``'s.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboard.core.text import plotly_literal

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
# Line and bar colours in the order used: the darker, higher-contrast colours first; yellow last (weak on white)
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
GOOD, NOT_YET, NEUTRAL = "#0072B2", "#E69F00", "#999999"
TEMPLATE = "district"

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=SERIES_COLOURS,
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=16, color="#222222"),
        title=dict(font=dict(size=20), x=0, xanchor="left", y=0.97),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=70, r=30, t=80, b=70),
        xaxis=dict(
            showgrid=False, linecolor="#444444", ticks="outside", automargin=True, title=dict(font=dict(size=16))
        ),
        yaxis=dict(
            gridcolor="#e6e6e6",
            linecolor="#444444",
            zerolinecolor="#888888",
            automargin=True,
            title=dict(font=dict(size=16)),
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.26, x=0, font=dict(size=14)),  # under the x-axis title
        hoverlabel=dict(font=dict(size=14)),
    )
)


TITLE_CHARS = 48  # characters per title line: a bold 20 px title fits a chart half a laptop screen wide (1,440 px)
TITLE_TOP = 80  # the top margin for a one-line title (px), and each further line's height at 20 px
TITLE_LINE = 26


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _title_layout(title: str, line_height: int = TITLE_LINE, top: int = TITLE_TOP) -> dict:
    """A long title broken into lines at word ends (Plotly does not wrap one: it ran past the chart's edge, and a
    title cut short no longer says what, where and when), the top margin grown to hold them."""
    text = title if "<br>" in title else _wrap(title, TITLE_CHARS)
    lines = text.count("<br>") + 1
    return dict(title=dict(text=text, yanchor="top"), margin=dict(t=top + line_height * (lines - 1)))


def finish(fig: go.Figure, title: str, note: str | None = None, height: int | None = None) -> go.Figure:
    """The template, the title and the note under the chart: both are text from the view (names among it), drawn
    as text (``plotly_literal``)."""
    fig.update_layout(template=TEMPLATE, **_title_layout(plotly_literal(title)))
    if height:
        fig.update_layout(height=height)
    if note:
        fig.add_annotation(
            text=plotly_literal(note),
            xref="paper",
            yref="paper",
            x=0,
            y=-0.32,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(size=13, color="#444444"),
            align="left",
        )
        fig.update_layout(margin=dict(b=120))
    return fig


def _values(df: pl.DataFrame, col: str | None) -> list | None:
    return None if col is None or col not in df.columns else df[col].to_list()


def _literal(value: object) -> object:
    """A category, label or hover value as Plotly draws text (``plotly_literal``): a school or team name is data.
    Numbers, dates and blanks pass as they are."""
    return plotly_literal(value) if isinstance(value, str) else value


def _literals(values: list | None) -> list | None:
    return None if values is None else [_literal(v) for v in values]


def empty_figure(title: str, message: str = "No data to show") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=18))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title)


def line_figure(
    df: pl.DataFrame,
    x: str,
    y: str,
    title: str,
    *,
    series: str | None = None,
    y_title: str = "",
    x_title: str = "School year",
    ci_low: str | None = None,
    ci_high: str | None = None,
    y_range: tuple[float, float] | None = None,
    threshold: float | None = None,
    threshold_label: str = "",
    value_format: str = ".1f",
    note: str | None = None,
) -> go.Figure:
    """One line per ``series`` value, labelled at its last point (not only by colour); optional Wilson error bars
    (``ci_low``/``ci_high``); null values leave a gap rather than a zero."""
    fig = go.Figure()
    groups = (
        [(None, df)]
        if series is None
        else [(name, df.filter(pl.col(series) == name)) for name in df[series].unique(maintain_order=True).to_list()]
    )
    ends: list[tuple[str, object, float, str]] = []  # each line's label: (text, x, y, colour) at its last point
    for i, (name, part) in enumerate(groups):
        part = part.sort(x)
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        error = None
        if ci_low and ci_high:
            ys, lo, hi = part[y], part[ci_low], part[ci_high]
            error = dict(
                type="data",
                symmetric=False,
                array=(hi - ys).to_list(),
                arrayminus=(ys - lo).to_list(),
                color=colour,
                thickness=1.5,
                width=4,
            )
        fig.add_trace(
            go.Scatter(
                x=_literals(part[x].to_list()),
                y=part[y].to_list(),
                name=plotly_literal(name) if name is not None else y_title,
                # past the eight colours, the same colours again dashed, then dotted: no two lines look alike
                mode="lines+markers",
                line=dict(color=colour, width=3, dash=LINE_DASHES[i // len(SERIES_COLOURS) % 3]),
                marker=dict(size=9),
                error_y=error,
                connectgaps=False,
                # the series' name by reference: the template is markup, the name is data
                hovertemplate=f"%{{x}}: %{{y:{value_format}}}<extra>{'' if name is None else '%{fullData.name}'}</extra>",
            )
        )
        last = part.filter(pl.col(y).is_not_null()).tail(1)
        if name is not None and last.height:
            ends.append((plotly_literal(name), _literal(last[x][0]), float(last[y][0]), colour))
    height = LINE_HEIGHT + LINE_HEIGHT_PER_SERIES * max(0, len(ends) - MANY_LINES)
    shown = [v for col in (y, ci_low, ci_high) if col for v in df[col].to_list() if v is not None]
    span = (y_range[1] - y_range[0]) if y_range else (max(shown) - min(shown) if shown else 0) * 1.1
    gap = span * END_LABEL_PX / (height - LINE_PLOT_MARGINS_PX) if span else 0
    for text, at_x, at_y, colour in _spread_end_labels(ends, gap, y_range):
        fig.add_annotation(
            x=at_x, y=at_y, text=text, showarrow=False, xanchor="left", xshift=8, font=dict(size=13, color=colour)
        )
    if threshold is not None:
        fig.add_hline(
            y=threshold,
            line=dict(color="#444444", dash="dash", width=2),
            annotation_text=threshold_label,
            annotation_position="top left",
        )
    fig.update_xaxes(title_text=x_title, type="category")
    fig.update_yaxes(title_text=y_title, range=list(y_range) if y_range else None)
    # no legend: every line is named at its end (a line with every value withheld draws nothing, and the note under
    # the chart names it), and a legend of eleven student groups took half the chart's height from the lines
    fig.update_layout(showlegend=False)
    return finish(fig, title, note, height=height if len(ends) > MANY_LINES else None)


LINE_DASHES = ("solid", "dash", "dot")
LINE_HEIGHT = 450  # a line chart's height (Plotly's own), and its growth per line past MANY_LINES (room for labels)
LINE_HEIGHT_PER_SERIES = 24
MANY_LINES = 5
LINE_PLOT_MARGINS_PX = 200  # of a line chart's height, what the title, axis titles and legend take (about)
END_LABEL_PX = 16  # the height one end-of-line label needs (13 px text and a little air)


def _spread_end_labels(
    ends: list[tuple[str, object, float, str]], gap: float, bounds: tuple[float, float] | None = None
) -> list[tuple[str, object, float, str]]:
    """The end-of-line labels, moved apart where lines end close together (eleven student groups within a few
    points printed their names over each other): among the labels at one x, each run of labels closer than ``gap``
    is spread ``gap`` apart around the middle of their points, keeping their order; the others stay at their
    points. Within ``bounds`` (the axis range), where given: a run spread past an end is pushed back inside."""
    placed = []
    for at_x in dict.fromkeys(e[1] for e in ends):
        here = sorted((e for e in ends if e[1] == at_x), key=lambda e: e[2])
        runs: list[list[tuple[str, object, float, str]]] = []
        for label in here:
            runs.append([label])
            while len(runs) > 1:  # merge the last two runs while they would overlap
                low, high = runs[-2], runs[-1]
                low_top = _run_middle(low) + (len(low) - 1) * gap / 2
                high_bottom = _run_middle(high) - (len(high) - 1) * gap / 2
                if high_bottom - low_top >= gap:
                    break
                runs[-2:] = [low + high]
        here_placed = []
        for run in runs:
            start = _run_middle(run) - (len(run) - 1) * gap / 2
            here_placed += [(text, at_x, start + k * gap, colour) for k, (text, _, _, colour) in enumerate(run)]
        if bounds is not None:
            ys = [y for _, _, y, _ in here_placed]
            for k in reversed(range(len(ys))):  # down from the top end, a gap apart
                ys[k] = min(ys[k], bounds[1] if k == len(ys) - 1 else ys[k + 1] - gap)
            for k in range(len(ys)):  # then up from the bottom end
                ys[k] = max(ys[k], bounds[0] if k == 0 else ys[k - 1] + gap)
            here_placed = [(text, at_x, y, colour) for (text, at_x, _, colour), y in zip(here_placed, ys, strict=False)]
        placed += here_placed
    return placed


def _run_middle(run: list[tuple[str, object, float, str]]) -> float:
    return sum(e[2] for e in run) / len(run)


MAX_ROWS = 40  # schools (or teams) one chart lists; beyond it the chart shows the lowest, and its title says so


def lowest(df: pl.DataFrame, key: str, value: str, title: str, limit: int = MAX_ROWS) -> tuple[pl.DataFrame, str]:
    """At most ``limit`` of ``key`` (by its mean ``value``, lowest first: where attention goes), in the frame's own
    order, and the title saying how many are shown; the data table beside the chart keeps every row. A chart of
    thousands of schools is neither readable on a projector nor quick to draw."""
    count = df[key].n_unique()
    if count <= limit:
        return df, title
    kept = (
        df.group_by(key).agg(pl.col(value).mean().alias("_mean")).sort("_mean", key, nulls_last=True).head(limit)[key]
    )
    return (
        df.filter(pl.col(key).is_in(kept.implode())),
        f"{title}: the {limit} lowest of {count:,} shown (all in the data table)",
    )


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
    note: str | None = None,
) -> go.Figure:
    """Bars (grouped by ``series``), each with its value printed (``text`` column, or the value itself). Null values
    draw no bar."""
    if horizontal:
        df, title = lowest(df, x, y, title)
    fig = go.Figure()
    groups = (
        [(None, df)]
        if series is None
        else [(name, df.filter(pl.col(series) == name)) for name in df[series].unique(maintain_order=True).to_list()]
    )
    for i, (name, part) in enumerate(groups):
        labels = _literals(_values(part, text)) or [None if v is None else f"{v:.0f}" for v in part[y].to_list()]
        cat, val = _literals(part[x].to_list()), part[y].to_list()
        fig.add_trace(
            go.Bar(
                x=val if horizontal else cat,
                y=cat if horizontal else val,
                orientation="h" if horizontal else "v",
                name=plotly_literal(name) if name is not None else y_title,
                text=labels,
                textposition="outside",
                cliponaxis=False,
                # beside a horizontal bar a label keeps its size (the axis leaves it room); above a narrow vertical one
                # Plotly shrinks it rather than print it over its neighbours
                constraintext="none" if horizontal else "both",
                marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            )
        )
    values = [v for v in df[y].to_list() if v is not None]
    if value_range is None and values and min(values) < 0:  # room for the printed labels of negative bars too
        lo, hi = min(values), max(0.0, max(values))
        pad = 0.45 * (hi - lo or 1)
        value_range = (lo - pad, hi + pad)
    if horizontal and values and min(values) >= 0:
        value_range = _room_for_labels(
            max(values), [str(v) for v in df[text].to_list() if v] if text else [], value_range
        )
    if text and series is None:  # a withheld value draws no bar: print its label (e.g. "withheld") at zero
        for cat, val, label in zip(df[x].to_list(), df[y].to_list(), df[text].to_list(), strict=False):
            if val is None and label:
                fig.add_annotation(
                    x=0 if horizontal else _literal(cat),
                    y=_literal(cat) if horizontal else 0,
                    text=f"<i>{plotly_literal(label)}</i>",
                    showarrow=False,
                    xanchor="left" if horizontal else "center",
                    yanchor="middle" if horizontal else "bottom",
                    font=dict(size=13, color="#444444"),
                )
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    value_axis(title_text=y_title, range=list(value_range) if value_range else None)
    category_axis(title_text=x_title, type="category")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    if threshold is not None:
        (fig.add_vline if horizontal else fig.add_hline)(
            threshold, line=dict(color="#444444", dash="dash", width=2), annotation_text=threshold_label
        )
    fig.update_layout(
        barmode="group",
        showlegend=series is not None and len(groups) > 1,
        height=max(420, 28 * df[x].n_unique() + 160) if horizontal else None,
    )
    return finish(fig, title, note)


LABEL_PX_PER_CHAR = 8  # a bar's printed label at 16 px, per character
HALF_WIDTH_PLOT_PX = 300  # the plot area of a chart in half a laptop screen, beside its school names


def _room_for_labels(high: float, labels: list[str], value_range: tuple[float, float] | None) -> tuple[float, float]:
    """A horizontal bar chart's value axis, long enough that the label printed after the longest bar fits in a
    half-width chart (Plotly leaves no room for it: "1,007 min" was cut at the chart's edge)."""
    label_px = LABEL_PX_PER_CHAR * max((len(label) for label in labels), default=4) + 10
    room = max(HALF_WIDTH_PLOT_PX - label_px, HALF_WIDTH_PLOT_PX / 3)
    low, upper = value_range if value_range else (0.0, 0.0)
    return low, max(upper, (high or 1) * HALF_WIDTH_PLOT_PX / room)
