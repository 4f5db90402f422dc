"""A session belongs to one user (issue 16, items 1, 3 and 5, through the real entrypoint under AppTest): what it
holds is cleared at logout, at expiry, at revocation and when another user signs in; a page's built files are kept
with their user's name and never shown to another; a new password, a role or school change and an admin's "sign
out everywhere" end a signed-in session on its next run; and a known name, an unknown one and a disabled one get
the same answer in the same time."""

from __future__ import annotations

import time

import pytest
import security_district as sd
from helpers import app_test as fresh
from helpers import page_path, signed_in
from streamlit.testing.v1 import AppTest

from dashboard.auth import accounts, audit
from dashboard.store import db
from dashboard.store.schema import login_throttle
from dashboard.ui import login

FILES = {"pptx": ("board_pack_district_2023-24.pptx", b"the superintendent's deck")}
PLANTED = {"filter_school": "S3", "w_school": "S3", "present_mode": False}


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return sd.build_url(tmp_path_factory.mktemp("sessions"))


@pytest.fixture
def env(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", sd.COOKIE_KEY)
    yield db.make_engine(url)
    with db.make_engine(url).begin() as conn:  # every AppTest session is one client: start each test afresh
        conn.execute(login_throttle.delete())


def login_form(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    return at


def signed_in_by_form(username: str) -> AppTest:
    at = fresh()
    at.run()
    login_form(at, username, sd.PASSWORD)
    assert at.session_state["authentication_status"] is True
    at.run()
    return at


def user_keys(at: AppTest) -> set[str]:
    return set(at.session_state.to_dict()) - login.LOGIN_KEYS


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_logout_clears_everything_the_session_held(env):
    at = signed_in_by_form("supt")
    for key, value in PLANTED.items():
        at.session_state[key] = value
    at.session_state["board_pack"] = ("supt", FILES)
    at.run()
    at.sidebar.button(key="logout_button").click().run()
    assert any("logged out" in s.value for s in at.success)
    left = user_keys(at)
    assert not left & {*PLANTED, "board_pack"}, left
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_another_user_signing_in_on_the_same_session_gets_nothing_of_the_last(env):
    at = signed_in("supt")
    at.switch_page(page_path("board_pack"))
    at.run()
    at.session_state["board_pack"] = ("supt", FILES)
    at.run()
    assert download_labels(at) == ["Download board_pack_district_2023-24.pptx"]
    # the coach takes the same session over (as a re-login from a cookie would, with no logout in between)
    at.session_state["username"] = "coach"
    at.session_state["name"] = "coach"
    at.run()
    assert not at.exception
    assert download_labels(at) == []
    assert "board_pack" not in user_keys(at)


def test_a_page_never_shows_files_kept_for_another_user(env):
    at = signed_in("coach", board_pack=("supt", FILES))  # planted under the superintendent's name
    at.switch_page(page_path("board_pack"))
    at.run()
    assert not at.exception
    assert download_labels(at) == []
    assert "board_pack" not in user_keys(at)


def test_an_expired_session_leaves_nothing_behind(env):
    at = signed_in("supt", filter_school="S3", board_pack=("supt", FILES))
    at.run()
    at.session_state[login.EXPIRES_KEY] = time.time() - 1
    at.run()
    assert any("expired" in w.value for w in at.warning)
    assert not user_keys(at) & {"filter_school", "board_pack"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda e, n: accounts.update(e, n, password=sd.PASSWORD + "!"), id="password"),
        pytest.param(lambda e, n: accounts.update(e, n, role="board"), id="role"),
        pytest.param(lambda e, n: accounts.update(e, n, schools="S2"), id="schools"),
        pytest.param(lambda e, n: accounts.signout_everywhere(e, n, by="admin"), id="signout"),
    ],
)
def test_an_account_change_ends_its_signed_in_sessions(env, change, request):
    name = f"s_{request.node.callspec.id}"
    accounts.add(env, name, "coach", sd.PASSWORD, schools="S1,S2")
    at = signed_in_by_form(name)
    at.session_state["board_pack"] = (name, FILES)
    assert at.get("plotly_chart") or at.dataframe
    change(env, name)
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert any("signed out because your account was changed" in w.value for w in at.warning)
    assert "board_pack" not in user_keys(at)
    with env.connect() as conn:
        assert "session version raised" in audit.read(conn, action="logout", username=name)["detail"][0]


