"""Board pack: the district's (or one school's) charts for a school year as a PPTX, a PDF and PNGs."""

import functools

import streamlit as st

from dashboard import ui
from dashboard.present.board_pack import BoardPackError
from dashboard.present.common import ALL_STUDENTS

PACK_KEY = "board_pack"  # the files built in this session, kept for the user who built them

ui.page_header(
    "Board pack",
    "Every chart for a school year, one per slide, with its footnote, alt text and speaker "
    "notes that define each measure in plain words; a PDF of the same, and the charts as 1920x1080 PNGs.",
)
kind = ui.choice("Pack for", ["The district", "One school"], key="pack_kind")
school = ui.school_filter(ui.choices("schools"), allow_all=False) if kind == "One school" else None
years = ui.choices("school_cells", groups=(ALL_STUDENTS,)).years  # the years with All Students results
if not years:
    st.info("No results loaded yet: a board pack needs at least one school year of data.")
    st.stop()
year = ui.select_filter("year", "School year", years) or years[0]  # a filter with choices always has a value
if st.button("Build the board pack", type="primary", key="build_pack"):
    with st.spinner("Drawing the charts (a few seconds each) ..."):
        try:  # kept with the user's name beside it: nobody signing in next on this tab gets it (ui.keep_for_user)
            ui.keep_for_user(PACK_KEY, ui.build_board_pack(year, school))
        except BoardPackError as exc:
            st.error(str(exc))
pack: dict[str, tuple[str, bytes]] = ui.kept_for_user(PACK_KEY, {})
for label, (name, data) in pack.items():
    mime = {
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "png": "application/zip",
    }[label]
    # handed over only when clicked (SECURITY.md, Downloads): no media URL holds the file before then
    st.download_button(
        f"Download {name}", data=functools.partial(bytes, data), file_name=name, mime=mime, key=f"pack_{label}"
    )
ui.footnote("The pack obeys the same privacy rules as the pages: a withheld figure reaches no slide, note or image.")
