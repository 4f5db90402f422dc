"""Login, roles and scope through the real entrypoint (Streamlit AppTest), trying to break them: every role against
every page, pages before login, wrong password, lockout, disabled account, expired session, URL and session-state
tampering, and a coach's downloads checked row by row for other schools."""

from __future__ import annotations

import io
import json
import re
import time

import pandas as pd
import pytest
import security_district as sd
from helpers import app_test as fresh
from helpers import page_path, signed_in
from streamlit.testing.v1 import AppTest

from dashboard.auth import access, accounts, audit
from dashboard.store import db
from dashboard.store.schema import login_throttle
from dashboard.ui.login import EXPIRES_KEY

PAGES = list(access.PAGE_ROLES)


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return sd.build_url(tmp_path_factory.mktemp("auth"))


@pytest.fixture
def env(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", sd.COOKIE_KEY)
    yield url
    # every AppTest session is the same client (no address): one test's failed logins must not slow the next's
    with db.make_engine(url).begin() as conn:
        conn.execute(login_throttle.delete())


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Every CSV handed to a download button (the bytes a user would get)."""
    return sd.spy_csv_downloads(monkeypatch)


def login_form(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    return at


def shows_login_only(at: AppTest) -> bool:
    labels = [t.label for t in at.text_input]
    return (
        labels == ["Username", "Password"]
        and not at.get("plotly_chart")
        and not at.dataframe
        and not at.metric
        and not at.get("download_button")
    )


def chart_text(spec: str) -> str:
    """A chart's JSON without the styling (template, colour scales), which holds no data but many decimals."""

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("template", "colorscale")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(json.loads(spec)), ensure_ascii=False)


def all_text(at: AppTest) -> str:
    """Every element's text: markdown, captions, metrics, tables (as CSV), chart JSON, widget labels and options."""
    parts: list[str] = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            walk(child)
        proto = getattr(node, "proto", None)
        if proto is None:
            return
        kind = getattr(node, "type", "")
        if kind == "arrow_data_frame":
            parts.append(node.value.to_csv(index=False))
        elif kind == "plotly_chart":
            parts.append(chart_text(proto.spec))
        else:
            parts.append(str(proto))

    walk(at._tree)
    return "\n".join(parts)


def open_tables(at: AppTest) -> AppTest:
    """Open every table the page draws only on request (each chart's "Data table", a long table) and run again, as a
    user opening them all would: what they show and their CSV downloads are then checked too."""
    from dashboard import ui

    prefix = ui.table_key("")
    closed = [
        key
        for key in (e.proto.id.split("-", 2)[-1] for e in at.get("expander"))
        if key.startswith(prefix) and not at.session_state[key]
    ]
    for key in closed:
        at.session_state[key] = True
    if closed:
        at.run()
    return at


def foreign_names(username: str) -> list[str]:
    scope = sd.SCOPES[username]
    return [] if scope is None else [n for s, n in sd.SCHOOL_NAMES.items() if s not in scope]


# --- before login ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_before_login_shows_the_login_and_nothing_else(env, page):
    at = fresh()
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception
    assert shows_login_only(at)
    text = all_text(at)
    for name in sd.SCHOOL_NAMES.values():
        assert name not in text


