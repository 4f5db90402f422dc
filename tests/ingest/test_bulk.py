"""dashboard.ingest.bulk: every row of a frame arrives, with its values, whatever the frame's order and size (on SQLite the
rows go up to 100 to a statement, with the rest one by one; on PostgreSQL by COPY)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from dashboard.ingest import bulk
from dashboard.store.schema import cpl_meeting, school


def test_every_row_arrives_with_its_values_in_any_order(engine):
    with engine.begin() as conn:
        bulk.insert_rows(conn, school, pl.DataFrame({"school_id": ["S1", "S2"], "school_name": ["Adams", "Baker"]}))
    # 257 meetings: two batches of 100 (SQLite) and 57 more; given in reverse key order, with blanks and a quote
    n = 257
    start = dt.date(2024, 9, 2)
    frame = pl.DataFrame(
        {
            "school_id": ["S1" if i % 2 else "S2" for i in range(n)],
            "meeting_date": [start + dt.timedelta(days=i // 2) for i in range(n)],
            "team": [f"Team {i % 3}" for i in range(n)],
            "team_type": [None if i % 5 == 0 else "grade_level" for i in range(n)],
            "duration_minutes": [30 + i for i in range(n)],
            "attendees": [4] * n,
            "team_size": [None if i % 7 == 0 else 6 for i in range(n)],
            "protocol": ['Say "yes"' if i == 3 else "" if i == 4 else "Data Dive" for i in range(n)],
            "focus": [None] * n,
            "year_start": [2024] * n,
            "week_start": [start] * n,
            "import_id": [None] * n,
        },
        schema_overrides={"import_id": pl.Int64, "focus": pl.String},
    ).reverse()
    with engine.begin() as conn:
        bulk.insert_rows(conn, cpl_meeting, frame)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[cpl_meeting.c[c] for c in frame.columns])).all()
    assert len(rows) == n
    stored = {(r.school_id, r.meeting_date, r.team): tuple(r) for r in rows}
    for row in frame.iter_rows():
        assert stored[(row[0], row[1], row[2])] == row  # every value as given: blanks blank, "" empty, quotes kept


def test_every_kind_of_value_arrives_as_it_was(engine, monkeypatch):
    # text (accents, a four-byte character, quotes, a backslash, a line break, empty versus missing), whole numbers
    # of both widths, doubles, dates before and after 2000, true/false, and a missing value of each: on PostgreSQL
    # by binary COPY (the tuples built from the frame's Arrow buffers), read back exactly
    kinds = sa.Table(
        "bulk_kinds",
        sa.MetaData(),
        sa.Column("k", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64)),
        sa.Column("note", sa.Text),
        sa.Column("big", sa.BigInteger),
        sa.Column("share", sa.Float),
        sa.Column("day", sa.Date),
        sa.Column("flag", sa.Boolean),
    )
    kinds.create(engine)
    texts = ["Élodie's", "", None, 'say "hi"', "back\\slash", "two\nlines", "emoji 🎓", "tab\there", "plain"]
    n = len(texts)
    frame = pl.DataFrame(
        {
            "k": list(range(n, 0, -1)),
            "name": texts,
            "note": list(reversed(texts)),
            "big": [None if i == 2 else (-1) ** i * 2**40 + i for i in range(n)],
            "share": [None if i == 5 else i / 3 - 1.5 for i in range(n)],
            "day": [None if i == 1 else dt.date(1969 + 7 * i, 1 + i, 28) for i in range(n)],
            "flag": [None if i == 4 else i % 2 == 0 for i in range(n)],
        }
    )
    binary = []
    monkeypatch.setattr(bulk, "_binary_tuples", lambda *a: binary.append(1) or bulk_binary(*a))
    with engine.begin() as conn:
        bulk.insert_rows(conn, kinds, frame)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(kinds).order_by(kinds.c.k)).all()
    assert [tuple(r) for r in stored] == frame.sort("k").rows()
    assert binary == ([1] if engine.dialect.name == "postgresql" else [])


bulk_binary = bulk._binary_tuples
