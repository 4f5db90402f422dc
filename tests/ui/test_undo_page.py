"""The Data page's undo button: an admin restores the state before an import; a refused undo says why."""

from __future__ import annotations

import sqlalchemy as sa
from helpers import SAMPLE, page_path, signed_in
from streamlit.testing.v1 import AppTest

from dashboard.services import demo
from dashboard.store import db
from dashboard.store.schema import readiness_vote


def _admin_on_data_page(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = signed_in("admin")
    at.run()
    at.switch_page(page_path("data"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_admin_undoes_the_readiness_import_from_the_data_page(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'undo.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)  # imports 1-5: schools, cpl, trust, readiness, achievement (sample_data/)
    votes_in_file = sum(1 for _ in (SAMPLE / "readiness_votes.csv").open()) - 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(readiness_vote)).scalar_one() == votes_in_file
    at = _admin_on_data_page(url, monkeypatch)
    at.selectbox(key="undo_import_id").set_value(4).run()
    at.button(key="undo_import").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        f"import 4 undone: {votes_in_file} rows it wrote removed, 0 rows it replaced restored"
    ]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(readiness_vote)).scalar_one() == 0


def test_undo_of_an_import_a_later_one_depends_on_is_refused_with_the_reason(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'undo.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)
    # import 1 created the schools every later import uses
    at = _admin_on_data_page(url, monkeypatch)
    at.selectbox(key="undo_import_id").set_value(1).run()
    at.button(key="undo_import").click().run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "import 1 cannot be undone: later imports 2, 3, 4, 5" in at.error[0].value
