"""Engines, migrations and the data version. The database is any SQLAlchemy URL: ``--db``, else
``DASHBOARD_DB_URL``, else the embedded default, a SQLite file ``dashboard.db`` in the working directory."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from dashboard.store.schema import meta

ENV_URL = "DASHBOARD_DB_URL"
DEFAULT_SQLITE_FILE = "dashboard.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or is not initialised; the message says what to do."""


def resolve_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def is_sqlite(url_or_engine: str | sa.Engine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, sa.Engine) else sa.make_url(url_or_engine)
    return url.get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # a new database's pages are 8 KiB (a bulk load of 2.5 M rows 0.9 s faster than at the default 4 KiB: fewer
    # pages to split and write); an existing database keeps its own (the setting needs an empty file)
    cursor.execute("PRAGMA page_size=8192")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str | None = None) -> sa.Engine:
    """An engine for the URL; SQLite gets WAL, a busy timeout and real transactions; PostgreSQL ISO dates."""
    url = resolve_url(url)
    if is_sqlite(url):
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)

        # pysqlite's own transaction handling does not cover DDL or SAVEPOINT: take it over (SQLAlchemy docs).
        @sa.event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            # a writer takes the write lock up front (no deadlock when a read-then-write transaction upgrades); a
            # reader (``reading``) does not, so readers never queue behind each other or behind a load: WAL gives
            # each the data as committed when it first reads
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    if sa.make_url(url).get_backend_name() == "postgresql":
        # a date cast to text is ISO (2024-09-03) whatever the server's or database's DateStyle, as on SQLite, so
        # no statement's result depends on how the server was set up
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": "-c DateStyle=ISO,YMD"})
    return sa.create_engine(url, pool_pre_ping=True)


READ_ONLY = "dashboard_read_only"


def reading(engine: sa.Engine) -> sa.Connection:
    """A connection for reading only (``with db.reading(engine) as conn:``). On SQLite its transaction does not take
    the write lock, so the pages' reads run side by side and while a load is writing; elsewhere it is a plain
    connection. Writes go through ``engine.begin()``."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def _alembic_config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache  # the migrations ship with the code: the head cannot change while the process runs
def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None  # None only for a directory without migrations
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision the database is at; None for a database never initialised. A failure to connect is
    raised, a missing version table is None."""
    with reading(engine) as conn:
        return revision_on(conn)


def revision_on(conn: sa.Connection) -> str | None:
    """``current_revision`` in an open connection: one statement."""
    try:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        return None


def migrate(engine: sa.Engine) -> tuple[str | None, str]:
    """Upgrade the schema to head; returns (revision before, revision after). A second run is a no-op."""
    before = current_revision(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return before, head_revision()


def require_schema(engine: sa.Engine) -> None:
    """Raise DatabaseUnavailable with a sentence a user can act on unless the schema is at head."""
    try:
        with reading(engine) as conn:
            require_schema_on(conn)
    except sa.exc.OperationalError as exc:
        raise unreachable(engine, exc) from exc


def require_schema_on(conn: sa.Connection) -> None:
    """``require_schema`` in an open connection (the entrypoint's one connection of a run)."""
    revision = revision_on(conn)
    if revision != head_revision():
        raise DatabaseUnavailable(
            f"the database {conn.engine.url.render_as_string()} is not initialised or is out of date "
            f"(schema {revision or 'none'}, this version needs {head_revision()}): run `district-dashboard init`"
        )


def unreachable(engine: sa.Engine, exc: sa.exc.OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"cannot reach the database {engine.url.render_as_string()}: {exc.orig}")


WRITE_LOCK = 7_412_001  # the advisory lock key every data write (a load, an undo) takes on PostgreSQL


def lock_for_writes(conn: sa.Connection) -> None:
    """Serialise data writes: the first statement of a load's or an undo's transaction. On PostgreSQL a
    transaction-level advisory lock (released at commit or rollback, or when a killed client's connection drops);
    SQLite's writing transactions already begin with BEGIN IMMEDIATE and wait for each other (busy_timeout)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


DATA_VERSION = "data_version"


def data_version(conn: sa.Connection, values: dict[str, str] | None = None) -> int:
    """A counter raised by every change to the data (a load, an undo). Cache keys include it, so a change is seen
    at once by every app process. ``values``: the meta values as read already (``meta_values``), not read again."""
    return int(get_meta(conn, DATA_VERSION, values) or 0)


def bump_data_version(conn: sa.Connection) -> int:
    """Raise the data version inside the writing transaction (readers see the new number with the new rows)."""
    version = data_version(conn) + 1
    set_meta(conn, DATA_VERSION, str(version))
    return version


def meta_values(conn: sa.Connection) -> dict[str, str]:
    """Every stored meta value (a handful: the data version, the demo marks), in one statement: a run reads them
    once, not one statement each."""
    return {row.key: row.value for row in conn.execute(sa.select(meta.c.key, meta.c.value))}


def get_meta(conn: sa.Connection, key: str, values: dict[str, str] | None = None) -> str | None:
    """One meta value: from ``values`` when the run has read them already (``meta_values``), else one statement."""
    if values is not None:
        return values.get(key)
    return conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(sa.delete(meta).where(meta.c.key == key))
    conn.execute(sa.insert(meta).values(key=key, value=value))


DEMO_KEY = "demo"  # meta key: "1" when demo mode made this database (``dashboard.services.demo``)


def is_demo(conn: sa.Connection, values: dict[str, str] | None = None) -> bool:
    """Whether demo mode made this database; ``values``: the meta values as read already (``meta_values``)."""
    return get_meta(conn, DEMO_KEY, values) == "1"
