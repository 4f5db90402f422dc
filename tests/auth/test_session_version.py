"""The per-account session version (dashboard.auth.accounts): raised by a new password, a change of role or schools,
disable and "sign out everywhere" (`users signout NAME`, the Accounts page), not by a change that changes nothing,
and audited."""

from __future__ import annotations

import pytest
import security_district as sd

from dashboard.auth import accounts, audit
from dashboard.cli import main


@pytest.fixture
def district(engine, tmp_path):
    from dashboard.ingest import loader

    d = tmp_path / "d"
    d.mkdir()
    (d / "schools.csv").write_text(sd.SCHOOLS, encoding="utf-8")
    assert loader.load_files(engine, loader.files_in_directory(d), user="t").ok
    accounts.add(engine, "c", "coach", "a long password", schools="S1,S2")
    return engine


def version(engine, name: str = "c") -> int:
    with engine.connect() as conn:
        return accounts.get(conn, name).session_version


@pytest.mark.parametrize(
    "change, raised",
    [
        ({"password": "a new long password"}, True),
        ({"role": "principal", "schools": "S1"}, True),
        ({"schools": "S1"}, True),
        ({"schools": "S2,S1"}, True),  # the same schools in another order are another list: signed out all the same
        ({"schools": "S1,S2"}, False),  # nothing changes
        ({"role": "coach"}, False),
        ({"active": False}, True),
    ],
)
def test_what_raises_the_session_version(district, change, raised):
    before = version(district)
    accounts.update(district, "c", **change)
    assert version(district) == before + (1 if raised else 0)


def test_enabling_again_does_not_bring_old_sessions_back(district):
    accounts.disable(district, "c")
    disabled = version(district)
    accounts.update(district, "c", active=True)
    assert version(district) == disabled  # the cookies of before the disable stay dead


def test_sign_out_everywhere(district, capsys):
    url = district.url.render_as_string(hide_password=False)
    before = version(district)
    assert main(["users", "signout", "C", "--db", url]) == 0
    assert "signed c out everywhere" in capsys.readouterr().out
    assert version(district) == before + 1
    accounts.signout_everywhere(district, "c", by="admin")
    assert version(district) == before + 2
    with district.connect() as conn:
        log = audit.read(conn, action="account_change")
    assert list(log["detail"][:2]) == ["c: signed out everywhere", "c: signed out everywhere"]
    assert list(log["username"][:2]) == ["admin", log["username"][1]] and log["username"][1].endswith("(cli)")
    assert main(["users", "signout", "nobody", "--db", url]) == 2
    assert "no account named 'nobody'" in capsys.readouterr().err


def test_the_audit_says_a_change_signed_the_account_out(district):
    accounts.update(district, "c", password="a new long password", by="admin")
    with district.connect() as conn:
        detail = audit.read(conn, action="account_change")["detail"][0]
    assert detail == "c: password reset; signed out everywhere"


def test_upgrading_to_0005_keeps_the_accounts_at_version_0_and_drops_the_lock(tmp_path):
    import sqlalchemy as sa
    from alembic import command

    from dashboard.store import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "0004")
        conn.execute(
            sa.text(
                "INSERT INTO app_user (username, display_name, role, schools, password_hash, active, failed_attempts,"
                " locked_until, created_at, updated_at) VALUES ('old', 'Old', 'board', '', :h, 1, 3, NULL,"
                " '2026-01-01', '2026-01-01')"
            ),
            {"h": accounts.bcrypt_hash("a long password")},
        )
    db.migrate(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("app_user")}
    assert "session_version" in columns and not columns & {"failed_attempts", "locked_until"}
    assert "login_throttle" in sa.inspect(engine).get_table_names()
    assert version(engine, "old") == 0
    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0004")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("app_user")}
    assert {"failed_attempts", "locked_until"} <= columns and "session_version" not in columns
