"""The pages through the real entrypoint (Streamlit AppTest), against a database built from sample_data/.

Expected figures are worked out here from the sample CSV files, independently of the dashboard's code.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from helpers import ROOT, SAMPLE, app_test, as_read, page_path, signed_in
from streamlit.testing.v1 import AppTest

from dashboard.services import demo
from dashboard.store import db


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'sample.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)  # the sample district (sample_data/), marked as a demo, with the demo accounts
    engine.dispose()
    return url


@pytest.fixture
def app(sample_url, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_url)
    at = signed_in("admin")  # admin may open every page
    at.run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception, at.exception
    return at


def titles(at: AppTest) -> list[str]:
    """Each chart's title as one line (a long one is drawn in lines: ``<br>`` where it breaks)."""
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def spec(at: AppTest, i: int) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if as_read(m.label).startswith(label_start))


def achievement() -> pl.DataFrame:
    """The sample's school rows (grade All); its grade rows (3 to 8 and 11) stand beside them, for cohort growth."""
    return pl.read_csv(SAMPLE / "achievement.csv", schema_overrides={"grade": pl.String}).filter(
        pl.col("grade") == "All"
    )


def counted(n: int, noun: str) -> str:
    """'1 school', '3 schools': how the pages count things."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def withheld_all_students(url: str) -> pl.DataFrame:
    """The school All Students figures (grades combined) the district's stored pattern withholds: school_id,
    subject, school_year. The pattern is the disclosure engine's, decided at load over every school (its rules are
    tested in tests/core); the pages here may only add up the school figures it leaves published."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT school_id, subject, year_start FROM achievement_withheld "
                "WHERE grade = 'All' AND student_group = 'All Students'"
            ).all()
    finally:
        engine.dispose()
    out = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"school_id": pl.String, "subject": pl.String, "year_start": pl.Int64},
        orient="row",
    )
    year = pl.format("{}-{}", pl.col("year_start"), ((pl.col("year_start") + 1) % 100).cast(pl.String).str.zfill(2))
    return out.select("school_id", "subject", year.alias("school_year"))


def published_all_students(url: str) -> pl.DataFrame:
    """The sample's school All Students rows (grade All) that the stored pattern leaves published."""
    rows = achievement().filter(pl.col("student_group") == "All Students")
    return rows.join(withheld_all_students(url), on=["school_id", "subject", "school_year"], how="anti")


def test_overview_metrics_match_the_sample_files(app, sample_url):
    schools = pl.read_csv(SAMPLE / "schools.csv")
    assert metric(app, "Schools") == str(schools.height)
    # The district tile is a rollup of the published school figures (basis 'published school figures'): every
    # school's All Students, both subjects, summed by counts, leaving out the school figures the district's pattern
    # withholds (a school's All Students is withheld as a complement where its race groups, its grades or its
    # network's figures would otherwise give a small group back)
    every = achievement().filter(pl.col("student_group") == "All Students")
    rows = published_all_students(sample_url)
    latest = every["school_year"].max()
    year = rows.filter(pl.col("school_year") == latest)
    pct = 100 * year["n_proficient"].sum() / year["n_tested"].sum()
    prior = rows.filter(pl.col("school_year") == sorted(every["school_year"].unique())[-2])
    prior_pct = 100 * prior["n_proficient"].sum() / prior["n_tested"].sum()
    tile = next(m for m in app.metric if as_read(m.label) == f"All Students % proficient (all subjects), {latest}")
    assert tile.value == f"{pct:.1f}%"
    assert tile.proto.body == f"{pct:.1f}%"
    assert tile.delta == f"{pct - prior_pct:+.1f} pp"  # of thousands of students: beyond noise
    # the chart shows each school whose All Students is published in every subject of the latest year (a school's
    # figure over both subjects would give a withheld subject back)
    hidden = withheld_all_students(sample_url).filter(pl.col("school_year") == latest)["school_id"].n_unique()
    shown = counted(schools.height - hidden, "school")
    assert titles(app) == [
        f"All Students % proficient by school, district, {latest}, {shown} (all subjects; change since last year beside)"
    ]


