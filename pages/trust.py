"""Trust: staff trust by facet and school, over time, by respondent group, with response rates."""

import streamlit as st

from dashboard import charts, figures, ui, views

ui.page_header("Trust", "Relational trust from the staff survey, by facet (benevolence, honesty, openness, "
               "reliability, competence). Where do we have it, where is it lacking, which facet is weakest?")
results = ui.table("trust_results")
network, level = ui.network_level_filters(results)
year = ui.select_filter("year", "School year", sorted(views.options(views.with_school_year(results), "school_year"),
                                                      reverse=True))
metric = ui.choice("Show", list(views.METRICS), key="trust_metric")
t = ui.thresholds()
v = views.trust(results, t, year, metric, network, level)
if v.empty:
    st.info(v.empty)
    st.stop()
st.write(v.sentence)

ui.show_chart(figures.trust_heatmap(v, metric), v.frames["heatmap"], "trust_heatmap", note=v.notes.get("heatmap"))
st.subheader("Weakest facet per school")
ui.show_table(v.frames["weakest"], "trust_weakest")

left, right = ui.columns(2)
with left:
    ui.show_chart(charts.line_figure(v.frames["trends"], "school_year", "value", v.titles["trends"],
                                     series="facet", y_title=metric), v.frames["trends"], "trust_trends")
with right:
    ui.show_chart(charts.bar_figure(v.frames["groups"], "facet", "value", v.titles["groups"],
                                    series="respondent_group", text="label", y_title=metric),
                  v.frames["groups"], "trust_groups")
ui.show_chart(charts.bar_figure(v.frames["rates"], "school_name", "response_rate", v.titles["rates"], text="label",
                                y_title="% of staff responding", horizontal=True, value_range=(0, 115),
                                threshold=t.low_response_pct, threshold_label="low-response line"),
              v.frames["rates"], "trust_rates")
ui.footnote(f"† marks a result with a response rate below {t.low_response_pct:g}%: shown, but left out of "
            "indices and district figures. Percent favourable is the share choosing the top two of five options.")
