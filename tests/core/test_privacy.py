"""Privacy in the computed tables (CONTRACT.md, "Privacy"): small groups, complementary suppression, top and bottom
coding, publisher markers, staff-survey groups, readiness at small schools, and raised thresholds.

Each test loads tiny hand-made canonical files and checks which rows are withheld, why, and that their figures are
blank, with the visible figures worked out by hand.
"""

from __future__ import annotations

import pytest
from district_files import approx, load, one, table

from dashboard.core.privacy import Thresholds
from dashboard.metrics import tables
from dashboard.metrics.achievement import weighted_rollup
from dashboard.services.settings import change_setting
from dashboard.store import settings

GAINS_FIGURES = [
    "n_tested",
    "prior_n_tested",
    "pct_proficient",
    "prior_pct_proficient",
    "change_pp",
    "change_relative_pct",
    "gap_to_all_pp",
    "prior_gap_to_all_pp",
    "gap_change_pp",
    "ci_low",
    "ci_high",
]
TRUST_FIGURES = ["mean_score", "prior_mean_score", "change", "pct_favorable", "n_respondents", "response_rate"]


def assert_withheld(row: dict, reason: str, figures: list[str]) -> None:
    assert row["suppressed"] is True and row["suppression_reason"] == reason, row
    assert {f: row[f] for f in figures} == dict.fromkeys(figures), row


def assert_shown(row: dict) -> None:
    assert row["suppressed"] is False and row["suppression_reason"] is None, row


# --- complementary suppression of student groups -----------------------------------------------------------------


