"""A school or team name holding an HTML or script tag is valid data: it loads, and the exports and the overview show
it as the literal text (no element is made from it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import signed_in
from reliability_helpers import migrated_with_sample
from streamlit.testing.v1 import AppTest
from test_auth_pages import open_tables

from dashboard.auth import accounts
from dashboard.cli import main
from dashboard.ingest.loader import FileToLoad, load_files

SCHOOL = "<script>alert(1)</script> Elementary"
TEAM = "<b>Math</b>"
COOKIE_KEY = "html-names-cookie-key-" + "y" * 40
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("html")
    url = f"sqlite:///{tmp / 'html.db'}"
    engine = migrated_with_sample(url)
    schools = tmp / "schools.csv"
    schools.write_text(
        f'school_id,school_name,level,network,enrollment\nS900,"{SCHOOL}",elementary,"{TEAM} Network",300\n',
        encoding="utf-8",
    )
    cpl = tmp / "cpl_meetings.csv"
    cpl.write_text(
        "school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size\n"
        + "".join(f"S900,2025-{m:02d}-1{d},{TEAM},content,45,5,6\n" for m in (9, 10, 11) for d in (0, 7))
        + "".join(f"S001,2025-{m:02d}-1{d},{TEAM},content,45,5,6\n" for m in (9, 10) for d in (1, 8)),
        encoding="utf-8",
    )
    result = load_files(engine, [FileToLoad(schools), FileToLoad(cpl)], user="test")
    assert result.ok, [str(p) for p in result.problems]
    accounts.add(engine, "supt", "superintendent", PASSWORD)
    engine.dispose()
    return url


def _export(url: str, table: str, out: Path) -> list[dict]:
    assert main(["export", table, "--out", str(out), "--db", url]) == 0
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_names_with_tags_are_stored_and_exported_as_plain_text(url, tmp_path):
    summary = _export(url, "school_summary", tmp_path / "summary.csv")
    row = next(r for r in summary if r["school_id"] == "S900")
    assert row["school_name"] == SCHOOL
    assert row["network"] == f"{TEAM} Network"
    cadence = _export(url, "cpl_cadence", tmp_path / "cadence.csv")
    teams = {(r["school_id"], r["team"]) for r in cadence}
    assert ("S900", TEAM) in teams and ("S001", TEAM) in teams
    assert next(r for r in cadence if r["school_id"] == "S900")["school_name"] == SCHOOL


def _texts(at: AppTest) -> list[tuple[str, str, bool]]:
    """(kind, text, html allowed) of every text element the run produced."""
    found = []
    for kind in ("markdown", "caption", "text", "title", "header", "subheader", "error", "info", "warning", "success"):
        for element in at.get(kind):
            proto = element.proto
            body = getattr(proto, "body", None) or getattr(element, "value", "") or ""
            found.append((kind, str(body), bool(getattr(proto, "allow_html", False))))
    return found


def test_the_overview_shows_the_names_as_literal_text(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", COOKIE_KEY)
    at = signed_in("supt", timeout=90)
    at.run()
    open_tables(at)  # the charts' data tables too
    assert not at.exception, at.exception
    tables = [element.value for element in at.dataframe]
    shown = [
        name
        for frame in tables
        for column in ("School", "school_name")
        if column in frame.columns
        for name in frame[column].tolist()
    ]
    assert SCHOOL in shown, "the school is listed under its literal name"
    networks = [name for frame in tables if "Network" in frame.columns for name in frame["Network"].tolist()]
    assert f"{TEAM} Network" in networks
    for kind, body, allow_html in _texts(at):
        # a text element may repeat a name, but never as HTML: no <script> or <b> element is made from data
        assert not (allow_html and ("<script" in body or TEAM in body)), (kind, body)
