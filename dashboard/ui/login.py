"""The Streamlit login glue used by the entrypoint (``dashboard/app.py``).

streamlit-authenticator does the password check (bcrypt) and the re-login cookie (an HS256 JWT signed with the
deployment's cookie key, set from the page's JavaScript, so it cannot be HttpOnly). Around it, this module adds what
the library leaves to us (NOTES.md, SECURITY.md): accounts from the database (built per run); login throttling per
client address and per name typed (``dashboard.auth.throttle``), with the same answer for known and unknown names; a
session that expires; the account's session version in the session and in the cookie, checked on every run; the
session state cleared whenever its user changes (logout, expiry, revocation, another user signing in); audit
entries; and the caller (role and schools) re-read from the database on every run.

Order per run (NOTES.md): the entrypoint calls ``provisional_role`` and ``st.navigation`` first, then ``gate``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import sqlalchemy as sa
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.models import CookieModel

from dashboard.auth import access, accounts, audit, throttle
from dashboard.core import paths
from dashboard.store import settings as settings_mod
from dashboard.ui import state
from dashboard.ui.state import presenting

MAX_SESSION_HOURS = float(settings_mod.SETTINGS["session_hours"].ceiling or 24)  # whatever is stored

ROOT = paths.ROOT
COOKIE_NAME = "district_dashboard_auth"
EXPIRES_KEY = "_auth_expires"  # epoch seconds: when this session's login ends
VERSION_KEY = "_auth_session_version"  # the account's session version when this session signed in
COOKIE_PENDING_KEY = "_auth_cookie_pending"  # a password login whose re-login cookie the browser has not confirmed
COOKIE_REFUSED_KEY = "_auth_cookie_refused"  # this session met a revoked cookie (audited once)
COOKIE_SET_WIDGET = "set"  # the key of the library's cookie-setting component (its value: True once set)
MESSAGE_KEY = "_auth_message"
VERSION_CLAIM = "sv"  # the session version's claim in the cookie's token, beside the library's username and exp_date
# What the session keeps when its user changes: the login library's keys and its cookie component's, and ours
LOGIN_KEYS = frozenset(
    {"name", "username", "email", "roles", "authentication_status", "logout", "password_hint"}
    | {"init", COOKIE_SET_WIDGET, "delete"}
    | {EXPIRES_KEY, VERSION_KEY, COOKIE_PENDING_KEY, COOKIE_REFUSED_KEY, MESSAGE_KEY}
)
_DEMO_KEY = secrets.token_urlsafe(48)  # demo mode only: a random key per process (cookies end with the process)

DEMO_ACCOUNTS_TEXT = """\
**This is a demo** with a fictional district. Demo accounts (password `demo` for each):

| username | role | sees |
|---|---|---|
| `supt` | superintendent | every school |
| `coach` | central-office coach | three schools |
| `principal` | principal | one school |
| `board` | board member | district and school views, read only |
| `admin` | admin | data and accounts |
"""


def cookie_key(demo: bool) -> str | None:
    key = accounts.configured_cookie_key(ROOT, Path.home())
    if not key:
        try:
            key = st.secrets.get("cookie_key")
        except Exception:  # no secrets file at all
            key = None
    if key and not accounts.cookie_key_problem(key):
        return key
    return _DEMO_KEY if demo else None


def _signed_in_username() -> str | None:
    if st.session_state.get("authentication_status") is True:
        return st.session_state.get("username")
    return None


@dataclass(frozen=True)
class RunAccounts:
    """What the entrypoint reads once per run, in one connection: the accounts as stored now and the settings."""

    directory: accounts.Directory
    values: dict[str, float]


def read_accounts(conn: sa.Connection, values: dict[str, str] | None = None) -> RunAccounts:
    """The accounts and settings as stored now; ``values``: the meta values as read already (``db.meta_values``)."""
    return RunAccounts(accounts.directory(conn, values), settings_mod.load(conn))


def provisional_role(run: RunAccounts) -> str | None:
    """The role of the session's user as stored now (for the page list drawn before the login check), or None."""
    caller = access.caller_from(run.directory, _signed_in_username())
    return caller.role if caller else None


class SessionCookie(CookieModel):
    """The library's cookie model with two changes, made by swapping the class of the model the library built (its
    constructor draws the cookie component, so a second model cannot be made): the token carries the account's
    session version (``VERSION_CLAIM``), which ``gate`` compares with the account's on every cookie login, and the
    cookie ends when the login does (``EXPIRES_KEY``), sent as a max-age so the browser's clock and time zone do not
    matter, and marked Secure when the app is served over HTTPS. It is still set from JavaScript: not HttpOnly."""

    def set_cookie(self) -> None:
        end = float(st.session_state.get(EXPIRES_KEY) or time.time() + self.cookie_expiry_days * 86400)
        self.exp_date = end
        self.cookie_manager.set(
            self.cookie_name,
            self._token_encode(),
            expires_at=dt.datetime.fromtimestamp(end),
            max_age=max(end - time.time(), 0),
            secure=True if (st.context.url or "").startswith("https:") else None,
        )

    def _token_encode(self) -> str:
        claims = {
            "username": st.session_state["username"],
            "exp_date": self.exp_date,
            VERSION_CLAIM: int(st.session_state.get(VERSION_KEY, -1)),
        }
        return jwt.encode(claims, self.cookie_key, algorithm="HS256")


