"""ui: everything that imports Streamlit (cached data access, filters, rendering, login, presentation mode). Pages
and the entrypoint import it; it may import every layer below, and nothing below imports it."""

from dashboard.ui.common import *  # noqa: F401,F403
