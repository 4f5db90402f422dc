"""Heatmap, scatter, spread, status x change grid and calendar chart builders, in the style of ``charts``.

Every heatmap uses the one sequential scale (``contrast.SEQUENTIAL``: light for less, dark for more) with its
colour bar named, and prints its cells as text of its own colour, black or white, whichever reads at 4.5:1 on that
cell (the fills travel with the text, in the trace's ``meta``, for the chart lint)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.core.text import plotly_literal
from dashboard.present.charts import GOOD, MAX_ROWS, _literals, empty_figure, finish, lowest
from dashboard.present.contrast import SEQUENTIAL_SCALE, sequential_at, text_on


def cell_text(xs: list, ys: list, zs: list[list], texts: list[list], z_range: tuple[float, float], size: int = 14):
    """The text of a heatmap's cells as a trace of its own: each cell's text in black or white for its own fill."""
    low, high = z_range
    span = (high - low) or 1.0
    points = [
        (x, y, plotly_literal(text), sequential_at(None if z is None else (z - low) / span))
        for y, row_z, row_t in zip(ys, zs, texts, strict=True)
        for x, z, text in zip(xs, row_z, row_t, strict=True)
        if text
    ]
    fills = [p[3] for p in points]
    return go.Scatter(
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        text=[p[2] for p in points],
        mode="text",
        name="cell values",
        textfont=dict(size=size, color=[text_on(f) for f in fills]),
        hoverinfo="skip",
        showlegend=False,
        meta={"fills": fills},
    )


def heatmap_figure(
    df: pl.DataFrame,
    x: str,
    y: str,
    z: str,
    text: str,
    title: str,
    *,
    z_range: tuple[float, float],
    colorbar_title: str = "",
    note: str | None = None,
    row_height: int = 30,
    sort_rows: bool = True,
) -> go.Figure:
    """A grid of ``y`` by ``x`` coloured by ``z`` with the ``text`` column printed in each cell (withheld cells have
    no colour and carry their label, e.g. "n<5")."""
    df, title = lowest(df, y, z, title)
    xs = df[x].unique(maintain_order=True).to_list()
    ys = sorted(df[y].unique().to_list()) if sort_rows else df[y].unique(maintain_order=True).to_list()
    cell = {(r[y], r[x]): (r[z], r[text]) for r in df.iter_rows(named=True)}
    zs = [[cell.get((row, col), (None, ""))[0] for col in xs] for row in ys]
    texts = [[cell.get((row, col), (None, ""))[1] or "" for col in xs] for row in ys]
    fig = go.Figure(
        go.Heatmap(
            x=_literals(xs),
            y=_literals(ys),
            z=zs,
            text=texts,
            name=colorbar_title or "value",
            colorscale=SEQUENTIAL_SCALE,
            zmin=z_range[0],
            zmax=z_range[1],
            # tick labels below their ticks: the top one ("100") never runs into the bar's title above it
            colorbar=dict(title=dict(text=plotly_literal(colorbar_title)), ticklabelposition="outside bottom"),
            hoverongaps=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(cell_text(_literals(xs) or [], _literals(ys) or [], zs, texts, z_range))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(height=max(420, row_height * len(ys) + 180))
    return finish(fig, title, note)


SCATTER_LABELS = 8  # points named on a scatter: the ones that stand out; every name is in the hover and the table


def scatter_figure(
    df: pl.DataFrame,
    x: str,
    y: str,
    label: str,
    title: str,
    *,
    x_title: str,
    y_title: str,
    x_range: tuple[float, float] | None = None,
    note: str | None = None,
) -> go.Figure:
    """One point per row, with zero lines for reading gains and losses; the points that stand out (the highest and
    lowest on each axis, at most ``SCATTER_LABELS``) are named, each name placed away from the others (24 names
    printed over a cloud of points overlapped), and every name is in the hover text and the data table."""
    rows = df.filter(pl.col(x).is_not_null() & pl.col(y).is_not_null())
    named = _standouts(rows, x, y)
    fig = go.Figure(
        go.Scatter(
            x=rows[x].to_list(),
            y=rows[y].to_list(),
            text=_literals(rows[label].to_list()),
            name="Schools",
            mode="markers",
            marker=dict(size=12 if rows.height <= MAX_ROWS else 7, color=GOOD),
            hovertemplate="%{text}<br>%{x:.1f}, %{y:.1f}<extra></extra>",
        )
    )
    if named.height:
        fig.add_trace(
            go.Scatter(
                x=named[x].to_list(),
                y=named[y].to_list(),
                text=_literals(named[label].to_list()),
                name="Named schools",
                mode="text",
                textposition=named["_position"].to_list(),
                textfont=dict(size=12, color="#222222"),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_hline(y=0, line=dict(color="#888888", width=1))
    fig.update_xaxes(
        title_text=x_title, showgrid=True, gridcolor="#e6e6e6", zeroline=False, range=list(x_range) if x_range else None
    )
    fig.update_yaxes(title_text=y_title, zeroline=False)
    fig.update_layout(showlegend=False)
    return finish(fig, title, note)


def _standouts(rows: pl.DataFrame, x: str, y: str) -> pl.DataFrame:
    """The points to name: the highest and lowest by ``y`` and by ``x``, in turn, up to ``SCATTER_LABELS``, each
    with a text position toward the middle of the chart (a name never runs past its edge); a point too close to one already named (within a
    tenth of each axis's span) is left to the hover."""
    if rows.is_empty():
        return rows.with_columns(pl.lit("top center").alias("_position"))
    xs, ys = rows[x], rows[y]
    x_span = (float(xs.max()) - float(xs.min())) or 1.0  # type: ignore[arg-type]
    y_span = (float(ys.max()) - float(ys.min())) or 1.0  # type: ignore[arg-type]
    order = []
    for col, descending in ((y, True), (y, False), (x, True), (x, False)):
        order += rows.with_row_index("_i").sort(col, descending=descending)["_i"].head(3).to_list()
    chosen: list[int] = []
    for i in dict.fromkeys(order):
        px, py = xs[i], ys[i]
        if all(abs(px - xs[j]) / x_span > 0.1 or abs(py - ys[j]) / y_span > 0.1 for j in chosen):
            chosen.append(i)
        if len(chosen) == SCATTER_LABELS:
            break
    mid_x = float(xs.mean())  # type: ignore[arg-type]
    picked = rows.with_row_index("_i").filter(pl.col("_i").is_in(chosen))
    return picked.with_columns(
        pl.when(pl.col(y) >= float(ys.mean()))  # type: ignore[arg-type]
        .then(pl.when(pl.col(x) >= mid_x).then(pl.lit("top left")).otherwise(pl.lit("top right")))
        .otherwise(pl.when(pl.col(x) >= mid_x).then(pl.lit("bottom left")).otherwise(pl.lit("bottom right")))
        .alias("_position")
    )


# Performance levels 1 (lowest) to 5 (highest) of the status x change grid: ColorBrewer PuOr, safe for the common
# colour-vision deficiencies and in greyscale; each cell also prints its words, so colour is never the only signal.
LEVEL_COLOURS = ["#B35806", "#F1A340", "#F7F7F7", "#998EC3", "#542788"]


def grid_figure(
    df: pl.DataFrame,
    title: str,
    *,
    level_names: list[str] | tuple[str, ...],
    note: str | None = None,
    x_title: str = "Change from last year",
    y_title: str = "Status this year",
) -> go.Figure:
    """The status x change grid: one cell per (``status``, ``change``) pair, coloured by its ``performance`` level
    (1-5) and printing its ``label`` (count and words). Rows and columns keep the frame's order; highest status
    on top."""
    xs = df.sort("change_level")["change"].unique(maintain_order=True).to_list()
    ys = df.sort("status_level")["status"].unique(maintain_order=True).to_list()
    cell = {(r["status"], r["change"]): r for r in df.iter_rows(named=True)}
    z = [[cell[(s, ch)]["performance"] for ch in xs] for s in ys]
    text = [[cell[(s, ch)]["label"] for ch in xs] for s in ys]
    scale = []
    for i, colour in enumerate(LEVEL_COLOURS):  # discrete bands over z in [0.5, 5.5]
        scale += [[i / 5, colour], [(i + 1) / 5, colour]]
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=z,
            text=text,
            zmin=0.5,
            zmax=5.5,
            colorscale=scale,
            name="Performance level",
            xgap=3,
            ygap=3,
            showscale=True,
            colorbar=dict(
                title=dict(text="Performance level"),
                tickvals=[1, 2, 3, 4, 5],
                ticktext=[f"{i} {n}" for i, n in enumerate(level_names, 1)],
            ),
            hovertemplate="%{y} status, %{x}: performance level %{z}<extra></extra>",
        )
    )
    # the cells' words as text of their own, each in the colour that reads on its level's fill
    fills = [LEVEL_COLOURS[z[r][k] - 1] for r in range(len(ys)) for k in range(len(xs))]
    fig.add_trace(
        go.Scatter(
            x=[ch for _ in ys for ch in xs],
            y=[s for s in ys for _ in xs],
            text=[text[r][k] for r in range(len(ys)) for k in range(len(xs))],
            mode="text",
            name="cell counts",
            textfont=dict(size=14, color=[text_on(f) for f in fills]),
            hoverinfo="skip",
            showlegend=False,
            meta={"fills": fills},
        )
    )
    fig.update_xaxes(title_text=x_title, type="category", side="bottom")
    fig.update_yaxes(title_text=y_title, type="category")
    fig.update_layout(height=640)
    return finish(fig, title, note)


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def calendar_figure(df: pl.DataFrame, title: str, *, value: str = "meetings", note: str | None = None) -> go.Figure:
    """A calendar heatmap: one column per week (``week_start``, a Monday), one row per weekday (``weekday``, 0 =
    Monday; weekend rows only where there is data), each day coloured by ``value`` with the number printed.
    Days with nothing recorded are blank."""
    if df.is_empty():
        return empty_figure(title, "No meetings recorded")
    weeks = sorted(df["week_start"].unique().to_list())
    days = list(range(5)) + [d for d in (5, 6) if d in set(df["weekday"].to_list())]
    cell = {(r["week_start"], r["weekday"]): r[value] for r in df.iter_rows(named=True)}
    z = [[cell.get((w, d)) for w in weeks] for d in days]
    top = float(max((v for row in z for v in row if v is not None), default=1))
    texts = [["" if v is None else str(v) for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            x=weeks,
            y=[WEEKDAYS[d] for d in days],
            z=z,
            name=value,
            colorscale=SEQUENTIAL_SCALE,
            zmin=0,
            zmax=top,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            colorbar=dict(title=dict(text=value), ticklabelposition="outside bottom"),
            hovertemplate="week of %{x|%d %b %Y}, %{y}: %{z} " + value + "<extra></extra>",
        )
    )
    fig.add_trace(cell_text(weeks, [WEEKDAYS[d] for d in days], z, texts, (0.0, top), size=11))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat="%b %Y", dtick="M1", ticklabelmode="period", title_text="Week (each column is a week)")
    fig.update_layout(height=360)
    return finish(fig, title, note)


