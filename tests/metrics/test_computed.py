"""The computed tables (CONTRACT.md, "Computed tables"), checked against figures worked out here by hand.

Every test writes tiny canonical CSV files with exact numbers, loads them through ``load_files`` into a fresh,
migrated database (SQLite; PostgreSQL too when DASHBOARD_TEST_PG_URL is set) and compares each computed figure
with the arithmetic written out in the test. Nothing here calls the code under test to get an expected value.
"""

from __future__ import annotations

import math

import pytest
from district_files import approx, load, one, table

from dashboard.core.privacy import Thresholds
from dashboard.metrics import tables
from dashboard.metrics.achievement import weighted_rollup
from dashboard.metrics.cpl import cpl_meeting_days, cpl_protocols, cpl_team_months

Z = 1.959964  # the 97.5th percentile of the standard normal distribution


def wilson(successes: float, n: float) -> tuple[float, float]:
    """The textbook 95% Wilson score interval, in percent."""
    p = successes / n
    centre = p + Z * Z / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    denominator = 1 + Z * Z / n
    return 100 * (centre - half) / denominator, 100 * (centre + half) / denominator


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


# --- gains -------------------------------------------------------------------------------------------------------

ACHIEVEMENT_BASIC = """
    school_id,school_year,subject,student_group,grade,n_tested,n_proficient
    S1,2023-24,Math,All Students,All,100,60
    S1,2024-25,Math,All Students,All,110,77
    S1,2023-24,Math,Hispanic/Latino,All,40,18
    S1,2024-25,Math,Hispanic/Latino,All,44,22
    S1,2023-24,Math,English Learners,All,20,9
    S1,2024-25,Math,English Learners,All,25,12
    S1,2024-25,Math,Asian,All,30,12
    S1,2023-24,ELA,All Students,3,50,20
    S1,2024-25,ELA,All Students,3,60,33
    S1,2023-24,ELA,All Students,4,45,27
"""


def test_gains_figures_by_hand(engine, tmp_path):
    load(engine, tmp_path / "in", achievement=ACHIEVEMENT_BASIC)
    rows = table(engine, "gains")

    # one row per key that has a row the year before: Math All/Hispanic/EL, ELA grade 3 and ELA grades combined
    # (grade All, the sum of the grade rows, added wherever a file gives grades only) in 2024-25. Asian (no
    # 2023-24 row), ELA grade 4 (no 2024-25 row) and every 2023-24 row (no 2022-23) have none.
    keys = sorted((r["subject"], r["grade"], r["student_group"], r["school_year"]) for r in rows)
    assert keys == [
        ("ELA", "3", "All Students", "2024-25"),
        ("ELA", "All", "All Students", "2024-25"),
        ("Math", "All", "All Students", "2024-25"),
        ("Math", "All", "English Learners", "2024-25"),
        ("Math", "All", "Hispanic/Latino", "2024-25"),
    ]

    all_now, all_before = 100 * 77 / 110, 100 * 60 / 100  # 70.0 and 60.0
    hisp = one(rows, subject="Math", student_group="Hispanic/Latino")
    pct, prior = 100 * 22 / 44, 100 * 18 / 40  # 50.0 and 45.0
    low, high = wilson(22, 44)
    assert hisp["school_id"] == "S1" and hisp["school_name"] == "Alpha Elementary"
    assert hisp["grade"] == "All" and hisp["school_year"] == "2024-25" and hisp["prior_year"] == "2023-24"
    assert hisp["n_tested"] == 44 and hisp["prior_n_tested"] == 40
    assert hisp["pct_proficient"] == approx(pct)
    assert hisp["prior_pct_proficient"] == approx(prior)
    assert hisp["change_pp"] == approx(pct - prior)  # +5 pp
    assert hisp["change_relative_pct"] == approx(100 * (pct - prior) / prior)  # +11.1 %, not +5
    assert hisp["gap_to_all_pp"] == approx(pct - all_now)  # -20
    assert hisp["prior_gap_to_all_pp"] == approx(prior - all_before)  # -15
    assert hisp["gap_change_pp"] == approx((pct - all_now) - (prior - all_before))  # -5
    assert hisp["ci_low"] == pytest.approx(low, abs=1e-5) and hisp["ci_high"] == pytest.approx(high, abs=1e-5)
    assert hisp["ci_low"] < pct < hisp["ci_high"]
    assert hisp["suppressed"] is False and hisp["suppression_reason"] is None

    el = one(rows, subject="Math", student_group="English Learners")
    pct, prior = 100 * 12 / 25, 100 * 9 / 20  # 48.0 and 45.0
    low, high = wilson(12, 25)
    assert (el["n_tested"], el["prior_n_tested"]) == (25, 20)
    assert el["change_pp"] == approx(100 * 12 / 25 - 100 * 9 / 20)
    assert el["change_relative_pct"] == approx(100 * (100 * 12 / 25 - 100 * 9 / 20) / (100 * 9 / 20))
    assert el["gap_to_all_pp"] == approx(pct - all_now)
    assert el["prior_gap_to_all_pp"] == approx(prior - all_before)
    assert el["gap_change_pp"] == approx((pct - all_now) - (prior - all_before))
    assert (el["ci_low"], el["ci_high"]) == (pytest.approx(low, abs=1e-5), pytest.approx(high, abs=1e-5))

    everyone = one(rows, subject="Math", student_group="All Students")
    assert everyone["change_pp"] == approx(all_now - all_before)
    assert everyone["gap_to_all_pp"] == approx(0) and everyone["gap_change_pp"] == approx(0)

    ela3 = one(rows, subject="ELA", grade="3")
    assert ela3["pct_proficient"] == approx(100 * 33 / 60)
    assert ela3["change_pp"] == approx(100 * 33 / 60 - 100 * 20 / 50)
    assert ela3["ci_low"] == pytest.approx(wilson(33, 60)[0], abs=1e-5)
    # grades combined: 2024-25 is grade 3 alone (33 of 60), 2023-24 grades 3 and 4 (20 + 27 of 50 + 45)
    ela = one(rows, subject="ELA", grade="All")
    assert (ela["n_tested"], ela["prior_n_tested"]) == (60, 50 + 45)
    assert ela["pct_proficient"] == approx(100 * 33 / 60) and ela["prior_pct_proficient"] == approx(100 * 47 / 95)
    assert ela["change_pp"] == approx(100 * 33 / 60 - 100 * 47 / 95)
    assert ela["suppressed"] is False


