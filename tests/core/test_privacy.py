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
        S2,2023-24,Math,White,All,38,15
        S2,2023-24,Math,Hispanic/Latino,All,12,5
        S2,2024-25,Math,All Students,All,50,25
        S2,2024-25,Math,White,All,30,15
        S2,2024-25,Math,Hispanic/Latino,All,12,6
        S2,2024-25,Math,Asian,All,8,4
    """,
    )
    rows = table(engine, "gains")
    # 2024-25: Asian (8) is small; All Students 100 - White 60 - Hispanic 32 would give it back, so Hispanic/Latino,
    # the next-smallest race group, is withheld as complementary. White stays.
    # The pattern is the district's: S1 is alone in North and S2 alone in South, so each network's figure is its
    # school's, and the district's is S1's + S2's. S2 has the same race groups (Asian 8 small, so Hispanic 12, its
    # next-smallest, withheld), so the district's Asian (8 + 8) and Hispanic (32 + 12) figures each sum two withheld
    # cells and no published figure gives one back: with t = S1's Hispanic proficient, S1 Asian = 50 - 30 - t,
    # S2 Hispanic = 22 - t, S2 Asian = 8 - (20 - t) = t - 12; bounds 0..32, 0..8, 0..12, 0..8 leave t in 12..20,
    # nine whole counts for each. (Had S2 only White beside its Asian, its White would be withheld and the
    # district's White, 60 + 42, would give it back, so S1's White would go too.)
    assert (50 - 30) + (25 - 15) == 22 + 8  # the two schools' withheld race parts = district Hispanic + Asian
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
    # S2: Asian (8) small, Hispanic/Latino (12, the next-smallest) complementary; White stays, 15 of 30 against
    # 15 of 38 the year before
    assert_withheld(one(rows, school_id="S2", student_group="Hispanic/Latino"), "complementary", GAINS_FIGURES)
    s2_white = one(rows, school_id="S2", student_group="White")
    assert_shown(s2_white)
    assert s2_white["change_pp"] == approx(100 * 15 / 30 - 100 * 15 / 38)

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
    assert one(cells, school_id="S2", student_group="Asian", year_start=2024)["reason"] == "small_n"
    assert one(cells, school_id="S2", student_group="All Students", year_start=2024)["withheld"] is False
    with engine.connect() as conn:
        rollups = tables.district_rollups(conn, None).to_dicts()
    # the district's Hispanic figure, over every school, is published: 16 + 6 of 32 + 12; North's Hispanic figure
    # (S1's alone) would give S1's back, so it is withheld
    district = one(rollups, rollup="district", student_group="Hispanic/Latino", year_start=2024)
    assert district["reason"] is None and (district["n_tested"], district["n_proficient"]) == (32 + 12, 16 + 6)
    north = one(rollups, rollup="network", network="North", student_group="Hispanic/Latino", year_start=2024)
    assert north["reason"] == "complementary"


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
        S3,2024-25,Math,Students with Disabilities,All,20,20
        S3,2024-25,Math,Economically Disadvantaged,All,30,0
        S3,2024-25,Math,Military Families,All,20,0
        S3,2023-24,Math,Homeless,All,39,39
    """,
    )
    rows = table(engine, "gains")
    # under 40 tested: 19/20 = 95% (at the edge) and 1/30 = 3.3% and 1/20 = 5% (at the edge) are coded this year,
    # 38/39 = 97.4% was coded the year before
    assert 100 * 19 / 20 >= 95 and 100 * 1 / 30 <= 5 and 100 * 1 / 20 <= 5 and 100 * 38 / 39 >= 95
    # each band holds two whole counts (floor(n x 5%) + 1 = 2 at 20, 30 and 39 tested): 19..20, 0..1, 0..1, 38..39.
    # The network's figure (North: S1 and S3) sums them; were S1 alone in it, North's figure would equal the band
    # and, withheld, hold only the band's two counts (three are needed), so the band would be withheld wholly.
    # S3 bands the same groups (20/20, 0/30, 0/20, 39/39), so North's figures are 39 of 40, 1 of 60, 1 of 40 and
    # 77 of 78: each school's count is that less the other's band, which leaves each band its two counts, and no
    # sum is at 0% or 100%; the district's figures are North's (no South school has these groups). S3's rows are
    # of one year each, so the gains rows below are S1's alone
    assert (19 + 20, 1 + 0, 1 + 0, 38 + 39) == (39, 1, 1, 77)
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
    s1 = {"school_id": "S1", "year_start": 2024}
    assert one(cells, student_group="Students with Disabilities", **s1)["shown_as"] == "≥95%"
    assert one(cells, student_group="Economically Disadvantaged", **s1)["shown_as"] == "≤5%"
    assert one(cells, student_group="Foster Care", **s1)["shown_as"] is None
    assert one(cells, school_id="S3", student_group="Students with Disabilities")["reason"] == "top_coded"


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
        S3,2024-25,Math,All Students,All,20,20
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
    # 19 of 20 is top coded: neither the rate nor its change appear in the summary. S3 (North, as S1) bands its All
    # Students too (20 of 20), so North's figure, 39 of 40, leaves each band its two counts (either school's is 39
    # less the other's, 19..20) and gives neither back. Alone in North, S1's band would be North's figure, which
    # withheld would hold only two counts: S1's All Students would be withheld wholly, North's too, and then the
    # district's All Students (North's + South's, 120 tested) would give North's back unless South's, that is S2's
    # All Students, went too
    assert s1["all_students_pct_proficient"] is None and s1["all_students_change_pp"] is None
    # 4 eligible voters: passed is shown, the share is not; 4 respondents: no trust index
    assert s1["readiness_pct_ready"] is None and s1["readiness_passed"] is True
    assert s1["trust_index"] is None
    s2 = one(rows, school_id="S2")
    # the district's All Students, 39 + 60 of 40 + 100, gives back nothing: S2's is shown
    assert s2["all_students_pct_proficient"] == approx(100 * 60 / 100)
    assert s2["all_students_change_pp"] == approx(100 * 60 / 100 - 100 * 50 / 100)
    assert s2["readiness_pct_ready"] == approx(100 * 3 / 4) and s2["readiness_passed"] is False
    assert s2["trust_index"] == approx(100 * (4.0 - 1) / (5 - 1))
    assert s2["groups_declined"] == 0  # Hispanic/Latino fell 67 -> 11 but 9 tested: withheld, not counted


