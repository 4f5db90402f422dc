"""Pure chart builders: polars frames in, ``plotly.graph_objects`` figures out (no Streamlit here).

Every figure uses the one registered template ``district`` (Okabe-Ito colour-blind-safe palette, large fonts, white
background) and carries a title that stands alone (what, where, when, n), passed in by the page's view model
(``dashboard.present.overview`` and the rest). Where colour carries meaning, text labels carry it too. Withheld
(suppressed) values arrive as nulls: they are never drawn (never as zero) and are listed in a note under the chart.
A copy for a projector or a 1920x1080 image is ``dashboard.present.projector``'s.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboard.core.text import plotly_literal

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
# Line and bar colours in the order used: the darker, higher-contrast colours first; yellow last (weak on white)
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
GOOD, NOT_YET, NEUTRAL = "#0072B2", "#E69F00", "#999999"
TEMPLATE = "district"
TICK_TEXT = "#3A3A3A"
LABEL_TEXT = "#222222"  # text printed on the white of a chart: 16:1

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=SERIES_COLOURS,
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=16, color="#222222"),
        title=dict(font=dict(size=20), x=0, xanchor="left", y=0.97),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=70, r=30, t=80, b=70),
        # tick labels in dark grey, 10:1 on white (Streamlit's own chart theme drew them at 3.7:1: the pages draw
        # with this template, not Streamlit's theme)
        xaxis=dict(
            showgrid=False,
            linecolor="#444444",
            ticks="outside",
            automargin=True,
            tickfont=dict(color=TICK_TEXT),
            title=dict(font=dict(size=16, color="#222222")),
        ),
        yaxis=dict(
            gridcolor="#e6e6e6",
            linecolor="#444444",
            zerolinecolor="#888888",
            automargin=True,
            tickfont=dict(color=TICK_TEXT),
            title=dict(font=dict(size=16, color="#222222")),
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


def add_annotations(fig: go.Figure, annotations: list[dict]) -> None:
    """Annotations added after the figure's own, in one step. ``fig.add_annotation`` validates the whole list again
    on every call (forty labels beside forty bars: 860 annotations built, 0.6 s); this builds each once."""
    if annotations:
        fig.layout.annotations = (*fig.layout.annotations, *annotations)


def add_shapes(fig: go.Figure, shapes: list[dict]) -> None:
    """Shapes added after the figure's own, in one step (``add_annotations``, for ``fig.add_shape``)."""
    if shapes:
        fig.layout.shapes = (*fig.layout.shapes, *shapes)


def _title_layout(title: str, line_height: int = TITLE_LINE, top: int = TITLE_TOP, width: int = TITLE_CHARS) -> dict:
    """A long title broken into lines at word ends (Plotly does not wrap one: it ran past the chart's edge, and a
    title cut short no longer says what, where and when), the top margin grown to hold them."""
    text = title if "<br>" in title else _wrap(title, width)
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
    _round_numbers(fig)
    return fig


# A number a chart prints (its hover template's format, e.g. %{y:.1f}) is sent rounded to the places it shows; one
# it only draws (a bar's length, an error bar) to a hundredth, far below a pixel on these axes.
# Fewer bytes on the wire (issue 19): 32.59587020648968 goes as 32.6, drawn and hovered the same.
_SHOWN = re.compile(r"%\{(x|y|z):[^}]*?\.(\d)f\}")
DRAWN_DECIMALS = 2


def _rounded(values: object, places: int) -> object:
    if isinstance(values, float):
        return round(values, places)
    if isinstance(values, (list, tuple)):
        return [_rounded(v, places) for v in values]
    return values


def _round_numbers(fig: go.Figure) -> None:
    for trace in fig.data:
        template = getattr(trace, "hovertemplate", None)
        shown = {axis: int(places) for axis, places in _SHOWN.findall(template if isinstance(template, str) else "")}
        for axis in ("x", "y", "z"):
            values = getattr(trace, axis, None)
            if isinstance(values, (list, tuple)) and any(isinstance(v, (float, list, tuple)) for v in values):
                trace[axis] = _rounded(values, shown.get(axis, DRAWN_DECIMALS))
        for bars in ("error_x", "error_y"):
            for side in ("array", "arrayminus"):
                values = getattr(getattr(trace, bars, None), side, None)
                if isinstance(values, (list, tuple)):
                    trace[bars][side] = _rounded(values, DRAWN_DECIMALS)


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
    if threshold is not None and gap:  # no label on the threshold line: those below it spread below, the rest above
        bottom, top = y_range if y_range else (min(shown, default=threshold), max(shown, default=threshold))
        placed = _spread_end_labels(
            [e for e in ends if e[2] < threshold], gap, (bottom, threshold - gap)
        ) + _spread_end_labels(
            [e for e in ends if e[2] >= threshold], gap, (threshold + gap, max(top, threshold + gap))
        )
    else:
        placed = _spread_end_labels(ends, gap, y_range)
    add_annotations(  # dark text (4.5:1), led by a swatch of the line's colour
        fig,
        [
            dict(
                x=at_x,
                y=at_y,
                text=f'<span style="color:{colour}">■</span> {text}',
                showarrow=False,
                xanchor="left",
                xshift=8,
                font=dict(size=13, color=LABEL_TEXT),
            )
            for text, at_x, at_y, colour in placed
        ],
    )
    if ends:  # room right of the plot for the longest end label, so none is cut at the chart's edge
        fig.update_layout(margin=dict(r=40 + 7 * max(len(e[0]) for e in ends)))
    if threshold is not None:
        fig.add_hline(y=threshold, line=dict(color="#444444", dash="dash", width=2))
        fig.add_annotation(  # its label left of the plot's first point, above the line: no line or label runs there
            x=0,
            xref="paper",
            xanchor="left",
            y=threshold,
            yanchor="bottom",
            text=threshold_label,
            showarrow=False,
            font=dict(size=13, color="#222222"),
            bgcolor="rgba(255,255,255,0.85)",
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
