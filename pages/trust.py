"""Trust: staff trust by facet and school, over time, by respondent group, with response rates."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.trust import METRICS, trust

ui.page_header(
    "Trust",
    "Relational trust from the staff survey, by facet (benevolence, honesty, openness, "
    "reliability, competence). Where do we have it, where is it lacking, which facet is weakest?",
)
offered = ui.choices("trust_results")
network, level = ui.network_level_filters(offered)
year = ui.select_filter("year", "School year", offered.years)
metric = ui.choice("Show", list(METRICS), key="trust_metric")
t = ui.thresholds()
v = ui.view(trust, ui.data("trust_results"), ui.data("thresholds"), year, metric, network, level, notes=ui.notes_data())
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
ui.say(v.sentence)

ui.show_chart(
    ui.figure(figures.trust_heatmap, v, metric), v.frames["heatmap"], "trust_heatmap", note=v.notes.get("heatmap")
)
ui.section(f"Weakest facet per school, {v.extra['year']}")
ui.show_table(v.frames["weakest"], "trust_weakest")

left, right = ui.columns(2)
with left:
    ui.show_chart(ui.figure(figures.trust_trends, v, metric), v.frames["trends"], "trust_trends")
with right:
    ui.show_chart(ui.figure(figures.trust_groups, v, metric), v.frames["groups"], "trust_groups")
ui.show_chart(ui.figure(figures.trust_rates, v, t.low_response_pct), v.frames["rates"], "trust_rates")
ui.footnote(
    f"† marks a result with a response rate below {t.low_response_pct:g}%: shown, but left out of "
    "indices and district figures. Percent favourable is the share choosing the top two of five options."
)
