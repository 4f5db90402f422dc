"""The Goals page through the real entrypoint (AppTest), for each role, on the demo district with its sample goals:
every role reads the goals whose scope it sees (district goals first), each with its status in words and a symbol
and a chart of actual against the path; admins and the superintendent get the forms, and a goal added there shows
at once; the board never sees an internal note."""

from __future__ import annotations

import json

import pytest
from helpers import page_path, signed_in
from streamlit.testing.v1 import AppTest

from dashboard.services import demo, goals
from dashboard.store import db


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('goals_page') / 'demo.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)  # the sample district, its demo accounts and its sample goals and notes
    engine.dispose()
    return url


def on_goals(url: str, username: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = signed_in(username, timeout=180)
    at.run()
    at.switch_page(page_path("goals"))
    at.run()
    assert not at.exception, at.exception
    return at


def goal_names(at: AppTest) -> list[str]:
    return [] if not at.dataframe else at.dataframe[0].value["Goal"].tolist()


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


@pytest.mark.parametrize("role", ["board", "supt", "admin"])
def test_district_wide_roles_read_every_goal_district_first(demo_url, monkeypatch, role):
    at = on_goals(demo_url, role, monkeypatch)
    engine = db.make_engine(demo_url)
    expected = goals.table_for(engine)  # the superintendent's view, as goals list prints it
    engine.dispose()
    kept = expected.filter(expected["kind"] == "goal")
    assert goal_names(at) == kept["name"].to_list()
    scopes = kept["scope"].to_list()
    assert scopes[0] == "district" and scopes.index("district") < scopes.index("network:South Network")
    statuses = at.dataframe[0].value["Status"].tolist()
    words = {"met": "✓ met", "on_track": "→ on track", "off_track": "✗ off track", "no_data": "– no data"}
    assert statuses == [words[s] for s in kept["status"]]  # a symbol and words, never colour alone
    titles = chart_titles(at)
    assert len(titles) == expected.height and all(":" in t for t in titles)
    subheaders = [h.value for h in at.subheader]
    assert "Guardrails" in subheaders
    assert ("Manage goals and timeline notes" in subheaders) == (role in ("supt", "admin"))


def test_a_coach_reads_only_the_goals_of_its_schools(demo_url, monkeypatch):
    at = on_goals(demo_url, "coach", monkeypatch)
    # the coach's schools are S001-S003: the sample goal of S001 only (not the district's, not the South Network's)
    assert goal_names(at) == ["Crystal Valley ELA proficiency to 70% by 2026-27"]
    assert all("Crystal Valley" in t for t in chart_titles(at))


def test_a_principal_without_goals_is_told_so(demo_url, monkeypatch):
    at = on_goals(demo_url, "principal", monkeypatch)
    assert not at.dataframe and "No board goals yet" in at.info[0].value


def test_an_admin_adds_a_goal_and_it_shows_at_once(demo_url, monkeypatch):
    at = on_goals(demo_url, "admin", monkeypatch)
    before = goal_names(at)
    at.text_input[0].set_value("Trust index of 66 by 2027-28")
    at.selectbox[0].set_value("trust_index")
    at.text_input[1].set_value("2022-23")
    at.number_input[0].set_value(66.0)
    at.text_input[2].set_value("2027-28")
    at.button[0].click().run()  # the form's submit button, then the rerun that shows the goal
    assert not at.exception, at.exception
    assert goal_names(at) == [*before[:4], "Trust index of 66 by 2027-28", *before[4:]]  # district goals first
    assert any("Added goal" in s.value or "added goal" in s.value for s in at.success)


def test_the_board_never_sees_an_internal_note(demo_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_url)
    for role, sees in (("board", False), ("coach", True)):
        at = signed_in(role, timeout=180)
        at.run()
        at.switch_page(page_path("school"))
        at.run()
        at.selectbox(key="w_school").set_value("S003").run()
        assert not at.exception, at.exception
        text = json.dumps([t.value.to_dict() for t in at.dataframe], default=str)
        assert ("Coach on leave" in text) == sees, role