def test_outside_demo_mode_without_a_cookie_key_the_app_refuses(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.delenv("DASHBOARD_COOKIE_KEY", raising=False)
    monkeypatch.setattr(accounts, "cookie_key_from_files", lambda *roots: None)
    at = fresh()
    at.run()
    assert at.error and "refuses to start" in at.error[0].value
    assert not at.text_input  # no login form, no default accounts


def test_short_cookie_key_is_refused(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", "short")
    at = fresh()
    at.run()
    assert at.error and "too short" in at.error[0].value


# --- login form --------------------------------------------------------------------------------------------------


def test_login_form_then_logout(env):
    at = fresh()
    at.run()
    login_form(at, "Coach", sd.PASSWORD)  # usernames are not case-sensitive
    assert at.session_state["authentication_status"] is True
    at.run()
    assert any("Signed in as **coach**" in c.value for c in at.sidebar.caption)
    assert at.get("plotly_chart") or at.dataframe
    at.sidebar.button(key="logout_button").click().run()
    assert not at.get("plotly_chart") and not at.dataframe
    at.run()
    assert shows_login_only(at)
    with db.make_engine(env).connect() as conn:
        log = audit.read(conn, username="coach")
    assert {"login", "logout"} <= set(log["action"])


def test_wrong_password_is_refused_and_audited(env):
    at = fresh()
    at.run()
    login_form(at, "board", "not the password")
    assert at.session_state["authentication_status"] is not True
    assert any("Wrong username or password" in e.value for e in at.error)
    assert shows_login_only(at) or not at.get("plotly_chart")
    with db.make_engine(env).connect() as conn:
        log = audit.read(conn, action="login_failed", username="board")
    assert log.height >= 1


def test_repeated_failures_make_the_client_wait_and_never_lock_the_account(env, monkeypatch):
    from dashboard.ui import login

    engine = db.make_engine(env)
    accounts.add(engine, "victim", "board", sd.PASSWORD)
    monkeypatch.setattr(login, "client_address", lambda: "192.0.2.10")  # the attacker's address
    for _ in range(5):  # each attempt in a fresh session: the count lives in the database, not the session
        at = fresh()
        at.run()
        login_form(at, "victim", "guess")
        assert any("Wrong username or password" in e.value for e in at.error)
    at = fresh()
    at.run()
    login_form(at, "victim", sd.PASSWORD)  # from the attacker's address even the right password waits
    assert at.session_state["authentication_status"] is not True
    assert any("Too many failed logins from this network address. Try again in" in e.value for e in at.error)
    monkeypatch.setattr(login, "client_address", lambda: "198.51.100.7")  # the owner, elsewhere: signed in
    at = fresh()
    at.run()
    login_form(at, "victim", sd.PASSWORD)
    assert at.session_state["authentication_status"] is True
    with engine.connect() as conn:
        assert audit.read(conn, action="locked", username="victim").height == 0
        details = list(audit.read(conn, action="login_failed", username="victim")["detail"])
    assert sum("wrong password, from 192.0.2.10" in d for d in details) == 5
    assert any("not checked: 192.0.2.10 waits" in d for d in details)


def test_disabled_account_is_signed_out_on_its_next_run(env):
    engine = db.make_engine(env)
    accounts.add(engine, "leaver", "coach", sd.PASSWORD, schools="S1")
    at = fresh()
    at.run()
    login_form(at, "leaver", sd.PASSWORD)
    at.run()
    assert at.dataframe or at.get("plotly_chart")
    accounts.disable(engine, "leaver")
    at.run()
    assert not at.dataframe and not at.get("plotly_chart") and not at.metric
    at2 = fresh()
    at2.run()
    login_form(at2, "leaver", sd.PASSWORD)
    assert at2.session_state["authentication_status"] is not True


def test_expired_session_is_signed_out(env):
    at = signed_in("supt", **{EXPIRES_KEY: time.time() - 1})
    at.run()
    assert not at.exception
    assert shows_login_only(at)
    assert any("expired" in w.value for w in at.warning)


# --- roles against pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", list(sd.ACCOUNTS))
def test_each_role_against_each_page(env, username, downloads):
    role = sd.ACCOUNTS[username][0]
    at = signed_in(username)
    at.run()
    assert not at.exception
    for page in PAGES:
        if access.may_open(role, page):
            at.switch_page(page_path(page))
            at.run()
            open_tables(at)
            assert not at.exception, (page, at.exception)
            assert not any("not available" in e.value for e in at.error)
            text = all_text(at)
            for name in foreign_names(username):
                assert name not in text, (username, page, name)
            assert not sd.find_sentinels(text), (username, page, sd.find_sentinels(text))
        else:
            with pytest.raises(ValueError):  # not even registered in this role's navigation
                at.switch_page(page_path(page))
    for data in downloads:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        for name in foreign_names(username):
            assert not frame.apply(lambda col, name=name: col.str.contains(name, regex=False)).any().any(), (
                username,
                name,
            )


def test_a_direct_link_to_a_page_the_role_may_not_open_is_refused_at_login(env):
    at = fresh()
    at.switch_page(page_path("data"))
    at.run()
    assert shows_login_only(at)
    login_form(at, "board", sd.PASSWORD)
    assert any("not available for your role" in e.value for e in at.error)
    assert not at.get("file_uploader") and not at.dataframe


# --- tampering ---------------------------------------------------------------------------------------------------

COACH_FOREIGN = [s for s in sd.SCHOOL_NAMES if s not in sd.SCOPES["coach"]]


@pytest.mark.parametrize("page", ["equity", "school", "cpl", "overview", "trust", "readiness", "culture"])
def test_coach_tampering_with_the_url_sees_nothing_of_other_schools(env, page):
    at = signed_in("coach")
    at.query_params["school"] = "S3"
    at.query_params["network"] = "South"
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception
    text = all_text(at)
    for name in foreign_names("coach"):
        assert name not in text
    school_boxes = [b for b in at.selectbox if b.key == "w_school"]
    for box in school_boxes:  # the filter falls back to a school of the coach's own
        assert box.value != "S3" and "S3" not in box.options


@pytest.mark.parametrize("page", ["equity", "school", "overview", "trust"])
def test_coach_tampering_with_session_state_sees_nothing_of_other_schools(env, page):
    at = signed_in("coach", roles=["superintendent"], filter_school="S3", w_school="S3", filter_network="South")
    at.switch_page(page_path(page))
    at.run()
    assert not at.exception
    text = all_text(at)
    for name in foreign_names("coach"):
        assert name not in text
    assert "your 2 schools" in text or page in ("school", "trust")


def test_coach_rollup_is_over_their_schools_beside_the_district_benchmark(env):
    at = signed_in("coach")
    at.run()
    labels = {m.label: m.value for m in at.metric}
    own = next(v for k, v in labels.items() if k.startswith("All Students % proficient (all subjects), your 2 schools"))
    bench = next(v for k, v in labels.items() if k.startswith("District benchmark (all subjects), all 5 schools"))
    # S1 and S2 All Students 2023-24: (57 + 120) / (101 + 200); district: (57+120+96+66+44) / (101+200+150+120+80)
    assert own == f"{100 * 177 / 301:.1f}%"
    assert bench == f"{100 * 383 / 651:.1f}%"
    assert labels["Schools"] == "2"


def test_principal_scope_is_one_school(env):
    with db.make_engine(env).connect() as conn:
        assert access.caller_for(conn, "principal").scope == ("S1",)
        assert access.caller_for(conn, "coach").scope == ("S1", "S2")
        assert access.caller_for(conn, "supt").scope is None


def test_downloads_are_audited(env):
    at = signed_in("coach")
    at.run()
    button = at.get("download_button")[0]
    assert button.proto.label == "Download CSV"
    # AppTest cannot click a download button; call its callback as Streamlit would
    from dashboard.ui import render

    render._audit_download("coach", "school_summary.csv", 2)
    with db.make_engine(env).connect() as conn:
        assert audit.read(conn, action="download", username="coach").height >= 1


def test_hostile_names_are_plain_text(env):
    at = signed_in("supt")
    at.switch_page(page_path("cpl"))
    at.run()
    assert not at.exception
    # markdown never receives a raw tag it could render: the names appear in tables and charts (escaped by the
    # frontend) or in markdown with unsafe HTML off
    for md in at.markdown:
        assert not getattr(md.proto, "allow_html", False) or "<script" not in md.value


@pytest.mark.parametrize(("username", "compared"), [("supt", "The district"), ("coach", "Your 2 schools")])
def test_the_school_strands_say_what_they_are_compared_with(env, username, compared):
    """On a projector "Compared with" left the room to guess: the column names the schools pooled (the district, or
    the coach's own two) and the year, the same year as the table's first figures."""
    at = signed_in(username)
    at.query_params["school"] = "S1"
    at.switch_page(page_path("school"))
    at.run()
    assert not at.exception
    strands = next(d.value for d in at.dataframe if d.value.columns[0] == "Strand")
    columns = list(strands.columns)
    assert columns[-1] == f"{compared}, {columns[1]}"
    assert re.fullmatch(r"\d{4}-\d{2}", columns[1]) and columns[2] == f"{int(columns[1][:4]) - 1}-{columns[1][2:4]}"
