"""The Data page's records-retention button: an admin picks the first school year to keep, reads what will go,
types the year to confirm, and purges; the button stays disabled until the year is typed."""

from __future__ import annotations

import sqlalchemy as sa
from helpers import page_path, signed_in

from dashboard.services import demo, purge
from dashboard.store import db
from dashboard.store.schema import achievement, audit_log, import_log


def test_admin_purges_the_years_before_one_after_typing_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'purge.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)
    years = purge.stored_years(engine)
    assert len(years) >= 3
    keep_from = years[1]  # the second stored year: only the oldest goes
    label = f"{keep_from}-{(keep_from + 1) % 100:02d}"
    with engine.connect() as conn:
        rows, history = purge.counts_before(conn, keep_from)
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = signed_in("admin")
    at.run()
    at.switch_page(page_path("data"))
    at.run()
    assert not at.exception, at.exception
    assert "purge_confirm" not in [t.key for t in at.text_input]  # the section is closed: nothing of it is drawn
    at.session_state["purge_open"] = True
    at.run()
    at.selectbox(key="purge_before").set_value(label).run()
    warning = next(w.value for w in at.warning if "deletes, for good" in w.value)
    assert f"before {label}: {sum(rows.values()):,} rows" in warning
    assert at.button(key="purge").disabled
    at.text_input(key="purge_confirm").input("2019").run()
    assert at.button(key="purge").disabled, "a wrong year leaves the button disabled"
    at.text_input(key="purge_confirm").input(label).run()
    assert not at.button(key="purge").disabled
    at.button(key="purge").click().run()
    assert not at.exception, at.exception
    with engine.connect() as conn:
        purge_id = conn.execute(sa.select(import_log.c.id).where(import_log.c.status == "purged")).scalar_one()
        assert conn.execute(sa.select(sa.func.min(achievement.c.year_start))).scalar_one() == keep_from
        assert conn.execute(sa.select(audit_log.c.username).where(audit_log.c.action == "purge")).scalar_one() == (
            "admin"
        )
    assert [s.value for s in at.success] == [purge.PurgeResult(label, rows, history, purge_id).summary()]
