"""Equity and achievement: proficiency by student group, change in percentage points, and the gap."""

import streamlit as st

from dashboard import charts, figures, ui, views

ui.page_header("Equity and achievement", "The share of tested students at or above proficient, by student group, "
               "compared with the year before and with All Students at the same school.")
cells = ui.table("achievement_cells")
network, level = ui.network_level_filters(cells)
school = ui.school_filter(cells)
subject = ui.select_filter("subject", "Subject", views.options(cells, "subject"))
group = ui.select_filter("group", "Student group", [views.ALL, *views.options(cells, "student_group")],
                         labels={views.ALL: "All groups"})
v = views.equity(cells, ui.thresholds(), subject, school or views.ALL, group or views.ALL, network, level,
                 scope_label=ui.scope_label())
if v.empty:
    st.info(v.empty)
    st.stop()
st.write(v.sentence)
ui.benchmark_caption(v.extra.get("subject"))

ui.show_chart(figures.equity_levels(v), v.frames["levels"], "equity_levels", note=v.notes.get("levels"))
ui.show_chart(figures.equity_change(v), v.frames["change"], "equity_change", note=v.notes.get("change"))
grid = views.status_change_grid(cells, ui.thresholds(), subject, views.load_grid(), school or views.ALL,
                                group or views.ALL, network, level)
if grid.empty:
    st.info(grid.empty)
else:
    ui.show_chart(charts.grid_figure(grid.frames["grid"], grid.titles["grid"], note=grid.notes["grid"],
                                     level_names=views.load_grid().performance_names),
                  grid.frames["placed"], "equity_grid", note=grid.notes["grid"])
st.subheader("Gap to All Students")
ui.show_table(v.frames["table"], "equity_table")
ui.footnote("Change is in percentage points (45% to 50% is +5 pp); the relative change is a different number, "
            "shown beside it. District figures weigh by students: proficient over tested across schools. "
            "Error bars are 95% Wilson intervals.")
