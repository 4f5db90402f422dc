"""Rendering: a page's header, its charts (with their data and downloads), tables, headline figures, the district
benchmark caption and the footnote under every page; each drawn for the screen or, while presenting, a projector.
Every download is recorded in the audit log."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.auth import access
from dashboard.core.safe_csv import to_csv_bytes
from dashboard.core.text import markdown_literal
from dashboard.present import images, projector
from dashboard.present.common import data_table
from dashboard.services import downloads
from dashboard.ui.data import benchmark, get_engine, latest_import_date, thresholds
from dashboard.ui.presentation import presentation_controls
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
        (st.write if presenting() else st.caption)(
            markdown_literal(
                f"Figures above are for {scope_label()}. District benchmark, all {last['district_schools']} "
                f"schools, {subject} {year}: All Students {last['pct_proficient']:.1f}% proficient."
            )
        )


def show_chart(fig: go.Figure, data_frame: pl.DataFrame | None, key: str, note: str | None = None) -> None:
    """The chart, then its data in an expander with CSV and PNG downloads (the same withheld blanks as the chart).
    While presenting: the chart lettered for a projector, its note in full-size text, no expander."""
    if presenting():
        st.plotly_chart(
            projector.for_projector(fig), width="stretch", config={"displayModeBar": False}, key=f"chart_{key}"
        )
        if note:
            st.write(markdown_literal(note))
        return
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key=f"chart_{key}")
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


PRESENT_LIST_ROWS = 12  # on a projector, a short table reads as a list; a long one stays on the page's screen view
LONG_TABLE_ROWS = 500  # past this many rows a page's table is drawn only when asked for


def show_table(frame: pl.DataFrame, key: str) -> None:
    """The table with a CSV download. A long one (over ``LONG_TABLE_ROWS`` rows: every team or school of a state)
    is drawn only when asked for, so it is not sent again on every rerun of the page."""
    if presenting():
        if 0 < frame.height <= PRESENT_LIST_ROWS and frame.width <= 3:
            st.markdown(
                "\n".join(
                    "- " + markdown_literal(": ".join(str(v) for v in row if v is not None))
                    for row in frame.iter_rows()
                )
            )
        return
    if frame.height > LONG_TABLE_ROWS:
        _table_on_request(f"All {frame.height:,} rows", frame, key)
    else:
        _table_and_download(frame, key)


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
    st.dataframe(frame.to_arrow(), width="stretch", hide_index=True)  # Arrow as it is: no pandas copy
    st.download_button(
        "Download CSV",
        data=lambda: to_csv_bytes(frame),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"download_{key}",
        on_click=_audit_download,
        args=(access.current().username, f"{key}.csv", frame.height),
    )


def footnote(extra: str | None = None) -> None:
    """Privacy rule and source line under every page."""
    latest = latest_import_date()
    source = f"Source: district files loaded through {latest}." if latest else "Source: no district files loaded yet."
    text = " ".join(x for x in (extra, thresholds().footnote(), source) if x)
    if presenting():
        st.write(text)  # full-size text on a projector
        presentation_controls()
    else:
        st.caption(text)


def page_header(title: str, intro: str) -> None:
    st.title(title)
    if presenting():
        st.write(intro)
    else:
        st.caption(intro)
        presentation_controls()


def show_kpis(kpis: list[tuple[str, str, str | None]]) -> None:
    """Headline figures: metrics on screen; on a projector, full-size sentences (metric labels are small type)."""
    if presenting():
        st.markdown(
            "  \n".join(
                f"**{markdown_literal(value)}** {markdown_literal(label)}"
                + (f" ({markdown_literal(delta)})" if delta else "")
                for label, value, delta in kpis
            )
        )
        return
    for col, (label, value, delta) in zip(st.columns(len(kpis)), kpis, strict=True):
        col.metric(markdown_literal(label), value, delta)  # a metric's label is Markdown; its value and delta are not
