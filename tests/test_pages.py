"""The pages through the real entrypoint (Streamlit AppTest), against a database built from sample_data/.

Expected figures are worked out here from the sample CSV files, independently of the dashboard's code.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, loader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'sample.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    result = loader.load_files(engine, loader.files_in_directory(SAMPLE), user="test")
    assert result.ok, result.problems
    engine.dispose()
    return url


@pytest.fixture
def app(sample_url, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    at.run()
    assert not at.exception, at.exception
    return at


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def spec(at: AppTest, i: int) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def achievement() -> pl.DataFrame:
    return pl.read_csv(SAMPLE / "achievement.csv")


def test_overview_metrics_match_the_sample_files(app):
    schools = pl.read_csv(SAMPLE / "schools.csv")
    assert metric(app, "Schools") == str(schools.height)
    rows = achievement().filter(pl.col("student_group") == "All Students")
    latest = rows["school_year"].max()
    year = rows.filter(pl.col("school_year") == latest)
    pct = 100 * year["n_proficient"].sum() / year["n_tested"].sum()
    prior = rows.filter(pl.col("school_year") == sorted(rows["school_year"].unique())[-2])
    prior_pct = 100 * prior["n_proficient"].sum() / prior["n_tested"].sum()
    tile = next(m for m in app.metric if m.label == f"All Students proficient, {latest}")
    assert tile.value == f"{pct:.1f}%"
    assert tile.proto.body == f"{pct:.1f}%"
    assert tile.delta == f"{pct - prior_pct:+.1f} pp"
    assert titles(app) == [f"All Students proficiency by school, district, {latest} ({schools.height} schools, "
                           "all subjects)"]


EXPECTED = {
    "school": ["Trust index (0-100) by year", "CPL consistency", "Readiness votes", "proficiency by student group"],
    "trust": ["Staff trust by facet and school (mean score), all staff, 2025-26, 24 schools",
              "District trust by facet over time", "Trust by respondent group and facet",
              "Staff survey response rate by school"],
    "cpl": ["CPL consistency: % of school weeks with a meeting, all schools, 2025-26, 24 schools",
            "CPL minutes per month", "CPL consistency by team type"],
    "readiness": ["Latest readiness vote by school against its threshold, 24 schools",
                  "Turnout in the latest readiness vote", "Readiness over voting rounds"],
    "equity": ["ELA proficiency by student group, all schools, by year, with 95% intervals (11 groups)",
               "Change in ELA proficiency by student group, all schools, 2024-25 to 2025-26"],
    "culture": ["Trust index change (points) against All Students change in proficiency (pp), 2025-26, n = "],
    "data": [],
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_runs_and_titles_its_charts(app, page):
    goto(app, page)
    got = titles(app)
    assert len(got) == len(EXPECTED[page]), got
    for title, start in zip(got, EXPECTED[page]):
        assert start in title
    assert not app.error


def test_network_filter_changes_what_is_shown(app):
    schools = pl.read_csv(SAMPLE / "schools.csv")
    east = schools.filter(pl.col("network") == "East Network")
    assert 0 < east.height < schools.height
    app.selectbox(key="w_network").set_value("East Network").run()
    assert not app.exception
    assert metric(app, "Schools") == str(east.height)
    assert f"({east.height} schools" in titles(app)[0]
    assert app.query_params["network"] == ["East Network"] or app.query_params["network"] == "East Network"
    # the filter follows the user to another page
    goto(app, "readiness")
    assert f"{east.height} schools" in titles(app)[0]


def test_suppressed_cell_shows_as_withheld_never_zero(app):
    a = achievement()
    latest = a["school_year"].max()
    key = ["school_id", "subject", "student_group"]
    prior = a.filter(pl.col("school_year") == sorted(a["school_year"].unique())[-2]).select(key)
    small = (a.filter((pl.col("school_year") == latest) & (pl.col("n_tested") < 10)
                      & (pl.col("student_group") != "All Students"))
             .join(prior, on=key, how="semi").sort(key))  # a group with a change row: in both years
    row = small.row(0, named=True)
    goto(app, "equity")
    app.selectbox(key="w_school").set_value(row["school_id"]).run()
    app.selectbox(key="w_subject").set_value(row["subject"]).run()
    assert not app.exception
    captions = " ".join(c.value for c in app.caption)
    assert f"{row['student_group']} {latest} (n<10)" in captions
    levels = spec(app, 0)
    trace = next(t for t in levels["data"] if t["name"] == row["student_group"])
    points = dict(zip(trace["x"], trace["y"]))
    assert points.get(latest) is None  # absent, not zero
    change = spec(app, 1)
    bars = change["data"][0]
    shown = dict(zip(bars["y"], bars["x"]))
    assert shown.get(row["student_group"]) is None
    table = app.dataframe[-1].value  # the gap table
    withheld = table[table["Student group"] == row["student_group"]]
    assert list(withheld["Withheld"]) == ["n<10"]
    assert withheld[f"% proficient {latest}"].isna().all()


def test_trust_heatmap_prints_numbers_and_marks_low_response(app):
    trust = pl.read_csv(SAMPLE / "trust_scores.csv")
    low = trust.filter((pl.col("respondent_group") == "all_staff") & (pl.col("response_rate") < 50)
                       & (pl.col("n_respondents") >= 5))
    year = low["school_year"].min()
    goto(app, "trust")
    app.selectbox(key="w_year").set_value(year).run()
    heat = spec(app, 0)
    assert year in heat["layout"]["title"]["text"]
    texts = [t for row in heat["data"][0]["text"] for t in row]
    assert sum(t.endswith("†") for t in texts) == low.filter(pl.col("school_year") == year).height
    assert all(t for t in texts)  # every cell printed: a number, a marked number, or a withheld label
    small = trust.filter((pl.col("school_year") == year) & (pl.col("respondent_group") == "all_staff")
                         & (pl.col("n_respondents") < 5) & (pl.col("facet") != "overall"))
    assert sum(t == "n<5" for t in texts) >= small.height


def test_uninitialised_database_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=60)
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