def test_gains_small_groups_are_blank_in_either_year(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,100,50
        S1,2024-25,Math,All Students,All,100,55
        S1,2023-24,Math,Students with Disabilities,All,12,6
        S1,2024-25,Math,Students with Disabilities,All,9,4
        S1,2023-24,Math,Economically Disadvantaged,All,9,3
        S1,2024-25,Math,Economically Disadvantaged,All,30,15
        S1,2023-24,Math,English Learners,All,10,5
        S1,2024-25,Math,English Learners,All,10,6
    """,
    )
    rows = table(engine, "gains")
    for group in ("Students with Disabilities", "Economically Disadvantaged"):  # 9 tested this year / last year
        row = one(rows, student_group=group)
        assert row["suppressed"] is True and row["suppression_reason"] == "small_n", group
        assert {f: row[f] for f in GAINS_FIGURES} == dict.fromkeys(GAINS_FIGURES), group
        assert row["school_year"] == "2024-25" and row["prior_year"] == "2023-24"
    el = one(rows, student_group="English Learners")  # exactly 10 tested both years: shown
    assert el["suppressed"] is False and el["suppression_reason"] is None
    assert el["change_pp"] == approx(100 * 6 / 10 - 100 * 5 / 10)
    assert el["gap_to_all_pp"] == approx(100 * 6 / 10 - 100 * 55 / 100)


def test_gains_from_published_percent_and_without_all_students(engine, tmp_path):
    # a file that gives the percent, not the count; S2 has no All Students row at all
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,pct_proficient
        S1,2023-24,Math,All Students,All,200,55.5
        S1,2024-25,Math,All Students,All,210,60.25%
        S2,2023-24,Math,Hispanic/Latino,All,50,30
        S2,2024-25,Math,Hispanic/Latino,All,60,45
    """,
    )
    rows = table(engine, "gains")
    s1 = one(rows, school_id="S1")
    assert s1["pct_proficient"] == approx(60.25) and s1["prior_pct_proficient"] == approx(55.5)
    assert s1["change_pp"] == approx(60.25 - 55.5)
    assert s1["change_relative_pct"] == approx(100 * (60.25 - 55.5) / 55.5)
    low, high = wilson(0.6025 * 210, 210)
    assert s1["ci_low"] == pytest.approx(low, abs=1e-5) and s1["ci_high"] == pytest.approx(high, abs=1e-5)

    s2 = one(rows, school_id="S2")
    assert s2["change_pp"] == approx(45 - 30) and s2["suppressed"] is False
    assert s2["gap_to_all_pp"] is None and s2["prior_gap_to_all_pp"] is None and s2["gap_change_pp"] is None


