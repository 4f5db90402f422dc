"""District overview: the headline figures, one row per school, and the schools that need attention."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.common import ALL_STUDENTS
from dashboard.present.overview import overview

ui.page_header(
    "District overview",
    "Where each school stands on trust, collective professional learning, "
    "readiness and achievement in its latest year.",
)
network, level = ui.network_level_filters(ui.choices("school_summary"))
v = ui.view(
    overview,
    ui.data("school_summary"),
    ui.data("school_cells", groups=(ALL_STUDENTS,)),
    ui.data("thresholds"),
    network,
    level,
    scope_label=ui.scope_label(),
    benchmark=ui.data("benchmark"),
    trust_results=ui.data("trust_results"),
    cadence=ui.data("cpl_cadence", next(iter(ui.choices("cpl_school_years").years), None)),  # the latest year's teams
)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()

ui.show_kpis(v.kpis)

ui.section(v.titles["attention"])
ui.say(v.sentence)
ui.show_table(v.frames["attention"], "attention", empty="No school is flagged for attention.")

ui.section("All schools, latest year")
ui.show_table(v.frames["table"], "school_summary", note=v.notes.get("table"))

ui.show_chart(ui.figure(figures.overview_proficiency, v), v.frames["proficiency"], "overview_proficiency")
ui.footnote(
    "Trust index: the mean facet score of all staff in the latest wave, on 0-100. "
    "CPL consistency: the share of school weeks in which a team met."
)
