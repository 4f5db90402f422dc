"""The Streamlit login glue used by the entrypoint (``dashboard/app.py``).

streamlit-authenticator does the password check (bcrypt) and the re-login cookie (an HS256 JWT signed with the
deployment's cookie key). Around it, this module adds what the library leaves to us (NOTES.md): accounts from the
database (built per run), a lockout counted in the database, a session that expires, audit entries, and the caller
(role and schools) re-read from the database on every run.

Order per run (NOTES.md): the entrypoint calls ``provisional_role`` and ``st.navigation`` first, then ``gate``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import streamlit as st
import streamlit_authenticator as stauth

from dashboard.auth import access, accounts, audit
from dashboard.core import paths
from dashboard.store import db
from dashboard.store import settings as settings_mod
from dashboard.ui.state import presenting

ROOT = paths.ROOT
COOKIE_NAME = "district_dashboard_auth"
EXPIRES_KEY = "_auth_expires"  # epoch seconds: when this session's login ends
COOKIE_PENDING_KEY = "_auth_cookie_pending"  # a password login whose re-login cookie the browser has not confirmed
COOKIE_SET_WIDGET = "set"  # the key of the library's cookie-setting component (its value: True once set)
MESSAGE_KEY = "_auth_message"
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


def _end_session(authenticator: stauth.Authenticate, username: str, action: str, message: str) -> None:
    audit.record(_engine_ref["engine"], username, action, message)
    authenticator.logout(location="unrendered")  # deletes the cookie and clears the library's session keys
    st.session_state.pop(EXPIRES_KEY, None)
    st.session_state.pop(COOKIE_PENDING_KEY, None)
    st.session_state[MESSAGE_KEY] = ("warning", message)


_engine_ref: dict[str, sa.Engine] = {}


def _guard_controller(authenticator: stauth.Authenticate, engine: sa.Engine, session_hours: float) -> None:
    """Wrap the library's login controller: refuse locked or disabled accounts (also for the cookie), count failed
    attempts in the database, stamp the session's end and write the audit entries."""
    ctl = authenticator.authentication_controller
    original = ctl.login

    def guarded(username=None, password=None, *args, token=None, **kwargs):
        if token:
            name = str(token.get("username", "")).lower()
            with db.reading(engine) as conn:
                usable = accounts.usable(conn, name)
            if usable is None:
                return None  # a cookie for a disabled or removed account: show the login form
            result = original(token=token)
            if st.session_state.get("authentication_status"):
                st.session_state[EXPIRES_KEY] = float(token.get("exp_date") or time.time())
            return result
        name = (username or "").strip().lower()
        if not name or not password:
            return original(username, password, *args, token=token, **kwargs)
        with db.reading(engine) as conn:
            account = accounts.get(conn, name)
        if account is not None and account.locked():
            accounts.record_failure(engine, name)
            audit.record(engine, name, "login_failed", "account locked")
            st.session_state["authentication_status"] = False
            st.session_state[MESSAGE_KEY] = (
                "error",
                "This account is locked after too many failed logins. Try "
                "again later, or ask an admin to reset the password.",
            )
            return False
        ok = original(username, password, *args, token=token, **kwargs)
        if ok:
            st.session_state[COOKIE_PENDING_KEY] = True
            accounts.record_success(engine, name)
            audit.record(engine, name, "login", "password")
            st.session_state[EXPIRES_KEY] = time.time() + session_hours * 3600
            st.session_state.pop(MESSAGE_KEY, None)
            return ok
        locked_until = accounts.record_failure(engine, name) if account is not None else None
        audit.record(
            engine,
            name,
            "login_failed",
            "wrong password" if account is not None and account.active else "unknown or disabled account",
        )
        st.session_state["authentication_status"] = False
        st.session_state[MESSAGE_KEY] = (
            "error",
            "Too many failed logins: this account is now locked for a while."
            if locked_until
            else "Wrong username or password.",
        )
        return ok

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
    hours = float(values["session_hours"])
    authenticator = stauth.Authenticate(
        creds, COOKIE_NAME, key, cookie_expiry_days=hours / 24, auto_hash=False, login_sleep_time=0
    )
    _guard_controller(authenticator, engine, hours)

    # a session signed in on an earlier run: is the account still usable, and the session still current?
    username = _signed_in_username()
    if username:
        caller = access.caller_from(run.directory, username)
        expires = st.session_state.setdefault(EXPIRES_KEY, time.time() + hours * 3600)
        if caller is None:
            _end_session(authenticator, username, "logout", "This account is no longer active. Ask an admin.")
        elif time.time() > expires:
            _end_session(authenticator, username, "session_expired", "Your session expired. Please log in again.")
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
        st.session_state.pop(COOKIE_PENDING_KEY, None)
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
