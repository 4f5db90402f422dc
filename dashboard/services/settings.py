"""A setting changed: the value stored (``dashboard.store.settings``, which refuses one below its privacy floor) and
the screened summaries rebuilt under it, in the caller's transaction, with a new data version so every page sees the
change at once."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.ingest import summaries
from dashboard.store import db
from dashboard.store import settings as settings_mod


def change_setting(conn: sa.Connection, name: str, value: float) -> None:
    """Store the override ``name`` = ``value`` (``SettingError`` when refused) and refresh the stored summaries that
    follow the settings."""
    settings_mod.store(conn, name, value)
    summaries.refresh_screened(conn)
    db.bump_data_version(conn)
