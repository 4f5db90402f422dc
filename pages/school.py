"""School profile: one school's four strands over time, and what changed in its latest year."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.common import ALL
from dashboard.present.school import school_profile

ui.page_header(
    "School profile",
    "One school's trust, collective professional learning, readiness votes and achievement, year by year.",
)
school = ui.school_filter(ui.choices("schools"), allow_all=False)
if school is None:
    st.info("No schools loaded yet. Load a schools file on the Data page.")
    st.stop()
# one school's rows, read for that school alone
mine = {
    name: ui.data(name, school=school) for name in ("achievement_cells", "trust_results", "cpl_cadence", "readiness")
}
subject = ui.select_filter("subject", "Subject", ui.choices("achievement_cells", school=school).subjects)
v = ui.view(
    school_profile,
    school,
    mine["achievement_cells"],
    mine["trust_results"],
    mine["cpl_cadence"],
    mine["readiness"],
    ui.data("thresholds"),
    subject or ALL,
)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
st.subheader(markdown_literal(v.extra["school_name"]))
st.write(markdown_literal(v.sentence))

left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.school_trust, v), v.frames["trust"], "school_trust")
with right:
    ui.show_chart(ui.figure(figures.school_cpl, v), v.frames["cpl"], "school_cpl")
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.school_readiness, v), v.frames["readiness"], "school_readiness")
with right:
    ui.show_chart(
        ui.figure(figures.school_proficiency, v),
        v.frames["proficiency"],
        "school_proficiency",
        note=v.notes.get("proficiency"),
    )
ui.footnote("Error bars are 95% Wilson intervals.")
