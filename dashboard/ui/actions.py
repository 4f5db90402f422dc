"""The actions a page starts with a button: load an upload, undo an import, build the board pack. Each calls one
service (``dashboard.services``) for the caller of this run, then reads the data version again when data changed,
so the rest of the run shows the data as it now is."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.auth import access
from dashboard.core.school_year import school_year_label
from dashboard.core.text import markdown_literal
from dashboard.services import board_pack, loading, purge, undo
from dashboard.services.loading import UploadResult
from dashboard.ui.data import get_engine, read_data_version, settings_values
from dashboard.ui.render import show_table


def build_board_pack(year: str, school_id: str | None) -> dict[str, tuple[str, bytes]]:
    """The board pack for the caller's scope: {kind: (file name, bytes)} for the PPTX, the PDF and a ZIP of the
    PNGs; recorded in the audit log as a download."""
    return board_pack.build_files(get_engine(), access.current(), year, school_id)


def undo_import(import_id: int) -> tuple[bool, str]:
    """Undo one import for an admin: (done, what happened or why it was refused), recorded in the audit log."""
    done, message = undo.undo_for(get_engine(), access.current(), import_id)
    if done:
        read_data_version()  # the rest of this run shows the data as it now is
    return done, message


def undo_controls(history: pl.DataFrame) -> None:
    """Pick a loaded import and undo it; the result, or the reason it was refused, in a sentence."""
    loaded = history.filter(pl.col("status") == "loaded") if history.height else history
    if loaded.is_empty():
        return
    labels = {
        row["id"]: f"{row['id']}: {row['file_name']} ({row['source']}, {str(row['loaded_at'])[:16]})"
        for row in loaded.sort("id", descending=True).iter_rows(named=True)
    }
    chosen = st.selectbox("Import to undo", list(labels), format_func=lambda i: labels[i], key="undo_import_id")
    if (
        st.button(
            "Undo this import",
            key="undo_import",
            help="Restores exactly what the database held before it; refused when a later import changed what it wrote",
        )
        and chosen is not None
    ):
        done, message = undo_import(int(chosen))
        (st.success if done else st.error)(message)


def purge_controls() -> None:
    """Records retention, for an admin: pick the first school year to keep, read what would be removed, type the
    year to confirm, and purge (every source's rows and history before it, in one transaction, audited). Drawn only
    while its expander is open: the stored years and the counts are read then, not on every run of the page."""
    section = st.expander("Purge records before a school year", key="purge_open", on_change="rerun")
    if not section.open:
        return
    with section:
        _purge_form()


def _purge_form() -> None:
    years = purge.stored_years(get_engine())[1:]  # purging before the oldest stored year would remove nothing
    if not years:
        st.caption("Only one school year is stored: there is nothing older to remove.")
        return
    labels = [school_year_label(y) for y in years]
    before = st.selectbox("Keep the school years from", labels, key="purge_before")  # the least removed, unless chosen
    with get_engine().connect() as conn:
        rows, history = purge.counts_before(conn, purge.year_start_of(before))
    each = ", ".join(f"{n:,} {source}" for source, n in rows.items() if n) or "none"
    st.warning(
        f"This deletes, for good, every row of the school years before {before}: {sum(rows.values()):,} rows "
        f"({each}) and {sum(history.values()):,} history rows. It cannot be undone. Schools stay."
    )
    typed = st.text_input(f"Type {before} to confirm", key="purge_confirm")
    if st.button("Purge these records", key="purge", disabled=typed.strip() != before):
        done, message = purge.purge_for(get_engine(), access.current(), before)
        if done:
            read_data_version()  # the rest of this run shows the data as it now is
        (st.success if done else st.error)(message)


def handle_upload(
    file_name: str,
    data: bytes,
    source: str,
    mapping_name: str | None = None,
    mapping_bytes: bytes | None = None,
    progress=None,
    others: dict[str, bytes] | None = None,
) -> UploadResult:
    """Check, preview, validate and load one uploaded file (and optional mapping) under the upload's own name.
    ``progress(fraction, text)`` is told of each step. Loading is an admin's: anyone else gets PermissionError."""
    result = loading.load_upload(
        get_engine(),
        access.current(),
        settings_values(),
        file_name,
        data,
        source,
        mapping_name,
        mapping_bytes,
        progress,
        others,
    )
    if result.ok:
        read_data_version()  # the rest of this run shows the data just loaded
    return result


def load_upload(upload, source: str, mapping_upload=None):
    """An ``st.file_uploader`` upload (and optional mapping upload) through ``handle_upload``."""
    return handle_upload(
        upload.name,
        upload.getvalue(),
        source,
        mapping_upload.name if mapping_upload is not None else None,
        mapping_upload.getvalue() if mapping_upload is not None else None,
    )


def show_upload_result(result: UploadResult) -> None:
    """The Data page's report on one upload: the preview, then the summary or every problem as a table."""
    if result.preview is not None and result.preview.height:
        st.markdown(
            f"**Preview: the first {result.preview.height} rows of {markdown_literal(result.file_name)}, as read**"
        )
        st.dataframe(result.preview, width="stretch", hide_index=True)
    if result.ok:
        st.success(markdown_literal("Loaded. " + " ".join(result.summary)))
    else:
        st.error(
            markdown_literal(
                f"{result.file_name} was rejected: {result.problems.height} problem"
                f"{'' if result.problems.height == 1 else 's'}, nothing was written."
            )
        )
        show_table(result.problems, "load_problems")
