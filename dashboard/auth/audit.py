"""The audit log: who did what, when. Logins, failed logins, lockouts, logouts, account changes, data loads and
undos, records-retention purges, downloads and refused page requests. Readable by admins (the Admin page) and never
holding a password or a figure: ``detail`` names what was done (a file, a table, an account), not the data. An entry
is kept for ``audit_log_days`` (a setting), then deleted.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from dashboard.store import settings
from dashboard.store.schema import audit_log

ACTIONS = (
    "login",
    "login_failed",
    "locked",
    "logout",
    "account_change",
    "load",
    "undo",
    "download",
    "denied",
    "session_expired",
    "goal_change",
    "note_change",
    "purge",
    "mapping_change",
)


def _clean(text: str, limit: int) -> str:
    """Printable text only (a failed login records the name typed, which may be anything)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text or ""))
    return text[:limit]


def record(conn_or_engine: sa.Connection | sa.Engine, username: str, action: str, detail: str = "") -> None:
    """Write one entry (inside the caller's transaction when given a connection)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    values = dict(
        at=dt.datetime.now(dt.UTC), username=_clean(username, 64) or "?", action=action, detail=_clean(detail, 2000)
    )
    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.begin() as conn:
            _write(conn, values)
    else:
        _write(conn_or_engine, values)


def _write(conn: sa.Connection, values: dict) -> None:
    """The entry, and the end of every entry older than the setting ``audit_log_days`` (records retention: the log
    is kept that long, counted back from each new entry)."""
    days = settings.load(conn)["audit_log_days"]
    conn.execute(sa.delete(audit_log).where(audit_log.c.at < values["at"] - dt.timedelta(days=days)))
    conn.execute(sa.insert(audit_log).values(**values))


def read(
    conn: sa.Connection, limit: int = 1000, action: str | None = None, username: str | None = None
) -> pl.DataFrame:
    """The newest entries first."""
    q = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        q = q.where(audit_log.c.action == action)
    if username:
        q = q.where(audit_log.c.username == username)
    rows = conn.execute(q).all()
    return pl.DataFrame(
        [(r.id, str(r.at)[:19], r.username, r.action, r.detail) for r in rows],
        schema={"id": pl.Int64, "at": pl.String, "username": pl.String, "action": pl.String, "detail": pl.String},
        orient="row",
    )