def _end_session(authenticator: stauth.Authenticate, username: str, action: str, detail: str, message: str) -> None:
    audit.record(_engine_ref["engine"], username, action, detail)
    authenticator.logout(location="unrendered")  # deletes the cookie and clears the library's session keys
    for key in (EXPIRES_KEY, VERSION_KEY, COOKIE_PENDING_KEY):
        st.session_state.pop(key, None)
    st.session_state[MESSAGE_KEY] = ("warning", message)


_engine_ref: dict[str, sa.Engine] = {}


def client_address() -> str | None:
    """The client's address as the app sees it: the peer of the connection, or the client a proxy on this machine
    names in X-Forwarded-For (uvicorn trusts that header from 127.0.0.1 only); None for a browser on this machine."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # (AppTest hands a stand-in object)


def _wait_text(seconds: float) -> str:
    seconds = max(round(seconds), 1)
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def _guard_controller(authenticator: stauth.Authenticate, engine: sa.Engine, run: RunAccounts, hours: float) -> None:
    """Wrap the library's login controller: refuse a cookie of an inactive account or of an older session version,
    throttle password attempts per client and per name (the same answer, and the same bcrypt cost, for a name that
    is no account), stamp the session's end and version, and write the audit entries."""
    ctl = authenticator.authentication_controller
    original = ctl.login

    def guarded(username=None, password=None, *args, token=None, **kwargs):
        if token:
            name = str(token.get("username", "")).lower()
            account = run.directory.active(name)
            if account is None or token.get(VERSION_CLAIM) != account.session_version:
                if not st.session_state.get(COOKIE_REFUSED_KEY):  # audited once per session, not on every run
                    st.session_state[COOKIE_REFUSED_KEY] = True
                    why = "the account is not active" if account is None else "its session version was raised"
                    audit.record(engine, name or "?", "login_failed", f"re-login cookie refused: {why}")
                return None  # show the login form
            result = original(token=token)
            if st.session_state.get("authentication_status"):
                st.session_state[EXPIRES_KEY] = float(token.get("exp_date") or time.time())
                st.session_state[VERSION_KEY] = account.session_version
            return result
        name = (username or "").strip().lower()
        if not name or not password:
            return original(username, password, *args, token=token, **kwargs)
        address = client_address()
        client = throttle.client_key(address)
        verdict = throttle.begin(engine, address, name, run.values)
        if verdict.refused:  # the client is waiting: neither the name nor the password is looked at
            audit.record(engine, name, "login_failed", f"not checked: {client} waits {verdict.wait:.0f} s more")
            st.session_state["authentication_status"] = False
            st.session_state[MESSAGE_KEY] = (
                "error",
                "Too many logins at once from this network address. Try again in a moment."
                if verdict.busy
                else f"Too many failed logins from this network address. Try again in {_wait_text(verdict.wait)}.",
            )
            return False
        ok = False  # until the check says otherwise
        try:
            if verdict.delay:  # many failures at this name from anywhere: slowed, never locked
                time.sleep(verdict.delay)
            account = run.directory.active(name)
            if account is None:  # unknown, disabled or a demo name outside a demo: the same work as a wrong password
                accounts.check_nobody(password)
            ok = bool(original(username, password, *args, token=token, **kwargs)) and account is not None
        finally:  # a check cut short (a rerun, an error) counts as a failure: only a right password is not one
            throttle.finish(engine, address, name, ok, run.values)
        if ok and account is not None:
            st.session_state[COOKIE_PENDING_KEY] = True
            audit.record(engine, name, "login", f"password, from {client}")
            st.session_state[EXPIRES_KEY] = time.time() + hours * 3600
            st.session_state[VERSION_KEY] = account.session_version
            st.session_state.pop(MESSAGE_KEY, None)
            st.session_state.pop(COOKIE_REFUSED_KEY, None)
            return True
        why = "wrong password" if account is not None else "unknown or disabled account"
        audit.record(engine, name, "login_failed", f"{why}, from {client}")
        st.session_state["authentication_status"] = False
        st.session_state[MESSAGE_KEY] = ("error", "Wrong username or password.")
        return False

    ctl.login = guarded