BAND = "rgba(86, 180, 233, 0.35)"  # the middle half of schools: Okabe-Ito sky blue, light


def spread_figure(
    df: pl.DataFrame,
    x: str,
    title: str,
    *,
    y_title: str,
    highlight_name: str = "",
    threshold: float | None = None,
    threshold_label: str = "",
    note: str | None = None,
) -> go.Figure:
    """One school against the spread of all (``q25``, ``median``, ``q75`` and ``highlight`` columns by ``x``): the
    middle half of schools as a band, the median school as a line, the one school as a bold line, and the
    threshold dashed; the legend names each. On a 0-100 axis: a tangle of one line per school becomes this."""
    fig = go.Figure()
    xs = _literals(df[x].to_list())
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=df["q75"].to_list(),
            mode="lines",
            line=dict(width=0),
            name="75th percentile school",
            showlegend=False,
            hovertemplate="%{x}: 75th percentile %{y:.0f}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=df["q25"].to_list(),
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=BAND,
            name="Middle half of schools (25th to 75th percentile)",
            hovertemplate="%{x}: 25th percentile %{y:.0f}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=df["median"].to_list(),
            mode="lines+markers",
            line=dict(color="#555555", width=2, dash="dot"),
            name="Median school",
            hovertemplate="%{x}: median %{y:.0f}%<extra></extra>",
        )
    )
    if highlight_name and df["highlight"].drop_nulls().len():
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=df["highlight"].to_list(),
                mode="lines+markers",
                line=dict(color=GOOD, width=4),
                marker=dict(size=10),
                name=plotly_literal(highlight_name),
                connectgaps=False,
                hovertemplate="%{x}: %{y:.0f}%<extra>%{fullData.name}</extra>",
            )
        )
    if threshold is not None:
        fig.add_hline(y=threshold, line=dict(color="#444444", dash="dash", width=2))
        fig.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            xshift=4,
            y=threshold,
            text=threshold_label,
            showarrow=False,
            font=dict(size=13, color="#222222"),
        )
        fig.update_layout(margin=dict(r=30 + 7 * len(threshold_label)))
    fig.update_xaxes(title_text="School year", type="category")
    fig.update_yaxes(title_text=y_title, range=[0, 100])
    fig.update_layout(showlegend=True)
    return finish(fig, title, note)
