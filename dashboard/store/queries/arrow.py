"""Reading a query unit as Arrow: the database's ADBC driver (``adbc-driver-sqlite``, ``adbc-driver-postgresql``)
hands the result over as Arrow record batches, which polars takes without copying; no Python object is built per
row or per value (issue 19: a cold page's time was mostly the driver building rows and polars framing them).

The statement is the unit's own ``text()`` with its bound parameters, compiled by SQLAlchemy for the database
(expanding lists rendered as one placeholder per value) and bound by the driver: nothing is pasted into the SQL.
A reading connection only (``db.reading``): a connection inside a write transaction must see its own uncommitted
rows, which another connection cannot; there, and for a database ADBC cannot open (an in-memory SQLite, another
dialect), ``read`` returns None and the caller reads through its own driver. Connections are pooled per database
(autocommit: no read transaction is left open, so a WAL checkpoint is never held up) and per thread of use.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import urllib.parse
import weakref
from typing import Any

import polars as pl
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler

_LOGGER = logging.getLogger(__name__)
READ_ONLY = "dashboard_read_only"  # db.READ_ONLY: the execution option db.reading sets
MAX_IDLE = 8  # idle connections kept per database
MAX_IDLE_TOTAL = 16  # and over every database (a test suite opens hundreds, one after another)
_DIALECTS = {
    "sqlite": sqlite.dialect(paramstyle="qmark"),
    "postgresql": postgresql.dialect(paramstyle="numeric_dollar"),
}
_lock = threading.Lock()
_idle: dict[str, list[Any]] = {}  # database -> its idle connections; the most recently used database last
# engines whose dispose() closes their database's connections here
_watched: weakref.WeakSet[sa.Engine] = weakref.WeakSet()
_broken: set[str] = set()  # databases whose driver could not be loaded or connected: read through rows


def _target(engine_url: sa.URL) -> tuple[str, str] | None:
    """(dialect, the ADBC URI) of a database ADBC can open, else None."""
    backend = engine_url.get_backend_name()
    if backend == "sqlite":
        path = engine_url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        return backend, path
    if backend == "postgresql":
        url = engine_url.set(drivername="postgresql").render_as_string(hide_password=False)
        # dates cast to text read ISO whatever the server's DateStyle, as on the engine's own connections (db.py);
        # libpq reads %20, not "+", as a space
        options = "options=" + urllib.parse.quote("-c DateStyle=ISO,YMD", safe="")
        return backend, url + ("&" if "?" in url else "?") + options
    return None


def _connect(backend: str, uri: str) -> Any:
    if backend == "sqlite":
        import adbc_driver_sqlite.dbapi

        connection = adbc_driver_sqlite.dbapi.connect(uri, autocommit=True)
        with connection.cursor() as cursor:  # a reader waits for a checkpoint as the engine's own connections do
            cursor.execute("PRAGMA busy_timeout=30000")
        return connection
    import adbc_driver_postgresql.dbapi

    return adbc_driver_postgresql.dbapi.connect(uri, autocommit=True)


def _checkout(key: str, backend: str, uri: str) -> Any:
    with _lock:
        idle = _idle.get(key)
        if idle:
            return idle.pop()
    return _connect(backend, uri)


def _checkin(key: str, connection: Any) -> None:
    surplus = []
    with _lock:
        idle = _idle.pop(key, [])
        _idle[key] = idle  # now the most recently used
        if len(idle) < MAX_IDLE:
            idle.append(connection)
        else:
            surplus.append(connection)
        while sum(len(v) for v in _idle.values()) > MAX_IDLE_TOTAL:
            oldest = next(iter(_idle))
            surplus += _idle.pop(oldest)
    for extra in surplus:
        with contextlib.suppress(Exception):
            extra.close()


def _close(key: str) -> None:
    with _lock:
        idle = _idle.pop(key, [])
    for connection in idle:
        with contextlib.suppress(Exception):
            connection.close()


def _watch(engine: sa.Engine, key: str) -> None:
    """``engine.dispose()`` closes this database's pooled connections too (a test dropping its database)."""
    if engine in _watched:
        return
    _watched.add(engine)
    sa.event.listen(engine, "engine_disposed", lambda *_: _close(key))


@atexit.register
def close_all() -> None:
    """Close every pooled connection (at exit; a test that drops its database calls it first)."""
    with _lock:
        pools = list(_idle.values())
        _idle.clear()
    for idle in pools:
        for connection in idle:
            with contextlib.suppress(Exception):
                connection.close()


def _plain(table: pa.Table) -> pa.Table:
    """Extension columns (PostgreSQL's numeric arrives as an opaque type over its text) as their storage."""
    if not any(isinstance(f.type, pa.ExtensionType) for f in table.schema):
        return table
    columns = []
    for column in table.columns:
        if isinstance(column.type, pa.ExtensionType):
            column = pa.chunked_array([c.storage for c in column.chunks], type=column.type.storage_type)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def bound(clause: sa.TextClause, params: dict, dialect: sa.Dialect) -> SQLCompiler:
    """The statement compiled for ``dialect`` with ``params`` bound (an expanding list one placeholder per value),
    for a driver to bind: nothing is pasted into the SQL."""
    return clause.bindparams(**params).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})


def read(conn: sa.Connection, clause: sa.TextClause, params: dict) -> pl.DataFrame | None:
    """The statement's result as a polars frame of the driver's own types, or None where this connection must read
    through its own driver (see the module's docstring)."""
    if not conn.get_execution_options().get(READ_ONLY):
        return None
    target = _target(conn.engine.url)
    if target is None:
        return None
    backend, uri = target
    key = f"{backend}:{uri}"
    if key in _broken:
        return None
    _watch(conn.engine, key)
    compiled = bound(clause, params, _DIALECTS[backend])
    values = [compiled.params[name] for name in (compiled.positiontup or [])]
    try:
        connection = _checkout(key, backend, uri)
    except Exception:  # no driver installed, or it cannot connect: the rows path still works
        _broken.add(key)
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(compiled.string, values or None)
            table = cursor.fetch_arrow_table()
    except Exception:  # a lost connection, or a value SQLite's typing of the first rows did not expect: read again
        _LOGGER.debug("ADBC read failed; reading through the engine's driver", exc_info=True)
        with contextlib.suppress(Exception):
            connection.close()
        return None
    _checkin(key, connection)
    return pl.from_arrow(_plain(table), rechunk=False)  # type: ignore[return-value]
