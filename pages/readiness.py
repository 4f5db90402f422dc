"""Readiness: the latest staff vote per school against its threshold, turnout, and movement between rounds."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.readiness import readiness

ui.page_header(
    "Readiness",
    "Staff votes on whether a school is ready to move to a new model. Ready is the "
    "share of votes cast; a school goes forward when it reaches its threshold.",
)
network, level = ui.network_level_filters(ui.choices("readiness"))
highlight = ui.pick(
    st.sidebar, "School drawn against the spread", list(ui.choices("readiness").schools), None, "readiness_highlight"
)
v = ui.view(readiness, ui.data("readiness"), network, level, highlight, notes=ui.notes_data())
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
ui.say(v.sentence)

ui.show_chart(
    ui.figure(figures.readiness_latest, v), v.frames["latest"], "readiness_latest", note=v.notes.get("latest")
)
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.readiness_turnout, v), v.frames["turnout"], "readiness_turnout")
with right:
    ui.show_chart(ui.figure(figures.readiness_trend, v), v.frames["trend"], "readiness_trend")
ui.section("Schools that crossed the threshold after an earlier vote fell short")
ui.show_table(
    v.frames["crossed"], "readiness_crossed", empty="No school has yet passed a vote after an earlier one fell short."
)
ui.footnote("Abstentions count in turnout only. Schools with very few eligible voters are shown as passed or not.")