def test_gains_relative_change_blank_on_a_zero_base(engine, tmp_path):
    # 0 proficient of 50 (not top/bottom coded: 50 tested is not under 40): +10 pp, relative change undefined
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Science,All Students,All,50,0
        S1,2024-25,Science,All Students,All,50,5
    """,
    )
    row = one(table(engine, "gains"), subject="Science")
    assert row["change_pp"] == approx(100 * 5 / 50 - 0)
    assert row["change_relative_pct"] is None
    assert row["ci_low"] == pytest.approx(wilson(5, 50)[0], abs=1e-5)


# --- weighted rollup ---------------------------------------------------------------------------------------------


def test_weighted_rollup_weighs_by_counts(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2024-25,Math,All Students,All,100,90
        S2,2024-25,Math,All Students,All,10,1
        S3,2024-25,Math,All Students,All,50,20
        S1,2024-25,Math,Asian,All,4,2
        S2,2024-25,Math,Asian,All,5,1
        S3,2024-25,Math,Asian,All,6,3
    """,
    )
    with engine.connect() as conn:
        cells = tables.achievement_cells(conn, Thresholds())
    district = weighted_rollup(cells, ["subject", "student_group", "year_start"], Thresholds())
    everyone = one(district.to_dicts(), student_group="All Students")
    weighted = 100 * (90 + 1 + 20) / (100 + 10 + 50)  # 69.4
    mean_of_percents = (100 * 90 / 100 + 100 * 1 / 10 + 100 * 20 / 50) / 3  # 46.7
    assert abs(weighted - mean_of_percents) > 20
    assert everyone["pct_proficient"] == approx(weighted)
    assert everyone["n_tested"] == 160 and everyone["n_proficient"] == 111 and everyone["withheld"] is False
    assert everyone["schools"] == 3 and everyone["basis"] == "published school figures"
    # weighted_rollup sums the published school figures only: every school's Asian (4, 5, 6 tested) is withheld
    # (under 10), so none is summed and the rollup, 0 tested, is withheld, though 4 + 5 + 6 = 15 would be 10 or
    # more: a sum of withheld cells is never published here
    asian = one(district.to_dicts(), student_group="Asian")
    assert asian["withheld"] is True and asian["reason"] == "small_n" and asian["schools"] == 0
    assert asian["pct_proficient"] is None and asian["n_proficient"] is None

    network = weighted_rollup(
        cells.filter(cells["student_group"] == "All Students"), ["network", "year_start"], Thresholds()
    ).to_dicts()
    assert one(network, network="North")["pct_proficient"] == approx(100 * (90 + 20) / (100 + 50))
    assert one(network, network="South")["pct_proficient"] == approx(100 * 1 / 10)


# --- trust change ------------------------------------------------------------------------------------------------


def test_trust_change_by_hand(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        trust="""
        school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
        S1,2023-24,spring,all_staff,benevolence,3.40,5,55.0,20,80
        S1,2024-25,spring,all_staff,benevolence,3.75,5,62.5,22,88
        S1,2023-24,spring,all_staff,honesty,3.00,5,40.0,12,60
        S1,2024-25,spring,all_staff,honesty,3.10,5,45.0,9,45
        S1,2024-25,fall,all_staff,benevolence,3.60,5,58.0,21,84
        S1,2023-24,spring,counselors,openness,4.0,5,70,6,100
        S1,2024-25,spring,counselors,openness,4.5,5,90,4,100
        S2,2023-24,spring,all_staff,overall,5.0,7,,30,
        S2,2024-25,spring,all_staff,overall,5.5,7,,31,
    """,
    )
    rows = table(engine, "trust_change")
    keys = sorted((r["school_id"], r["wave"], r["respondent_group"], r["facet"]) for r in rows)
    assert keys == [
        ("S1", "spring", "all_staff", "benevolence"),
        ("S1", "spring", "all_staff", "honesty"),
        ("S1", "spring", "counselors", "openness"),
        ("S2", "spring", "all_staff", "overall"),
    ]

    ben = one(rows, facet="benevolence")
    assert ben["school_name"] == "Alpha Elementary"
    assert (ben["school_year"], ben["prior_year"]) == ("2024-25", "2023-24")
    assert ben["mean_score"] == approx(3.75) and ben["prior_mean_score"] == approx(3.40)
    assert ben["change"] == approx(3.75 - 3.40)
    assert ben["pct_favorable"] == approx(62.5) and ben["n_respondents"] == 22 and ben["response_rate"] == approx(88)
    assert ben["low_response"] is False and ben["suppressed"] is False and ben["suppression_reason"] is None

    hon = one(rows, facet="honesty")  # 45% responded: marked low response, still shown
    assert hon["low_response"] is True and hon["suppressed"] is False
    assert hon["change"] == approx(3.10 - 3.00) and hon["n_respondents"] == 9 and hon["response_rate"] == approx(45)

    small = one(rows, respondent_group="counselors")  # 4 respondents: withheld
    assert small["suppressed"] is True and small["suppression_reason"] == "small_n"
    for figure in ("mean_score", "prior_mean_score", "change", "pct_favorable", "n_respondents", "response_rate"):
        assert small[figure] is None, figure

    s2 = one(rows, school_id="S2")  # 7-point scale, no percent favourable or response rate given
    assert s2["change"] == approx(5.5 - 5.0) and s2["pct_favorable"] is None and s2["low_response"] is False


