"""School profile: one school's four strands over time, and what changed in its latest year."""

import streamlit as st

from dashboard import charts, ui, views

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

left, right = st.columns(2)
with left:
    ui.show_chart(charts.line_figure(v.frames["trust"], "school_year", "trust_index", v.titles["trust"],
                                     y_title="Trust index (0-100)", y_range=(0, 100)), v.frames["trust"], "school_trust")
with right:
    cpl = v.frames["cpl"]
    fig = (charts.line_figure(cpl, "school_year", "consistency_pct", v.titles["cpl"], y_title="% of school weeks",
                              y_range=(0, 105)) if cpl.height else charts.empty_figure(v.titles["cpl"]))
    ui.show_chart(fig, cpl, "school_cpl")
left, right = st.columns(2)
with left:
    votes = v.frames["readiness"]
    fig = (charts.bar_figure(votes, "vote", "pct_ready_of_cast", v.titles["readiness"], text="label",
                             y_title="% ready of votes cast", x_title="Vote date", value_range=(0, 110),
                             threshold=votes["threshold_pct"].max(), threshold_label="threshold")
           if votes.height else charts.empty_figure(v.titles["readiness"]))
    ui.show_chart(fig, votes, "school_readiness")
with right:
    ui.show_chart(charts.line_figure(v.frames["proficiency"], "school_year", "pct_proficient",
                                     v.titles["proficiency"], series="student_group", y_title="% proficient",
                                     y_range=(0, 100), ci_low="ci_low", ci_high="ci_high"),
                  v.frames["proficiency"], "school_proficiency", note=v.notes.get("proficiency"))
ui.footnote("Error bars are 95% Wilson intervals.")
