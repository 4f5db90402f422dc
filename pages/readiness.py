"""Readiness: the latest staff vote per school against its threshold, turnout, and movement between rounds."""

import streamlit as st

from dashboard import charts, figures, ui, views

ui.page_header("Readiness", "Staff votes on whether a school is ready to move to a new model. Ready is the "
               "share of votes cast; a school goes forward when it reaches its threshold.")
votes = ui.table("readiness")
network, level = ui.network_level_filters(votes)
v = views.readiness(votes, network, level)
if v.empty:
    st.info(v.empty)
    st.stop()
st.write(v.sentence)

ui.show_chart(figures.readiness_latest(v), v.frames["latest"], "readiness_latest", note=v.notes.get("latest"))
left, right = ui.columns(2)
with left:
    ui.show_chart(charts.bar_figure(v.frames["turnout"], "school_name", "turnout_pct", v.titles["turnout"],
                                    text="label", y_title="% of eligible staff voting", horizontal=True,
                                    value_range=(0, 140)), v.frames["turnout"], "readiness_turnout")
with right:
    ui.show_chart(charts.line_figure(v.frames["trend"], "school_year", "pct_ready_of_cast", v.titles["trend"],
                                     series="school_name", y_title="% ready of votes cast", y_range=(0, 105),
                                     threshold=v.extra["threshold"], threshold_label="usual threshold"),
                  v.frames["trend"], "readiness_trend")
st.subheader("Schools that crossed the threshold")
if v.frames["crossed"].height:
    ui.show_table(v.frames["crossed"], "readiness_crossed")
else:
    st.info("No school has yet passed a vote after an earlier one fell short.")
ui.footnote("Abstentions count in turnout only. Schools with very few eligible voters are shown as passed or not.")
