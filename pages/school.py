"""School profile: one school's four strands over time, and what changed in its latest year."""

import streamlit as st

from dashboard import figures, ui, views

ui.page_header("School profile", "One school's trust, collective professional learning, readiness votes and "
               "achievement, year by year.")
school = ui.school_filter(ui.choices("school_summary"), allow_all=False)
subject = ui.select_filter("subject", "Subject", ui.choices("achievement_cells").subjects)
if school is None:
    st.info("No schools loaded yet. Load a schools file on the Data page.")
    st.stop()
v = ui.view(views.school_profile, school, ui.data("achievement_cells"), ui.data("trust_results"),
            ui.data("cpl_cadence"), ui.data("readiness"), ui.data("thresholds"), subject or views.ALL)
if v.empty:
    st.info(v.empty)
    st.stop()
st.subheader(v.extra["school_name"])
st.write(v.sentence)

left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.school_trust, v), v.frames["trust"], "school_trust")
with right:
    ui.show_chart(ui.figure(figures.school_cpl, v), v.frames["cpl"], "school_cpl")
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.school_readiness, v), v.frames["readiness"], "school_readiness")
with right:
    ui.show_chart(ui.figure(figures.school_proficiency, v), v.frames["proficiency"], "school_proficiency",
                  note=v.notes.get("proficiency"))
ui.footnote("Error bars are 95% Wilson intervals.")
