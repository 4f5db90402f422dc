"""The chart lint: what every figure of every page and of the board pack must hold, as a list of problems in words
(empty when the figure is sound). Run by the tests over every figure the pages' views and the board pack build on
the sample district; a browser test adds what only a rendered chart shows (overlapping text).

- a percent axis (its title names a percent, or a 0-100 index) has a fixed range within 0 to 100;
- a mean-score axis shows its scale (1 to 5 or more) or its title says plainly that it is cut;
- tick labels, text on bars and cells and notes read at 4.5:1 or more against what they sit on;
- every trace is named (a legend, a hover or a screen reader has a name to give);
- no text says "None" or "nan";
- on a projector (``projector.for_projector``), no text under 18 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go

from dashboard.present.contrast import TEXT_MIN_CONTRAST, contrast

PROJECTOR_MIN_FONT = 18
PLOTLY_DEFAULT_TEXT = "#444444"
BACKGROUND = "#FFFFFF"
MISSING_WORDS = re.compile(r"\b(None|nan|NaN|null)\b")
PERCENT_AXIS = re.compile(r"(%|percent|\(0-100\))", re.IGNORECASE)
NOT_PERCENT = re.compile(r"(\bpp\b|percentage points|change)", re.IGNORECASE)


def _axes(fig: go.Figure) -> Iterator[tuple[str, Any]]:
    layout = fig.layout
    for name in dir(layout):
        if re.fullmatch(r"[xy]axis\d*", name):
            axis = getattr(layout, name)
            if axis is not None:
                yield name, axis


def _template_colour(fig: go.Figure, axis_name: str) -> str | None:
    template = fig.layout.template.layout if fig.layout.template else None
    if template is None:
        return None
    base = re.sub(r"\d+$", "", axis_name)
    axis = getattr(template, base, None)
    if axis is not None and axis.tickfont and axis.tickfont.color:
        return axis.tickfont.color
    return template.font.color if template.font else None


def _tick_colour(fig: go.Figure, name: str, axis) -> str:
    return (
        (axis.tickfont.color if axis.tickfont else None)
        or _template_colour(fig, name)
        or fig.layout.font.color
        or PLOTLY_DEFAULT_TEXT
    )


def _texts(fig: go.Figure) -> Iterator[str]:
    if fig.layout.title.text:
        yield fig.layout.title.text
    for annotation in fig.layout.annotations or ():
        if annotation.text:
            yield annotation.text
    for _, axis in _axes(fig):
        if axis.title and axis.title.text:
            yield axis.title.text
        for tick in axis.ticktext or ():
            yield str(tick)
    for trace in fig.data:
        if trace.name:
            yield str(trace.name)
        text = getattr(trace, "text", None)
        if isinstance(text, str):
            yield text
        elif text is not None:
            for item in text:
                if isinstance(item, list | tuple):
                    yield from (str(v) for v in item if v is not None)
                elif item is not None:
                    yield str(item)
        for axis_values in (getattr(trace, "x", None), getattr(trace, "y", None)):
            if axis_values is not None and len(axis_values) and isinstance(axis_values[0], str):
                yield from (v for v in axis_values if isinstance(v, str))


def _font_sizes(fig: go.Figure) -> Iterator[tuple[str, float | None]]:
    layout = fig.layout
    yield "layout font", layout.font.size
    if layout.title.text:
        yield "title", layout.title.font.size or layout.font.size
    if layout.showlegend is not False:
        yield "legend", layout.legend.font.size or layout.font.size
    for name, axis in _axes(fig):
        if axis.visible is False:
            continue
        yield f"{name} ticks", axis.tickfont.size or layout.font.size
        if axis.title and axis.title.text:
            yield f"{name} title", axis.title.font.size or layout.font.size
    for annotation in layout.annotations or ():
        yield f"annotation {str(annotation.text)[:30]!r}", annotation.font.size or layout.font.size
    for trace in fig.data:
        if getattr(trace, "text", None) is not None and getattr(trace, "textfont", None) is not None:
            yield f"text of {trace.name!r}", trace.textfont.size or layout.font.size
        if getattr(trace, "type", None) == "heatmap" and trace.showscale is not False and trace.colorbar:
            yield f"colour bar of {trace.name!r}", trace.colorbar.tickfont.size or layout.font.size


def _colours(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def _text_contrast(fig: go.Figure) -> Iterator[str]:
    for name, axis in _axes(fig):
        if axis.visible is False or axis.showticklabels is False:
            continue
        colour = _tick_colour(fig, name, axis)
        if contrast(colour, fig.layout.plot_bgcolor or BACKGROUND) < TEXT_MIN_CONTRAST:
            yield f"{name} tick labels {colour} read at under {TEXT_MIN_CONTRAST}:1"
    for annotation in fig.layout.annotations or ():
        colour = annotation.font.color or fig.layout.font.color or PLOTLY_DEFAULT_TEXT
        on = annotation.bgcolor or BACKGROUND
        if colour and contrast(colour, on) < TEXT_MIN_CONTRAST:
            yield f"annotation {str(annotation.text)[:30]!r} in {colour} on {on}"
    for trace in fig.data:
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        fills = meta.get("fills")  # text printed on cells: each colour against its own cell
        if fills is not None:
            colours = _colours(trace.textfont.color)
            for colour, fill in zip(colours, fills, strict=False):
                if contrast(colour, fill) < TEXT_MIN_CONTRAST:
                    yield f"text of {trace.name!r} in {colour} on {fill}"
        if getattr(trace, "type", None) == "bar" and trace.text is not None:
            inside = _colours(trace.insidetextfont.color) if trace.insidetextfont else []
            bars = _colours(trace.marker.color)
            positions = [trace.textposition] * len(bars) if isinstance(trace.textposition, str) else trace.textposition
            for k, (bar, where) in enumerate(zip(bars, positions or [], strict=False)):
                if where == "inside":
                    colour = inside[k] if k < len(inside) else (inside[0] if inside else PLOTLY_DEFAULT_TEXT)
                    if contrast(colour, bar) < TEXT_MIN_CONTRAST:
                        yield f"text inside a bar of {trace.name!r}: {colour} on {bar}"


def _axis_range(fig: go.Figure, axis) -> tuple[float, float] | None:
    if axis.range is not None:
        low, high = axis.range
        return (float(min(low, high)), float(max(low, high)))
    return None


def lint_figure(fig: go.Figure, *, projector: bool = False, titled: bool = True) -> list[str]:
    """Every problem of ``fig`` in words (``projector``: the copy ``for_projector`` makes, whose fonts are checked;
    ``titled``: False for a board pack slide's figure, whose title the slide carries)."""
    problems: list[str] = []
    if titled and not fig.layout.title.text:
        problems.append("no title")
    for name, axis in _axes(fig):
        title = axis.title.text if axis.title and axis.title.text else ""
        if axis.visible is False or not title:
            continue
        bounds = _axis_range(fig, axis)
        if PERCENT_AXIS.search(title) and not NOT_PERCENT.search(title):
            if bounds is None:
                problems.append(f"percent axis {name} ({title!r}) has no fixed range")
            elif bounds[0] < 0 or bounds[1] > 100.0001:
                problems.append(f"percent axis {name} ({title!r}) runs {bounds[0]:g} to {bounds[1]:g}")
        mean_axis = "mean score" in title.lower() and "cut" not in title.lower()
        if mean_axis and (bounds is None or bounds[0] > 1 or bounds[1] < 5):
            problems.append(f"mean-score axis {name} ({title!r}) is cut without saying so")
    problems += list(_text_contrast(fig))
    for k, trace in enumerate(fig.data):
        if not trace.name:
            problems.append(f"trace {k} ({trace.type}) has no name")
    for text in _texts(fig):
        if MISSING_WORDS.search(re.sub(r"<[^>]+>", " ", text)):
            problems.append(f"text says None or nan: {text[:60]!r}")
    if projector:
        for what, size in _font_sizes(fig):
            if size is not None and size < PROJECTOR_MIN_FONT:
                problems.append(f"{what} at {size:g} px on a projector")
    return problems