# --- CPL cadence -------------------------------------------------------------------------------------------------

# 2024-25 Monday-based weeks in which any team of the district met (weeks 1-8):
#   1: Mon 2024-09-02   2: 09-09   3: 09-16 (holds Sunday 09-22)   4: 09-23   5: 09-30   6: 10-07
#   (10-14 nobody met: not a school week)   7: 10-21   8: Mon 2025-06-30 (the last day of 2024-25)
# Tuesday 2025-07-01 is in 2025-26, although its Monday is 2025-06-30.
# Months of 2024-25 with any meeting: September, October, June = 3.
CPL_MEETINGS = """
    school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size
    S1,2024-09-03,Grade 3 Team,grade_level,45,5,6
    S1,2024-09-10,Grade 3 Team,grade_level,60,6,6
    S1,2024-09-12,Grade 3 Team,grade_level,30,4,6
    S1,2024-10-08,Grade 3 Team,grade_level,50,6,6
    S1,2024-09-22,Math Dept,content,40,2,4
    S1,2024-09-24,Math Dept,content,40,4,4
    S2,2024-09-04,Grade 3 Team,grade_level,30,4,5
    S2,2024-09-18,Grade 3 Team,grade_level,30,5,5
    S2,2024-09-30,Cross-Grade Equity,community_of_practice,90,8,10
    S2,2024-10-01,Cross-Grade Equity,community_of_practice,30,7,10
    S2,2024-10-21,Cross-Grade Equity,community_of_practice,60,9,10
    S2,2025-06-30,Cross-Grade Equity,community_of_practice,45,5,10
    S2,2025-07-01,Cross-Grade Equity,community_of_practice,30,6,10
"""


def test_cpl_cadence_by_hand(engine, tmp_path):
    load(engine, tmp_path / "in", cpl=CPL_MEETINGS)
    rows = table(engine, "cpl_cadence")
    school_weeks, months = 8, 3
    expected = {
        # (school, team, year): meetings, minutes, attendees/seats, week numbers with a meeting, longest gap
        ("S1", "Grade 3 Team", "2024-25"): (
            4,
            45 + 60 + 30 + 50,
            (5 + 6 + 4 + 6) / (6 * 4),
            {1, 2, 6},
            max(0, 6 - 2 - 1, 8 - 6),
        ),  # weeks 3-5 without: 3
        ("S1", "Math Dept", "2024-25"): (
            2,
            40 + 40,
            (2 + 4) / (4 + 4),
            {3, 4},
            max(3 - 1, 8 - 4),
        ),  # leading 2, trailing 4
        ("S2", "Grade 3 Team", "2024-25"): (
            2,
            30 + 30,
            (4 + 5) / (5 + 5),
            {1, 3},
            max(0, 3 - 1 - 1, 8 - 3),
        ),  # trailing 5
        ("S2", "Cross-Grade Equity", "2024-25"): (
            4,
            90 + 30 + 60 + 45,
            (8 + 7 + 9 + 5) / (10 * 4),
            {5, 7, 8},
            max(5 - 1, 7 - 5 - 1, 8 - 7 - 1, 8 - 8),
        ),  # leading 4
    }
    assert len(rows) == len(expected) + 1
    for (school, team, year), (meetings, minutes, attendance, weeks, gap) in expected.items():
        row = one(rows, school_id=school, team=team, school_year=year)
        where = (school, team)
        assert row["meetings"] == meetings and row["minutes"] == minutes, where
        assert row["minutes_per_month"] == approx(minutes / months), where
        assert row["attendance_rate"] == approx(100 * attendance), where
        assert row["weeks_with_meeting"] == len(weeks) and row["school_weeks"] == school_weeks, where
        assert row["consistency_pct"] == approx(100 * len(weeks) / school_weeks), where
        assert row["longest_gap_weeks"] == gap, where
    assert one(rows, school_id="S1", team="Math Dept")["team_type"] == "content"
    assert one(rows, school_id="S1", team="Grade 3 Team")["school_name"] == "Alpha Elementary"

    july = one(rows, school_id="S2", team="Cross-Grade Equity", school_year="2025-26")  # 1 July 2025 alone
    assert (july["meetings"], july["minutes"], july["school_weeks"], july["weeks_with_meeting"]) == (1, 30, 1, 1)
    assert july["minutes_per_month"] == approx(30 / 1) and july["consistency_pct"] == approx(100.0)
    assert july["longest_gap_weeks"] == 0 and july["attendance_rate"] == approx(100 * 6 / 10)


