"""Helpers for the reliability tests (bad-file corpus, faults, parsers): databases that hold the sample district,
on SQLite and on a PostgreSQL database of their own (``helpers.private_pg_database``: created for the run, dropped
after)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from helpers import ROOT, SAMPLE, private_pg_database

from dashboard.ingest import loader
from dashboard.store import db

__all__ = ["ROOT", "SAMPLE", "content", "database_url", "migrated_with_sample", "private_pg_database"]


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
