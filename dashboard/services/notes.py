"""Timeline notes as the command line and the Goals page manage them: a dated note for the district or one school
("new principal", "state test changed; scores not comparable"), with a kind and an internal flag. Each change is one
transaction with its audit entry and a new data version; a note of kind ``break`` also rebuilds the stored school
summary, whose changes may not cross it (``dashboard.metrics.timeline``). An internal note never reaches the board
role (``sees_internal``) or a board pack."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.core.safe_csv import to_csv_bytes
from dashboard.ingest import summaries
from dashboard.metrics import goal_tables, tables
from dashboard.metrics.timeline import BREAK, KINDS
from dashboard.store import board_records, db

MANAGERS = ("superintendent", "admin")
NO_INTERNAL_NOTES = ("board",)  # the roles an internal note never reaches
LIST_COLUMNS = ["id", "date", "school_id", "kind", "internal", "text"]
TEXT_MAX = 500


class NoteRefused(ValueError):
    """The note was not added or removed; the message says why."""


def sees_internal(caller: access.Caller | None) -> bool:
    """Whether a caller reads internal notes (None: the command line)."""
    return caller is None or caller.role not in NO_INTERNAL_NOTES


def _manager(caller: access.Caller | None) -> None:
    if caller is not None and caller.role not in MANAGERS:
        raise PermissionError("only an admin or a superintendent changes timeline notes")


def school_year_of(day: dt.date) -> int:
    """The school year a date belongs to: the one starting on 1 July (CONTRACT.md)."""
    return day.year if day.month >= 7 else day.year - 1


def _after_change(conn: sa.Connection, kind: str) -> None:
    if kind == BREAK:  # the stored school summary's changes follow the breaks
        summaries.refresh_school_summary(conn)
    db.bump_data_version(conn)


def add(
    engine: sa.Engine,
    day: dt.date,
    text: str,
    by: str,
    school_id: str | None = None,
    kind: str = "event",
    internal: bool = False,
    caller: access.Caller | None = None,
) -> int:
    """Add a note; returns its id. NoteRefused for an unknown kind or school, or a text empty or too long."""
    _manager(caller)
    text = " ".join(str(text or "").split())
    if not text or len(text) > TEXT_MAX:
        raise NoteRefused(f"a note's text is 1 to {TEXT_MAX} characters")
    if kind not in KINDS:
        raise NoteRefused(f"--kind must be one of {', '.join(KINDS)} (got {kind!r})")
    with engine.begin() as conn:
        if school_id is not None and tables.schools(conn, [school_id]).is_empty():
            raise NoteRefused(f"there is no school {school_id!r}")
        note = dict(
            note_date=day, year_start=school_year_of(day), school_id=school_id, kind=kind, internal=internal, text=text
        )
        note_id = board_records.insert_note(conn, note, by)
        audit.record(
            conn,
            by,
            "note_change",
            f"added note {note_id} ({kind}{', internal' if internal else ''}) for {school_id or 'the district'}",
        )
        _after_change(conn, kind)
    return note_id


def remove(engine: sa.Engine, note_id: int, by: str, caller: access.Caller | None = None) -> str:
    _manager(caller)
    with engine.begin() as conn:
        note = board_records.delete_note(conn, note_id)
        if note is None:
            raise NoteRefused(f"there is no note {note_id}")
        audit.record(conn, by, "note_change", f"removed note {note_id} for {note['school_id'] or 'the district'}")
        _after_change(conn, note["kind"])
    return f"removed note {note_id}"


def notes_for(engine: sa.Engine, caller: access.Caller | None = None) -> pl.DataFrame:
    """The notes a caller reads: the district's and its schools' (internal ones only where ``sees_internal``)."""
    scope = None if caller is None or caller.scope is None else list(caller.scope)
    with db.reading(engine) as conn:
        return goal_tables.notes(conn, scope, sees_internal(caller))


def list_csv(engine: sa.Engine, caller: access.Caller | None = None) -> bytes:
    """``notes list``: ``id,date,school_id,kind,internal,text``, oldest first."""
    notes = notes_for(engine, caller)
    return to_csv_bytes(
        notes.select(
            "id",
            pl.col("note_date").cast(pl.String).alias("date"),
            "school_id",
            "kind",
            pl.when(pl.col("internal")).then(pl.lit("true")).otherwise(pl.lit("false")).alias("internal"),
            "text",
        )
    )