# --- readiness ---------------------------------------------------------------------------------------------------


def test_readiness_by_hand(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        readiness="""
        school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
        S1,2025-05-01,Ready for PCBL?,8,2,1,12,80
        S1,2025-05-01,Ready for new schedule?,7,3,0,12,75
        S1,2025-05-02,Ready for advisory?,13,7,0,25,
        S2,2025-04-01,Ready for PCBL?,3,1,0,4,70
        S3,2025-04-01,Ready for PCBL?,2,2,1,5,50
    """,
    )
    rows = table(engine, "readiness")
    assert len(rows) == 5

    at_threshold = one(rows, question="Ready for PCBL?", school_id="S1")
    assert at_threshold["turnout_pct"] == approx(100 * (8 + 2 + 1) / 12)
    assert at_threshold["pct_ready_of_cast"] == approx(100 * 8 / (8 + 2))  # exactly 80: abstentions not counted
    assert at_threshold["pct_ready_of_eligible"] == approx(100 * 8 / 12)
    assert at_threshold["threshold_pct"] == approx(80)
    assert at_threshold["passed"] is True and at_threshold["suppressed"] is False
    assert (
        at_threshold["votes_ready"],
        at_threshold["votes_not_yet"],
        at_threshold["votes_abstain"],
        at_threshold["eligible_voters"],
    ) == (8, 2, 1, 12)
    assert str(at_threshold["vote_date"]) == "2025-05-01" and at_threshold["school_name"] == "Alpha Elementary"

    below = one(rows, question="Ready for new schedule?")
    assert below["pct_ready_of_cast"] == approx(100 * 7 / 10) and below["passed"] is False  # 70 < 75

    default = one(rows, question="Ready for advisory?")  # no threshold in the file: the setting's 80
    assert default["threshold_pct"] == approx(80)
    assert default["pct_ready_of_cast"] == approx(100 * 13 / 20) and default["passed"] is False

    small = one(rows, school_id="S2")  # 4 eligible: only passed or not is shown
    assert small["suppressed"] is True and small["suppression_reason"] == "small_n"
    for figure in (
        "votes_ready",
        "votes_not_yet",
        "votes_abstain",
        "eligible_voters",
        "turnout_pct",
        "pct_ready_of_cast",
        "pct_ready_of_eligible",
    ):
        assert small[figure] is None, figure
    assert small["passed"] is True  # 100 * 3 / 4 = 75 >= 70

    five = one(rows, school_id="S3")  # exactly 5 eligible: shown
    assert five["suppressed"] is False and five["eligible_voters"] == 5
    assert five["pct_ready_of_cast"] == approx(100 * 2 / 4) and five["passed"] is True  # 50 >= 50
    assert five["turnout_pct"] == approx(100 * 5 / 5)


# --- school summary ----------------------------------------------------------------------------------------------

