"""School profile: one school's four strands over time, and what changed in its latest year."""

import streamlit as st

from dashboard import figures, ui, views

ui.page_header("School profile", "One school's trust, collective professional learning, readiness votes and "
               "achievement, year by year.")
cells = ui.table("achievement_cells")
schools = ui.table("school_summary")
school = ui.school_filter(schools, allow_all=False)
subject = ui.select_filter("subject", "Subject", views.options(cells, "subject"))
if school is None:
    st.info("No schools loaded yet. Load a schools file on the Data page.")
    st.stop()
v = views.school_profile(school, cells, ui.table("trust_results"), ui.table("cpl_cadence"),
                         ui.table("readiness"), ui.thresholds(), subject or views.ALL)
if v.empty:
    st.info(v.empty)
    st.stop()
st.subheader(v.extra["school_name"])
st.write(v.sentence)

left, right = ui.columns(2)
with left:
    ui.show_chart(figures.school_trust(v), v.frames["trust"], "school_trust")
with right:
    ui.show_chart(figures.school_cpl(v), v.frames["cpl"], "school_cpl")
left, right = ui.columns(2)
with left:
    ui.show_chart(figures.school_readiness(v), v.frames["readiness"], "school_readiness")
with right:
    ui.show_chart(figures.school_proficiency(v), v.frames["proficiency"], "school_proficiency",
                  note=v.notes.get("proficiency"))
ui.footnote("Error bars are 95% Wilson intervals.")
