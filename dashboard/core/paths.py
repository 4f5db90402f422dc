"""Where the project's own files are: one place, so a module that moves between layers never miscounts parents."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # dashboard/
ROOT = PACKAGE.parent  # the checkout: pages/, sample_data/, .streamlit/
CONFIG = PACKAGE / "config"  # versioned configuration read by the code (families, status x change grid)
PAGES = ROOT / "pages"
SAMPLE_DATA = ROOT / "sample_data"
