"""Rendering: a page's header, its charts (with their data and downloads), tables, headline figures, the district
benchmark caption and the footnote under every page; each drawn for the screen or, while presenting, a projector.
Every download is recorded in the audit log."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard.auth import access
from dashboard.core.safe_csv import to_csv_bytes
from dashboard.core.text import markdown_literal
from dashboard.present import images, projector
from dashboard.present.common import data_table
from dashboard.present.words import DASH, display_table
from dashboard.services import downloads
from dashboard.ui.data import benchmark, get_engine, latest_import_date, thresholds
from dashboard.ui.presentation import (
    HEADING_PX,
    deck_controls,
    deck_start,
    headed,
    presentation_controls,
    screen,
    section,
)
from dashboard.ui.state import presenting, scope_label


def audit_download(name: str, rows: int | None = None) -> None:
    """Record a download in the audit log (use as a download button's ``on_click`` with ``args``)."""
    caller = access.current()
    _audit_download(caller.username, name, rows)


def _audit_download(username: str, name: str, rows: int | None) -> None:
    downloads.record(get_engine(), username, name, rows)


def benchmark_caption(subject: str | None) -> None:
    """For a scoped user: the whole district's All Students rate in a subject, the benchmark for their rollup."""
    frame = benchmark(subject or "All")
    if frame is None or frame.is_empty():
        return
    shown = frame.filter(pl.col("pct_proficient").is_not_null()).sort("year_start")
    if shown.height:
        last = shown.row(-1, named=True)
        year = f"{last['year_start']}-{(last['year_start'] + 1) % 100:02d}"
        if presenting():  # a deck shows charts and tables only; each chart's title names its own scope
            return
        st.caption(
            markdown_literal(
                f"Figures above are for {scope_label()}. District benchmark, all {last['district_schools']} "
                f"schools, {subject} {year}: All Students {last['pct_proficient']:.1f}% proficient."
            )
        )


class _WireForm(BaseFigure):
    """A figure as Streamlit sends it, made once. ``st.plotly_chart`` asks a figure for ``to_dict()`` on every run,
    a deep copy of every trace and a base64 pass over every array: most of a warm rerun's chart time. A shared
    figure (``dashboard.ui.cache.figure``) never changes, so its dict is made once and handed over as this stand-in,
    whose ``to_dict`` returns it (Streamlit only reads it: it writes the JSON)."""

    def __init__(self, spec: dict) -> None:  # no figure is built: the dict is the whole of it
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _drawn(fig: go.Figure, projector_height: int | None = None) -> go.Figure:
    """What ``st.plotly_chart`` is given: the figure (or its projector copy, ``projector_height``), or for a shared
    figure its wire form, made once per form and kept on the figure."""
    shared = getattr(fig, "_shared_figure", False)
    forms: dict | None = getattr(fig, "_wire_forms", None) if shared else None
    if forms is not None and projector_height in forms:
        return forms[projector_height]
    shown = fig if projector_height is None else projector.for_projector(fig, projector_height)
    if not shared:
        return shown
    form = _WireForm(shown.to_dict())
    fig._wire_forms = {**(forms or {}), projector_height: form}  # a new dict: a reader never sees one half-made
    return form


def show_chart(fig: go.Figure, data_frame: pl.DataFrame | None, key: str, note: str | None = None) -> None:
    """The chart, then its data in an expander with CSV and PNG downloads (the same withheld blanks as the chart).
    While presenting: the chart lettered for a projector, its note in full-size text, no expander."""
    if presenting():  # one screen of the deck: the chart lettered for a projector, and its note
        if screen():
            st.plotly_chart(
                _drawn(fig, projector.height_beside(note) - (HEADING_PX if headed() else 0)),
                width="stretch",
                theme=None,
                config={"displayModeBar": False},
                key=f"chart_{key}",
            )
            if note:
                st.write(markdown_literal(note))
        return
    # theme=None: the chart as its template draws it (Streamlit's own theme greys the tick labels to 3.7:1)
    st.plotly_chart(_drawn(fig), width="stretch", theme=None, config={"displayModeBar": False}, key=f"chart_{key}")
    if note:
        st.caption(markdown_literal(note))
    if data_frame is not None and data_frame.height:
        _table_on_request("Data table", data_frame, key, labelled=True)
    st.download_button(
        "Download chart as PNG (1920x1080)",
        data=lambda: images.figure_png(projector.for_projector(fig)),
        file_name=f"{key}.png",
        mime="image/png",
        key=f"png_{key}",
        on_click=_audit_download,
        args=(access.current().username, f"{key}.png", None),
    )


PRESENT_LIST_ROWS = 30  # on a projector, a table of up to three columns reads as a list in large type
PRESENT_LIST_COLUMN = 12  # items of a list in one column; a longer list is set in two
PRESENT_TABLE_ROWS = 7  # rows of a wider table on one screen of the deck; a longer one runs over more screens
PRESENT_WIDE_TABLE_ROWS = 4  # rows of a table of more than eight columns (its cells wrap over lines)
PRESENT_TABLE_SCREENS = 3  # screens a table may take; past them the deck says where the rest is
LONG_TABLE_ROWS = 500  # past this many rows a page's table is drawn only when asked for


def show_table(frame: pl.DataFrame, key: str, *, empty: str | None = None, note: str | None = None) -> None:
    """The table with a CSV download, shown as people read it (no "None" or "nan": ``words.display_table``). A long
    one (over ``LONG_TABLE_ROWS`` rows: every team or school of a state) is drawn only when asked for, so it is not
    sent again on every rerun of the page. ``empty``: what to say where there are no rows; ``note``: a line under
    it (what a dash means). While presenting: a screen of the deck (or a few), in large type."""
    if presenting():
        _present_table(frame, empty, note)
        return
    if frame.is_empty():
        if empty:
            st.info(markdown_literal(empty))
        return
    if frame.height > LONG_TABLE_ROWS:
        _table_on_request(f"All {frame.height:,} rows", frame, key)
    else:
        _table_and_download(frame, key)
    if note:
        st.caption(markdown_literal(note))


def _cell(value: object) -> str:
    return DASH if value is None else markdown_literal(value)


def _present_table(frame: pl.DataFrame, empty: str | None, note: str | None) -> None:
    if frame.is_empty():
        if screen():
            st.write(markdown_literal(empty or "None to show."))
        return
    shown = display_table(frame)
    if frame.width <= 3 and frame.height <= PRESENT_LIST_ROWS:  # a list in large type, in two columns past 12
        if screen():
            items = ["- " + ": ".join(_cell(v) for v in row if v not in (None, "")) for row in shown.iter_rows()]
            if len(items) <= PRESENT_LIST_COLUMN:
                st.markdown("\n".join(items))
            else:
                half = -(-len(items) // 2)
                for place, part in zip(st.columns(2), (items[:half], items[half:]), strict=True):
                    place.markdown("\n".join(part))
        return
    per = PRESENT_TABLE_ROWS if frame.width <= 8 else PRESENT_WIDE_TABLE_ROWS
    pages = min(PRESENT_TABLE_SCREENS, -(-shown.height // per))
    for k in range(pages):
        if screen():
            rows_of = shown.slice(k * per, per)
            header = "| " + " | ".join(markdown_literal(n) for n in rows_of.columns) + " |"
            rule = "|" + "---|" * rows_of.width
            rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows_of.iter_rows()]
            st.markdown("\n".join([header, rule, *rows]))
            last = min(shown.height, (k + 1) * per)
            rest = (
                "" if last == shown.height or k < pages - 1 else "; the rest are on the page outside presentation mode"
            )
            st.write(
                markdown_literal(
                    f"Rows {k * per + 1} to {last} of {shown.height}{rest}." + (f" {note}" if note else "")
                )
            )


def table_key(key: str) -> str:
    """The session-state key of the expander holding table ``key`` (a chart's data, a long table): True while open."""
    return f"table_{key}"


def _table_on_request(label: str, frame: pl.DataFrame, key: str, *, labelled: bool = False) -> None:
    """The table in an expander whose content is drawn only while it is open (Streamlit's lazy expander: opening
    it reruns the page). A closed one costs a rerun nothing; before, every table was sent on every run, open or
    not, as Arrow with its CSV button. ``labelled``: a chart's frame, shown as its data table (``data_table``)."""
    table = st.expander(label, key=table_key(key), on_change="rerun")
    if table.open:
        with table:
            _table_and_download(data_table(frame) if labelled else frame, key)


def _table_and_download(frame: pl.DataFrame, key: str) -> None:
    # shown without "None" or "nan" (a dash, or withheld); the CSV keeps its blanks, as an export does
    st.dataframe(display_table(frame).to_arrow(), width="stretch", hide_index=True)
    st.download_button(
        "Download CSV",
        data=lambda: to_csv_bytes(frame),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"download_{key}",
        on_click=_audit_download,
        args=(access.current().username, f"{key}.csv", frame.height),
    )


def say(text: str) -> None:
    """A page's sentence (what the charts show, in words): on screen; a deck shows charts and tables alone."""
    if not presenting():
        st.write(markdown_literal(text))


def footnote(extra: str | None = None) -> None:
    """Privacy rule and source line under every page."""
    latest = latest_import_date()
    source = f"Source: district files loaded through {latest}." if latest else "Source: no district files loaded yet."
    text = " ".join(x for x in (extra, thresholds().footnote(), source) if x)
    if presenting():  # the last screen of the deck: what the figures mean, where they come from
        section("About these figures")
        if screen():
            st.write(markdown_literal(text))
        deck_controls()
    else:
        st.caption(text)


def page_header(title: str, intro: str) -> None:
    deck_start()
    st.title(title)
    if not presenting():
        st.caption(intro)
        presentation_controls()


def show_kpis(kpis: list[tuple[str, str, str | None]]) -> None:
    """Headline figures, each a tile whose label wraps (never cut to "76% of we..."): the value large, the label
    and the change under it; on a projector, a screen of the deck in large type."""
    if presenting():
        if screen():
            st.markdown(
                "\n".join(
                    f"- **{markdown_literal(value)}** {markdown_literal(label)}"
                    + (f" ({markdown_literal(delta)})" if delta else "")
                    for label, value, delta in kpis
                )
            )
        return
    for col, (label, value, delta) in zip(st.columns(len(kpis)), kpis, strict=True):
        with col.container(border=True):
            # the value as a metric (its label hidden: metric labels are cut at one line), the label as text that wraps
            st.metric(markdown_literal(label), value, delta, delta_color="off", label_visibility="collapsed")
            st.markdown(markdown_literal(label))