def test_complementary_suppression_of_student_groups(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,100,45
        S1,2023-24,Math,White,All,60,27
        S1,2023-24,Math,Hispanic/Latino,All,30,12
        S1,2023-24,Math,Asian,All,10,6
        S1,2024-25,Math,All Students,All,100,50
        S1,2024-25,Math,White,All,60,30
        S1,2024-25,Math,Hispanic/Latino,All,32,16
        S1,2024-25,Math,Asian,All,8,4
        S1,2023-24,Math,English Learners,All,9,4
        S1,2023-24,Math,Non-English Learners,All,91,41
        S1,2024-25,Math,English Learners,All,12,4
        S1,2024-25,Math,Non-English Learners,All,88,46
        S1,2024-25,Math,Students with Disabilities,All,9,2
        S2,2023-24,Math,All Students,All,50,20
        S2,2023-24,Math,White,All,45,18
        S2,2024-25,Math,All Students,All,50,25
        S2,2024-25,Math,White,All,42,21
        S2,2024-25,Math,Asian,All,8,4
    """,
    )
    rows = table(engine, "gains")
    # 2024-25: Asian (8) is small; All Students 100 - White 60 - Hispanic 32 would give it back, so Hispanic/Latino,
    # the next-smallest race group, is withheld as complementary. White stays.
    assert_withheld(one(rows, school_id="S1", student_group="Asian"), "small_n", GAINS_FIGURES)
    assert_withheld(one(rows, school_id="S1", student_group="Hispanic/Latino"), "complementary", GAINS_FIGURES)
    white = one(rows, school_id="S1", student_group="White")
    assert_shown(white)
    assert white["change_pp"] == approx(100 * 30 / 60 - 100 * 27 / 60)
    assert white["gap_to_all_pp"] == approx(100 * 30 / 60 - 100 * 50 / 100)
    assert white["prior_gap_to_all_pp"] == approx(100 * 27 / 60 - 100 * 45 / 100)
    # 2023-24: English Learners (9) small, so Non-English Learners (its complement) was withheld that year: the
    # 2024-25 change row of each is withheld, for the prior year's reason.
    assert_withheld(one(rows, school_id="S1", student_group="English Learners"), "small_n", GAINS_FIGURES)
    assert_withheld(one(rows, school_id="S1", student_group="Non-English Learners"), "complementary", GAINS_FIGURES)
    all_students = one(rows, school_id="S1", student_group="All Students")
    assert_shown(all_students)
    assert all_students["change_pp"] == approx(100 * 50 / 100 - 100 * 45 / 100)
    # S2: Asian (8) small; White is the only other race group and is withheld too (100% of the rest)
    assert_withheld(one(rows, school_id="S2", student_group="White"), "complementary", GAINS_FIGURES)

    with engine.connect() as conn:
        cells = tables.achievement_cells(conn, Thresholds()).to_dicts()
    # a group outside any family (Students with Disabilities, 9) withholds nothing else, and the 2023-24 race groups
    # (none small) are all shown
    swd = one(cells, school_id="S1", student_group="Students with Disabilities", year_start=2024)
    assert swd["reason"] == "small_n"
    for group in ("White", "Hispanic/Latino", "Asian"):
        assert one(cells, school_id="S1", student_group=group, year_start=2023)["withheld"] is False
    assert one(cells, school_id="S1", student_group="White", year_start=2024)["withheld"] is False
    assert one(cells, school_id="S1", student_group="All Students", year_start=2024)["withheld"] is False


# --- top and bottom coding ---------------------------------------------------------------------------------------


def test_top_and_bottom_coding_of_small_groups(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,200,120
        S1,2024-25,Math,All Students,All,200,130
        S1,2023-24,Math,Students with Disabilities,All,20,15
        S1,2024-25,Math,Students with Disabilities,All,20,19
        S1,2023-24,Math,Economically Disadvantaged,All,30,9
        S1,2024-25,Math,Economically Disadvantaged,All,30,1
        S1,2023-24,Math,Military Families,All,20,4
        S1,2024-25,Math,Military Families,All,20,1
        S1,2023-24,Math,Homeless,All,39,38
        S1,2024-25,Math,Homeless,All,39,30
        S1,2023-24,Math,Foster Care,All,40,30
        S1,2024-25,Math,Foster Care,All,40,39
    """,
    )
    rows = table(engine, "gains")
    # under 40 tested: 19/20 = 95% (at the edge) and 1/30 = 3.3% and 1/20 = 5% (at the edge) are coded this year,
    # 38/39 = 97.4% was coded the year before
    assert 100 * 19 / 20 >= 95 and 100 * 1 / 30 <= 5 and 100 * 1 / 20 <= 5 and 100 * 38 / 39 >= 95
    assert_withheld(one(rows, student_group="Students with Disabilities"), "top_coded", GAINS_FIGURES)
    assert_withheld(one(rows, student_group="Economically Disadvantaged"), "bottom_coded", GAINS_FIGURES)
    assert_withheld(one(rows, student_group="Military Families"), "bottom_coded", GAINS_FIGURES)
    assert_withheld(one(rows, student_group="Homeless"), "top_coded", GAINS_FIGURES)
    # 40 tested is not under 40: 39/40 = 97.5% is shown with its change and interval
    foster = one(rows, student_group="Foster Care")
    assert_shown(foster)
    assert foster["pct_proficient"] == approx(100 * 39 / 40)
    assert foster["change_pp"] == approx(100 * 39 / 40 - 100 * 30 / 40)
    assert foster["ci_high"] <= 100

    with engine.connect() as conn:
        cells = tables.achievement_cells(conn, Thresholds()).to_dicts()
    assert one(cells, student_group="Students with Disabilities", year_start=2024)["shown_as"] == "≥95%"
    assert one(cells, student_group="Economically Disadvantaged", year_start=2024)["shown_as"] == "≤5%"
    assert one(cells, student_group="Foster Care", year_start=2024)["shown_as"] is None


# --- values the publisher already screened -----------------------------------------------------------------------


