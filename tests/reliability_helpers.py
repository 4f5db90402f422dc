"""Helpers for the reliability tests (bad-file corpus, faults, parsers): databases that hold the sample district,
on SQLite and on a PostgreSQL database of their own (created from DASHBOARD_TEST_PG_URL and dropped after)."""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.store import db
from dashboard.ingest import loader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
PG_ENV = "DASHBOARD_TEST_PG_URL"


@contextmanager
def private_pg_database(tag: str) -> Iterator[str]:
    """A PostgreSQL database of its own on the server of DASHBOARD_TEST_PG_URL (skips when unset)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL run skipped: set {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    base_url = sa.make_url(base)
    name = f"dd_{tag}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"{PG_ENV} is set but PostgreSQL cannot be reached or cannot create a database: {exc.orig}")
    try:
        yield base_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def database_url(kind: str, directory: Path, tag: str) -> Iterator[str]:
    """A URL of an empty database: ``kind`` is sqlite (a file in ``directory``) or postgresql."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'{tag}.db'}"
    else:
        with private_pg_database(tag) as url:
            yield url


def migrated_with_sample(url: str) -> sa.Engine:
    """Migrate the database at ``url`` and load the sample district (sample_data/) into it."""
    engine = db.make_engine(url)
    db.migrate(engine)
    result = loader.load_files(engine, loader.files_in_directory(SAMPLE), user="test")
    assert result.ok, [str(p) for p in result.problems[:5]]
    return engine


def content(engine: sa.Engine, *, skip: tuple[str, ...] = ()) -> dict[str, Counter]:
    """Every table's rows as a multiset: the same comparison as conftest's snapshot (order does not matter), without
    its sort, for tests that compare a whole district many times."""
    result: dict[str, Counter] = {}
    with engine.connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            if name not in skip:
                result[name] = Counter(tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{name}"')))
    return result
