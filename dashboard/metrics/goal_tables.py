"""Board goals, their figures and the timeline notes as read from the database for a caller's scope: the goals it may
read (``goals.visible``), each evaluated over the screened tables of ``dashboard.metrics.tables`` (so through
``dashboard.core.privacy``), and the notes of its schools and of the district (internal ones only when asked for)."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.core.privacy import Thresholds
from dashboard.metrics import goals, pooled, tables
from dashboard.store import board_records
from dashboard.store import settings as settings_mod


def frames(conn: sa.Connection, t: Thresholds, school_ids: list[str] | None = None) -> pooled.Frames:
    """The screened tables every pooled measure reads, of the schools ``school_ids`` (None: every school)."""
    return pooled.Frames(
        tables.school_cells(conn, school_ids),
        tables.trust_results(conn, t, school_ids),
        tables.cpl_cadence(conn, school_ids),
        tables.readiness(conn, t, school_ids),
    )


def visible_goals(conn: sa.Connection, school_ids: list[str] | None = None) -> pl.DataFrame:
    """The stored goals and guardrails a caller seeing ``school_ids`` (None: every school) may read."""
    return goals.visible(board_records.read_goals(conn), tables.schools(conn), school_ids)


def evaluated(
    conn: sa.Connection, school_ids: list[str] | None = None, until: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``goals.evaluate`` of the goals the caller may read, under the stored settings (``goal_tolerance``), with
    the data of the school years up to ``until`` (None: every year)."""
    values = settings_mod.load(conn)
    t = Thresholds.from_settings(values)
    data = frames(conn, t, school_ids)
    return goals.evaluate(
        visible_goals(conn, school_ids),
        data if until is None else data.until(until),
        tables.schools(conn),
        t,
        values["goal_tolerance"],
    )


def notes(conn: sa.Connection, school_ids: list[str] | None = None, include_internal: bool = True) -> pl.DataFrame:
    """The timeline notes of the district and of the schools ``school_ids`` (None: every school)."""
    return board_records.read_notes(conn, school_ids, include_internal)
