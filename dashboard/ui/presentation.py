"""Presentation mode on the page: the way in and out, the page's own widgets and columns, which give way to
full-width, widget-free content on a projector (the mode itself: ``dashboard.ui.state.presenting``), and the deck.

While presenting, a page is a deck of screens (``?present=1&slide=N``): each chart, each table (a long one over
several screens), the headline figures and the notes under the page are one screen each, drawn alone at 1920x1080
with the heading that belongs to it; the others are skipped. Next and previous go by the right and left arrow keys or
the buttons under the screen."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dashboard.core.text import markdown_literal
from dashboard.ui.state import presenting, set_presenting

DECK_KEY = "_deck"  # this run's screen count and the heading waiting for its screen


def _deck() -> dict:
    return st.session_state.setdefault(DECK_KEY, {"count": 0, "heading": None})


# The deck's own lettering (a fixed style sheet, no data in it): the page's name small above each screen (every
# chart's and table's own title says what, where, when and n), lists (the headline figures, the schools flagged) in
# large type, and the deck's buttons at 18 px like all text on a projector (Streamlit letters buttons smaller).
DECK_STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem; padding-bottom: 0.5rem; }
[data-testid="stMain"] h1 { font-size: 1.7rem; padding: 0 0 0.3rem 0; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.45rem; line-height: 1.5; }
[data-testid="stMain"] button, [data-testid="stMain"] button * { font-size: 18px; }
</style>"""


def deck_start() -> None:
    """A page's run begins (``render.page_header``): no screen counted yet; while presenting, the deck's style."""
    st.session_state[DECK_KEY] = {"count": 0, "heading": None}
    if presenting():
        st.html(DECK_STYLE)


def slide() -> int:
    """The screen shown, from ``?slide=N`` (1 when absent or not a number)."""
    try:
        return max(1, int(st.query_params.get("slide", "1")))
    except ValueError:
        return 1


def screen() -> bool:
    """Count one screen of the deck; True when it is the one to draw (always True when not presenting). The
    heading given by ``section`` before it is drawn with it, or dropped with it."""
    if not presenting():
        return True
    deck = _deck()
    deck["count"] += 1
    heading, deck["heading"] = deck["heading"], None
    shown = deck["count"] == slide()
    deck["headed"] = bool(shown and heading)
    if shown and heading:
        st.subheader(markdown_literal(heading))
    return shown


HEADING_PX = 56  # a screen's heading over its chart, which gives up that much height


def headed() -> bool:
    """Whether the screen just drawn carries a heading (its chart is that much shorter)."""
    return bool(_deck().get("headed"))


def section(title: str) -> None:
    """A heading over the next chart or table: on screen, drawn now; while presenting, drawn on that one's screen
    (a heading is never left on a screen without its content)."""
    if presenting():
        _deck()["heading"] = title
    else:
        st.subheader(markdown_literal(title))  # a heading names a school, a team, a group: data


def _go(n: int) -> None:
    st.query_params["slide"] = str(n)


def deck_controls() -> None:
    """Under the screen: where it is in the deck, previous and next (the left and right arrow keys), and the way
    out. A slide number past the end (fewer screens after a change of data) shows the last screen."""
    total = _deck()["count"]
    current = slide()
    if total and current > total:
        _go(total)
        st.rerun()
    left, middle, right, out = st.columns([1, 1, 1, 2], vertical_alignment="center")
    left.write(f"Screen {current} of {total}")
    middle.button(
        "Previous", key="deck_previous", on_click=_go, args=(current - 1,), disabled=current <= 1, shortcut="Left"
    )
    right.button(
        "Next", key="deck_next", on_click=_go, args=(current + 1,), disabled=current >= total, shortcut="Right"
    )
    with out:
        presentation_controls()


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
