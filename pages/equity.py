"""Equity and achievement: proficiency by student group, change in percentage points, and the gap."""

import streamlit as st

from dashboard import charts, ui, views

ui.page_header("Equity and achievement", "The share of tested students at or above proficient, by student group, "
               "compared with the year before and with All Students at the same school.")
cells = ui.table("achievement_cells")
network, level = ui.network_level_filters(cells)
school = ui.school_filter(cells)
subject = ui.select_filter("subject", "Subject", views.options(cells, "subject"))
group = ui.select_filter("group", "Student group", [views.ALL, *views.options(cells, "student_group")],
                         labels={views.ALL: "All groups"})
v = views.equity(cells, ui.thresholds(), subject, school or views.ALL, group or views.ALL, network, level)
if v.empty:
    st.info(v.empty)
    st.stop()
st.write(v.sentence)

ui.show_chart(charts.line_figure(v.frames["levels"], "school_year", "pct_proficient", v.titles["levels"],
                                 series="student_group", y_title="% proficient", y_range=(0, 100),
                                 ci_low="ci_low", ci_high="ci_high"),
              v.frames["levels"], "equity_levels", note=v.notes.get("levels"))
ui.show_chart(charts.bar_figure(v.frames["change"], "student_group", "change_pp", v.titles["change"], text="label",
                                y_title="change in percentage points", horizontal=True),
              v.frames["change"], "equity_change", note=v.notes.get("change"))
st.subheader("Gap to All Students")
ui.show_table(v.frames["table"], "equity_table")
ui.footnote("Change is in percentage points (45% to 50% is +5 pp); the relative change is a different number, "
            "shown beside it. District figures weigh by students: proficient over tested across schools. "
            "Error bars are 95% Wilson intervals.")
