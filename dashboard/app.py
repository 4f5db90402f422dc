"""Streamlit entrypoint (``streamlit run dashboard/app.py``): page config, the database check, navigation.

Pages are registered by absolute path (CONTRACT.md, Names and places); no entrypoint sits beside ``pages/``.
Access control (``dashboard.ui.login`` and ``dashboard.auth.access``) sits between navigation and ``pg.run()``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.auth import access
from dashboard.core import paths
from dashboard.ui import login, media

PAGES = paths.PAGES

st.set_page_config(layout="wide", page_title="District dashboard")
media.start_sweeper()  # a downloaded file leaves its media URL within seconds, even on a quiet server

# once per run, in one connection: the schema check, the data version, and the accounts and settings that the role,
# the login and the caller all read
run_accounts = ui.start_run()
engine = ui.get_engine()
# The page list is the signed-in role's (re-read from the database); before login every page is registered, hidden,
# so a direct link survives the login form (NOTES.md). Navigation comes before the login call, pg.run() after it.
role = login.provisional_role(run_accounts)
allowed = set(access.pages_for(role)) if role else set(access.PAGE_ROLES)


registry: dict[str, st.Page] = {}  # page name -> its st.Page, each at its own URL path (/overview, /equity ...)


def _home() -> None:
    """The app root ("/"): open the overview at its own URL, keeping the query string (the shared filters). The
    default page is always served at "/", so the overview is not the default: that way /overview works too."""
    st.switch_page(registry["overview"], query_params=st.query_params.to_dict())


home = st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden")


def _pages(*items: tuple[str, str]) -> list:
    for name, title in items:
        if name in allowed:
            registry[name] = st.Page(PAGES / f"{name}.py", title=title, url_path=name)
    return [registry[name] for name, _ in items if name in registry]


sections = {
    "District": [
        home,
        *_pages(
            ("overview", "Overview"),
            ("goals", "Board goals"),
            ("school", "School profile"),
            ("board_pack", "Board pack"),
        ),
    ],
    "Strands": _pages(
        ("trust", "Trust"),
        ("cpl", "Collective professional learning"),
        ("readiness", "Readiness"),
        ("equity", "Equity and achievement"),
        ("culture", "Culture and outcomes"),
    ),
    "Data": _pages(("data", "Data"), ("admin", "Accounts and audit")),
}
pg = st.navigation(
    {k: v for k, v in sections.items() if v}, position="sidebar" if role and not ui.presenting() else "hidden"
)
caller = login.gate(engine, run_accounts)
page_name = next((name for name, page in registry.items() if page is pg or page.title == pg.title), "?")
if pg is not home and not caller.may_open(page_name):
    login.deny(engine, caller, page_name)
ui.sync_query_params()
pg.run()
