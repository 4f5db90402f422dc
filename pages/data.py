"""Data: upload and load a file, see every problem when it is rejected, the import history, and templates."""

import streamlit as st

from dashboard import ui
from dashboard.core.sources import SOURCES
from dashboard.present.data import import_history, last_loaded, template_csv

ui.page_header(
    "Data",
    "Load a district file: a state assessment download, a survey vendor's export, a form's responses or a "
    "canonical file (CSV, TXT or XLSX). The page reads the file, says what it holds and which of its columns feeds "
    "each column of the dashboard; change anything, check every row, then load. A file with any problem writes "
    "nothing, and each problem is listed with its row as your spreadsheet shows it.",
)
upload = st.file_uploader("File to load", type=["csv", "txt", "tsv", "xlsx"], key="data_upload")
with st.expander("More files (optional)"):
    others = st.file_uploader(
        "Files the mapping reads beside it (for example a CAASPP entities file)",
        type=["csv", "txt"],
        accept_multiple_files=True,
        key="data_others",
    )
    mapping = st.file_uploader("A mapping file you already have (TOML)", type=["toml"], key="data_mapping")
if upload is not None and mapping is not None:
    ui.load_with_mapping_file(upload, mapping, others or [])
elif upload is not None:
    ui.guided_import(upload, others or [])

st.subheader("Saved mappings")
ui.saved_mappings()

st.subheader("When each source was last loaded")
ui.show_table(last_loaded(ui.import_history()), "last_loaded")

st.subheader("Import history")
history = import_history(ui.import_history())
if history.height:
    ui.show_table(history, "import_history")
    ui.undo_controls(ui.import_history())
else:
    st.info("No files have been loaded yet.")

st.subheader("Records retention")
st.caption(
    "Remove what the district may no longer keep: every source's rows of the school years before the one chosen, "
    "and their history. Recorded in the import history and the audit log; the audit log itself is kept for the "
    "days of the setting audit_log_days."
)
ui.purge_controls()

st.subheader("Templates")
st.write("Each template is the canonical header of one source; optional columns may be left out.")
for col, name in zip(st.columns(len(SOURCES)), SOURCES, strict=True):
    col.download_button(
        SOURCES[name].file_name,
        data=template_csv(name),
        file_name=SOURCES[name].file_name,
        mime="text/csv",
        key=f"template_{name}",
    )
ui.footnote()