SUMMARY_TRUST = """
    school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
    S1,2023-24,spring,all_staff,benevolence,3.4,5,,20,80
    S1,2023-24,spring,all_staff,honesty,3.0,5,,20,80
    S1,2024-25,fall,all_staff,competence,1.0,5,,20,80
    S1,2024-25,spring,all_staff,benevolence,3.8,5,,20,80
    S1,2024-25,spring,all_staff,honesty,3.4,5,,20,80
    S1,2024-25,spring,all_staff,openness,2.2,5,,20,40
    S1,2024-25,spring,all_staff,reliability,1.5,5,,4,80
    S2,2024-25,spring,all_staff,overall,5.5,7,,30,90
"""
SUMMARY_CPL = """
    school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size
    S1,2023-09-05,Team A,grade_level,60,5,5
    S1,2024-09-03,Team A,grade_level,60,5,5
    S1,2024-09-10,Team A,grade_level,60,5,5
    S1,2024-09-17,Team A,grade_level,60,5,5
    S1,2024-09-04,Team B,content,30,3,4
    S2,2024-09-02,Team C,cross_grade,60,6,8
    S2,2024-09-09,Team C,cross_grade,60,6,8
    S2,2024-09-16,Team C,cross_grade,60,6,8
    S2,2024-09-23,Team C,cross_grade,60,6,8
    S2,2024-09-30,Team C,cross_grade,60,6,8
"""
SUMMARY_READINESS = """
    school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
    S1,2024-04-10,Ready?,6,4,0,12,80
    S1,2025-04-10,Ready?,9,1,0,12,80
    S2,2025-03-01,Ready?,8,2,0,10,80
    S3,2025-03-01,Ready?,5,5,0,10,66.7
"""
SUMMARY_ACHIEVEMENT = """
    school_id,school_year,subject,student_group,grade,n_tested,n_proficient
    S1,2023-24,Math,All Students,All,400,200
    S1,2023-24,ELA,All Students,All,400,240
    S1,2024-25,Math,All Students,All,500,275
    S1,2024-25,ELA,All Students,All,300,186
    S1,2023-24,Math,Hispanic/Latino,All,200,100
    S1,2024-25,Math,Hispanic/Latino,All,200,80
    S1,2023-24,ELA,Hispanic/Latino,All,200,120
    S1,2024-25,ELA,Hispanic/Latino,All,200,100
    S1,2023-24,Math,White,All,150,90
    S1,2024-25,Math,White,All,150,87
    S1,2023-24,ELA,White,All,50,30
    S1,2024-25,ELA,White,All,50,20
    S2,2023-24,Math,All Students,3,25,10
    S2,2023-24,Math,All Students,4,25,15
    S2,2024-25,Math,All Students,3,30,12
    S2,2024-25,Math,All Students,4,20,14
    S2,2023-24,Math,English Learners,3,20,15
    S2,2023-24,Math,English Learners,4,20,15
    S2,2024-25,Math,English Learners,3,8,4
    S2,2024-25,Math,English Learners,4,12,6
    S3,2023-24,Math,Economically Disadvantaged,All,4000,2400
    S3,2024-25,Math,Economically Disadvantaged,All,4000,2280
"""


def index(mean: float, scale_max: float) -> float:
    return 100 * (mean - 1) / (scale_max - 1)


def newcombe(proficient: float, tested: int, prior_proficient: float, prior_tested: int) -> tuple[float, float]:
    """The 95% interval of a change in pp by Newcombe's hybrid score method, from the two Wilson intervals."""
    p1, p0 = 100 * proficient / tested, 100 * prior_proficient / prior_tested
    (l1, u1), (l0, u0) = wilson(proficient, tested), wilson(prior_proficient, prior_tested)
    d = p1 - p0
    return d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


def declined(prior_proficient: float, prior_tested: int, proficient: float, tested: int) -> bool:
    """A group declined: its change's own 95% interval (Newcombe) lies below zero (CONTRACT.md: groups_declined
    counts ``down``); a swing whose interval holds zero is within noise, not a decline."""
    return newcombe(proficient, tested, prior_proficient, prior_tested)[1] < 0


