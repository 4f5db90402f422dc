"""Culture and outcomes: each school's culture measure against its change in achievement."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.culture import CULTURE_MEASURES, culture

ui.page_header(
    "Culture and outcomes",
    "Do schools whose culture moved also see achievement move? Each point is one school in its latest year.",
)
network, level = ui.network_level_filters(ui.choices("school_summary"))
measure = ui.choice("Culture measure", list(CULTURE_MEASURES), key="culture_measure")
v = ui.view(culture, ui.data("school_summary"), measure, network, level)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()

ui.show_chart(ui.figure(figures.culture_scatter, v, measure), v.frames["scatter"], "culture_scatter")
ui.say(v.sentence)
ui.footnote()
