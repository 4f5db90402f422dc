"""Chart builders on tiny hand-made frames: titles, labels, and withheld values never drawn as zero."""

import itertools

import plotly.io as pio
import polars as pl

from dashboard.present import bar_charts, charts, matrix_charts, projector


def test_template_is_registered_with_the_okabe_ito_palette():
    template = pio.templates["district"]
    assert set(template.layout.colorway) == set(charts.OKABE_ITO)
    assert template.layout.plot_bgcolor == "white"
    assert template.layout.font.size >= 14


def test_line_figure_leaves_withheld_points_out_and_labels_lines():
    df = pl.DataFrame(
        {
            "year": ["2023-24", "2024-25", "2023-24", "2024-25"],
            "group": ["A", "A", "B", "B"],
            "pct": [40.0, None, 50.0, 55.0],
            "lo": [35.0, None, 45.0, 50.0],
            "hi": [45.0, None, 55.0, 60.0],
        }
    )
    fig = charts.line_figure(
        df,
        "year",
        "pct",
        "Proficiency, test, 2 years",
        series="group",
        ci_low="lo",
        ci_high="hi",
        note="Withheld, not drawn: A 2024-25 (n<10)",
    )
    assert fig.layout.title.text == "Proficiency, test, 2 years"
    assert fig.layout.template.layout.colorway == pio.templates["district"].layout.colorway
    a, b = fig.data
    assert list(a.y) == [40.0, None]  # absent, not zero
    assert list(b.error_y.array) == [5.0, 5.0] and list(b.error_y.arrayminus) == [5.0, 5.0]
    # each end label is dark text led by a swatch of its line's colour (the colour alone is under 4.5:1 on white)
    labels = {ann.text.split("</span> ")[-1] for ann in fig.layout.annotations}
    # the note is text from the view, written for Plotly to draw as it is (its "<" as a character reference)
    assert {"A", "B", "Withheld, not drawn: A 2024-25 (n&lt;10)"} <= labels


def test_end_labels_of_lines_ending_close_together_are_spread_apart_in_order():
    # A, B and C end within 2 points, closer than the 4 points a label needs: spread 4 apart around their middle
    # (51): 47, 51, 55; E (10) and D (70) are clear of them and stay at their points
    ends = [(n, "2024-25", y, "#000") for n, y in (("A", 50.0), ("B", 51.0), ("C", 52.0), ("D", 70.0), ("E", 10.0))]
    placed = {text: y for text, _, y, _ in charts._spread_end_labels(ends, gap=4.0)}
    assert placed == {"E": 10.0, "A": 47.0, "B": 51.0, "C": 55.0, "D": 70.0}


def test_end_labels_spread_past_the_top_of_the_axis_are_pushed_back_inside_it():
    # three lines ending at 99, 99.5 and 100 on a 0-100 axis, labels 4 apart: around their middle (99.5) they would
    # sit at 95.5, 99.5 and 103.5; pushed down under 100: 92, 96 and 100. A label at 30 is not moved.
    ends = [(n, "2024-25", y, "#000") for n, y in (("A", 99.0), ("B", 99.5), ("C", 100.0), ("D", 30.0))]
    placed = {text: y for text, _, y, _ in charts._spread_end_labels(ends, gap=4.0, bounds=(0.0, 100.0))}
    assert placed == {"D": 30.0, "A": 92.0, "B": 96.0, "C": 100.0}


def test_eleven_lines_ending_at_one_value_get_labels_a_line_apart_and_no_legend():
    groups = [f"Group {i:02d}" for i in range(11)]
    df = pl.DataFrame({"year": ["2024-25"] * 11, "group": groups, "pct": [50.0] * 11})
    fig = charts.line_figure(df, "year", "pct", "Proficiency by group", series="group", y_range=(0, 100))
    # 6 lines past 5: 450 + 6 x 24 = 594 px high; a label needs 16 of the ~394 px the lines get: 100 x 16 / 394
    assert fig.layout.height == 594
    gap = 100 * 16 / 394
    ys = sorted(a.y for a in fig.layout.annotations if a.text.split("</span> ")[-1] in groups)
    assert len(ys) == 11 and abs(sum(ys) / 11 - 50) < 1e-9
    assert all(abs((b - a) - gap) < 1e-9 for a, b in itertools.pairwise(ys))
    assert fig.layout.showlegend is False  # each line is named at its end
    # colours repeat past eight: the ninth line on is dashed, so no two lines look alike
    assert [t.line.dash for t in fig.data] == ["solid"] * 8 + ["dash"] * 3
    assert fig.data[0].line.color == fig.data[8].line.color