def test_gap_hidden_when_all_students_is_withheld(engine, tmp_path):
    # All Students 29 of 30 is top coded: a group's gap to it would give the coded rate back. S3 (North, as S1)
    # bands its All Students too (30 of 30): North's figure, 59 of 60, leaves each band its two counts (29..30, as
    # floor(30 x 5%) + 1 = 2), where S1 alone in North would have North's figure pin its band and be withheld wholly
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,30,20
        S1,2024-25,Math,All Students,All,30,29
        S1,2023-24,Math,Female,All,20,10
        S1,2024-25,Math,Female,All,20,12
        S3,2024-25,Math,All Students,All,30,30
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
            "group": ["White", "White", "Asian", "Asian", "Asian", "Black", "Black", "Black", "Tiny", "Tiny"],
            "n_tested": [111, 40, 12, 30, 30, 6, 5, 50, 6, 8],
            "n_proficient": [68, 20, 6, 15, 10, 3, 2, 25, 3, 4],
            # a rollup other than the district's and networks' own is the sum of the published school figures only
            # (basis "published school figures"): a withheld cell is left out, so the rollup less the shown cells
            # is nothing, and no withheld figure comes back by subtraction
            # White: 68 of 111 withheld (complementary at its school) -> the other school's 20 of 40 alone, 50%
            # Asian: none withheld -> (6 + 15 + 10) / (12 + 30 + 30)
            # Black: 3 of 6 and 2 of 5 withheld -> 25 of 50 alone, 50%
            # Tiny: both withheld -> 0 published tested, under 10: withheld (whatever 6 + 8 = 14 would have shown)
            "withheld": [True, False, False, False, False, True, True, False, True, True],
        }
    )
    out = {r["group"]: r for r in weighted_rollup(cells, ["group"], t).to_dicts()}
    white = out["White"]
    assert white["withheld"] is False and white["reason"] is None and white["basis"] == "published school figures"
    assert (white["n_tested"], white["n_proficient"], white["schools"]) == (40, 20, 1)
    assert white["pct_proficient"] == approx(100 * 20 / 40)
    asian = out["Asian"]
    assert (asian["n_tested"], asian["n_proficient"], asian["schools"]) == (12 + 30 + 30, 6 + 15 + 10, 3)
    assert asian["pct_proficient"] == approx(100 * 31 / 72)
    black = out["Black"]
    assert (black["n_tested"], black["n_proficient"], black["schools"]) == (50, 25, 1)
    assert black["pct_proficient"] == approx(100 * 25 / 50)
    tiny = out["Tiny"]
    assert tiny["withheld"] is True and tiny["reason"] == "small_n" and tiny["schools"] == 0
    assert tiny["pct_proficient"] is None and tiny["n_proficient"] is None
    # the threshold is on the sum of the published figures, whatever the withheld ones hold: 9 published tested
    # beside 40 withheld is under 10, so withheld
    nine = pl.DataFrame({"group": ["G", "G"], "n_tested": [9, 40], "n_proficient": [4, 20], "withheld": [False, True]})
    assert weighted_rollup(nine, ["group"], t).select("withheld", "reason", "schools").rows() == [(True, "small_n", 1)]


