"""Heatmap, bullet, scatter, status x change grid and calendar chart builders, in the style of ``charts``."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.present.charts import GOOD, MAX_ROWS, NOT_YET, _literals, empty_figure, finish, lowest


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
            texttemplate="%{text}",
            textfont=dict(size=14),
            colorscale="Cividis",
            zmin=z_range[0],
            zmax=z_range[1],
            colorbar=dict(title=dict(text=colorbar_title)),
            hoverongaps=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(height=max(420, row_height * len(ys) + 180))
    return finish(fig, title, note)


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
    """One horizontal bar per row against its own threshold (a black tick); the ``text`` column (e.g. "84% ready:
    passed") is printed beside each bar, so colour is never the only signal. A withheld value draws no bar."""
    df, title = lowest(df, label, value, title)
    flags = df[passed].to_list()
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=df[value].to_list(),
            y=_literals(df[label].to_list()),
            orientation="h",
            name="% ready",
            marker_color=[GOOD if p else NOT_YET for p in flags],
            text=_literals(df[text].to_list()),
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=df[threshold].to_list(),
            y=_literals(df[label].to_list()),
            mode="markers",
            name="Threshold",
            marker=dict(symbol="line-ns", size=26, line=dict(width=4, color="#000000")),
            hovertemplate="threshold %{x:.0f}%<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=x_title, range=[0, 135])
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(showlegend=True, height=max(420, 30 * df.height + 180))
    return finish(fig, title, note)


def scatter_figure(
    df: pl.DataFrame, x: str, y: str, label: str, title: str, *, x_title: str, y_title: str, note: str | None = None
) -> go.Figure:
    """One point per row, labelled (up to ``MAX_ROWS`` points; beyond it the names are in the hover text only, a
    cloud of thousands of names being unreadable), with zero lines for reading gains and losses."""
    labelled = df.height <= MAX_ROWS
    fig = go.Figure(
        go.Scatter(
            x=df[x].to_list(),
            y=df[y].to_list(),
            text=_literals(df[label].to_list()),
            mode="markers+text" if labelled else "markers",
            textposition="top center",
            textfont=dict(size=12),
            marker=dict(size=12 if labelled else 7, color=GOOD),
            hovertemplate="%{text}<br>%{x:.1f}, %{y:.1f}<extra></extra>",
        )
    )
    fig.add_hline(y=0, line=dict(color="#888888", width=1))
    fig.update_xaxes(title_text=x_title, showgrid=True, gridcolor="#e6e6e6")
    fig.update_yaxes(title_text=y_title)
    return finish(fig, title, note)


# Performance levels 1 (lowest) to 5 (highest) of the status x change grid: ColorBrewer PuOr, safe for the common
# colour-vision deficiencies and in greyscale; each cell also prints its words, so colour is never the only signal.
LEVEL_COLOURS = ["#B35806", "#F1A340", "#F7F7F7", "#998EC3", "#542788"]
LEVEL_TEXT = ["#FFFFFF", "#000000", "#000000", "#000000", "#FFFFFF"]  # at least 4.5:1 on each fill


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
    for r, s in enumerate(ys):  # per-cell annotations: text colour chosen for contrast with the cell's fill
        for col, ch in enumerate(xs):
            level = z[r][col]
            fig.add_annotation(
                x=ch, y=s, text=text[r][col], showarrow=False, font=dict(size=14, color=LEVEL_TEXT[level - 1])
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
    fig = go.Figure(
        go.Heatmap(
            x=weeks,
            y=[WEEKDAYS[d] for d in days],
            z=z,
            text=[["" if v is None else str(v) for v in row] for row in z],
            texttemplate="%{text}",
            textfont=dict(size=11),
            colorscale="Cividis",
            reversescale=True,
            zmin=0,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            colorbar=dict(title=dict(text=value)),
            hovertemplate="week of %{x|%d %b %Y}, %{y}: %{z} " + value + "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat="%b %Y", dtick="M1", ticklabelmode="period", title_text="Week (each column is a week)")
    fig.update_layout(height=360)
    return finish(fig, title, note)