def test_publisher_markers_are_withheld_as_published(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient,pct_proficient
        S1,2023-24,Math,All Students,All,100,50,
        S1,2024-25,Math,All Students,All,100,55,
        S1,2023-24,Math,Students with Disabilities,All,*,*,*
        S1,2024-25,Math,Students with Disabilities,All,12,6,
        S1,2023-24,Math,English Learners,All,25,,40
        S1,2024-25,Math,English Learners,All,25,,<5%
        S1,2023-24,Math,Economically Disadvantaged,All,45,,40%
        S1,2024-25,Math,Economically Disadvantaged,All,45,,44.4%
    """,
    )
    rows = table(engine, "gains")
    assert_withheld(one(rows, student_group="Students with Disabilities"), "publisher", GAINS_FIGURES)
    assert_withheld(one(rows, student_group="English Learners"), "publisher", GAINS_FIGURES)
    ed = one(rows, student_group="Economically Disadvantaged")  # a published percent, no marker: shown
    assert_shown(ed)
    assert ed["change_pp"] == approx(44.4 - 40) and ed["gap_to_all_pp"] == approx(44.4 - 100 * 55 / 100)
    with engine.connect() as conn:
        cells = tables.achievement_cells(conn, Thresholds()).to_dicts()
    assert one(cells, student_group="English Learners", year_start=2024)["shown_as"] == "<5%"  # as published
    assert one(cells, student_group="Students with Disabilities", year_start=2023)["shown_as"] == "*"


# --- raised thresholds -------------------------------------------------------------------------------------------


def test_stored_threshold_may_be_raised_never_lowered(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,100,50
        S1,2024-25,Math,All Students,All,100,55
        S1,2023-24,Math,Female,All,15,6
        S1,2024-25,Math,Female,All,15,9
    """,
    )
    female = one(table(engine, "gains"), student_group="Female")
    assert_shown(female)
    assert female["change_pp"] == approx(100 * 9 / 15 - 100 * 6 / 15)
    with engine.begin() as conn:
        with pytest.raises(settings.SettingError):
            change_setting(conn, "min_n_students", 5)
        change_setting(conn, "min_n_students", 20)
    assert_withheld(one(table(engine, "gains"), student_group="Female"), "small_n", GAINS_FIGURES)


# --- staff surveys -----------------------------------------------------------------------------------------------


def test_staff_groups_small_and_complementary(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        trust="""
        school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
        S1,2023-24,spring,all_staff,benevolence,3.5,5,50,20,80
        S1,2023-24,spring,teachers,benevolence,3.6,5,55,14,82
        S1,2023-24,spring,support_staff,benevolence,3.2,5,40,6,75
        S1,2024-25,spring,all_staff,benevolence,3.7,5,60,22,85
        S1,2024-25,spring,teachers,benevolence,3.9,5,65,19,86
        S1,2024-25,spring,support_staff,benevolence,2.4,5,30,3,75
        S1,2023-24,spring,all_staff,honesty,3.5,5,50,20,80
        S1,2023-24,spring,teachers,honesty,3.6,5,55,14,82
        S1,2023-24,spring,support_staff,honesty,3.2,5,40,6,75
        S1,2024-25,spring,all_staff,honesty,3.6,5,55,25,90
        S1,2024-25,spring,teachers,honesty,3.8,5,62,19,86
        S1,2024-25,spring,support_staff,honesty,2.5,5,30,3,75
        S2,2023-24,spring,all_staff,overall,3.0,5,40,5,30
        S2,2024-25,spring,all_staff,overall,3.3,5,45,5,40
    """,
    )
    rows = table(engine, "trust_change")
    # benevolence 2024-25: teachers 19 + support staff 3 = all staff 22, and support staff (3) is withheld, so
    # teachers are withheld too (3.7 * 22 - 3.9 * 19 would give support staff back)
    assert 19 + 3 == 22
    assert_withheld(one(rows, facet="benevolence", respondent_group="support_staff"), "small_n", TRUST_FIGURES)
    assert_withheld(one(rows, facet="benevolence", respondent_group="teachers"), "complementary", TRUST_FIGURES)
    whole = one(rows, school_id="S1", facet="benevolence", respondent_group="all_staff")
    assert_shown(whole)
    assert whole["change"] == approx(3.7 - 3.5)
    # honesty 2024-25: 19 + 3 != 25 (others answered too), so teachers cannot be used to recompute: shown
    assert_withheld(one(rows, facet="honesty", respondent_group="support_staff"), "small_n", TRUST_FIGURES)
    teachers = one(rows, facet="honesty", respondent_group="teachers")
    assert_shown(teachers)
    assert teachers["change"] == approx(3.8 - 3.6) and teachers["n_respondents"] == 19
    # exactly 5 respondents is enough; 40% responded: shown, marked low response
    s2 = one(rows, school_id="S2")
    assert_shown(s2)
    assert s2["low_response"] is True and s2["change"] == approx(3.3 - 3.0) and s2["n_respondents"] == 5


# --- summaries never give back what the detail withholds ---------------------------------------------------------


