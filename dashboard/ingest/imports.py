"""Import history and undo. Every source row carries the import that last wrote it, and every row an import
replaced or removed is kept in the source's history table, so undoing an import restores exactly the state
before it, unless a later import has since changed what it wrote (then undo refuses and says which)."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.core.safe_csv import to_csv_bytes
from dashboard.ingest import summaries
from dashboard.store.db import bump_data_version, lock_for_writes
from dashboard.store.schema import HISTORY_TABLES, SOURCE_TABLES, import_log

HISTORY_COLUMNS = ["id", "loaded_at", "user", "source", "file", "sha256", "rows_inserted", "rows_replaced"]


class UndoRefused(Exception):
    """The import cannot be undone; the message says why."""


def history(conn: sa.Connection) -> pl.DataFrame:
    """One row per import, oldest first (undone imports included, with their status)."""
    rows = conn.execute(
        sa.select(
            import_log.c.id,
            import_log.c.loaded_at,
            import_log.c.user,
            import_log.c.source,
            import_log.c.file_name.label("file"),
            import_log.c.sha256,
            import_log.c.rows_inserted,
            import_log.c.rows_replaced,
            import_log.c.rows_removed,
            import_log.c.schools_created,
            import_log.c.status,
        ).order_by(import_log.c.id)
    ).fetchall()
    schema = {
        "id": pl.Int64,
        "loaded_at": pl.String,
        "user": pl.String,
        "source": pl.String,
        "file": pl.String,
        "sha256": pl.String,
        "rows_inserted": pl.Int64,
        "rows_replaced": pl.Int64,
        "rows_removed": pl.Int64,
        "schools_created": pl.Int64,
        "status": pl.String,
    }
    return pl.DataFrame([(r[0], str(r[1]), *r[2:]) for r in rows], schema=schema, orient="row")


def history_csv(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return to_csv_bytes(history(conn).select(HISTORY_COLUMNS)).decode("utf-8")


def undo(engine: sa.Engine, import_id: int, *, user: str | None = None) -> str:
    with engine.begin() as conn:
        lock_for_writes(conn)  # never beside a load: what depends on the import is read under the same lock
        row = conn.execute(sa.select(import_log).where(import_log.c.id == import_id)).mappings().one_or_none()
        if row is None:
            raise UndoRefused(f"there is no import {import_id}")
        if row["status"] == "undone":
            raise UndoRefused(f"import {import_id} was undone already")
        if row["status"] == "purged":
            raise UndoRefused(f"import {import_id} is a records-retention purge: what it removed is gone for good")
        later = set()
        for hist in HISTORY_TABLES.values():
            later |= set(
                conn.execute(
                    sa.select(hist.c.changed_by_import)
                    .distinct()
                    .where(hist.c.import_id == import_id, hist.c.changed_by_import != import_id)
                ).scalars()
            )
        created = list(
            conn.execute(
                sa.select(SOURCE_TABLES["schools"].c.school_id).where(SOURCE_TABLES["schools"].c.import_id == import_id)
            ).scalars()
        )
        if created:
            for source, table in SOURCE_TABLES.items():
                if source != "schools":
                    later |= set(
                        conn.execute(
                            sa.select(table.c.import_id)
                            .distinct()
                            .where(table.c.school_id.in_(created), table.c.import_id != import_id)
                        ).scalars()
                    )
        later.discard(None)
        if later:
            ids = ", ".join(str(i) for i in sorted(later))
            raise UndoRefused(
                f"import {import_id} cannot be undone: later import{'s' if len(later) > 1 else ''} "
                f"{ids} changed rows it wrote or use schools it created; undo those first"
            )
        removed = restored = 0
        for source, table in SOURCE_TABLES.items():
            hist = HISTORY_TABLES[source]
            written = table.c.import_id == import_id
            replaced = hist.c.changed_by_import == import_id
            # counted with SELECT, not rowcount: drivers differ in what INSERT ... SELECT reports
            removed += conn.execute(sa.select(sa.func.count()).select_from(table).where(written)).scalar_one()
            restored += conn.execute(sa.select(sa.func.count()).select_from(hist).where(replaced)).scalar_one()
            conn.execute(sa.delete(table).where(written))
            columns = [c.name for c in table.columns]
            conn.execute(
                sa.insert(table).from_select(columns, sa.select(*[hist.c[c] for c in columns]).where(replaced))
            )
            conn.execute(sa.delete(hist).where(hist.c.changed_by_import == import_id))
        summaries.refresh(conn, row["source"], None)  # the pages' summaries, in this transaction
        summaries.refresh_school_summary(conn)
        conn.execute(sa.update(import_log).where(import_log.c.id == import_id).values(status="undone"))
        bump_data_version(conn)
    return f"import {import_id} undone: {removed} rows it wrote removed, {restored} rows it replaced restored"
