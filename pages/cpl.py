"""Collective professional learning: how often, how long and how consistently teams meet."""

import streamlit as st

from dashboard import charts, ui, views

ui.page_header("Collective professional learning", "Teams meeting to learn together: is there dedicated time, "
               "is it consistent week to week, who attends, and how do kinds of team compare?")
cadence = ui.table("cpl_cadence")
network, level = ui.network_level_filters(cadence)
school = ui.school_filter(cadence)
year = ui.select_filter("year", "School year", sorted(views.options(views.with_school_year(cadence), "school_year"),
                                                      reverse=True))
v = views.cpl(cadence, year, network, level, school or views.ALL)
if v.empty:
    st.info(v.empty)
    st.stop()
st.write(v.sentence)
unit = "school_name" if (school or views.ALL) == views.ALL else "team"

left, right = st.columns(2)
with left:
    ui.show_chart(charts.bar_figure(v.frames["consistency"], unit, "consistency_pct", v.titles["consistency"],
                                    text="label", y_title="% of school weeks with a meeting", horizontal=True,
                                    value_range=(0, 140)), v.frames["consistency"], "cpl_consistency")
with right:
    ui.show_chart(charts.bar_figure(v.frames["minutes"], unit, "minutes_per_month", v.titles["minutes"],
                                    text="minutes_label", y_title="minutes per month", horizontal=True),
                  v.frames["minutes"], "cpl_minutes")
ui.show_chart(charts.bar_figure(v.frames["types"], "team_type", "consistency_pct", v.titles["types"], text="label",
                                y_title="% of school weeks with a meeting", value_range=(0, 110)),
              v.frames["types"], "cpl_types")
st.subheader("Teams")
ui.show_table(v.frames["table"], "cpl_teams")
ui.footnote("School weeks are the Monday-based weeks of the school year in which any team in the district met. "
            "Attendance is attendees over team size where the size is given.")
