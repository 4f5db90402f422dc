"""The Board pack page: a board member builds the district pack for a year and gets the PPTX, PDF and PNGs; a
coach's pack holds their own schools only."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from helpers import page_path, signed_in
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard.services import demo
from dashboard.store import db


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pack_page') / 'demo.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)
    engine.dispose()
    return url


def _on_pack_page(url: str, username: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = signed_in(username, timeout=180)
    at.run()
    at.switch_page(page_path("board_pack"))
    at.run()
    assert not at.exception, at.exception
    return at


def _pack(at: AppTest) -> dict:
    at.button(key="build_pack").click().run()
    assert not at.exception, at.exception
    owner, files = at.session_state["board_pack"]
    assert owner == at.session_state["username"]  # kept with the name of the user who built it (ui.keep_for_user)
    return files


def test_board_member_builds_the_district_pack(demo_url, monkeypatch):
    at = _on_pack_page(demo_url, "board", monkeypatch)
    at.selectbox(key="w_year").set_value("2025-26").run()
    files = _pack(at)
    assert sorted(files) == ["pdf", "png", "pptx"]
    assert files["pptx"][0] == "board_pack_district_2025-26.pptx"
    assert files["pdf"][1][:5] == b"%PDF-"
    deck = Presentation(io.BytesIO(files["pptx"][1]))
    charts = sum(any(shape.shape_type == 13 for shape in slide.shapes) for slide in deck.slides)
    pngs = zipfile.ZipFile(io.BytesIO(files["png"][1])).namelist()
    # the sample district: the schools' proficiency (3 slides of 8 schools), two subjects' levels and change (each on
    # 2 slides of 6 groups with All Students), trust, CPL and readiness (3 slides each) and culture: 21 charts
    assert charts == len(pngs) == 21
    assert deck.slides[1].shapes.title.text.startswith("Board goals and their status, district, as of 2025-26")


def test_a_coach_pack_holds_only_their_schools(demo_url, monkeypatch):
    at = _on_pack_page(demo_url, "coach", monkeypatch)
    at.selectbox(key="w_year").set_value("2025-26").run()
    deck = Presentation(io.BytesIO(_pack(at)["pptx"][1]))
    text = " ".join(shape._element.xml for slide in deck.slides for shape in slide.shapes)
    engine = db.make_engine(demo_url)
    from dashboard.auth import access

    with engine.connect() as conn:
        coach = access.caller_for(conn, "coach")
    assert coach.school_ids and len(coach.school_ids) == 3
    # the chart titles in the alt text count the schools covered: the coach's three, never the district's 24
    assert re.search(r"\b3 schools\b", text) and not re.search(r"\b24 schools\b", text)
