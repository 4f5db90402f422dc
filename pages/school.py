"""School profile: one school's four strands over time in both subjects, its teams, trust facets and student groups,
its timeline notes and why it is flagged: the same content as the coach's school brief (PDF) it downloads."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.common import ALL_STUDENTS
from dashboard.present.school import school_page

ui.page_header(
    "School profile",
    "One school's trust, collective professional learning, readiness votes and achievement, year by year, against "
    "the year before and the district.",
)
school = ui.school_filter(ui.choices("schools"), allow_all=False)
if school is None:
    st.info("No schools loaded yet. Load a schools file on the Data page.")
    st.stop()
# one school's rows, read for that school alone; the district's (or a scoped caller's schools') for the comparison
mine = [ui.data(name, school=school) for name in ("achievement_cells", "trust_results", "cpl_cadence", "readiness")]
others = [ui.data("school_cells", groups=(ALL_STUDENTS,)), *map(ui.data, ("trust_results", "cpl_cadence", "readiness"))]
v = ui.view(
    school_page,
    school,
    *mine,
    ui.data("thresholds"),
    ui.notes_data(school),
    *others,
    ui.scope_label(),
    ui.settings_values(),
)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
if not ui.presenting():  # every screen of the deck names the school in its title
    st.subheader(markdown_literal(v.extra["school_name"]))
ui.say(v.sentence)
if not ui.presenting():  # a deck shows one chart or one table a screen, nothing else
    (st.warning if v.extra.get("attention") else st.success)(markdown_literal(v.extra["flag"]))
    ui.brief_button(school, v.extra["year"])

ui.section(f"The four strands, {v.extra['school_name']}, {v.extra['year_label']}")
ui.show_table(v.frames["strands"], "school_strands")
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.school_trust, v), v.frames["trust"], "school_trust")
with right:
    ui.show_chart(ui.figure(figures.school_cpl, v), v.frames["cpl"], "school_cpl")
ui.show_chart(ui.figure(figures.school_readiness, v), v.frames["readiness"], "school_readiness")
for key in v.extra["subject_keys"]:  # each subject across the page: a line for every student group, named at its end
    fig = ui.figure(figures.school_proficiency, v, key)
    ui.show_chart(fig, v.frames[key], key.replace(":", "_"), note=v.notes.get(key))
left, right = ui.columns(2)
with left:
    ui.section(f"Teams, least consistent first, {v.extra['school_name']}")
    ui.show_table(v.frames["teams"], "school_teams")
with right:
    ui.section(f"Trust facets, all staff, {v.extra['school_name']}")
    ui.show_table(v.frames["facets"], "school_facets")
    ui.say(v.extra["facets_sentence"])
ui.section(f"Student groups: proficiency, gap to All Students and change, {v.extra['school_name']}")
ui.show_table(v.frames["groups"], "school_groups")
if not ui.presenting():
    st.subheader("Latest readiness vote")
    st.write(markdown_literal(v.extra["vote_sentence"]))
ui.section(f"Timeline notes, {v.extra['school_name']}")
ui.show_table(v.frames["notes_list"], "school_notes", empty="No notes for this school or the district.")
ui.footnote("Error bars are 95% Wilson intervals. Within noise: the change's 95% interval holds zero.")
