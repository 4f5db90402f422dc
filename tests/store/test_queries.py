"""The query units in ``dashboard/store/queries/``: each names its grain in a header comment, and each enforces the caller's scope
where data is read (a list of schools returns only those schools; an empty list returns nothing)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dashboard.ingest import summaries
from dashboard.ingest.loader import files_in_directory, load_files
from dashboard.metrics import tables
from dashboard.metrics.cpl import cpl_team_months
from dashboard.store import queries

SQL_FILES = sorted(Path(queries.__file__).resolve().parent.glob("*.sql"))
SCHEMAS = {
    "achievement_cells": tables.CELLS_SCHEMA,
    "cpl_team_year": tables.unit_schema(tables.CPL_SCHEMA),
    "readiness_votes": tables.READINESS_SCHEMA,
    "schools": tables.SCHOOLS_SCHEMA,
    "trust_results": tables.unit_schema(tables.TRUST_SCHEMA),
    "cpl_meetings_of_years": summaries.MEETING_SCHEMA,
    "cpl_meeting_detail": tables.unit_schema(tables.CPL_MEETING_SCHEMA),
    "cpl_school_years": {"school_id": tables.S, "year_start": tables.I},
    "school_cells": tables.unit_schema(tables.SCHOOL_CELLS_SCHEMA),
    "school_summary": tables.STORED_SUMMARY_SCHEMA,
    "achievement_withheld": tables.WITHHELD_SCHEMA,
    "cell_groups": tables.CELL_GROUPS_SCHEMA,
}
# units of district-wide figures: no school in a row; only a read for every school returns any
DISTRICT_WIDE = {"achievement_rollup": tables.ROLLUP_SCHEMA}
# parameters a unit takes besides the caller's scope, set here to "everything"
EVERY_YEAR = queries.year_params(None)
OTHER_PARAMS = {
    **dict.fromkeys(
        ("cpl_meetings_of_years", "cpl_meeting_detail", "achievement_cells", "cpl_team_year", "achievement_withheld"),
        EVERY_YEAR,
    ),
    "school_cells": {**queries.group_params(None), **queries.subject_params(None)},
}


FILES = {
    "schools.csv": """
        school_id,school_name,level,network
        S1,Alpha Elementary,elementary,North
        S2,Beta Middle,middle,South
    """,
    "cpl_meetings.csv": """
        school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size
        S1,2024-09-03,Team A,grade_level,45,5,6
        S2,2024-09-10,Team B,content,60,4,5
        S2,2024-09-17,Team B,content,60,4,5
    """,
    "trust_scores.csv": """
        school_id,school_year,wave,respondent_group,facet,mean_score,n_respondents,response_rate
        S1,2024-25,spring,all_staff,overall,3.5,20,80
        S2,2024-25,spring,all_staff,overall,3.9,25,90
    """,
    "readiness_votes.csv": """
        school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
        S1,2025-04-01,Ready?,8,2,0,10,80
        S2,2025-04-01,Ready?,6,4,0,10,80
    """,
    "achievement.csv": """
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2024-25,Math,All Students,All,100,50
        S2,2024-25,Math,All Students,All,80,40
        S2,2024-25,ELA,All Students,All,80,44
        S1,2024-25,Math,Asian,All,5,2
        S2,2024-25,Math,Asian,All,6,3
    """,
}


@pytest.fixture
def loaded(engine, tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    for name, text in FILES.items():
        (directory / name).write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    result = load_files(engine, files_in_directory(directory), user="tester")
    assert result.ok, [str(p) for p in result.problems]
    return engine


def test_there_are_units_and_each_is_tested_here():
    assert SQL_FILES, "no query units found"
    assert sorted(p.stem for p in SQL_FILES) == sorted([*SCHEMAS, *DISTRICT_WIDE]) == queries.names()


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: p.name)
def test_each_unit_names_its_grain_on_its_first_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- One row per"), f"{path.name}: first line is {first!r}"
    assert queries.grain(path.stem).startswith("One row per")


@pytest.mark.parametrize("unit", sorted(SCHEMAS))
def test_unit_scope(loaded, unit):
    schema = SCHEMAS[unit]
    other = OTHER_PARAMS.get(unit, {})
    with loaded.connect() as conn:
        everyone = queries.run(conn, unit, schema, **queries.scope_params(None), **other)
        only_s1 = queries.run(conn, unit, schema, **queries.scope_params(["S1"]), **other)
        nobody = queries.run(conn, unit, schema, **queries.scope_params([]), **other)
        unknown = queries.run(conn, unit, schema, **queries.scope_params(["S9"]), **other)
    assert set(everyone["school_id"]) == {"S1", "S2"}, unit
    assert only_s1.height > 0 and set(only_s1["school_id"]) == {"S1"}, unit
    assert only_s1.height == everyone.filter(everyone["school_id"] == "S1").height, unit
    assert nobody.height == 0 and unknown.height == 0, unit
    assert dict(everyone.schema) == schema, unit


def test_district_wide_figures_reach_only_a_read_for_every_school(loaded):
    # the district's Math Asian figure sums S1's 5 tested (2 proficient) and S2's 6 (3): 11 tested, 5 proficient
    with loaded.connect() as conn:
        every = queries.run(
            conn, "achievement_rollup", DISTRICT_WIDE["achievement_rollup"], all_schools=1, **EVERY_YEAR
        )
        limited = queries.run(
            conn, "achievement_rollup", DISTRICT_WIDE["achievement_rollup"], all_schools=0, **EVERY_YEAR
        )
    assert dict(every.schema) == DISTRICT_WIDE["achievement_rollup"]
    asian = every.filter((every["rollup"] == "district") & (every["student_group"] == "Asian")).to_dicts()
    assert [(r["schools"], r["n_tested"], r["n_proficient"], r["basis"]) for r in asian] == [(2, 11, 5, "every school")]
    assert limited.height == 0


def test_scope_never_narrows_the_district_school_weeks(loaded):
    # the district met in the weeks of 2 Sep (S1), 9 Sep and 16 Sep (S2): S1's team met in 1 of 3 school weeks,
    # whoever is asking
    with loaded.connect() as conn:
        rows = queries.run(
            conn, "cpl_team_year", SCHEMAS["cpl_team_year"], **queries.scope_params(["S1"]), **EVERY_YEAR
        ).to_dicts()
    assert len(rows) == 1
    assert rows[0]["school_weeks"] == 3 and rows[0]["weeks_with_meeting"] == 1
    assert rows[0]["longest_gap_weeks"] == 3 - 1


def test_meetings_of_years_reads_only_the_years_asked_for(loaded):
    # the three meetings of FILES all fall in the school year 2024-25
    with loaded.connect() as conn:

        def years(*wanted):
            return queries.run(
                conn,
                "cpl_meetings_of_years",
                SCHEMAS["cpl_meetings_of_years"],
                **queries.scope_params(None),
                all_years=0,
                years=list(wanted),
            )

        assert years(2024).height == 3
        assert years(2023).height == 0
        assert years(2023, 2024).sort("meeting_date")["duration_minutes"].to_list() == [45, 60, 60]


def test_cpl_meetings_of_one_school_year_carry_the_schools_names(loaded):
    # FILES holds three meetings, all in 2024-25: S1's of 45 minutes at Alpha Elementary, S2's two of 60 at Beta
    with loaded.connect() as conn:
        year = tables.cpl_meetings(conn, None, 2024).sort("meeting_date")
        other = tables.cpl_meetings(conn, None, 2023)
        only_s2 = tables.cpl_meetings(conn, ["S2"], 2024)
    assert other.height == 0 and only_s2.height == 2
    assert year.select("school_name", "network", "duration_minutes").rows() == [
        ("Alpha Elementary", "North", 45),
        ("Beta Middle", "South", 60),
        ("Beta Middle", "South", 60),
    ]
    assert dict(year.schema) == tables.CPL_MEETING_SCHEMA


def test_computed_tables_follow_scope(loaded):
    for name in ("gains", "trust_change", "cpl_cadence", "readiness", "school_summary"):
        frame = tables.export_table(loaded, name, school_ids=["S1"])
        assert set(frame["school_id"]) <= {"S1"}, name
        assert tables.export_table(loaded, name, school_ids=[]).height == 0, name
    summary = tables.export_table(loaded, "school_summary", school_ids=["S2"]).to_dicts()
    assert [r["school_id"] for r in summary] == ["S2"]
    assert summary[0]["all_students_pct_proficient"] == pytest.approx(100 * (40 + 44) / (80 + 80))


@pytest.mark.postgres
def test_cpl_months_are_iso_whatever_the_databases_datestyle(_pg_url, tmp_path):
    # a database set to day-first dates ('SQL, DMY' prints 03/09/2024): the months must still read 2024-09
    import sqlalchemy as sa
    from conftest import _fresh_postgres

    from dashboard.store import db

    name = sa.make_url(_pg_url).database
    admin = sa.create_engine(sa.make_url(_pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE \"{name}\" SET DateStyle = 'SQL, DMY'")
    try:
        engine = _fresh_postgres(_pg_url)
        db.migrate(engine)
        directory = tmp_path / "in"
        directory.mkdir()
        for file_name, text in FILES.items():
            (directory / file_name).write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        assert load_files(engine, files_in_directory(directory), user="tester").ok
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW DateStyle").scalar() == "ISO, YMD"
            months = cpl_team_months(tables.cpl_meetings(conn))
        assert sorted(months["month"].to_list()) == ["2024-09", "2024-09"]
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" RESET DateStyle')
        admin.dispose()


def test_school_cells_read_the_stored_screened_rows(loaded):
    # FILES: S1 Math 50 of 100; S2 Math 40 of 80, ELA 44 of 80; all All Students, all shown (80 and 100 >= 10);
    # the Asian groups (5 and 6 tested) are withheld
    with loaded.connect() as conn:
        cells = tables.school_cells(conn, None, ["All Students"]).sort("school_id", "subject")
        english_learners = tables.school_cells(conn, None, ["English Learners"])
        all_students = tables.school_cells(conn, ["S2"], ["All Students"])
        ela = tables.school_cells(conn, None, None, ["ELA"])
    assert cells.select("school_id", "subject", "grade", "n_tested", "n_proficient").rows() == [
        ("S1", "Math", "All", 100, 50),
        ("S2", "ELA", "All", 80, 44),
        ("S2", "Math", "All", 80, 40),
    ]
    assert cells["pct_proficient"].to_list() == pytest.approx([50.0, 55.0, 50.0])
    assert cells["withheld"].to_list() == [False, False, False]
    assert english_learners.height == 0
    assert all_students.height == 2
    assert ela.select("school_id", "n_proficient").rows() == [("S2", 44)]


def test_school_summary_unit_has_every_school_and_the_stored_figures(loaded, tmp_path):
    # S1's trust: one all-staff overall score of 3.5 on a 1-5 scale -> index 100 * 2.5 / 4 = 62.5; S2's vote:
    # 6 ready of 10 cast = 60% against 80 (not passed). A school with no results yet has a row of blanks.
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "schools.csv").write_text(
        "school_id,school_name,level,network\nS3,Gamma High,high,North\n", encoding="utf-8"
    )
    assert load_files(loaded, files_in_directory(tmp_path / "more"), user="tester").ok
    with loaded.connect() as conn:
        rows = {r["school_id"]: r for r in tables.stored_school_summary(conn).to_dicts()}
    assert sorted(rows) == ["S1", "S2", "S3"]
    assert rows["S1"]["trust_index"] == pytest.approx(62.5)
    assert rows["S2"]["readiness_pct_ready"] == pytest.approx(60.0) and rows["S2"]["readiness_passed"] is False
    assert rows["S3"]["school_name"] == "Gamma High" and rows["S3"]["trust_index"] is None
    assert rows["S3"]["groups_declined"] == 0 and rows["S3"]["readiness_passed"] is None


def test_cpl_cadence_of_one_school_year_and_the_years_with_records(loaded, tmp_path):
    # FILES: S1's team met once and S2's twice in 2024-25; one more S1 meeting in 2023-24 (5 Sep 2023)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "cpl_meetings.csv").write_text(
        "school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size\n"
        "S1,2023-09-05,Team A,grade_level,30,5,6\n",
        encoding="utf-8",
    )
    assert load_files(loaded, files_in_directory(tmp_path / "more"), user="tester").ok
    with loaded.connect() as conn:
        this_year = tables.cpl_cadence(conn, None, 2024)
        last_year = tables.cpl_cadence(conn, ["S1"], 2023)
        years = tables.cpl_school_years(conn).sort("school_id", "year_start")
    assert sorted(zip(this_year["school_id"], this_year["meetings"], strict=False)) == [("S1", 1), ("S2", 2)]
    assert last_year.select("school_id", "meetings", "minutes").rows() == [("S1", 1, 30)]
    assert years.select("school_id", "school_name", "year_start").rows() == [
        ("S1", "Alpha Elementary", 2023),
        ("S1", "Alpha Elementary", 2024),
        ("S2", "Beta Middle", 2024),
    ]


@pytest.mark.parametrize("unit", sorted(SCHEMAS))
def test_a_reading_connection_reads_arrow_and_gets_the_frame_the_rows_give(loaded, unit, monkeypatch):
    # db.reading: the unit goes through the database's ADBC driver as Arrow; the same statement through the
    # engine's own driver (Python rows) gives the very same frame: columns, types, values and nulls
    from dashboard.store import db
    from dashboard.store.queries import arrow

    schema = SCHEMAS[unit]
    for scope in (None, ["S1"], []):
        params = {**queries.scope_params(scope), **OTHER_PARAMS.get(unit, {})}
        with db.reading(loaded) as conn:
            assert arrow.read(conn, queries.statement(unit), params) is not None, unit  # the Arrow path is taken
            by_arrow = queries.run(conn, unit, schema, **params)
            by_rows = queries._run_rows(conn, unit, schema, params)
        assert by_arrow.schema == by_rows.schema and dict(by_arrow.schema) == schema, (unit, scope)
        assert by_arrow.equals(by_rows, null_equal=True), (unit, scope)


def test_a_write_transaction_reads_its_own_uncommitted_rows(loaded):
    # inside a load's transaction (summaries refreshed before the commit) the unit must see the rows written so far:
    # it reads through the transaction's own connection, never another one
    import sqlalchemy as sa

    with loaded.begin() as conn:
        conn.execute(sa.text("DELETE FROM readiness_vote WHERE school_id = 'S2'"))
        inside = queries.run(conn, "readiness_votes", SCHEMAS["readiness_votes"], **queries.scope_params(None))
        conn.rollback()
    assert set(inside["school_id"]) == {"S1"}
