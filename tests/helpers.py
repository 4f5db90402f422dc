"""What many test files need, written once: the repository's paths, the app under AppTest with a signed-in user, and
a PostgreSQL database of the test run's own.

PostgreSQL: the server of ``DASHBOARD_TEST_PG_URL`` when that is set, else the machine's own server at
``LOCAL_PG_URL`` (trust authentication, the user ``postgres``) when it answers within ``CONNECT_TIMEOUT`` seconds.
Each test run creates databases of its own there, named ``dd_test_<tag>_<pid>_<random>``, and drops them at the end;
it touches no other database. When no server answers, the PostgreSQL tests skip, the reason naming the URL tried;
when ``DASHBOARD_TEST_PG_URL`` or ``CI`` is set they fail instead, so a run that never reached PostgreSQL cannot
pass as one that did.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES_DIR = ROOT / "pages"
SAMPLE = ROOT / "sample_data"
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"  # small excerpts of real public files, each with its source named
BAD_FILES = TESTS / "bad_files"  # the corpus of bad files and EXPECTED.toml
REAL_DATA = ROOT.parent / "shared" / "real_data"  # the whole public files, beside the checkout (absent: skipped)

PG_ENV = "DASHBOARD_TEST_PG_URL"
LOCAL_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT = 3  # seconds: a machine without a server costs the run this once
DB_PREFIX = "dd_test_"


# --------------------------------------------------------------------------------------------------- the app
def page_path(page: str) -> str:
    """The file of a page (``pages/<page>.py``), as ``AppTest.switch_page`` takes it."""
    return str(PAGES_DIR / f"{page}.py")


def app_test(timeout: float = 60):
    """The app's entrypoint (dashboard/app.py) under Streamlit's AppTest, not yet run, nobody signed in."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    at._bidi_component_manager = installed_components()
    return at


@functools.cache
def installed_components():
    """Streamlit's registry of the installed v2 components, scanned once, as a server does when it starts: a new
    AppTest scans every installed package's metadata again on its first run (0.12 s here). Set on an AppTest's
    private attribute: were Streamlit to rename it, each AppTest would only scan for itself again."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def signed_in(username: str = "admin", *, timeout: float = 60, **state):
    """The entrypoint with ``username`` signed in as after the login form (NOTES.md, AppTest login): the session
    state the login library leaves, plus any other ``state`` (keys to values, e.g. tampered roles or filters)."""
    at = app_test(timeout)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    for key, value in state.items():
        at.session_state[key] = value
    return at


def as_read(markdown: str) -> str:
    """Text a page wrote as Markdown through ``dashboard.core.text.markdown_literal``, as its reader sees it: each
    backslash escape read, the invisible word joiners left out (AppTest gives an element's Markdown source)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


# --------------------------------------------------------------------------------------------------- PostgreSQL
def _shown(url: str | sa.URL) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


def _answers(url: sa.URL) -> None:
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()


@functools.cache
def _pg_server() -> tuple[str | None, str]:
    """``(url, "")`` of a PostgreSQL database to connect through to the server (the one named, or the server's
    ``postgres`` database when the named one does not exist), or ``(None, why not)``. Tried once per run."""
    named = sa.make_url(os.environ.get(PG_ENV) or LOCAL_PG_URL)
    try:
        _answers(named)
        return named.render_as_string(hide_password=False), ""
    except sa.exc.DBAPIError as exc:
        first = exc
    if "does not exist" in str(first.orig) and named.database != "postgres":
        try:  # a fresh server: the database named is not there, the server is
            _answers(named.set(database="postgres"))
            return named.set(database="postgres").render_as_string(hide_password=False), ""
        except sa.exc.DBAPIError:
            pass
    reason = str(first.orig).strip().splitlines()[0] if first.orig else str(first)
    return (
        None,
        f"no PostgreSQL answered at {_shown(named)} within {CONNECT_TIMEOUT}s with trust authentication ({reason})",
    )


def _unavailable(why: str) -> None:
    """Skip a PostgreSQL test, or fail it where PostgreSQL was asked for (``DASHBOARD_TEST_PG_URL`` set) or must be
    there (``CI`` set: ``.ci/run`` runs on a machine with its server)."""
    if os.environ.get(PG_ENV):
        pytest.fail(f"{PG_ENV} is set but {why}")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {why}")
    pytest.skip(
        f"PostgreSQL run skipped: {why}; start a local server (user postgres, trust authentication) or set {PG_ENV}"
    )


def pg_server_url() -> str:
    """The URL to reach the PostgreSQL server through; skips (or fails, see ``_unavailable``) without one."""
    url, why = _pg_server()
    if url is None:
        _unavailable(why)
    return url


def pg_server_url_if_any() -> str | None:
    """As ``pg_server_url``, but ``None`` instead of a skip, for a test whose PostgreSQL part is optional."""
    url, why = _pg_server()
    if url is None and (os.environ.get(PG_ENV) or os.environ.get("CI")):
        _unavailable(why)
    return url


@contextmanager
def private_pg_database(tag: str) -> Iterator[str]:
    """A PostgreSQL database of this run's own (``dd_test_<tag>_<pid>_<random>``), dropped afterwards; yields its
    URL. Skips or fails as ``pg_server_url`` does when there is no server."""
    base_url = sa.make_url(pg_server_url())
    name = f"{DB_PREFIX}{tag}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(
        base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT}
    )
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.DBAPIError as exc:
        admin.dispose()
        _unavailable(f"PostgreSQL at {_shown(base_url)} cannot create the database {name}: {exc.orig}")
    try:
        yield base_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