def test_the_accounts_page_signs_an_account_out_everywhere(env):
    accounts.add(env, "leaver2", "board", sd.PASSWORD)
    at = signed_in("admin")
    at.switch_page(page_path("admin"))
    at.run()
    with env.connect() as conn:
        before = accounts.get(conn, "leaver2").session_version
    at.selectbox(key="signout_who").set_value("leaver2")
    next(b for b in at.button if b.proto.label == "Sign out everywhere").click()
    at.run()
    assert not at.exception
    assert any("Signed leaver2 out everywhere" in s.value for s in at.success)
    with env.connect() as conn:
        assert accounts.get(conn, "leaver2").session_version == before + 1


def _answer(username: str, password: str, address: str, monkeypatch) -> tuple[list[str], float, int]:
    """The messages shown for one login attempt from ``address``, the seconds its run took and its bcrypt checks."""
    import bcrypt

    checks = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, hashed: checks.append(1) or real(pw, hashed))
    monkeypatch.setattr(login, "client_address", lambda: address)
    at = fresh()
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    started = time.perf_counter()
    at.run()
    took = time.perf_counter() - started
    monkeypatch.setattr(bcrypt, "checkpw", real)
    assert at.session_state["authentication_status"] is not True
    return [e.value for e in at.error] + [w.value for w in at.warning], took, len(checks)


def test_known_unknown_and_disabled_names_get_the_same_answer_in_the_same_time(env, monkeypatch):
    import bcrypt

    accounts.add(env, "gone2", "board", sd.PASSWORD)
    accounts.disable(env, "gone2")
    cases = {"known, wrong password": ("board", "not the password"), "unknown": ("nosuchuser", "not the password")}
    cases["disabled, right password"] = ("gone2", sd.PASSWORD)
    with env.connect() as conn:
        stored = accounts.get(conn, "board").password_hash.encode()
    answers: set[tuple[str, ...]] = set()
    times: dict[str, list[float]] = {}
    checks_alone: list[float] = []  # one bcrypt check by itself, timed beside the answers (the machine's load varies)
    for i in range(3):
        for j, (case, (name, password)) in enumerate(cases.items()):
            shown, took, checks = _answer(name, password, f"203.0.113.{10 * i + j}", monkeypatch)
            answers.add(tuple(shown))
            assert checks == 1, (case, checks)  # one bcrypt check of the stored cost, whatever the name
            times.setdefault(case, []).append(took)
            checks_alone.append(_timed(lambda: bcrypt.checkpw(b"x", stored)))
    assert answers == {("Wrong username or password.",)}
    check = min(checks_alone)
    fastest = {case: min(t) for case, t in times.items()}
    # the same timing class: no answer comes back without its bcrypt check (an unknown name is not quicker)
    assert all(t > 0.6 * check for t in fastest.values()), (fastest, check)
    assert max(fastest.values()) < min(fastest.values()) + 2 * check, (fastest, check)


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_the_accounts_page_shows_the_failed_logins_and_an_admin_can_clear_the_waits(env):
    from dashboard.auth import throttle
    from dashboard.store import settings

    with env.connect() as conn:
        values = settings.load(conn)
    for _ in range(5):  # a school's shared address made to wait by someone's guesses at 'supt'
        throttle.begin(env, "192.0.2.99", "supt", values)
        throttle.finish(env, "192.0.2.99", "supt", False, values)
    assert throttle.begin(env, "192.0.2.99", "board", values).refused
    at = signed_in("admin")
    at.switch_page(page_path("admin"))
    at.run()
    assert any(s.value == "Failed logins" for s in at.subheader)
    assert any("192.0.2.99" in frame.value.to_csv() for frame in at.dataframe)
    at.button(key="clear_login_delays").click().run()
    assert any("every address may try again" in s.value for s in at.success)
    assert not throttle.begin(env, "192.0.2.99", "board", values).refused
    with env.connect() as conn:
        assert "cleared the failed-login counts" in audit.read(conn, action="account_change")["detail"][0]
