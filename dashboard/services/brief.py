"""The coach's school brief, made for one account (CONTRACT.md, ``brief``): its figures read for that account's scope
(a coach's brief covers only the coach's schools), its notes as that account reads them (never an internal note for
the board role), compared with the district or, for an account limited to some schools, with those schools; as of a
school year (nothing later is read into it). One function for the command line and the School profile's button,
which records the download in the audit log."""

from __future__ import annotations

import re

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access
from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_label, school_year_start
from dashboard.metrics import goal_tables, tables
from dashboard.present.brief import brief_pdf
from dashboard.present.school import school_profile
from dashboard.services import downloads
from dashboard.services.notes import sees_internal
from dashboard.store import db
from dashboard.store import settings as settings_mod
from dashboard.store.schema import import_log

c = pl.col


class BriefError(Exception):
    """No brief can be made as asked (a bad year, no data for the school); the message says why."""


def _as_of(conn: sa.Connection) -> str:
    latest = conn.execute(
        sa.select(sa.func.max(import_log.c.loaded_at)).where(import_log.c.status == "loaded")
    ).scalar_one()
    return str(latest)[:10] if latest else "no data loaded"


def build(
    engine: sa.Engine,
    caller: access.Caller | None,
    school_id: str,
    year: str,
    audit: bool = False,
) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the brief of ``school_id`` as of ``year``, for ``caller`` (None: the
    superintendent's view, every school). PermissionError for a school outside the caller's scope; ``audit``: record
    the download (the app's button)."""
    start = school_year_start(year)
    if start is None:
        raise BriefError(f"--year must be a school year such as 2025-26 (got {year!r})")
    scope = None if caller is None or caller.scope is None else list(caller.scope)
    if scope is not None and school_id not in scope:
        raise PermissionError(f"school {school_id} is not among the schools of {caller.username if caller else ''}")
    until = c("year_start") <= start
    with db.reading(engine) as conn:
        values = settings_mod.load(conn)
        t = Thresholds.from_settings(values)
        mine = [school_id]
        notes = goal_tables.notes(conn, mine, sees_internal(caller)).filter(until)
        comparison = None if scope is not None and len(scope) < 2 else goal_tables.frames(conn, t, scope).until(start)
        v = school_profile(
            school_id,
            tables.achievement_cells(conn, t, mine).filter(until),
            tables.trust_results(conn, t, mine).filter(until),
            tables.cpl_cadence(conn, mine).filter(until),
            tables.readiness(conn, t, mine).filter(until),
            t,
            notes=notes,
            comparison=comparison,
            comparison_label="the district" if scope is None else f"your {len(scope)} schools",
            values=values,
            year=start,
        )
        source = f"Source: district files loaded through {_as_of(conn)}."
    if v.empty:
        raise BriefError(f"no data for school {school_id} up to {school_year_label(start)}")
    who = (
        "the superintendent (every school)"
        if caller is None
        else f"{caller.display_name or caller.username} ({caller.role})"
    )
    data = brief_pdf(v, who, source, t.footnote())
    name = f"brief_{re.sub(r'[^A-Za-z0-9_-]', '_', school_id)}_{school_year_label(start)}.pdf"
    if audit and caller is not None:
        downloads.record(engine, caller.username, name)
    return name, data
