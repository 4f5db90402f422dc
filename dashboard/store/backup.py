"""Online backup and restore of the embedded SQLite database (SQLite's backup API: a consistent copy while the
app keeps serving). PostgreSQL has its own tools: pg_dump and pg_restore (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from dashboard.store import db


class BackupError(Exception):
    """Backup or restore refused; the message says why."""


def _sqlite_path(engine: sa.Engine) -> Path:
    if not db.is_sqlite(engine) or not engine.url.database:
        raise BackupError(
            "backup and restore are for the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore"
        )
    return Path(engine.url.database)


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    tmp.replace(target)


def backup(engine: sa.Engine, out: Path) -> str:
    path = _sqlite_path(engine)
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    _copy(path, Path(out))
    return f"backed up {path} to {out}"


def restore(engine: sa.Engine, source: Path) -> str:
    path = _sqlite_path(engine)
    source = Path(source)
    try:
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        has_schema = check.execute("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'").fetchone()[0]
        check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from None
    if not ok or not has_schema:
        raise BackupError(f"{source} is not a dashboard backup (integrity check failed or no schema)")
    engine.dispose()
    dst = sqlite3.connect(path)
    src = sqlite3.connect(source)
    try:
        src.backup(dst)  # page by page, inside SQLite's own locking: readers never see half a restore
    finally:
        src.close()
        dst.close()
    return f"restored {path} from {source}"
