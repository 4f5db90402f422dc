"""Shared fixtures.

- ``engine``: a migrated database for one test. SQLite in ``tmp_path`` always, and every test that uses ``engine``
  runs a second time against PostgreSQL: the server of ``DASHBOARD_TEST_PG_URL`` when set, else the local one at
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test`` when it answers (``helpers.py``; without a server that run
  is skipped, the reason naming the URL tried, or fails when ``CI`` is set). The PostgreSQL run uses a database of its
  own, created for the test session (``dd_test_engine_<pid>_<random>``) and dropped at the end; each test gets a
  clean ``public`` schema, migrated to head.
- ``snapshot``: ``snapshot(engine) -> {table: sorted rows}`` over every table, to assert "the database did not change".
- ``canonical_dir``: a tiny hand-made district (the five canonical files) in ``tmp_path``; its rows are the
  ``CANONICAL_*`` constants below, so tests can work out expected figures from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import private_pg_database

from dashboard.store import db
from dashboard.store.schema import metadata


# --------------------------------------------------------------------------------------------------- databases
@pytest.fixture(scope="session")
def _pg_url():
    """The URL of a PostgreSQL database created for this test session (dropped at its end)."""
    with private_pg_database("engine") as url:
        yield url


def _fresh_postgres(url: str) -> sa.Engine:
    engine = db.make_engine(url)
    with engine.begin() as conn:  # a clean schema for every test: nothing leaks from the test before
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A database migrated to head, empty of data; SQLite, and PostgreSQL (see the module's docstring)."""
    if request.param == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        eng = _fresh_postgres(request.getfixturevalue("_pg_url"))
    db.migrate(eng)
    try:
        yield eng
    finally:
        eng.dispose()


# --------------------------------------------------------------------------------------------------- snapshot
def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, "" if value is None else value) for value in row)


def take_snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table (the schema's tables, alembic_version and any other table found), sorted."""
    names = {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    existing = set(sa.inspect(engine).get_table_names())
    result: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for name in sorted(names | existing):
            if name not in existing:
                continue
            rows = conn.execute(sa.text(f'SELECT * FROM "{name}"')).all()
            result[name] = sorted((tuple(r) for r in rows), key=_sort_key)
    return result


@pytest.fixture
def snapshot():
    """``snapshot(engine)`` -> {table name: sorted list of row tuples}."""
    return take_snapshot


# --------------------------------------------------------------------------------------------------- a tiny district
CANONICAL_SCHOOLS = """\
school_id,school_name,level,network,enrollment
S1,Alder Elementary,elementary,North,410
S2,Birch Middle,middle,North,620
S3,Cedar High,high,South,1150
"""

CANONICAL_CPL = """\
school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size,protocol,focus
S1,2023-09-12,Grade 3,grade_level,45,5,6,Looking at student work,Fractions
S1,2023-09-19,Grade 3,grade_level,50,6,6,Tuning,Fractions
S2,2023-10-03,Math,content,60,4,5,,Ratios
S3,2024-01-16,Science,content,55,7,8,Data dive,Lab reports
"""

CANONICAL_TRUST = """\
school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
S1,2023-24,spring,all_staff,benevolence,4.1,5,78,22,88
S1,2023-24,spring,all_staff,honesty,3.9,5,71,22,88
S2,2023-24,spring,all_staff,benevolence,3.5,5,60,30,75
S3,2022-23,spring,all_staff,overall,3.2,5,55,41,64
"""

CANONICAL_READINESS = """\
school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
S1,2023-11-07,Adopt the new math protocol,18,3,1,24,80
S2,2024-02-13,Adopt the new math protocol,20,9,0,31,80
"""

CANONICAL_ACHIEVEMENT = """\
school_id,school_year,subject,student_group,grade,n_tested,n_proficient
S1,2022-23,Math,All Students,All,120,66
S1,2023-24,Math,All Students,All,118,71
S1,2023-24,Math,English Learners,All,24,9
S2,2023-24,ELA,All Students,All,200,112
S3,2023-24,ELA,All Students,All,300,190
"""

CANONICAL_FILES = {
    "schools.csv": CANONICAL_SCHOOLS,
    "cpl_meetings.csv": CANONICAL_CPL,
    "trust_scores.csv": CANONICAL_TRUST,
    "readiness_votes.csv": CANONICAL_READINESS,
    "achievement.csv": CANONICAL_ACHIEVEMENT,
}


@pytest.fixture
def canonical_dir(tmp_path) -> Path:
    """A directory holding the five canonical files of a three-school district (the CANONICAL_* texts)."""
    directory = tmp_path / "district"
    directory.mkdir()
    for name, text in CANONICAL_FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
