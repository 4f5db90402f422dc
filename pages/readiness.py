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
v = ui.view(readiness, ui.data("readiness"), network, level)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
st.write(markdown_literal(v.sentence))

ui.show_chart(
    ui.figure(figures.readiness_latest, v), v.frames["latest"], "readiness_latest", note=v.notes.get("latest")
)
left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.readiness_turnout, v), v.frames["turnout"], "readiness_turnout")
with right:
    ui.show_chart(ui.figure(figures.readiness_trend, v), v.frames["trend"], "readiness_trend")
st.subheader("Schools that crossed the threshold")
if v.frames["crossed"].height:
    ui.show_table(v.frames["crossed"], "readiness_crossed")
else:
    st.info("No school has yet passed a vote after an earlier one fell short.")
ui.footnote("Abstentions count in turnout only. Schools with very few eligible voters are shown as passed or not.")
