"""Data: upload and load a file, see every problem when it is rejected, the import history, and templates."""

import streamlit as st

from dashboard import ui
from dashboard.core.sources import SOURCES
from dashboard.present.data import import_history, last_loaded, template_csv

ui.page_header(
    "Data",
    "Load a district file (CSV or XLSX). Every file is checked first: a file with any problem "
    "writes nothing, and each problem is listed with its row as your spreadsheet shows it.",
)
upload = st.file_uploader("File to load", type=["csv", "xlsx"], key="data_upload")
source = st.selectbox("Source", list(SOURCES), key="data_source", format_func=lambda s: f"{s}: {SOURCES[s].help}")
mapping = st.file_uploader("Mapping file (optional, for files in another shape)", type=["toml"], key="data_mapping")

if st.button("Validate and load", type="primary", disabled=upload is None, key="data_load") and upload is not None:
    bar = st.progress(0.0, text="Starting")
    result = ui.handle_upload(
        upload.name,
        upload.getvalue(),
        source,
        mapping.name if mapping else None,
        mapping.getvalue() if mapping else None,
        progress=lambda fraction, text: bar.progress(fraction, text=text),
    )
    ui.show_upload_result(result)

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
