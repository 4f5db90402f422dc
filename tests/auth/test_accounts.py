"""Accounts: ``district-dashboard users ...``, bcrypt hashes only, lockout counted in the database, demo accounts
only in a demo database, the audit log, and ``serve`` refusing to start without a cookie key."""

from __future__ import annotations

import io

import pytest
import security_district as sd
import sqlalchemy as sa

from dashboard.auth import accounts, audit
from dashboard.cli import main
from dashboard.services import demo
from dashboard.store import db, settings
from dashboard.store.schema import app_user


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def district(engine, tmp_path):
    from dashboard.ingest import loader

    d = tmp_path / "d"
    d.mkdir()
    (d / "schools.csv").write_text(sd.SCHOOLS, encoding="utf-8")
    assert loader.load_files(engine, loader.files_in_directory(d), user="t").ok
    return engine


def users(engine, *args, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["users", *args, "--db", _url(engine)])


def test_users_add_list_disable_set(district, monkeypatch, capsys):
    e = district
    assert (
        users(
            e,
            "add",
            "Coach.A",
            "--role",
            "coach",
            "--schools",
            "S1,S2",
            "--password-stdin",
            stdin="a long password\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert (
        users(
            e,
            "add",
            "supt",
            "--role",
            "superintendent",
            "--password-stdin",
            stdin="another password\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    capsys.readouterr()
    assert users(e, "list") == 0
    assert capsys.readouterr().out == (
        "username,role,schools,active\ncoach.a,coach,S1;S2,true\nsupt,superintendent,,true\n"
    )
    assert users(e, "set", "coach.a", "--schools", "S3") == 0
    assert users(e, "set", "coach.a", "--role", "principal", "--schools", "S4") == 0
    assert users(e, "disable", "supt") == 0
    capsys.readouterr()
    users(e, "list")
    assert capsys.readouterr().out.splitlines()[1:] == ["coach.a,principal,S4,true", "supt,superintendent,,false"]
    with e.connect() as conn:
        log = audit.read(conn, action="account_change")
    assert log.height == 5 and all(u.endswith("(cli)") for u in log["username"])
    assert not any("password" in d and "long" in d for d in log["detail"])


def test_passwords_are_bcrypt_hashes_only(district, monkeypatch):
    users(
        district, "add", "x", "--role", "board", "--password-stdin", stdin="s3cret-password\n", monkeypatch=monkeypatch
    )
    with district.connect() as conn:
        stored = conn.execute(sa.select(app_user.c.password_hash)).scalar_one()
        everything = " ".join(str(v) for r in conn.execute(sa.text("SELECT * FROM app_user")) for v in r)
        log = " ".join(audit.read(conn)["detail"])
    assert stored.startswith("$2b$") and "s3cret" not in everything and "s3cret" not in log
    from streamlit_authenticator import Hasher

    assert Hasher.check_pw("s3cret-password", stored)


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "a", "--role", "coach", "--password-stdin"], "needs --schools"),
        (["add", "a", "--role", "principal", "--schools", "S1,S2", "--password-stdin"], "exactly one school"),
        (["add", "a", "--role", "coach", "--schools", "S9", "--password-stdin"], "unknown school"),
        (["add", "a", "--role", "board", "--schools", "S1", "--password-stdin"], "every school"),
        (["add", "a b", "--role", "board", "--password-stdin"], "username"),
        (["add", "a", "--role", "board"], "--password-stdin"),
    ],
)
def test_refused_account_changes_exit_2(district, monkeypatch, capsys, args, message):
    assert users(district, *args, stdin="long enough pw\n", monkeypatch=monkeypatch) == 2
    assert message in capsys.readouterr().err


def test_short_password_refused(district, monkeypatch, capsys):
    assert (
        users(district, "add", "a", "--role", "board", "--password-stdin", stdin="short\n", monkeypatch=monkeypatch)
        == 2
    )
    assert "at least 8" in capsys.readouterr().err


def test_failed_logins_never_lock_an_account(district):
    # anyone may type any name: failures slow the name's next attempts (dashboard.auth.throttle), never lock it
    from dashboard.auth import throttle

    accounts.add(district, "v", "board", "a long password")
    with district.connect() as conn:
        values = settings.load(conn)
    for i in range(20):
        assert not throttle.begin(district, f"10.0.0.{i}", "v", values).refused
        throttle.finish(district, f"10.0.0.{i}", "v", False, values)
    with district.connect() as conn:
        assert accounts.active(conn, "v") is not None
        assert "v" in accounts.credentials(conn)["usernames"]
    assert throttle.begin(district, "10.0.1.1", "v", values).delay == throttle.ACCOUNT_DELAY_MAX
    accounts.update(district, "v", password="a new long password")  # an admin's reset ends the name's count
    assert throttle.begin(district, "10.0.1.2", "v", values).delay == 0


def test_disabled_accounts_cannot_log_in(district):
    accounts.add(district, "gone", "board", "a long password")
    accounts.disable(district, "gone")
    with district.connect() as conn:
        assert "gone" not in accounts.credentials(conn)["usernames"]
        from dashboard.auth import access

        assert access.caller_for(conn, "gone") is None


def test_no_default_accounts_outside_demo_mode(engine):
    with engine.connect() as conn:
        assert accounts.credentials(conn) == {"usernames": {}}


def test_demo_accounts_only_in_a_database_marked_as_a_demo(district):
    with pytest.raises(RuntimeError):
        demo.ensure_demo_accounts(district)
    with district.begin() as conn:
        db.set_meta(conn, demo.DEMO_KEY, "1")
    made = demo.ensure_demo_accounts(district)
    assert made == ["supt", "coach", "principal", "board", "admin"]
    with district.connect() as conn:
        creds = accounts.credentials(conn)["usernames"]
        assert set(creds) == set(made)
        assert len(accounts.get(conn, "coach").schools) == 3 and len(accounts.get(conn, "principal").schools) == 1
    with district.begin() as conn:  # the mark removed: the demo accounts stop working
        db.set_meta(conn, demo.DEMO_KEY, "0")
    with district.connect() as conn:
        assert accounts.credentials(conn) == {"usernames": {}}


def test_serve_refuses_outside_demo_mode_without_a_cookie_key(district, monkeypatch, capsys):
    monkeypatch.delenv("DASHBOARD_COOKIE_KEY", raising=False)
    monkeypatch.setattr(accounts, "cookie_key_from_files", lambda *roots: None)
    assert main(["serve", "--db", _url(district), "--headless"]) == 2
    assert "refusing to start outside demo mode" in capsys.readouterr().err
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", "too-short")
    assert main(["serve", "--db", _url(district), "--headless"]) == 2
    assert "too short" in capsys.readouterr().err


def test_cli_loads_and_undo_are_audited(engine, canonical_dir):
    url = _url(engine)
    assert main(["load", str(canonical_dir), "--db", url]) == 0
    assert main(["imports", "undo", "5", "--db", url]) == 0
    with engine.connect() as conn:
        log = audit.read(conn)
    assert {"load", "undo"} <= set(log["action"])
    assert all(u.endswith("(cli)") for u in log.filter(log["action"].is_in(["load", "undo"]))["username"])