def _confirm_cookie(authenticator: stauth.Authenticate) -> None:
    """The library sets the re-login cookie from a component drawn in the login run. When that run moves straight on
    to another page (a login at the app's root opens the overview), the component can be gone before the browser
    ran it, and a reload would show the login form again. So after a password login the cookie is asked for again on
    each run until the component answers that the browser has set it."""
    if st.session_state.get(COOKIE_SET_WIDGET):
        st.session_state.pop(COOKIE_PENDING_KEY, None)
    else:
        authenticator.cookie_controller.set_cookie()


def gate(engine: sa.Engine, run: RunAccounts) -> access.Caller:
    """Log the user in (or restore the login from the cookie) and return the caller; stops the run with the login
    form while nobody is signed in. Call once per run, after ``st.navigation``, with this run's ``read_accounts``."""
    access.set_current(None)
    _engine_ref["engine"] = engine
    demo = run.directory.demo_db
    creds = run.directory.credentials()
    values = run.values
    key = cookie_key(demo)
    if key is None:
        problem = accounts.cookie_key_problem(accounts.configured_cookie_key(ROOT, Path.home()))
        st.error(f"The dashboard refuses to start: {problem}.")
        st.stop()
    hours = min(float(values["session_hours"]), MAX_SESSION_HOURS)  # the cookie's life is the login's
    authenticator = stauth.Authenticate(
        creds, COOKIE_NAME, key, cookie_expiry_days=hours / 24, auto_hash=False, login_sleep_time=0
    )
    authenticator.cookie_controller.cookie_model.__class__ = SessionCookie
    _guard_controller(authenticator, engine, run, hours)

    # a session signed in on an earlier run: is the account still usable, the session still current and of the
    # account's session version?
    username = _signed_in_username()
    if username:
        account = run.directory.active(username)
        expires = st.session_state.setdefault(EXPIRES_KEY, time.time() + hours * 3600)
        version = st.session_state.setdefault(VERSION_KEY, account.session_version if account else -1)
        if account is None:
            _end_session(
                authenticator,
                username,
                "logout",
                "account no longer active",
                "This account is no longer active. Ask an admin.",
            )
        elif version != account.session_version:
            _end_session(
                authenticator,
                username,
                "logout",
                "session version raised (a new password, a role or school change, or signed out everywhere)",
                "You were signed out because your account was changed. Please log in again.",
            )
        elif time.time() > expires:
            _end_session(authenticator, username, "session_expired", "", "Your session expired. Please log in again.")
    if st.session_state.get("authentication_status") is False:
        st.session_state["authentication_status"] = None  # the last failure was shown on its own run

    login_area = st.container()
    cookie_pending = st.session_state.get(COOKIE_PENDING_KEY)  # from an earlier run (this run's login sets it anew)
    with login_area:
        if not _signed_in_username():
            st.title("District dashboard")
        authenticator.login(
            location="main",
            fields={"Form name": "Log in", "Username": "Username", "Password": "Password", "Login": "Log in"},
        )
        if cookie_pending and _signed_in_username():
            _confirm_cookie(authenticator)
    username = _signed_in_username()
    # the session state is this user's alone: another user's (or a signed-out user's) is cleared here, at the root
    state.claim_session(username, LOGIN_KEYS)
    if not username:
        with login_area:
            # kept until the next attempt: the cookie component's own reruns must not wipe it
            kind, message = st.session_state.get(MESSAGE_KEY) or (None, None)
            if message:
                (st.error if kind == "error" else st.warning)(message)
            if demo:
                st.info(DEMO_ACCOUNTS_TEXT)
        st.stop()
    caller = access.caller_from(run.directory, username)  # the accounts as read at the start of this run
    if caller is None:  # cannot happen after the checks above, but fail closed
        st.stop()
    access.set_current(caller)
    if not presenting():  # presentation mode draws no sidebar at all
        with st.sidebar:
            where = (
                "every school"
                if caller.school_ids is None
                else f"{len(caller.school_ids)} school{'s' if len(caller.school_ids) != 1 else ''}"
            )
            st.caption(f"Signed in as **{caller.username}** ({caller.role}, {where})" + (" · demo" if demo else ""))
            authenticator.logout("Log out", location="sidebar", key="logout_button")
    if st.session_state.get("authentication_status") is not True:  # the button was pressed this run
        audit.record(engine, caller.username, "logout", "")
        for slot in (EXPIRES_KEY, VERSION_KEY, COOKIE_PENDING_KEY):
            st.session_state.pop(slot, None)
        state.claim_session(None, LOGIN_KEYS)  # nothing of this user's stays for whoever signs in next
        access.set_current(None)
        st.success("You are logged out.")
        st.stop()  # not st.rerun(): that would skip deleting the cookie (NOTES.md)
    return caller


def deny(engine: sa.Engine, caller: access.Caller, page: str) -> None:
    audit.record(engine, caller.username, "denied", f"page {page}")
    st.error("This page is not available for your role.")
    st.stop()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