EXPECTED = {
    "school": [  # both subjects, as the school brief has them
        "Trust index (0-100) by year",
        "CPL consistency",
        "Readiness votes",
        "ELA % proficient by student group",
        "Math % proficient by student group",
    ],
    "trust": [
        "Staff trust by facet and school (trust index (0-100)), all staff, 2025-26, 24 schools",
        "District trust by facet (trust index (0-100), pooled by respondents), all staff",
        "Trust by respondent group and facet",
        "Staff survey response rate by school",
    ],
    "cpl": [
        "CPL consistency: share of team-weeks with a meeting, all schools, 2025-26 (24 schools, all teams pooled)",
        "CPL minutes per month",
        "CPL minutes per team per month (the number in each cell), all schools, 2025-26",
        "Calendar of CPL meetings per day, all schools, 2025-26",
        "CPL consistency by team type",
        "Protocols used in CPL meetings, all schools, 2025-26",
        "CPL minutes per month (meetings on each bar), Grade 3 Team",
    ],
    "readiness": [
        "Latest readiness vote by school against its threshold, % ready of votes cast",
        "Turnout in the latest readiness vote",
        "Readiness by school year, % ready of votes cast:",
    ],
    "equity": [
        "ELA proficiency by student group, all schools, by year, with 95% intervals (11 groups)",
        "Change in ELA % proficient by student group, all schools, 2024-25 to 2025-26",
        "ELA status (2025-26 % proficient) by change since 2024-25: each student group at each school, "
        "all schools, n = ",
    ],
    "culture": ["Trust index change (points) against All Students change in proficiency (pp), 2025-26, n = "],
    "data": [],
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_runs_and_titles_its_charts(app, page):
    goto(app, page)
    got = titles(app)
    assert len(got) == len(EXPECTED[page]), got
    for title, start in zip(got, EXPECTED[page], strict=False):
        assert start in title
    assert not app.error


def test_network_filter_changes_what_is_shown(app, sample_url):
    schools = pl.read_csv(SAMPLE / "schools.csv")
    east = schools.filter(pl.col("network") == "East Network")
    assert 0 < east.height < schools.height
    app.selectbox(key="w_network").set_value("East Network").run()
    assert not app.exception
    assert metric(app, "Schools") == str(east.height)
    # the chart: the network's schools whose All Students is published in every subject of the latest year
    latest = achievement()["school_year"].max()
    withheld = withheld_all_students(sample_url).filter(pl.col("school_year") == latest)
    hidden = withheld.filter(pl.col("school_id").is_in(east["school_id"].implode()))["school_id"].n_unique()
    assert f", {counted(east.height - hidden, 'school')} (" in titles(app)[0]
    assert app.query_params["network"] == ["East Network"] or app.query_params["network"] == "East Network"
    # the filter follows the user to another page
    goto(app, "readiness")
    assert f"{east.height} schools" in titles(app)[0]


@pytest.mark.parametrize("page", ["equity", "cpl"])
def test_the_school_picker_lists_the_schools_of_the_chosen_network(app, page):
    schools = pl.read_csv(SAMPLE / "schools.csv")
    east = schools.filter(pl.col("network") == "East Network")
    goto(app, page)
    assert len(app.selectbox(key="w_school").options) == schools.height + 1  # every school, and "All schools"
    other = schools.filter(pl.col("network") != "East Network").sort("school_name")["school_id"][0]
    app.selectbox(key="w_school").set_value(other).run()
    app.selectbox(key="w_network").set_value("East Network").run()
    assert not app.exception
    picker = app.selectbox(key="w_school")
    assert sorted(picker.options[1:]) == sorted(east["school_name"].to_list())  # names shown, "All schools" first
    assert picker.value == "All"  # the school chosen before is not in the network: back to all of its schools


def test_suppressed_cell_shows_as_withheld_never_zero(app):
    a = achievement()
    latest = a["school_year"].max()
    key = ["school_id", "subject", "student_group"]
    prior = a.filter(pl.col("school_year") == sorted(a["school_year"].unique())[-2]).select(key)
    small = (
        a.filter(
            (pl.col("school_year") == latest) & (pl.col("n_tested") < 10) & (pl.col("student_group") != "All Students")
        )
        .join(prior, on=key, how="semi")
        .sort(key)
    )  # a group with a change row: in both years
    row = small.row(0, named=True)
    goto(app, "equity")
    app.selectbox(key="w_school").set_value(row["school_id"]).run()
    app.selectbox(key="w_subject").set_value(row["subject"]).run()
    assert not app.exception
    captions = " ".join(as_read(c.value) for c in app.caption)
    assert f"{row['student_group']} {latest} (n<10)" in captions
    levels = spec(app, 0)
    trace = next(t for t in levels["data"] if t["name"] == row["student_group"])
    points = dict(zip(trace["x"], trace["y"], strict=False))
    assert points.get(latest) is None  # absent, not zero
    change = spec(app, 1)
    bars = change["data"][0]
    shown = dict(zip(bars["y"], bars["x"], strict=False))
    assert shown.get(row["student_group"]) is None
    table = app.dataframe[-1].value  # the gap table
    withheld = table[table["Student group"] == row["student_group"]]
    assert list(withheld["Withheld"]) == ["n<10"]
    assert list(withheld[f"% proficient {latest}"]) == ["withheld"]  # said, never blank, None or zero


def test_trust_heatmap_prints_numbers_and_marks_low_response(app):
    trust = pl.read_csv(SAMPLE / "trust_scores.csv")
    low = trust.filter(
        (pl.col("respondent_group") == "all_staff") & (pl.col("response_rate") < 50) & (pl.col("n_respondents") >= 5)
    )
    year = low["school_year"].min()
    goto(app, "trust")
    app.selectbox(key="w_year").set_value(year).run()
    heat = spec(app, 0)
    assert year in heat["layout"]["title"]["text"].replace("<br>", " ")
    texts = [t for row in heat["data"][0]["text"] for t in row]
    assert sum(t.endswith("†") for t in texts) == low.filter(pl.col("school_year") == year).height
    assert all(t for t in texts)  # every cell printed: a number, a marked number, or a withheld label
    small = trust.filter(
        (pl.col("school_year") == year)
        & (pl.col("respondent_group") == "all_staff")
        & (pl.col("n_respondents") < 5)
        & (pl.col("facet") != "overall")
    )
    assert sum(t == "n<5" for t in texts) >= small.height


def _dataframe_columns(at: AppTest) -> list[list[str]]:
    return [list(d.value.columns) for d in at.dataframe]


def test_a_charts_data_table_is_drawn_only_once_opened(app):
    from dashboard import ui

    trust = pl.read_csv(SAMPLE / "trust_scores.csv")
    latest = trust["school_year"].max()
    goto(app, "trust")
    before = _dataframe_columns(app)
    labels = [e.label for e in app.get("expander")]
    assert labels.count("Data table") == len(app.get("plotly_chart")) == 4  # one closed table under each chart
    csvs = [b.proto.label for b in app.get("download_button")]
    app.session_state[ui.table_key("trust_heatmap")] = True  # as a click on the heatmap's "Data table" does
    app.run()
    after = _dataframe_columns(app)
    assert len(after) == len(before) + 1
    heat = next(d.value for d in app.dataframe if list(d.value.columns) not in before)
    cells = (
        trust.filter(
            (pl.col("school_year") == latest)
            & (pl.col("respondent_group") == "all_staff")
            & (pl.col("facet") != "overall")
        )
        .select("school_id", "facet")
        .unique()
    )
    assert len(heat) == cells.height  # a row for each school and facet of the heatmap
    assert [b.proto.label for b in app.get("download_button")].count("Download CSV") == csvs.count("Download CSV") + 1


def test_a_long_table_is_drawn_only_once_opened(app, monkeypatch):
    from dashboard import ui
    from dashboard.ui import render

    schools = pl.read_csv(SAMPLE / "schools.csv")
    monkeypatch.setattr(render, "LONG_TABLE_ROWS", schools.height - 1)  # the overview's table of every school is long
    app.run()
    assert f"All {schools.height} rows" in [e.label for e in app.get("expander")]
    assert not any("School" in cols and "Network" in cols for cols in _dataframe_columns(app))
    app.session_state[ui.table_key("school_summary")] = True
    app.run()
    table = next(d.value for d in app.dataframe if "School" in d.value.columns and "Network" in d.value.columns)
    assert len(table) == schools.height


def test_uninitialised_database_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = app_test()
    at.run()
    assert not at.exception
    assert at.error and "not initialised" in at.error[0].value
    assert any("district-dashboard init" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_data_page_offers_templates_and_history(app):
    goto(app, "data")
    history = app.dataframe[0].value
    assert set(history["source"]) == {"schools", "cpl", "trust", "readiness", "achievement"}
    assert len(app.get("download_button")) >= 5


# --- status x change grid (equity) ------------------------------------------------------------------------------


def grid_cells(at: AppTest, title_start: str) -> dict[tuple[str, str], int]:
    """{(status, change): count} read from the grid chart's printed cell text ("<b>N</b> (k within noise)<br>Status
    ·<br>Change"), a text trace of its own."""
    fig = next(spec(at, i) for i, t in enumerate(titles(at)) if t.startswith(title_start))
    out = {}
    cells = next(t for t in fig["data"] if t.get("mode") == "text")
    for text in cells["text"]:
        parts = text.split("<br>")
        if len(parts) == 3 and parts[0].startswith("<b>"):
            out[(parts[1].removesuffix(" ·"), parts[2])] = int(parts[0][3:].split("</b>")[0])
    return out


def test_status_change_grid_places_each_school_all_students(app, sample_url):
    import tomllib

    cfg = tomllib.loads((ROOT / "dashboard" / "config" / "status_change_grid.toml").read_text())
    every = achievement().filter((pl.col("student_group") == "All Students") & (pl.col("subject") == "ELA"))
    years = sorted(every["school_year"].unique())
    # a school is placed where its ELA All Students is published in both years (the district's pattern withholds
    # some as complements); the others are counted as withheld groups
    a = published_all_students(sample_url).filter(pl.col("subject") == "ELA")
    pct = lambda y: a.filter(pl.col("school_year") == y).select(  # noqa: E731
        "school_id", (100 * pl.col("n_proficient") / pl.col("n_tested")).alias(y)
    )
    both = pct(years[-1]).join(pct(years[-2]), on="school_id")
    in_both = every.filter(pl.col("school_year") == years[-1]).join(
        every.filter(pl.col("school_year") == years[-2]), on="school_id", how="semi"
    )
    left_out = in_both.height - both.height
    expected: dict[tuple[str, str], int] = {}
    band, big = cfg["change"]["maintained_band_pp"], cfg["change"]["significant_pp"]
    for now, before in both.select(years[-1], years[-2]).iter_rows():
        status = cfg["status"]["names"][sum(now >= cut for cut in cfg["status"]["cuts"])]
        d = now - before
        size = 0 if abs(d) < band else (1 if abs(d) < big else 2)
        change = cfg["change"]["names"][2 + size if d > 0 else 2 - size]
        expected[(status, change)] = expected.get((status, change), 0) + 1
    goto(app, "equity")
    app.selectbox(key="w_subject").set_value("ELA").run()
    app.selectbox(key="w_group").set_value("All Students").run()
    assert not app.exception
    got = grid_cells(app, "ELA status (")
    assert len(got) == 25
    assert {k: n for k, n in got.items() if n} == expected
    title = next(t for t in titles(app) if t.startswith("ELA status ("))
    assert f"All Students at each school, all schools, n = {both.height} groups placed" in title
    captions = " ".join(as_read(c.value) for c in app.caption)
    assert f"status_change_grid.toml version {cfg['version']}" in captions
    if left_out:
        assert f"{counted(left_out, 'withheld group')} (" in captions
    else:
        assert "No group was withheld." in captions


def test_status_change_grid_leaves_withheld_groups_out(app):
    goto(app, "equity")
    app.selectbox(key="w_subject").set_value("ELA").run()
    got = grid_cells(app, "ELA status (")
    a = achievement().filter(pl.col("subject") == "ELA")
    years = sorted(a["school_year"].unique())
    key = ["school_id", "student_group"]
    now = a.filter(pl.col("school_year") == years[-1]).select(*key, pl.col("n_tested").alias("n"))
    before = a.filter(pl.col("school_year") == years[-2]).select(*key, pl.col("n_tested").alias("prior_n"))
    pairs = now.join(before, on=key)
    small = pairs.filter((pl.col("n") < 10) | (pl.col("prior_n") < 10)).height
    assert small > 0
    captions = " ".join(as_read(c.value) for c in app.caption)
    left_out = int(captions.split(" withheld group")[0].split()[-1])
    # at least the groups under 10 in either year are left out (plus complementary and coded ones), and the rest
    # are placed: placed + left out = every school group with a result in both years
    assert left_out >= small
    assert sum(got.values()) + left_out == pairs.height


# --- CPL -----------------------------------------------------------------------------------------------------------


def test_cpl_monthly_calendar_and_protocols_match_the_meeting_log(app):
    m = pl.read_csv(SAMPLE / "cpl_meetings.csv", try_parse_dates=True)
    m = m.with_columns(
        pl.when(pl.col("meeting_date").dt.month() >= 7)
        .then(pl.col("meeting_date").dt.year())
        .otherwise(pl.col("meeting_date").dt.year() - 1)
        .alias("y")
    )
    latest = m["y"].max()
    year = f"{latest}-{(latest + 1) % 100:02d}"
    school = m.filter(pl.col("y") == latest).sort("school_id")["school_id"][0]
    mine = m.filter((pl.col("y") == latest) & (pl.col("school_id") == school))
    goto(app, "cpl")
    app.selectbox(key="w_school").set_value(school).run()
    assert not app.exception
    t = titles(app)
    cal = next(x for x in t if x.startswith("Calendar of CPL meetings"))
    assert f"{year} ({mine.height} meetings on {mine['meeting_date'].n_unique()} days)" in cal
    # per team per month: each cell prints the team's minutes that month (its meetings are in the hover)
    heat = spec(app, next(i for i, x in enumerate(t) if x.startswith("CPL minutes per team per month")))
    h = heat["data"][0]
    cell = {(row, col): h["text"][i][j] for i, row in enumerate(h["y"]) for j, col in enumerate(h["x"])}
    one = (
        mine.group_by("team", pl.col("meeting_date").dt.strftime("%b %Y").alias("month"))
        .agg(pl.len().alias("n"), pl.col("duration_minutes").sum().alias("minutes"))
        .sort("team", "month")
    )
    for r in one.iter_rows(named=True):
        assert cell[(r["team"], r["month"])] == str(r["minutes"])
    assert len(h["y"]) == mine["team"].n_unique()
    # protocols: meetings per protocol, blank protocols counted as "not recorded"
    prot = spec(app, next(i for i, x in enumerate(t) if x.startswith("Protocols used")))["data"][0]
    expected = mine.group_by(pl.col("protocol").replace("", None).fill_null("not recorded")).len()
    assert dict(zip(prot["y"], prot["x"], strict=False)) == dict(expected.iter_rows())
    assert f"({mine.height} meetings)" in next(x for x in t if x.startswith("Protocols used"))


def test_cpl_compares_two_chosen_teams(app):
    goto(app, "cpl")
    first = app.selectbox(key="cpl_team_a")
    assert first.value.startswith("Grade 3 Team") and app.selectbox(key="cpl_team_b").value.startswith("Grade 9 Team")
    other = next(k for k in first.options if "Cross-Grade" in k)
    first.set_value(other).run()
    assert not app.exception
    pair = next(x for x in titles(app) if x.startswith("CPL minutes per month (meetings on each bar)"))
    assert other in pair and "Grade 9 Team" in pair
    table = next(d.value for d in app.dataframe if "Team" in d.value.columns and "School" not in d.value.columns)
    assert set(table["Team"]) == {other, app.selectbox(key="cpl_team_b").value}


# --- Data page uploads ---------------------------------------------------------------------------------------------

BAD_ACHIEVEMENT = (
    b"school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
    b"S001,2025-26,Math,All Students,All,100,120\n"
    b"NOPE,2025-26,Math,All Students,All,50,20\n"
)


def test_data_page_rejects_a_bad_csv_with_every_problem_listed(app):
    goto(app, "data")
    app.file_uploader(key="data_upload").set_value(("bad_achievement.csv", BAD_ACHIEVEMENT, "text/csv")).run()
    app.selectbox(key="data_source").set_value("achievement").run()
    app.button(key="data_load").click().run()
    assert not app.exception
    assert any(
        "bad_achievement.csv was rejected" in as_read(e.value) and "nothing was written" in e.value for e in app.error
    )
    problems = next(d.value for d in app.dataframe if "message" in d.value.columns)
    assert set(problems["row"]) == {"2", "3"}  # the rows a spreadsheet shows (header is row 1)
    assert (problems["file"] == "bad_achievement.csv").all()
    preview = next(d.value for d in app.dataframe if "school_id" in d.value.columns)
    assert list(preview["school_id"]) == ["S001", "NOPE"]


def test_data_page_loads_a_good_csv_and_shows_the_summary(app):
    goto(app, "data")
    data = (SAMPLE / "schools.csv").read_bytes()
    rows = pl.read_csv(SAMPLE / "schools.csv").height
    app.file_uploader(key="data_upload").set_value(("schools.csv", data, "text/csv")).run()
    app.selectbox(key="data_source").set_value("schools").run()
    app.button(key="data_load").click().run()
    assert not app.exception and not app.error
    assert any(f"schools.csv: schools, {rows} rows" in as_read(s.value) for s in app.success)
    last = next(d.value for d in app.dataframe if "last loaded" in d.value.columns)
    assert set(last["source"]) == {"schools", "cpl", "trust", "readiness", "achievement"}
    assert (last["last loaded"] != "never").all()


def test_data_page_refuses_a_zip_bomb_with_the_setting_named(app, tmp_path):
    """The issue's upload: 6 MB that unpack to 1.79 GB of sheet XML, refused from the zip's directory."""
    from zip_bombs import write_workbook

    bomb = tmp_path / "cpl_meetings.xlsx"
    write_workbook(bomb, 18_080_000)
    goto(app, "data")
    app.file_uploader(key="data_upload").set_value((bomb.name, bomb.read_bytes(), "application/octet-stream")).run()
    assert not app.exception
    assert any("cpl_meetings.xlsx cannot be read: nothing was written" in as_read(e.value) for e in app.error)
    problems = next(d.value for d in app.dataframe if "message" in d.value.columns)
    assert problems["message"].to_list() == [
        "the file unpacks to 1,707 MB; the Data page reads files of up to 200 MB unpacked (setting "
        "upload_max_unpacked_mb); load a file this large with district-dashboard load"
    ]


def test_admin_page_lists_the_accounts_and_offers_every_school(app):
    goto(app, "admin")
    accounts_table = app.dataframe[0].value
    # the demo accounts of dashboard/services/demo.py, and no column that could hold a password or its hash
    assert {"supt", "coach", "principal", "board", "admin"} <= set(accounts_table["username"])
    assert not [c for c in accounts_table.columns if "pass" in c.lower() or "hash" in c.lower()]
    schools = pl.read_csv(SAMPLE / "schools.csv")
    offered = next(m for m in app.multiselect if m.label.startswith("Schools (coach"))
    assert list(offered.options) == [
        f"{name} ({sid})" for sid, name in schools.sort("school_name").select("school_id", "school_name").iter_rows()
    ]


@pytest.mark.parametrize("page", ["overview", "school", "trust", "cpl", "readiness", "equity", "culture"])
def test_every_table_names_its_columns_for_people(app, page):
    """Under every chart, and in every table, column names are the users' words: no working column
    (``_all_pct``) and no database name (``pct_ready_of_cast``), at the district and at one school."""
    from test_auth_pages import open_tables

    def check(at: AppTest) -> None:
        assert not at.exception, at.exception
        assert at.dataframe, "no table was drawn"
        for frame in at.dataframe:
            raw = [name for name in frame.value.columns if re.fullmatch(r"[a-z0-9_]+", str(name))]
            assert not raw, (page, list(frame.value.columns))
            # numbers as the chart prints them (52.9, not 52.9162; a mean score 3.47), no placeholder ID
            for name in frame.value.columns:
                column = frame.value[name]
                if column.dtype.kind == "f":
                    long = [x for x in column.dropna() if round(x, 2) != x]
                    assert not long, (page, name, long[:3])
                assert "district" not in column.astype(str).tolist(), (page, name)

    goto(app, page)
    check(open_tables(app))
    if any(b.key == "w_school" for b in app.selectbox):  # one school: tables by team, by year
        first = pl.read_csv(SAMPLE / "schools.csv").sort("school_id")["school_id"][0]
        app.selectbox(key="w_school").set_value(first).run()
        check(open_tables(app))


@pytest.mark.parametrize("page", ["overview", "cpl", "equity"])
def test_a_rerun_with_the_same_filters_reads_only_what_every_run_must(app, page):
    """A rerun (a widget touched elsewhere, the same filters) takes its data from the caches: the database is asked
    only what may have changed since the last run, in one statement each: the schema's revision, the meta values
    (the data version and the demo marks), the accounts and the settings."""
    import sqlalchemy as sa

    goto(app, page)
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        app.run()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert not app.exception
    tables = [m.group(1) if (m := re.search(r"\bFROM (\w+)", s)) else s for s in seen]
    assert tables == ["BEGIN", "alembic_version", "meta", "app_user", "setting"], seen  # BEGIN: SQLite's, ours
