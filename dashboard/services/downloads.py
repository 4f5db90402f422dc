"""A download recorded in the audit log: the app's CSV, PNG and board pack downloads."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.auth import audit


def record(engine: sa.Engine, username: str, name: str, rows: int | None = None) -> None:
    audit.record(engine, username or "?", "download", name + ("" if rows is None else f" ({rows} rows)"))
