"""Board goals and timeline notes as stored (tables ``board_goal`` and ``timeline_note``, revision 0006): written and
read here, as frames. These are the district's own records, not loaded data: what a goal's figures are, and what a
note does to a chart or a change, is decided above (``dashboard.metrics.goals``, ``dashboard.metrics.timeline``)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from dashboard.store.schema import board_goal, timeline_note

GOAL_SCHEMA = {
    "name": pl.String,
    "kind": pl.String,
    "measure": pl.String,
    "scope": pl.String,
    "subject": pl.String,
    "student_group": pl.String,
    "baseline_year": pl.Int64,
    "target": pl.Float64,
    "target_year": pl.Int64,
    "bound": pl.String,
}
NOTE_SCHEMA = {
    "id": pl.Int64,
    "note_date": pl.Date,
    "year_start": pl.Int64,
    "school_id": pl.String,
    "kind": pl.String,
    "internal": pl.Boolean,
    "text": pl.String,
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- goals -------------------------------------------------------------------------------------------------------


def goal_exists(conn: sa.Connection, name: str) -> bool:
    return conn.execute(sa.select(board_goal.c.name).where(board_goal.c.name == name)).first() is not None


def insert_goal(conn: sa.Connection, goal: dict, by: str) -> None:
    """``goal``: the columns of ``GOAL_SCHEMA``."""
    conn.execute(
        sa.insert(board_goal).values(**{k: goal.get(k) for k in GOAL_SCHEMA}, created_by=by, created_at=_now())
    )


def delete_goal(conn: sa.Connection, name: str) -> bool:
    return conn.execute(sa.delete(board_goal).where(board_goal.c.name == name)).rowcount > 0


def read_goals(conn: sa.Connection) -> pl.DataFrame:
    """Every goal and guardrail, in the order they were added."""
    q = sa.select(*[board_goal.c[k] for k in GOAL_SCHEMA]).order_by(board_goal.c.created_at, board_goal.c.name)
    return pl.DataFrame([tuple(r) for r in conn.execute(q)], schema=GOAL_SCHEMA, orient="row")


# --- notes -------------------------------------------------------------------------------------------------------


def insert_note(conn: sa.Connection, note: dict, by: str) -> int:
    """``note``: note_date, year_start, school_id (None: the district), kind, internal, text. Returns its id."""
    values = {k: note.get(k) for k in NOTE_SCHEMA if k != "id"}
    result = conn.execute(sa.insert(timeline_note).values(**values, created_by=by, created_at=_now()))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def delete_note(conn: sa.Connection, note_id: int) -> dict | None:
    """Remove one note; returns it as it was (None when there is no such note)."""
    row = conn.execute(sa.select(timeline_note).where(timeline_note.c.id == note_id)).mappings().first()
    if row is None:
        return None
    conn.execute(sa.delete(timeline_note).where(timeline_note.c.id == note_id))
    return dict(row)


def read_notes(conn: sa.Connection, school_ids: list[str] | None = None, include_internal: bool = True) -> pl.DataFrame:
    """The notes of the district and of the schools ``school_ids`` (None: every school), oldest first; without
    ``include_internal``, the internal ones are never read."""
    q = sa.select(*[timeline_note.c[k] for k in NOTE_SCHEMA]).order_by(timeline_note.c.note_date, timeline_note.c.id)
    if school_ids is not None:
        q = q.where(timeline_note.c.school_id.is_(None) | timeline_note.c.school_id.in_(list(school_ids)))
    if not include_internal:
        q = q.where(timeline_note.c.internal.is_(False))
    return pl.DataFrame([tuple(r) for r in conn.execute(q)], schema=NOTE_SCHEMA, orient="row")


def read_notes_if_stored(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame | None:
    """``read_notes``, or None in a database migrated only as far as a step before the notes (revision 0006): a
    data migration of an earlier step rebuilds the stored summaries with today's code, which reads the notes."""
    if not sa.inspect(conn).has_table(timeline_note.name):
        return None
    return read_notes(conn, school_ids)
