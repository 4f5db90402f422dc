"""Equity and achievement: proficiency by student group, change in percentage points, and the gap."""

import streamlit as st

from dashboard import ui
from dashboard.core.text import markdown_literal
from dashboard.present import figures
from dashboard.present.cohort import cohort
from dashboard.present.common import ALL, ALL_STUDENTS
from dashboard.present.equity import equity
from dashboard.present.status_grid import load_grid, status_change_grid

ui.page_header(
    "Equity and achievement",
    "The share of tested students at or above proficient, by student group, "
    "compared with the year before and with All Students at the same school.",
)
offered = ui.choices("school_cells", groups=(ALL_STUDENTS,))  # every school and subject has All Students
network, level = ui.network_level_filters(offered)
school = ui.school_filter(offered, network=network, level=level)
subject = ui.select_filter("subject", "Subject", offered.subjects)
cells = ui.data("school_cells", subject=subject)  # grades combined and screened, the one subject shown
group = ui.select_filter(
    "group", "Student group", [ALL, *ui.choices("school_cells", subject=subject).groups], labels={ALL: "All groups"}
)
v = ui.view(
    equity,
    cells,
    ui.data("thresholds"),
    subject,
    school or ALL,
    group or ALL,
    network,
    level,
    scope_label=ui.scope_label(),
    notes=ui.notes_data(),
    exact=ui.data("district_rollups"),
)
if v.empty:
    st.info(markdown_literal(v.empty))
    st.stop()
ui.say(v.sentence)
ui.benchmark_caption(v.extra.get("subject"))

ui.show_chart(ui.figure(figures.equity_levels, v), v.frames["levels"], "equity_levels", note=v.notes.get("levels"))
ui.show_chart(ui.figure(figures.equity_change, v), v.frames["change"], "equity_change", note=v.notes.get("change"))
if school and school != ALL:  # beside the change: the same grade group a year later, named apart from it
    growth = ui.view(cohort, ui.data("cohort_growth", school=school), subject, school, group or ALL)
    if not growth.empty:
        ui.show_chart(
            ui.figure(figures.equity_cohort, growth),
            growth.frames["cohort"],
            "equity_cohort",
            note=growth.notes["cohort"],
        )
grid_config = load_grid()
grid = ui.view(
    status_change_grid,
    cells,
    ui.data("thresholds"),
    subject,
    grid_config,
    school or ALL,
    group or ALL,
    network,
    level,
    notes=ui.notes_data(),
)
if grid.empty:
    ui.say(grid.empty)
else:
    ui.show_chart(
        ui.figure(figures.equity_grid, grid, grid_config.performance_names),
        grid.frames["placed"],
        "equity_grid",
        note=grid.notes["grid"],
    )
ui.section(f"Change and gap to All Students by group, {v.extra['subject']}")
ui.show_table(v.frames["table"], "equity_table")
ui.footnote(
    "Change is in percentage points (45% to 50% is +5 pp); the relative change is a different number, "
    "shown beside it. District figures weigh by students: proficient over tested across schools. "
    "Error bars are 95% Wilson intervals; each change carries its own 95% interval (Newcombe's method), and a change "
    "whose interval holds zero is hatched and called within noise. About one stable group in twenty reads as up or "
    "down by chance."
)
