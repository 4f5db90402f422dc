"""Streamlit entrypoint (``streamlit run dashboard/app.py``): page config, the database check, navigation.

Pages are registered by absolute path (CONTRACT.md, Names and places); no entrypoint sits beside ``pages/``.
Access control will be added here, between navigation and ``pg.run()`` (see ``ui.current_scope``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import ui

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "pages"

st.set_page_config(layout="wide", page_title="District dashboard")

pg = st.navigation({
    "District": [
        st.Page(PAGES / "overview.py", title="Overview", url_path="overview", default=True),
        st.Page(PAGES / "school.py", title="School profile", url_path="school"),
    ],
    "Strands": [
        st.Page(PAGES / "trust.py", title="Trust", url_path="trust"),
        st.Page(PAGES / "cpl.py", title="Collective professional learning", url_path="cpl"),
        st.Page(PAGES / "readiness.py", title="Readiness", url_path="readiness"),
        st.Page(PAGES / "equity.py", title="Equity and achievement", url_path="equity"),
        st.Page(PAGES / "culture.py", title="Culture and outcomes", url_path="culture"),
    ],
    "Data": [st.Page(PAGES / "data.py", title="Data", url_path="data")],
})
ui.check_database()
ui.sync_query_params()
pg.run()
