"""District overview: the headline figures, one row per school, and the schools that need attention."""

import streamlit as st

from dashboard import charts, ui, views

ui.page_header("District overview", "Where each school stands on trust, collective professional learning, "
               "readiness and achievement in its latest year.")
summary = ui.table("school_summary")
network, level = ui.network_level_filters(summary)
v = views.overview(summary, ui.table("achievement_cells"), ui.thresholds(), network, level)
if v.empty:
    st.info(v.empty)
    st.stop()

for col, (label, value, delta) in zip(st.columns(len(v.kpis)), v.kpis):
    col.metric(label, value, delta)

st.subheader("Schools flagged for attention")
st.write(v.sentence)
if v.frames["attention"].height:
    ui.show_table(v.frames["attention"], "attention")

st.subheader("All schools, latest year")
ui.show_table(v.frames["table"], "school_summary")

fig = charts.bar_figure(v.frames["proficiency"], "school_name", "all_students_pct_proficient",
                        v.titles["proficiency"], text="label", y_title="% proficient (All Students)",
                        horizontal=True, value_range=(0, 100))
ui.show_chart(fig, v.frames["proficiency"], "overview_proficiency")
ui.footnote("Trust index: the mean facet score of all staff in the latest wave, on 0-100. "
            "CPL consistency: the share of school weeks in which a team met.")
