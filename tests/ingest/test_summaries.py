"""``dashboard.ingest.summaries.cpl_team_year_rows``: the team-year summary from meeting rows, figures worked by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.ingest.summaries import MEETING_SCHEMA, SUMMARY_COLUMNS, cpl_team_year_rows


def _meeting(school, team, day, minutes, attendees, size, team_type="content"):
    d = dt.date.fromisoformat(day)
    return {
        "school_id": school,
        "team": team,
        "team_type": team_type,
        "year_start": 2024,
        "week_start": d - dt.timedelta(days=d.weekday()),
        "meeting_date": d,
        "duration_minutes": minutes,
        "attendees": attendees,
        "team_size": size,
    }


def test_team_year_rows_by_hand():
    # The district met in the weeks of Mon 2 Sep, 9 Sep, 23 Sep and 7 Oct 2024 (4 school weeks, numbered 1-4)
    # and in 2 calendar months (September, October).
    # S1/A met in weeks 1 and 3 (gap of 1 before week 3, 1 trailing week): longest gap 1; sizes known on one row.
    # S2/B met in weeks 2 and 4, twice in week 2: 1 leading week, 1 between, none trailing; no size ever given.
    rows = pl.DataFrame(
        [
            _meeting("S1", "A", "2024-09-03", 45, 5, 6),
            _meeting("S1", "A", "2024-09-24", 30, 4, None),
            _meeting("S2", "B", "2024-09-10", 60, 4, None),
            _meeting("S2", "B", "2024-09-12", 20, 3, None),
            _meeting("S2", "B", "2024-10-08", 60, 5, None),
        ],
        schema=MEETING_SCHEMA,
    )
    expected = pl.DataFrame(
        {
            "school_id": ["S1", "S2"],
            "team": ["A", "B"],
            "team_type": ["content", "content"],
            "year_start": [2024, 2024],
            "meetings": [2, 3],
            "minutes": [75, 140],
            "school_months": [2, 2],
            "attendees_with_size": [5, None],  # only attendees of meetings whose team size is known; blank when none
            "seats": [6, None],
            "weeks_with_meeting": [2, 2],
            "school_weeks": [4, 4],
            "longest_gap_weeks": [1, 1],
        },
        schema={
            name: (pl.String if name in ("school_id", "team", "team_type") else pl.Int64) for name in SUMMARY_COLUMNS
        },
    )
    assert_frame_equal(cpl_team_year_rows(rows), expected)


def test_a_team_meeting_only_in_the_first_week_has_the_rest_of_the_year_as_its_gap():
    rows = pl.DataFrame(
        [
            _meeting("S1", "A", "2024-09-03", 45, 5, 6),
            _meeting("S2", "B", "2024-09-10", 60, 4, 5),
            _meeting("S2", "B", "2024-09-17", 60, 4, 5),
            _meeting("S2", "B", "2024-09-24", 60, 4, 5),
        ],
        schema=MEETING_SCHEMA,
    )
    out = cpl_team_year_rows(rows).filter(pl.col("team") == "A").row(0, named=True)
    assert (out["weeks_with_meeting"], out["school_weeks"], out["longest_gap_weeks"]) == (1, 4, 3)


# --- the screened summaries: achievement_school_year and school_summary, refreshed by loads, undo and settings ---


def _by_group(engine) -> dict[str, dict]:
    from dashboard.metrics import tables

    with engine.connect() as conn:
        return {r["student_group"]: r for r in tables.school_cells(conn).to_dicts()}


def _grade_reasons(cells: pl.DataFrame) -> dict[tuple[str, str], str | None]:
    """The reason each grade row (not grades combined) is withheld, None where it is shown."""
    rows = cells.filter(pl.col("grade") != "All")
    return {(r["student_group"], r["grade"]): r["reason"] if r["withheld"] else None for r in rows.to_dicts()}


def test_screened_summaries_follow_loads_settings_and_undo(engine, tmp_path):
    import sqlalchemy as sa
    from district_files import load

    from dashboard.core.privacy import Thresholds
    from dashboard.ingest import imports
    from dashboard.metrics import tables
    from dashboard.services.settings import change_setting
    from dashboard.store import db, settings
    from dashboard.store.schema import import_log

    # grades 3 and 4 of one school, no grades-combined row: All Students 20 of 40 and 25 of 50; English Learners
    # 3 of 6 (under 10: withheld) and 15 of 30
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2024-25,Math,All Students,3,40,20
        S1,2024-25,Math,All Students,4,50,25
        S1,2024-25,Math,English Learners,3,6,3
        S1,2024-25,Math,English Learners,4,30,15
    """,
    )
    cells = _by_group(engine)
    assert (cells["All Students"]["n_tested"], cells["All Students"]["n_proficient"]) == (90, 45)
    assert cells["All Students"]["pct_proficient"] == pytest.approx(50.0) and not cells["All Students"]["withheld"]
    # English Learners grades combined is 3+15 = 18 of 6+30 = 36 (50%), the sum of its grades (E1). Grade 3 alone is
    # withheld (6 < 10), so a second member of that sum must be: grade 4 (30 tested) is cheaper than the combined
    # figure (36), so grade 4 is withheld as its complement and the combined figure is published. Grade 3 is then
    # known only as 18 less grade 4 (0..30), i.e. anywhere in 0..6: seven whole counts, not pinned at 0% or 100%.
    # (English Learners alone is not a family that adds up to All Students: 36 != 90, so no E2 relation.)
    assert (cells["English Learners"]["n_tested"], cells["English Learners"]["n_proficient"]) == (36, 18)
    assert cells["English Learners"]["pct_proficient"] == pytest.approx(50.0)
    assert not cells["English Learners"]["withheld"]
    with engine.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        grades = _grade_reasons(tables.achievement_cells(conn, t, ["S1"]))
        summary = tables.stored_school_summary(conn, ["S1"]).row(0, named=True)
        version = db.data_version(conn)
    assert grades == {
        ("All Students", "3"): None,
        ("All Students", "4"): None,
        ("English Learners", "3"): "small_n",
        ("English Learners", "4"): "complementary",
    }
    assert summary["all_students_pct_proficient"] == pytest.approx(50.0)

    # raising the threshold to 45 withholds grade 3's All Students (40 tested); its complement in the school's grades
    # combined is grade 4 (50 tested, cheaper than the combined 90), so the school's All Students (45 of 90) stays
    # published; English Learners (6, 30 and combined 36, all under 45) is withheld throughout as small_n. The stored
    # pattern changes at once, and the pages see a new data version
    with engine.begin() as conn:
        change_setting(conn, "min_n_students", 45)
    cells = _by_group(engine)
    assert not cells["All Students"]["withheld"] and cells["All Students"]["pct_proficient"] == pytest.approx(50.0)
    assert cells["English Learners"]["withheld"] and cells["English Learners"]["reason"] == "small_n"
    with engine.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        grades = _grade_reasons(tables.achievement_cells(conn, t, ["S1"]))
        assert db.data_version(conn) == version + 1
    assert grades == {
        ("All Students", "3"): "small_n",
        ("All Students", "4"): "complementary",
        ("English Learners", "3"): "small_n",
        ("English Learners", "4"): "small_n",
    }

    # raising it to 95 withholds the school's All Students too (90 tested < 95), in the stored summary as well
    with engine.begin() as conn:
        change_setting(conn, "min_n_students", 95)
    cells = _by_group(engine)
    assert cells["All Students"]["withheld"] and cells["All Students"]["reason"] == "small_n"
    with engine.connect() as conn:
        assert tables.stored_school_summary(conn, ["S1"])["all_students_pct_proficient"].to_list() == [None]
        assert db.data_version(conn) == version + 2
        achievement_import = conn.execute(
            sa.select(sa.func.max(import_log.c.id)).where(import_log.c.source == "achievement")
        ).scalar_one()

    imports.undo(engine, achievement_import)
    assert _by_group(engine) == {}


