"""Records retention, written once for the CLI (``district-dashboard purge --before YYYY-YY``) and the Data page's
admin button: every source's rows of the school years before a given one, and their history rows, deleted in one
transaction with the summaries the pages read refreshed, an import-history record and an audit record.

A row's school year is its ``year_start``: the file's own ``school_year`` for trust and achievement, the school year
(starting 1 July) of the meeting or vote date for CPL and readiness, as stored by the loader. Schools are not
records of a year and stay. What a purge removed is gone for good: its import-history record (status ``purged``)
cannot be undone, and no history row of a purged year is kept for an undo to bring back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.core.school_year import school_year_label, school_year_start
from dashboard.ingest import summaries
from dashboard.store.db import bump_data_version, lock_for_writes
from dashboard.store.schema import HISTORY_TABLES, SOURCE_TABLES, import_log

# the sources whose rows belong to a school year (every one but schools)
YEARLY = {source: table for source, table in SOURCE_TABLES.items() if "year_start" in table.c}
PURGED = "purged"  # the import-history status of a purge (``dashboard.ingest.imports.undo`` refuses it)


class PurgeError(ValueError):
    """The purge was asked for wrongly (a school year that is not one); nothing was written."""


@dataclass
class PurgeResult:
    before: str  # the school year label: rows of the years before it were removed
    rows: dict[str, int]  # source -> rows removed
    history_rows: dict[str, int]  # source -> history rows removed
    import_id: int | None  # the import-history record (None when nothing was removed)

    @property
    def removed(self) -> int:
        return sum(self.rows.values()) + sum(self.history_rows.values())

    def summary(self) -> str:
        if not self.removed:
            return f"purge before {self.before}: nothing stored is older; nothing was removed"
        each = ", ".join(f"{source} {n}" for source, n in self.rows.items() if n)
        return (
            f"purge before {self.before}: {sum(self.rows.values())} rows removed ({each or 'none'}) and "
            f"{sum(self.history_rows.values())} history rows (import {self.import_id})"
        )


def year_start_of(before: str) -> int:
    """The start year of a school year label ('2021-22' or '2021-2022'); ``PurgeError`` for anything else."""
    start = school_year_start(before)
    if start is None:
        raise PurgeError(f"--before must be a school year such as 2021-22 (got {before!r})")
    return start


def counts_before(conn: sa.Connection, year_start: int) -> tuple[dict[str, int], dict[str, int]]:
    """(rows, history rows) per source of the school years before ``year_start``: what a purge would remove."""
    rows = {source: _count(conn, table, table.c.year_start < year_start) for source, table in YEARLY.items()}
    history = {
        source: _count(conn, HISTORY_TABLES[source], HISTORY_TABLES[source].c.year_start < year_start)
        for source in YEARLY
    }
    return rows, history


def stored_years(engine: sa.Engine) -> list[int]:
    """Every school year some source holds rows of, oldest first (the Data page offers the purge boundaries)."""
    with engine.connect() as conn:
        years: set[int] = set()
        for table in YEARLY.values():
            years |= set(conn.execute(sa.select(table.c.year_start).distinct()).scalars())
    return sorted(years)


def purge(engine: sa.Engine, before: str, *, user: str, audit_user: str) -> PurgeResult:
    """Delete every source's rows, and their history rows, of the school years before ``before``, in one
    transaction: the summaries of those years refreshed, the school summary rebuilt, an import-history record
    (status ``purged``) and an audit record written, the data version raised. A purge that finds nothing to remove
    writes only its audit record."""
    year_start = year_start_of(before)
    label = school_year_label(year_start)
    with engine.begin() as conn:
        lock_for_writes(conn)  # never beside a load or an undo
        rows, history = counts_before(conn, year_start)
        result = PurgeResult(label, rows, history, None)
        if result.removed:
            for source, table in YEARLY.items():
                years = sorted(
                    conn.execute(sa.select(table.c.year_start).distinct().where(table.c.year_start < year_start))
                    .scalars()
                    .all()
                )
                hist = HISTORY_TABLES[source]
                conn.execute(sa.delete(hist).where(hist.c.year_start < year_start))
                conn.execute(sa.delete(table).where(table.c.year_start < year_start))
                summaries.refresh(conn, source, years)  # the purged years' summaries: cleared, nothing to rebuild
            summaries.refresh_school_summary(conn)  # a school's latest year may have been purged
            result.import_id = conn.execute(
                sa.insert(import_log)
                .values(
                    loaded_at=dt.datetime.now(dt.UTC),
                    user=user,
                    source="purge",
                    file_name=f"purge before {label}",
                    sha256="",
                    rows_in_file=0,
                    rows_inserted=0,
                    rows_replaced=0,
                    rows_removed=sum(rows.values()),
                    schools_created=0,
                    status=PURGED,
                )
                .returning(import_log.c.id)
            ).scalar_one()
            bump_data_version(conn)
        audit.record(conn, audit_user, "purge", result.summary())
    return result


def purge_for(engine: sa.Engine, caller: access.Caller, before: str) -> tuple[bool, str]:
    """A purge for an admin, from the Data page: (done, what was removed or why it was refused)."""
    if not caller.may_open("data"):  # records retention is an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may purge records")
    try:
        return True, purge(engine, before, user=caller.username, audit_user=caller.username).summary()
    except PurgeError as exc:
        return False, str(exc)


def _count(conn: sa.Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one()
