"""Presentation mode on the page: the way in and out, and the page's own widgets and columns, which give way to
full-width, widget-free content on a projector (the mode itself: ``dashboard.ui.state.presenting``)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dashboard.ui.state import presenting, set_presenting


def presentation_controls() -> None:
    """The way in (a sidebar toggle) or out (a button at the foot of the page)."""
    if presenting():  # a link in full-size text (a button's label is small type); it keeps the view's filters
        st.markdown(f"[Leave presentation mode](?{urlencode({**st.query_params.to_dict(), 'present': '0'})})")
    else:
        st.sidebar.button(
            "Presentation mode",
            key="enter_present",
            on_click=set_presenting,
            args=(True,),
            help="Hide the menus and letter every chart for a projector (or add ?present=1 to a link)",
        )


def columns(n: int) -> list:
    """Side-by-side columns on screen; on a projector every chart gets the full width, one under another."""
    if presenting():
        return [st.container() for _ in range(n)]
    return list(st.columns(n))


def pick(place, label: str, options: list[str], default: str | None, key: str) -> str | None:
    """A page's own selectbox, returning its value (kept in ``st.session_state[key]``; a value no longer among the
    options falls back to ``default``); not drawn while presenting."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else None
    if not presenting():
        place.selectbox(label, options, key=key)
    return st.session_state[key]


def choice(label: str, options: list[str], key: str) -> str:
    """A page's own switch (a radio): drawn on screen; while presenting, the choice stands without a widget."""
    if presenting():
        return st.session_state.get(key, options[0])
    return st.radio(label, options, horizontal=True, key=key)
