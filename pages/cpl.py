"""Collective professional learning: how often, how long and how consistently teams meet."""

import streamlit as st

from dashboard import charts, figures, ui, views

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

left, right = ui.columns(2)
with left:
    ui.show_chart(figures.cpl_consistency(v, unit), v.frames["consistency"], "cpl_consistency")
with right:
    ui.show_chart(charts.bar_figure(v.frames["minutes"], unit, "minutes_per_month", v.titles["minutes"],
                                    text="minutes_label", y_title="minutes per month", horizontal=True),
                  v.frames["minutes"], "cpl_minutes")
d = views.cpl_detail(ui.table("cpl_team_months"), ui.table("cpl_protocols"), ui.table("cpl_meeting_days"), cadence,
                     year, network, level, school or views.ALL, st.session_state.get("cpl_team_a"),
                     st.session_state.get("cpl_team_b"))
ui.show_chart(charts.heatmap_figure(d.frames["monthly"], "month_label", unit, "minutes_per_team", "label",
                                    d.titles["monthly"], z_range=(0, float(d.frames["monthly"]["minutes_per_team"].max())),
                                    colorbar_title="minutes per team", row_height=44),
              d.frames["monthly"].drop("label"), "cpl_monthly")
ui.show_chart(charts.calendar_figure(d.frames["calendar"], d.titles["calendar"]), d.frames["calendar"],
              "cpl_calendar", note=d.notes.get("calendar"))
left, right = ui.columns(2)
with left:
    ui.show_chart(charts.bar_figure(v.frames["types"], "team_type", "consistency_pct", v.titles["types"],
                                    text="label", y_title="% of school weeks with a meeting", value_range=(0, 110)),
                  v.frames["types"], "cpl_types")
with right:
    ui.show_chart(charts.bar_figure(d.frames["protocols"], "protocol", "meetings", d.titles["protocols"],
                                    text="label", y_title="meetings", horizontal=True,
                                    value_range=(0, 1.45 * float(d.frames["protocols"]["meetings"].max() or 1))),
                  d.frames["protocols"], "cpl_protocols")
st.subheader("Compare two teams")
keys = d.extra["team_keys"]
a, b = ui.columns(2)
ui.pick(a, "First team", keys, d.extra["team_a"], "cpl_team_a")
ui.pick(b, "Second team", keys, d.extra["team_b"], "cpl_team_b")
if d.frames["pair"].height:
    ui.show_chart(charts.bar_figure(d.frames["pair"], "month_label", "minutes", d.titles["pair"], series="key",
                                    text="label", y_title="minutes in the month", x_title="Month"),
                  d.frames["pair"], "cpl_pair")
    ui.show_table(d.frames["pair_table"], "cpl_pair_table")
st.subheader("Teams")
ui.show_table(v.frames["table"], "cpl_teams")
ui.footnote("School weeks are the Monday-based weeks of the school year in which any team in the district met. "
            "Attendance is attendees over team size where the size is given.")
