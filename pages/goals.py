"""Board goals: each goal's actual value against its straight path to the target, its status in words and a symbol,
district goals first, and the guardrails beside them; admins and the superintendent add and remove goals and
timeline notes here."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import goals

ui.page_header(
    "Board goals",
    "The board's student-outcome goals with their interim targets, read from the data: on track, off track, met or "
    "no data, and the guardrails each measure must hold.",
)
v = ui.view(
    goals.goals_view,
    ui.data("goals"),
    *ui.goal_data(),  # the school cells, trust results, CPL cadence and votes, each only where a goal reads it
    ui.data("schools"),
    ui.data("thresholds"),
    ui.settings_values()["goal_tolerance"],
)
if v.empty:
    st.info(markdown_literal(v.empty))
else:
    st.write(markdown_literal(v.sentence))
    st.subheader("Goals")
    ui.show_table(v.frames["goals"], "goals")
    if v.frames["guardrails"].height:
        st.subheader("Guardrails")
        ui.show_table(v.frames["guardrails"], "guardrails")
    keys = v.extra["charts"]
    for i in range(0, len(keys), 2):
        for column, key in zip(ui.columns(2), keys[i : i + 2], strict=False):
            with column:
                ui.show_chart(ui.figure(goals.goal_figure, v, key), v.frames[key], key)

if ui.may_manage():
    st.subheader("Manage goals and timeline notes")
    names = [] if v.empty else v.frames["results"]["name"].to_list()
    ui.goal_forms(ui.choices("schools"), ui.choices("cell_groups"), names)
    listed = ui.view(goals.notes_choices, ui.notes_data(), ui.data("schools"))
    ui.note_forms(ui.choices("schools"), listed)
ui.footnote(
    "A goal is on track while its latest value is within the goal tolerance of the value expected on the straight "
    "path from its baseline to its target; a withheld value is no data, never shown. District figures pool the "
    "schools by what they count: students, respondents, team-weeks, votes cast."
)