def test_school_summary_respects_suppression(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,20,10
        S1,2024-25,Math,All Students,All,20,19
        S2,2023-24,Math,All Students,All,100,50
        S2,2024-25,Math,All Students,All,100,60
        S2,2023-24,Math,Hispanic/Latino,All,12,8
        S2,2024-25,Math,Hispanic/Latino,All,9,1
    """,
        readiness="""
        school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
        S1,2025-04-01,Ready?,3,1,0,4,70
        S2,2025-04-01,Ready?,3,1,0,5,80
    """,
        trust="""
        school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,n_respondents,response_rate
        S1,2024-25,spring,all_staff,overall,4.0,5,4,100
        S2,2024-25,spring,all_staff,overall,4.0,5,5,100
    """,
    )
    rows = table(engine, "school_summary")
    s1 = one(rows, school_id="S1")
    # 19 of 20 is top coded: neither the rate nor its change appear in the summary
    assert s1["all_students_pct_proficient"] is None and s1["all_students_change_pp"] is None
    # 4 eligible voters: passed is shown, the share is not; 4 respondents: no trust index
    assert s1["readiness_pct_ready"] is None and s1["readiness_passed"] is True
    assert s1["trust_index"] is None
    s2 = one(rows, school_id="S2")
    assert s2["all_students_pct_proficient"] == approx(100 * 60 / 100)
    assert s2["readiness_pct_ready"] == approx(100 * 3 / 4) and s2["readiness_passed"] is False
    assert s2["trust_index"] == approx(100 * (4.0 - 1) / (5 - 1))
    assert s2["groups_declined"] == 0  # Hispanic/Latino fell 67 -> 11 but 9 tested: withheld, not counted


def test_gap_hidden_when_all_students_is_withheld(engine, tmp_path):
    # All Students 29 of 30 is top coded: a group's gap to it would give the coded rate back
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,30,20
        S1,2024-25,Math,All Students,All,30,29
        S1,2023-24,Math,Female,All,20,10
        S1,2024-25,Math,Female,All,20,12
    """,
    )
    rows = table(engine, "gains")
    assert_withheld(one(rows, student_group="All Students"), "top_coded", GAINS_FIGURES)
    female = one(rows, student_group="Female")
    assert_shown(female)
    assert female["change_pp"] == approx(100 * 12 / 20 - 100 * 10 / 20)
    assert female["gap_to_all_pp"] is None and female["prior_gap_to_all_pp"] is None
    assert female["gap_change_pp"] is None


# --- rollups across schools ----------------------------------------------------------------------------------------


def test_rollup_never_gives_back_a_withheld_school_figure():
    import polars as pl

    t = Thresholds()
    cells = pl.DataFrame(
        {
            "group": ["White", "White", "Asian", "Asian", "Asian", "Black", "Black", "Black"],
            "n_tested": [111, 40, 12, 30, 30, 6, 5, 50],
            "n_proficient": [68, 20, 6, 15, 10, 3, 2, 25],
            # White: one withheld cell (a complementary one at its school) -> the rollup minus the other school's
            # 20 of 40 would give back 68 of 111, so the rollup is withheld
            # Asian: no withheld cell -> shown, (6 + 15 + 10) / (12 + 30 + 30)
            # Black: two withheld cells holding 6 + 5 = 11 students (>= 10) -> shown, (3 + 2 + 25) / 61
            "withheld": [True, False, False, False, False, True, True, False],
        }
    )
    out = {r["group"]: r for r in weighted_rollup(cells, ["group"], t).to_dicts()}
    assert out["White"]["withheld"] is True and out["White"]["pct_proficient"] is None
    assert out["White"]["reason"] == "complementary"
    assert out["Asian"]["pct_proficient"] == approx(100 * 31 / 72)
    assert out["Black"]["pct_proficient"] == approx(100 * 30 / 61)
    two_small = cells.filter(pl.col("group") == "Black").with_columns(
        pl.Series("n_tested", [6, 3, 50]), pl.Series("n_proficient", [3, 1, 25])
    )
    # two withheld cells holding 6 + 3 = 9 students (< 10): their sum would be a small group -> withheld
    assert weighted_rollup(two_small, ["group"], t)["withheld"].to_list() == [True]
