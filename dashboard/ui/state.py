"""The state every ui module reads and none owns: the caller's scope (set by the login each run, read by the data
functions as part of their cache keys), whose session state this is (the login gate clears it when its user
changes), what a page keeps for its user, and presentation mode (per session). Its own module so that the login,
which sets the caller, and the rest of ``dashboard.ui``, which reads it, both import it and neither imports the
other."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

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


# --- whose session state this is ---------------------------------------------------------------------------------
# A browser tab keeps one Streamlit session through a logout and the next login (NOTES.md): everything in its state
# belongs to the user signed in when it was written. The login gate calls ``claim_session`` on every run, so state
# never passes from one user to the next; a page that keeps a user's data keeps it with ``keep_for_user``, the
# user's name beside it, and reads it back only for that user.

OWNER_KEY = "_session_owner"  # the username whose session state this is


def claim_session(username: str | None, keep: Collection[str]) -> bool:
    """Make this session's state ``username``'s (None: nobody is signed in). When it holds the state of another
    user, or of a user who is no longer signed in, every key but ``keep`` (the login's own) is deleted first.
    Returns whether anything was cleared."""
    owner = st.session_state.get(OWNER_KEY)
    cleared = owner is not None and owner != username
    if cleared:
        clear_session(keep)
    if username is None:
        st.session_state.pop(OWNER_KEY, None)
    else:
        st.session_state[OWNER_KEY] = username
    return cleared


def clear_session(keep: Collection[str]) -> None:
    """Delete every session-state key but ``keep``: widget values, filters, built files, presentation mode."""
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]


def keep_for_user(key: str, value: Any) -> None:
    """Keep ``value`` in session state for the signed-in user, their name beside it."""
    st.session_state[key] = (caller().username, value)


def kept_for_user(key: str, default: Any = None) -> Any:
    """What ``keep_for_user`` kept under ``key`` for the signed-in user; anything else there (another user's, or
    kept by nobody) is dropped and ``default`` returned."""
    entry = st.session_state.get(key)
    username = caller().username
    if isinstance(entry, tuple) and len(entry) == 2 and username and entry[0] == username:
        return entry[1]
    st.session_state.pop(key, None)
    return default


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
