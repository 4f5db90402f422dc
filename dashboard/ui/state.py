"""The state every ui module reads and none owns: the caller's scope (set by the login each run, read by the data
functions as part of their cache keys) and presentation mode (per session). Its own module so that the login, which
sets the caller, and the rest of ``dashboard.ui``, which reads it, both import it and neither imports the other."""

from __future__ import annotations

import streamlit as st

from dashboard.auth import access

# --- the caller and their scope ---------------------------------------------------------------------------------


def caller() -> access.Caller:
    """The signed-in caller of this run (set by ``dashboard.ui.login.gate``; nobody, seeing nothing, before it)."""
    return access.current()


def current_scope() -> tuple[str, ...] | None:
    """The schools the current user may see: None means every school, () none. It comes from the signed-in
    account as stored in the database, re-read each run by the entrypoint (``dashboard.auth.access``), never from the
    URL or a widget; every data function takes it as part of its cache key."""
    return access.current().scope


def scope_label() -> str | None:
    """How a scoped user's rollups are labelled ("your 3 schools"); None for a district-wide role."""
    scope = current_scope()
    if scope is None:
        return None
    return f"your {len(scope)} school{'s' if len(scope) != 1 else ''}"


def ids(scope: tuple[str, ...] | None) -> list[str] | None:
    return None if scope is None else list(scope)


# --- presentation mode -------------------------------------------------------------------------------------------
# For board rooms and screenshots: ``?present=1`` (or the sidebar toggle) hides navigation, filters and Streamlit's
# toolbar, letters every chart for a projector and keeps each chart block within a 1920x1080 screen. Chosen per
# session; nothing is set for other sessions (NOTES.md: st.set_option at run time leaks).

PRESENT_KEY = "present_mode"


def presenting() -> bool:
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
    return bool(st.session_state[PRESENT_KEY])


def set_presenting(value: bool) -> None:
    st.session_state[PRESENT_KEY] = value