def test_bar_figure_prints_values_and_draws_threshold():
    df = pl.DataFrame({"school": ["X", "Y"], "rate": [62.0, None], "label": ["62%", "not given"]})
    fig = bar_charts.bar_figure(df, "school", "rate", "Response rate", text="label", horizontal=True, threshold=50)
    bar = fig.data[0]
    assert list(bar.x) == [62.0, None] and list(bar.y) == ["X", "Y"]
    assert list(bar.text) == ["62%", "not given"]
    assert fig.layout.shapes[0].x0 == 50


def test_a_percent_axis_ends_at_100_with_labels_beside_and_noise_hatched():
    df = pl.DataFrame({"school": ["X", "Y"], "rate": [97.0, 12.0], "label": ["97% (+1.0 pp, within noise)", "12%"]})
    fig = bar_charts.bar_figure(df, "school", "rate", "Rate", text="label", horizontal=True, percent=True)
    assert tuple(fig.layout.xaxis.range) == (0, 100)
    # the labels sit in a column right of the plot, one per row, the margin grown for the longest
    beside = [a for a in fig.layout.annotations if a.xref == "paper" and a.x == 1]
    assert [a.text for a in beside] == ["97% (+1.0 pp, within noise)", "12%"] and [a.y for a in beside] == ["X", "Y"]
    assert fig.layout.margin.r >= 8 * len("97% (+1.0 pp, within noise)")
    change = pl.DataFrame({"group": ["A", "B"], "pp": [6.0, -1.5], "noise": [False, True], "label": ["+6", "-1.5"]})
    fig = bar_charts.bar_figure(change, "group", "pp", "Change", text="label", horizontal=True, noise="noise")
    beyond, within = fig.data
    assert (beyond.name, within.name) == ("Beyond noise", "Within noise (95% interval holds zero)")
    assert within.marker.pattern.shape == "/" and not beyond.marker.pattern.shape and list(within.y) == ["B"]
    assert fig.layout.showlegend is True


def test_heatmap_prints_cell_text_and_leaves_withheld_cells_blank():
    df = pl.DataFrame(
        {
            "facet": ["honesty", "openness", "honesty", "openness"],
            "school": ["S1", "S1", "S2", "S2"],
            "value": [3.5, 4.0, None, 2.5],
            "label": ["3.50", "4.00", "n<5", "2.50 †"],
        }
    )
    fig = matrix_charts.heatmap_figure(df, "facet", "school", "value", "label", "Trust", z_range=(1, 5))
    heat, cells = fig.data
    assert [list(r) for r in heat.z] == [[3.5, 4.0], [None, 2.5]]
    assert [list(r) for r in heat.text] == [["3.50", "4.00"], ["n<5", "2.50 †"]]
    # the cells' text is a trace of its own: black on the light (low) cells, white on the dark, white-celled n<5
    assert list(cells.text) == ["3.50", "4.00", "n&lt;5", "2.50 †"] or list(cells.text) == [
        "3.50",
        "4.00",
        "n<5",
        "2.50 †",
    ]
    assert list(cells.textfont.color) == ["#FFFFFF", "#FFFFFF", "#000000", "#000000"]
    assert cells.meta["fills"][2] == "#FFFFFF"  # withheld: no colour


def test_bullet_figure_colours_by_passed_and_marks_thresholds():
    df = pl.DataFrame(
        {
            "school": ["X", "Y"],
            "pct": [84.0, 60.0],
            "threshold": [80.0, 67.0],
            "passed": [True, False],
            "label": ["84% ready: passed", "60% ready: not yet"],
        }
    )
    fig = bar_charts.bullet_figure(df, "school", "pct", "threshold", "passed", "label", "Latest vote")
    passed, not_yet, ticks = fig.data  # one trace a colour, so the legend names each
    assert (passed.name, passed.marker.color, list(passed.y)) == ("Passed", charts.GOOD, ["X"])
    assert (not_yet.name, not_yet.marker.color, list(not_yet.y)) == ("Not yet", charts.NOT_YET, ["Y"])
    assert [a.text for a in fig.layout.annotations] == ["84% ready: passed", "60% ready: not yet"]
    assert list(ticks.x) == [80.0, 67.0] and tuple(fig.layout.xaxis.range) == (0, 100)


