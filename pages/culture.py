"""Culture and outcomes: each school's culture measure against its change in achievement."""

import streamlit as st

from dashboard import charts, ui, views

ui.page_header("Culture and outcomes", "Do schools whose culture moved also see achievement move? Each point is "
               "one school in its latest year.")
summary = ui.table("school_summary")
network, level = ui.network_level_filters(summary)
measure = st.radio("Culture measure", list(views.CULTURE_MEASURES), horizontal=True, key="culture_measure")
v = views.culture(summary, measure, network, level)
if v.empty:
    st.info(v.empty)
    st.stop()

ui.show_chart(charts.scatter_figure(v.frames["scatter"], "x", "all_students_change_pp", "school_name",
                                    v.titles["scatter"], x_title=measure,
                                    y_title="All Students change in proficiency (pp)"),
              v.frames["scatter"], "culture_scatter")
st.write(v.sentence)
ui.footnote()
