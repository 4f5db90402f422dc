"""``district-dashboard export``: a computed table as one account sees it (``--as``: its schools, its rollups,
the same code its pages use), or as the superintendent does (every school). Written once for the CLI."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access
from dashboard.metrics import tables
from dashboard.store import settings


class ExportRefused(ValueError):
    """The export cannot be made as asked (a threshold below the stored one, an unknown or disabled account)."""


def export(engine: sa.Engine, table: str, *, min_n: int | None = None, as_user: str | None = None) -> pl.DataFrame:
    """The table ``table``, screened under the stored settings (``min_n`` may raise the student threshold, never
    lower it), for the schools ``as_user`` may see (None: every school)."""
    with engine.connect() as conn:
        values = settings.load(conn)
        school_ids: list[str] | None = None
        if as_user is not None:
            caller = access.caller_for(conn, as_user)
            if caller is None:
                raise ExportRefused(f"no active account {as_user!r}: --as takes an account that can sign in")
            school_ids = None if caller.school_ids is None else list(caller.school_ids)
    if min_n is not None and min_n < values["min_n_students"]:
        raise ExportRefused(f"--min-n may raise the stored threshold ({values['min_n_students']:g}), never lower it")
    custom = None
    if min_n is not None:
        custom = {**values, "min_n_students": float(min_n)}
    return tables.export_table(engine, table, custom, school_ids)