def test_school_summary_by_hand(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        trust=SUMMARY_TRUST,
        cpl=SUMMARY_CPL,
        readiness=SUMMARY_READINESS,
        achievement=SUMMARY_ACHIEVEMENT,
    )
    rows = table(engine, "school_summary")
    assert [r["school_id"] for r in rows] == ["S1", "S2", "S3"]

    s1 = one(rows, school_id="S1")
    assert (s1["school_name"], s1["network"], s1["level"], s1["school_year"]) == (
        "Alpha Elementary",
        "North",
        "elementary",
        "2024-25",
    )
    # latest wave of 2024-25 is spring; openness (40% response) and reliability (4 respondents) are left out
    latest = (index(3.8, 5) + index(3.4, 5)) / 2  # (70 + 60) / 2 = 65
    prior = (index(3.4, 5) + index(3.0, 5)) / 2  # (60 + 50) / 2 = 55
    assert s1["trust_index"] == approx(latest)
    assert s1["trust_index_change"] == approx(latest - prior)
    # 2024-25 school weeks: the five Mondays 2 Sep .. 30 Sep (S2's Team C); all meetings in September
    assert s1["cpl_consistency_pct"] == approx((100 * 3 / 5 + 100 * 1 / 5) / 2)  # Team A 60, Team B 20
    assert s1["cpl_minutes_per_month"] == approx((3 * 60 / 1 + 30 / 1) / 2)  # mean over the school's teams
    assert s1["readiness_pct_ready"] == approx(100 * 9 / (9 + 1)) and s1["readiness_passed"] is True
    now = 100 * (275 + 186) / (500 + 300)  # 57.625, weighted by counts over subjects
    before = 100 * (200 + 240) / (400 + 400)  # 55.0
    assert abs(now - (100 * 275 / 500 + 100 * 186 / 300) / 2) > 0.5  # the mean of the two percents is 58.5
    assert s1["all_students_pct_proficient"] == approx(now)
    assert s1["all_students_change_pp"] == approx(now - before)
    # subject x group cells: Hispanic Math 50 -> 40, Hispanic ELA 60 -> 50 and White ELA 60 -> 40 declined beyond
    # chance; White Math 60 -> 58 (-2.0) is within its interval (150 tested), so it is not counted
    cells = {
        "Hispanic Math": (100, 200, 80, 200),
        "Hispanic ELA": (120, 200, 100, 200),
        "White Math": (90, 150, 87, 150),
        "White ELA": (30, 50, 20, 50),
    }
    assert {k: declined(*v) for k, v in cells.items()} == {
        "Hispanic Math": True,
        "Hispanic ELA": True,
        "White Math": False,
        "White ELA": True,
    }
    assert s1["groups_declined"] == sum(declined(*v) for v in cells.values()) == 3
    assert "40%" in s1["attention"] and "3 student groups declined" in s1["attention"]
    assert "trust" not in s1["attention"] and "readiness" not in s1["attention"]

    s2 = one(rows, school_id="S2")
    assert s2["trust_index"] == approx(index(5.5, 7)) and s2["trust_index_change"] is None
    assert s2["cpl_consistency_pct"] == approx(100 * 5 / 5) and s2["cpl_minutes_per_month"] == approx(300 / 1)
    assert s2["readiness_pct_ready"] == approx(80) and s2["readiness_passed"] is True
    # built from grade rows: (12 + 14) / (30 + 20) against (10 + 15) / (25 + 25)
    assert s2["all_students_pct_proficient"] == approx(100 * (12 + 14) / (30 + 20))
    assert s2["all_students_change_pp"] == approx(100 * (12 + 14) / (30 + 20) - 100 * (10 + 15) / (25 + 25))
    # English Learners fell 75 -> 50 but grade 3 had 8 tested: the school figure is withheld, so not counted
    assert s2["groups_declined"] == 0
    assert s2["attention"] is None

    s3 = one(rows, school_id="S3")  # a school with only a failed vote
    assert s3["school_year"] == "2024-25"
    assert s3["readiness_pct_ready"] == approx(100 * 5 / 10) and s3["readiness_passed"] is False
    assert s3["trust_index"] is None and s3["cpl_consistency_pct"] is None
    assert s3["all_students_pct_proficient"] is None
    # 60 -> 57 with 4000 tested: the change's interval (about -5.1 to -0.8) lies below zero: declined; 60 -> 58
    # would not be (its interval reaches +0.1)
    assert declined(2400, 4000, 2280, 4000) and not declined(2400, 4000, 2320, 4000) and s3["groups_declined"] == 1
    assert "readiness" in s3["attention"]


def test_school_summary_trust_index_uses_latest_year_and_wave_only(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        trust="""
        school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,n_respondents,response_rate
        S1,2023-24,spring,all_staff,overall,4.6,5,20,90
        S1,2024-25,fall,all_staff,overall,4.2,5,20,90
        S1,2024-25,spring,all_staff,overall,2.6,5,20,90
    """,
    )
    s1 = one(table(engine, "school_summary"), school_id="S1")
    assert s1["trust_index"] == approx(index(2.6, 5))  # 40
    assert s1["trust_index_change"] == approx(index(2.6, 5) - index(4.6, 5))  # -50
    assert "trust index 40 is below 50" in s1["attention"] and "fell 50" in s1["attention"]


