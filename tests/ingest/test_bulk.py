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