def test_a_load_refreshes_only_the_school_years_it_touched(engine, tmp_path):
    from district_files import load

    load(
        engine,
        tmp_path / "a",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,40,10
        S1,2024-25,Math,All Students,All,40,20
    """,
    )
    load(
        engine,
        tmp_path / "b",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2024-25,Math,All Students,All,40,30
    """,
    )
    from dashboard.metrics import tables

    with engine.connect() as conn:
        rows = tables.school_cells(conn).sort("year_start").select("year_start", "n_proficient").rows()
        summary = tables.stored_school_summary(conn, ["S1"]).row(0, named=True)
    assert rows == [(2023, 10), (2024, 30)]
    # 30 of 40 = 75%, up from 10 of 40 = 25%: +50 pp
    assert summary["all_students_pct_proficient"] == pytest.approx(75.0)
    assert summary["all_students_change_pp"] == pytest.approx(50.0)


def test_the_stored_summary_takes_the_same_latest_vote_as_the_readiness_page(engine, tmp_path):
    from district_files import load

    from dashboard.metrics import tables

    # two questions on S1's latest date, the file giving "Ready to expand?" (18 of 20 ready) first: the latest vote
    # is "Ready for the model?" (10 of 20), first in alphabetical order, on the overview as on the readiness page
    load(
        engine,
        tmp_path / "in",
        readiness="""
        school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
        S1,2024-04-01,Ready to expand?,18,2,0,25,80
        S1,2024-04-01,Ready for the model?,10,10,0,25,80
        S1,2023-04-01,Ready for the model?,4,16,0,25,80
    """,
    )
    with engine.connect() as conn:
        summary = tables.stored_school_summary(conn, ["S1"]).row(0, named=True)
    assert summary["readiness_pct_ready"] == pytest.approx(50.0) and summary["readiness_passed"] is False
