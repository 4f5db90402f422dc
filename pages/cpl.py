"""Collective professional learning: how often, how long and how consistently teams meet."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.common import ALL
from dashboard.present.cpl import cpl, cpl_detail, cpl_pair

ui.page_header(
    "Collective professional learning",
    "Teams meeting to learn together: is there dedicated time, "
    "is it consistent week to week, who attends, and how do kinds of team compare?",
)
offered = ui.choices("cpl_school_years")
network, level = ui.network_level_filters(offered)
school = ui.school_filter(offered, network=network, level=level) or ALL
year = ui.select_filter("year", "School year", offered.years)
cadence = ui.data("cpl_cadence", year)  # the team-year figures of the one school year shown
v = ui.view(cpl, cadence, year, network, level, school)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
ui.say(v.sentence)
unit = "school_name" if school == ALL else "team"

left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.cpl_consistency, v, unit), v.frames["consistency"], "cpl_consistency")
with right:
    ui.show_chart(ui.figure(figures.cpl_minutes, v, unit), v.frames["minutes"], "cpl_minutes")
# the meeting-level detail is read for the one school year shown
d = ui.view(cpl_detail, ui.data("cpl_meetings", year), cadence, year, network, level, school)
ui.show_chart(ui.figure(figures.cpl_monthly, d, unit), d.frames["monthly"].drop("label"), "cpl_monthly")
ui.show_chart(ui.figure(figures.cpl_calendar, d), d.frames["calendar"], "cpl_calendar", note=d.notes.get("calendar"))
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.cpl_types, v), v.frames["types"], "cpl_types")
with right:
    ui.show_chart(ui.figure(figures.cpl_protocols, d), d.frames["protocols"], "cpl_protocols")
ui.section("Compare two teams")
keys = d.extra["team_keys"]
if not keys:
    ui.say(d.notes.get("pair") or "No teams to compare for these filters.")
else:
    a, b = ui.columns(2)
    team_a = ui.pick(a, "First team", keys, d.extra["team_a"], "cpl_team_a")
    team_b = ui.pick(b, "Second team", keys, d.extra["team_b"], "cpl_team_b")
    pair = ui.view(cpl_pair, ui.data("cpl_meetings", year), cadence, d.extra["year"], team_a, team_b)
    if pair.frames["pair"].height:
        ui.show_chart(ui.figure(figures.cpl_pair, pair), pair.frames["pair"], "cpl_pair")
        ui.show_table(pair.frames["pair_table"], "cpl_pair_table")
ui.section(f"Teams, {v.extra['year']}")
ui.show_table(v.frames["table"], "cpl_teams")
ui.footnote(
    "School weeks are the Monday-based weeks of the school year in which any team in the district met; "
    "a bar's gap is its longest run of school weeks without a meeting. Attendance is attendees over team "
    "size where the size is given."
)