def test_scatter_names_the_points_that_stand_out():
    df = pl.DataFrame({"name": ["X", "Y"], "x": [1.0, -2.0], "y": [3.0, 0.5]})
    fig = matrix_charts.scatter_figure(df, "x", "y", "name", "Trust against change", x_title="t", y_title="pp")
    assert list(fig.data[0].text) == ["X", "Y"]  # every name in the hover
    assert sorted(fig.data[1].text) == ["X", "Y"] and fig.data[1].mode == "text"
    assert fig.layout.title.text == "Trust against change"
    # of 24 points, at most eight are named, none within a tenth of both axes of another
    many = pl.DataFrame(
        {
            "name": [f"S{i}" for i in range(24)],
            "x": [float(i) for i in range(24)],
            "y": [i % 5 * 1.0 for i in range(24)],
        }
    )
    named = matrix_charts.scatter_figure(many, "x", "y", "name", "t", x_title="x", y_title="y").data[1]
    assert 2 <= len(named.text) <= matrix_charts.SCATTER_LABELS


def test_a_chart_of_many_schools_draws_the_lowest_and_says_so():
    # 45 schools scoring 0, 2, 4 ... 88: the 40 lowest are those scoring 0 to 78; school 44 (88) is not drawn
    df = pl.DataFrame({"school": [f"School {i:02d}" for i in range(45)], "pct": [2.0 * i for i in range(45)]})
    fig = bar_charts.bar_figure(df, "school", "pct", "Proficiency by school", horizontal=True)
    assert len(fig.data[0].y) == charts.MAX_ROWS == 40
    assert "School 39" in fig.data[0].y and "School 40" not in fig.data[0].y
    assert fig.layout.title.text.replace("<br>", " ") == (
        "Proficiency by school: the 40 lowest of 45 shown (all in the data table)"
    )
    # a vertical chart (years, facets, student groups) is never cut
    assert len(bar_charts.bar_figure(df, "school", "pct", "t").data[0].x) == 45


def test_a_heatmap_of_many_schools_keeps_the_rows_with_the_lowest_mean():
    rows = [
        {"school": f"S{i:02d}", "facet": f, "score": float(i + (10 if f == "b" else 0)), "label": ""}
        for i in range(50)
        for f in ("a", "b")
    ]
    fig = matrix_charts.heatmap_figure(
        pl.DataFrame(rows), "facet", "school", "score", "label", "Trust", z_range=(0, 100)
    )
    assert list(fig.data[0].y) == [f"S{i:02d}" for i in range(40)]
    assert fig.layout.title.text.replace("<br>", " ").endswith("the 40 lowest of 50 shown (all in the data table)")


def test_a_scatter_of_many_schools_names_them_in_the_hover_only():
    df = pl.DataFrame({"x": [float(i) for i in range(41)], "y": [1.0] * 41, "name": [f"S{i}" for i in range(41)]})
    fig = matrix_charts.scatter_figure(df, "x", "y", "name", "t", x_title="x", y_title="y")
    assert fig.data[0].mode == "markers" and len(fig.data[0].text) == 41
    assert len(fig.data[1].text) <= matrix_charts.SCATTER_LABELS


def test_a_long_title_is_broken_into_lines_that_the_chart_makes_room_for():
    title = "CPL consistency: % of school weeks with a meeting, all schools, 2025-26, 24 schools"  # 83 characters
    df = pl.DataFrame({"school": ["A", "B"], "pct": [40.0, 60.0]})
    fig = bar_charts.bar_figure(df, "school", "pct", title)
    # at most 48 characters a line, broken between words: 41 + 41 characters
    assert (
        fig.layout.title.text
        == "CPL consistency: % of school weeks with a<br>meeting, all schools, 2025-26, 24 schools"
    )
    assert fig.layout.margin.t == 80 + 26  # one more line of 26 px above the plot
    big = projector.for_projector(fig)  # across a 1920 px screen, 110 characters a line: one line
    assert big.layout.title.text == title
    assert big.layout.margin.t == 100
    short = bar_charts.bar_figure(df, "school", "pct", "Proficiency by school")
    assert short.layout.title.text == "Proficiency by school" and short.layout.margin.t == 80


def test_a_horizontal_bar_chart_leaves_room_for_the_label_after_its_longest_bar():
    df = pl.DataFrame({"school": ["A", "B"], "minutes": [1122.0, 433.0], "label": ["1122 min", "433 min"]})
    fig = bar_charts.bar_figure(df, "school", "minutes", "Minutes", text="label", horizontal=True)
    # 8 characters at 8 px and 10 px of space: 74 px of a 300 px plot, so the longest bar may take 226 px of it
    low, high = fig.layout.xaxis.range
    assert low == 0 and abs(high - 1122 * 300 / 226) < 1e-9
    # a range asked for is kept when it already leaves the room
    wide = bar_charts.bar_figure(
        df, "school", "minutes", "Minutes", text="label", horizontal=True, value_range=(0, 2000)
    )
    assert tuple(wide.layout.xaxis.range) == (0, 2000)