def test_a_reason_from_an_older_year_names_its_year(engine, tmp_path):
    """S1's row is of 2025-26 (its trust survey); its failed vote is of 2024-25: the reason says so, where the
    trust reason, of the row's own year, names none. S2's vote is its only measure: nothing older, no year."""
    load(
        engine,
        tmp_path / "in",
        trust="""
        school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,n_respondents,response_rate
        S1,2025-26,spring,all_staff,overall,2.6,5,20,90
    """,
        readiness="""
        school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
        S1,2025-04-10,Ready?,5,5,0,12,80
        S2,2025-04-10,Ready?,5,5,0,12,80
    """,
    )
    rows = table(engine, "school_summary")
    s1, s2 = one(rows, school_id="S1"), one(rows, school_id="S2")
    assert s1["school_year"] == "2025-26"
    # index(2.6, 5) = 100 * 1.6 / 4 = 40, below the default 50; 5 of 10 votes ready, below 80%
    assert s1["attention"] == "trust index 40 is below 50; latest readiness vote below its threshold (2024-25)"
    assert s2["school_year"] == "2024-25" and s2["attention"] == "latest readiness vote below its threshold"


def test_school_summary_counts_a_published_percent_as_percent_of_tested(engine, tmp_path):
    # Math gives counts, ELA only the file's own percent: ELA's proficient are 45% of 500 tested, never 0
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient,pct_proficient
        S1,2023-24,Math,All Students,All,100,50,
        S1,2024-25,Math,All Students,All,100,60,
        S1,2023-24,ELA,All Students,All,500,,40
        S1,2024-25,ELA,All Students,All,500,,45
        S1,2023-24,ELA,White,All,400,,50
        S1,2024-25,ELA,White,All,400,,40
        S1,2023-24,Math,White,All,60,30,
        S1,2024-25,Math,White,All,60,30,
    """,
    )
    s1 = one(table(engine, "school_summary"), school_id="S1")
    now = 100 * (60 + 0.45 * 500) / (100 + 500)  # 47.5 (counting ELA as 0 proficient would give 10.0)
    before = 100 * (50 + 0.40 * 500) / (100 + 500)  # 41.7
    assert s1["all_students_pct_proficient"] == approx(now)
    assert s1["all_students_change_pp"] == approx(now - before)
    # White ELA 50 -> 40 (published percents, 400 tested) declined; White Math 50 -> 50 did not
    assert declined(0.50 * 400, 400, 0.40 * 400, 400) and s1["groups_declined"] == 1


# --- CPL: one school year's meetings summed by team and month, by protocol and by day ----------------------------


def _meetings():
    import datetime as dt

    import polars as pl

    rows = [  # school, team, date, minutes, attendees, protocol
        ("S1", "Team A", "2024-09-03", 45, 5, "Tuning"),
        ("S1", "Team A", "2024-09-17", 30, 4, None),
        ("S1", "Team A", "2024-10-01", 60, 6, "Tuning"),
        ("S1", "Team B", "2024-09-03", 50, 3, "Consultancy"),
    ]
    return pl.DataFrame(
        [
            {
                "school_id": s,
                "school_name": "Alpha",
                "network": "North",
                "level": "elementary",
                "team": t,
                "team_type": "content",
                "year_start": 2024,
                "meeting_date": dt.date.fromisoformat(d),
                "duration_minutes": m,
                "attendees": a,
                "protocol": p,
            }
            for s, t, d, m, a, p in rows
        ],
        schema=tables.CPL_MEETING_SCHEMA,
    )


def test_cpl_team_months_by_hand():
    # Team A: September 45 + 30 = 75 minutes in 2 meetings, 5 + 4 = 9 attendees; October 60 in 1, 6 attendees.
    # Team B: September 50 in 1, 3 attendees.
    months = cpl_team_months(_meetings())
    assert months.select("team", "month", "meetings", "minutes", "attendees", "school_year").rows() == [
        ("Team A", "2024-09", 2, 75, 9, "2024-25"),
        ("Team A", "2024-10", 1, 60, 6, "2024-25"),
        ("Team B", "2024-09", 1, 50, 3, "2024-25"),
    ]
    assert str(months["month_start"][1]) == "2024-10-01"


def test_cpl_protocols_and_days_by_hand():
    # protocols: Tuning twice (45 + 60 = 105 min), Consultancy once (50), one meeting named none (30)
    protocols = cpl_protocols(_meetings())
    assert protocols.select("protocol", "meetings", "minutes").rows() == [
        ("Consultancy", 1, 50),
        ("Tuning", 2, 105),
        ("not recorded", 1, 30),
    ]
    # days: 3 Sep held two meetings (45 + 50 = 95 min); 17 Sep and 1 Oct one each
    days = cpl_meeting_days(_meetings())
    assert [(str(d), n, m) for d, n, m in days.select("meeting_date", "meetings", "minutes").rows()] == [
        ("2024-09-03", 2, 95),
        ("2024-09-17", 1, 30),
        ("2024-10-01", 1, 60),
    ]