def test_the_complementary_staff_group_is_the_smallest_visible_one_and_a_tie_goes_by_name():
    """Three staff groups add up to all staff (30 = 3 + 12 + 15), so the 3 support staff (under 5) would come back
    from the other two: the smaller visible group (12 teachers, not 15 admins) is withheld with it. Where the two
    visible groups are the same size (12 and 12, plus 3 = 27 of 27), the first by name (admin) is withheld."""
    import polars as pl

    from dashboard.core.privacy import screen_trust

    def results(school: str, sizes: dict[str, int]) -> list[dict]:
        return [
            dict(school_id=school, year_start=2025, wave="spring", facet="respect", respondent_group=g, n_respondents=n)
            for g, n in sizes.items()
        ]

    frame = pl.DataFrame(
        results("S1", {"all_staff": 30, "support_staff": 3, "teachers": 12, "admin": 15})
        + results("S2", {"all_staff": 27, "support_staff": 3, "teachers": 12, "admin": 12})
        + results("S3", {"all_staff": 40, "support_staff": 3, "teachers": 12, "admin": 15})  # 30 of 40: no sum
    ).with_columns(
        publisher_marker=pl.lit(None, pl.String),
        mean_score=pl.lit(3.5),
        pct_favorable=pl.lit(70.0),
        response_rate=pl.lit(90.0),
    )
    reasons = {
        (r["school_id"], r["respondent_group"]): r["reason"]
        for r in screen_trust(frame, Thresholds()).iter_rows(named=True)
    }
    assert reasons == {
        ("S1", "all_staff"): None,
        ("S1", "support_staff"): "small_n",
        ("S1", "teachers"): "complementary",
        ("S1", "admin"): None,
        ("S2", "all_staff"): None,
        ("S2", "support_staff"): "small_n",
        ("S2", "teachers"): None,
        ("S2", "admin"): "complementary",
        ("S3", "all_staff"): None,
        ("S3", "support_staff"): "small_n",
        ("S3", "teachers"): None,
        ("S3", "admin"): None,
    }
