"""Named query units. Each ``*.sql`` file here is one statement with bound parameters only; its header names its
grain ("one row per ..."). ``run`` executes one and returns a polars frame with the declared column types.

Every unit that reads school data takes the caller's scope: ``:all_schools`` (1 for a district-wide role) and
``:school_ids`` (an expanding list, used when ``all_schools`` is 0). Scope is enforced here, where data is read.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.store.queries import arrow

HERE = Path(__file__).resolve().parent
FETCH_BATCH = 50_000  # rows turned into a frame at a time
EXPANDING = ("school_ids", "years", "groups", "subjects")  # parameters bound as lists


@cache
def statement(name: str) -> sa.TextClause:
    sql = (HERE / f"{name}.sql").read_text(encoding="utf-8")
    clause = sa.text(sql)
    expanding = [p for p in EXPANDING if re.search(rf":{p}\b", sql)]
    if expanding:
        clause = clause.bindparams(*[sa.bindparam(p, expanding=True) for p in expanding])
    return clause


def grain(name: str) -> str:
    """The unit's header comment: what one row is."""
    lines = (HERE / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    return " ".join(line.removeprefix("--").strip() for line in lines if line.startswith("--")).strip()


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.sql"))


def scope_params(school_ids: list[str] | None) -> dict:
    """None means every school; a list (maybe empty) limits the unit to those schools."""
    nobody = [""]  # no school has an empty id (the loader requires one): an empty scope matches nothing
    if school_ids is None:
        return {"all_schools": 1, "school_ids": nobody}
    return {"all_schools": 0, "school_ids": list(school_ids) or nobody}


def _some(kind: str, values: list | None, nothing: object) -> dict:
    """``:all_<kind>`` (1: every value) and ``:<kind>`` (the values; ``nothing``, which no row holds, when empty)."""
    if values is None:
        return {f"all_{kind}": 1, kind: [nothing]}
    return {f"all_{kind}": 0, kind: list(values) or [nothing]}


def year_params(year_starts: list[int] | None) -> dict:
    """The ``:all_years`` and ``:years`` parameters of a unit that can read some school years (None: every year)."""
    return _some("years", year_starts, -1)  # no school year starts in year -1


def group_params(groups: list[str] | None) -> dict:
    """The ``:all_groups`` and ``:groups`` parameters of a unit that can read some student groups (None: every
    group)."""
    return _some("groups", groups, "")  # no student group is named ""


def subject_params(subjects: list[str] | None) -> dict:
    """The ``:all_subjects`` and ``:subjects`` parameters of a unit that can read some subjects (None: every one)."""
    return _some("subjects", subjects, "")


def run(conn: sa.Connection, name: str, schema: dict[str, pl.DataType], **params) -> pl.DataFrame:
    """The unit ``name`` with ``params`` bound, as a frame of ``schema``'s columns and types. A reading connection
    (``db.reading``) reads through the database's ADBC driver as Arrow, straight into polars (no Python row is
    built); a connection inside a write transaction (a load refreshing its summaries) must see its own uncommitted
    rows, so it reads through its own driver. Both give the same frame."""
    frame = arrow.read(conn, statement(name), params)
    if frame is None:
        return _run_rows(conn, name, schema, params)
    if set(frame.columns) != set(schema):
        raise RuntimeError(f"query {name} returned {frame.columns}, declared {list(schema)}")
    return _typed(conn, frame, schema)


def _read_schema(conn: sa.Connection, columns: list[str], schema: dict[str, pl.DataType]):
    # SQLite hands dates back as ISO text: read them as text, then type them; a true/false column is handed over as
    # 1/0 (the units write CASE WHEN ... THEN 1 ELSE 0, the same on every database): read as a number, then typed
    text_dates = [c for c in columns if schema[c] == pl.Date and conn.dialect.name == "sqlite"]
    flags = [c for c in columns if schema[c] == pl.Boolean]
    read_schema = {c: (pl.String if c in text_dates else pl.Int64 if c in flags else schema[c]) for c in columns}
    typed = [*(pl.col(c).str.to_date() for c in text_dates), *(pl.col(c).cast(pl.Boolean) for c in flags)]
    return read_schema, typed


def _typed(conn: sa.Connection, frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An Arrow read as the declared types (the driver's own: int4 or int8, numeric as text, a column SQLite could
    not type because it was empty)."""
    read_schema, typed = _read_schema(conn, frame.columns, schema)
    frame = frame.with_columns(pl.col(c).cast(t) for c, t in read_schema.items() if frame.schema[c] != t)
    return frame.with_columns(typed) if typed else frame


def _run_rows(conn: sa.Connection, name: str, schema: dict[str, pl.DataType], params: dict) -> pl.DataFrame:
    with _driver_rows(conn, name, params) as (columns, fetch):
        if set(columns) != set(schema):
            raise RuntimeError(f"query {name} returned {columns}, declared {list(schema)}")
        read_schema, typed = _read_schema(conn, columns, schema)
        # the driver's rows as they are (no Row object per row), taken in batches, so a large table never sits in
        # memory as Python tuples
        parts = []
        while rows := fetch(FETCH_BATCH):
            parts.append(pl.DataFrame(rows, schema=read_schema, orient="row"))
    frame = pl.concat(parts, rechunk=True) if parts else pl.DataFrame(schema=read_schema)
    return frame.with_columns(typed) if typed else frame


@contextlib.contextmanager
def _driver_rows(conn: sa.Connection, name: str, params: dict) -> Iterator[tuple[list[str], Callable]]:
    """The unit's result columns and a ``fetch(n)`` of its next rows, in the connection's own transaction. On
    PostgreSQL (psycopg) the rows are streamed (``Cursor.stream``: the same query and plan, its rows sent in chunks):
    a plain ``execute`` has the whole result handed over before the first row (the 1.46 M achievement cells a load
    reads back: 0.8 GB of the driver's memory at the achievement load's peak). The statement is compiled as the
    Arrow path compiles it (``arrow.bound``) and bound by the driver."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        compiled = arrow.bound(statement(name), params, conn.dialect)
        driver = conn.connection.driver_connection
        assert driver is not None  # None only for a connection invalidated or closed
        with driver.cursor() as cursor:
            rows = cursor.stream(compiled.string, compiled.params, size=FETCH_BATCH)
            first = list(itertools.islice(rows, FETCH_BATCH))  # the description comes with the first rows
            if not first:  # no rows: a stream ends without one; asked again, plainly, for the columns
                cursor.execute(compiled.string, compiled.params)
            pending = [first]

            def fetch(n: int) -> list:
                return pending.pop() if pending else list(itertools.islice(rows, n))

            yield [d.name for d in cursor.description or []], fetch
            rows.close()  # a result not read to its end (an error in the caller) is left to the cursor's close
        return
    result = conn.execute(statement(name), params)
    try:
        # a text() statement has no result types for SQLAlchemy to apply: the driver's own rows skip a Row per row
        cursor = result.cursor
        yield list(result.keys()), (cursor.fetchmany if cursor is not None else result.fetchmany)
    finally:
        result.close()
