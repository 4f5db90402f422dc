"""Board goals (CONTRACT.md, Goals): each status is worked out here from the input rows, by hand, and compared with
what ``metrics.goals`` computes: an increasing target, a decreasing target (a gap to close), a withheld latest value,
a target year passed, guardrails; and the pooling over several schools (students, respondents, team-weeks, votes
cast). A break note leaves no change row across it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.core.privacy import Thresholds
from dashboard.metrics import goals, pooled, timeline
from dashboard.metrics.achievement import gains_from_cells
from dashboard.metrics.trust import trust_change_from_results

T = Thresholds()
TOLERANCE = 1.0
SCHOOLS = pl.DataFrame(
    {
        "school_id": ["A", "B", "C"],
        "school_name": ["Alder", "Birch", "Cedar"],
        "network": ["North", "North", "South"],
        "level": ["elementary", "middle", "high"],
    }
)


def cell(school, year, group, tested, proficient, subject="Math", withheld=False, reason=None):
    network = "North" if school in ("A", "B") else "South"
    return {
        "school_id": school,
        "school_name": school,
        "network": network,
        "level": "elementary",
        "subject": subject,
        "student_group": group,
        "grade": "All",
        "year_start": year,
        "n_tested": tested,
        "n_proficient": proficient,
        "pct_proficient": None if proficient is None else 100 * proficient / tested,
        "withheld": withheld,
        "reason": reason,
    }


def frames(cells=(), trust=(), cadence=(), votes=()) -> pooled.Frames:
    def frame(rows, schema):
        return pl.DataFrame(list(rows), schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

    return pooled.Frames(
        frame([tuple(c.values()) for c in cells], CELL_SCHEMA),
        frame(trust, TRUST_SCHEMA),
        frame(cadence, CADENCE_SCHEMA),
        frame(votes, VOTE_SCHEMA),
    )


S, I, F, B = pl.String, pl.Int64, pl.Float64, pl.Boolean  # noqa: E741
CELL_SCHEMA = {
    **dict.fromkeys(("school_id", "school_name", "network", "level", "subject", "student_group", "grade"), S),
    "year_start": I,
    "n_tested": I,
    "n_proficient": I,
    "pct_proficient": F,
    "withheld": B,
    "reason": S,
}
TRUST_SCHEMA = {
    "school_id": S,
    "year_start": I,
    "wave": S,
    "respondent_group": S,
    "facet": S,
    "mean_score": F,
    "scale_max": F,
    "n_respondents": I,
    "withheld": B,
    "low_response": B,
}
CADENCE_SCHEMA = {"school_id": S, "team": S, "year_start": I, "weeks_with_meeting": I, "school_weeks": I}
VOTE_SCHEMA = {
    "school_id": S,
    "vote_date": pl.Date,
    "year_start": I,
    "question": S,
    "votes_ready": I,
    "votes_not_yet": I,
    "suppressed": B,
}


def goal(**kw) -> pl.DataFrame:
    row = {
        "name": "g",
        "kind": "goal",
        "measure": "proficiency",
        "scope": "district",
        "subject": "Math",
        "student_group": "All Students",
        "baseline_year": 2021,
        "target": 70.0,
        "target_year": 2025,
        "bound": None,
        **kw,
    }
    return pl.DataFrame(
        [row], schema={**dict.fromkeys(row, S), **dict.fromkeys(("baseline_year", "target_year"), I), "target": F}
    )


def only(table: pl.DataFrame) -> dict:
    assert table.height == 1
    return table.row(0, named=True)


def expected_status(baseline, latest, target, baseline_year, target_year, latest_year):
    """The contract's rule, worked out here (not by the code under test)."""
    direction = 1 if target > baseline else -1 if target < baseline else 0
    if latest_year >= target_year:
        expected = target
    else:
        expected = baseline + (target - baseline) * (latest_year - baseline_year) / (target_year - baseline_year)
    if direction * (latest - target) >= 0:
        return "met", expected
    if direction * (latest - expected) >= -TOLERANCE:
        return "on_track", expected
    return "off_track", expected


def test_an_increasing_goal_pooled_by_students_over_the_district():
    rows = [
        cell("A", 2021, "All Students", 100, 40),
        cell("B", 2021, "All Students", 300, 150),
        cell("A", 2023, "All Students", 100, 50),
        cell("B", 2023, "All Students", 300, 171),
    ]
    table, series = goals.evaluate(goal(), frames(rows), SCHOOLS, T, TOLERANCE)
    got = only(table)
    baseline = 100 * (40 + 150) / (100 + 300)  # students pooled: 47.5, not the mean of 40% and 50%
    latest = 100 * (50 + 171) / 400  # 55.25
    status, expected = expected_status(baseline, latest, 70, 2021, 2025, 2023)
    assert got["baseline"] == pytest.approx(baseline) and got["latest"] == pytest.approx(latest)
    assert got["expected"] == pytest.approx(expected)  # 47.5 + 22.5 * 2/4 = 58.75: 55.25 is 3.5 below
    assert got["status"] == status == "off_track"
    assert got["latest_year"] == "2023-24" and got["baseline_year"] == "2021-22" and got["target_year"] == "2025-26"
    # the path: one interim point per year from baseline to target
    path = series.filter(pl.col("expected").is_not_null())
    assert path["year_start"].to_list() == [2021, 2022, 2023, 2024, 2025]
    assert path["expected"].to_list()[-1] == pytest.approx(70)


def test_a_decreasing_target_a_gap_to_close():
    # a group above All Students by 20 points, to close to 10 by 2025: the direction is down
    rows = [
        cell("A", 2021, "All Students", 200, 100),  # 50%
        cell("A", 2021, "Gifted", 50, 35),  # 70%: gap +20
        cell("A", 2023, "All Students", 200, 110),  # 55%
        cell("A", 2023, "Gifted", 50, 34),  # 68%: gap +13
    ]
    g = goal(measure="gap_to_all", scope="school:A", student_group="Gifted", target=10.0, target_year=2025)
    got = only(goals.evaluate(g, frames(rows), SCHOOLS, T, TOLERANCE)[0])
    baseline, latest = 70 - 50, 68 - 55
    status, expected = expected_status(baseline, latest, 10, 2021, 2025, 2023)  # expected 15: 13 is past it
    assert got["baseline"] == pytest.approx(baseline) and got["latest"] == pytest.approx(latest)
    assert got["expected"] == pytest.approx(expected) == 15
    assert got["status"] == status == "on_track"
    # a negative gap closing toward 0 is a rise: -14 to -4 by 2025, at -9 in 2023 (expected -9): on track
    rows = [
        cell("A", 2021, "All Students", 200, 100),
        cell("A", 2021, "English Learners", 50, 18),  # 36%: gap -14
        cell("A", 2023, "All Students", 200, 100),
        cell("A", 2023, "English Learners", 50, 20),  # 40%: gap -10
    ]
    g = goal(measure="gap_to_all", scope="school:A", student_group="English Learners", target=-4.0)
    got = only(goals.evaluate(g, frames(rows), SCHOOLS, T, TOLERANCE)[0])
    status, expected = expected_status(-14, -10, -4, 2021, 2025, 2023)  # expected -9; -10 is within 1 of it
    assert (got["baseline"], got["latest"], got["expected"]) == pytest.approx((-14, -10, expected))
    assert got["status"] == status == "on_track"


def test_a_withheld_latest_value_is_no_data_and_never_shown():
    rows = [
        cell("A", 2021, "All Students", 120, 60),
        cell("A", 2022, "All Students", 120, 66),
        cell("A", 2023, "All Students", 8, 5, withheld=True, reason="small_n"),  # fewer than 10 tested
    ]
    got = only(goals.evaluate(goal(scope="school:A"), frames(rows), SCHOOLS, T, TOLERANCE)[0])
    # the latest year with data is 2023 (no fall-back to 2022's 55%), and its value is withheld
    assert got["latest_year"] == "2023-24"
    assert got["latest"] is None and got["status"] == "no_data"
    assert got["baseline"] == pytest.approx(50.0)
    # a withheld baseline is no data too, and so is a goal with no year after its baseline
    rows[0] = cell("A", 2021, "All Students", 9, 4, withheld=True, reason="small_n")
    got = only(goals.evaluate(goal(scope="school:A"), frames(rows[:2]), SCHOOLS, T, TOLERANCE)[0])
    assert got["baseline"] is None and got["status"] == "no_data"
    got = only(goals.evaluate(goal(scope="school:A", baseline_year=2022), frames(rows[1:2]), SCHOOLS, T, 1)[0])
    assert got["latest_year"] is None and got["status"] == "no_data"


def test_a_target_year_passed_expects_the_target():
    rows = [cell("A", 2019, "All Students", 100, 40), cell("A", 2024, "All Students", 100, 59)]
    g = goal(scope="school:A", baseline_year=2019, target=60.0, target_year=2022)
    got = only(goals.evaluate(g, frames(rows), SCHOOLS, T, TOLERANCE)[0])
    status, expected = expected_status(40, 59, 60, 2019, 2022, 2024)
    assert expected == 60 and got["expected"] == pytest.approx(60)
    assert got["status"] == status == "on_track"  # 59 is within the tolerance of the target, not yet met
    rows[1] = cell("A", 2024, "All Students", 100, 57)
    assert only(goals.evaluate(g, frames(rows), SCHOOLS, T, TOLERANCE)[0])["status"] == "off_track"
    rows[1] = cell("A", 2024, "All Students", 100, 61)
    assert only(goals.evaluate(g, frames(rows), SCHOOLS, T, TOLERANCE)[0])["status"] == "met"


def test_guardrails_hold_or_are_breached_by_the_latest_value():
    rows = [
        cell("A", 2021, "Students with Disabilities", 40, 14),
        cell("A", 2023, "Students with Disabilities", 40, 11),
    ]
    floor = goal(kind="guardrail", scope="school:A", student_group="Students with Disabilities", target=30.0)
    floor = floor.with_columns(pl.lit(None, I).alias("target_year"), pl.lit("floor").alias("bound"))
    got = only(goals.evaluate(floor, frames(rows), SCHOOLS, T, TOLERANCE)[0])
    assert got["latest"] == pytest.approx(100 * 11 / 40) and got["status"] == "breached"  # 27.5 < 30
    ceiling = floor.with_columns(pl.lit("ceiling").alias("bound"))
    assert only(goals.evaluate(ceiling, frames(rows), SCHOOLS, T, TOLERANCE)[0])["status"] == "holding"


def test_trust_cpl_and_readiness_pool_by_what_they_count():
    trust = [
        ("A", 2022, "spring", "all_staff", "honesty", 4.0, 5.0, 10, False, False),  # index 75
        ("B", 2022, "spring", "all_staff", "honesty", 3.0, 5.0, 30, False, False),  # index 50
        ("C", 2022, "spring", "all_staff", "honesty", 5.0, 5.0, 3, True, False),  # withheld: left out
    ]
    cadence = [("A", "t1", 2022, 30, 36), ("A", "t2", 2022, 18, 36), ("B", "t3", 2022, 9, 36)]
    votes = [
        ("A", dt.date(2022, 10, 1), 2022, "q", 9, 1, False),
        ("A", dt.date(2023, 4, 1), 2022, "q", 6, 4, False),  # A's latest vote of the year
        ("B", dt.date(2023, 4, 1), 2022, "q", 30, 10, False),
        ("C", dt.date(2023, 4, 1), 2022, "q", None, None, True),  # too few eligible: not counted in
    ]
    f = frames(trust=trust, cadence=cadence, votes=votes)
    assert pooled.trust(f.trust)["value"][0] == pytest.approx((75 * 10 + 50 * 30) / 40)
    assert pooled.cpl_consistency(f.cadence)["value"][0] == pytest.approx(100 * (30 + 18 + 9) / (36 * 3))
    assert pooled.readiness(f.votes)["value"][0] == pytest.approx(100 * (6 + 30) / (10 + 40))


def test_scope_visibility():
    table = pl.concat([goal(name="d"), goal(name="n", scope="network:North"), goal(name="s", scope="school:C")])
    assert goals.visible(table, SCHOOLS, None)["name"].to_list() == ["d", "n", "s"]
    assert goals.visible(table, SCHOOLS, ["A", "B"])["name"].to_list() == ["n"]  # all of North, not the district
    assert goals.visible(table, SCHOOLS, ["A", "C"])["name"].to_list() == ["s"]
    assert goals.visible(table, SCHOOLS, [])["name"].to_list() == []


def test_a_break_note_leaves_no_change_row_across_it():
    rows = [
        cell(s, y, "All Students", 100, p)
        for s, y, p in (("A", 2022, 40), ("A", 2023, 50), ("B", 2022, 30), ("B", 2023, 35))
    ]
    cells = pl.DataFrame(rows).with_columns(pl.lit(None, S).alias("publisher_marker"))
    assert set(gains_from_cells(cells)["school_id"]) == {"A", "B"}
    school_break = pl.DataFrame(
        {"school_id": ["A"], "year_start": [2023], "kind": [timeline.BREAK], "note_date": [dt.date(2023, 9, 1)]}
    )
    assert gains_from_cells(cells, school_break)["school_id"].to_list() == ["B"]  # A's 2022 to 2023 is gone
    district_break = school_break.with_columns(pl.lit(None, S).alias("school_id"))
    assert gains_from_cells(cells, district_break).is_empty()
    other_kind = district_break.with_columns(pl.lit("event").alias("kind"))
    assert gains_from_cells(cells, other_kind).height == 2
    later = district_break.with_columns(pl.lit(2024).alias("year_start"))  # a break after: 2022 to 2023 stays
    assert gains_from_cells(cells, later).height == 2
    results = pl.DataFrame(
        [
            {"school_id": "A", "year_start": y, "wave": "spring", "respondent_group": "all_staff", "facet": "honesty",
             "mean_score": m, "withheld": False, "reason": None, "pct_favorable": None, "n_respondents": 20,
             "response_rate": 80.0}
            for y, m in ((2022, 3.0), (2023, 3.5))
        ]
    )  # fmt: skip
    assert trust_change_from_results(results).height == 1
    assert trust_change_from_results(results, school_break).is_empty()


def test_a_break_note_leaves_no_cohort_growth_across_it():
    """Grade 4 this year against grade 3 last year is no growth across a change of test either."""
    from dashboard.metrics.cohort import cohort_growth_from_cells

    rows = [
        {**cell(s, y, "All Students", 50, p), "grade": grade, "pct_proficient": 100.0 * p / 50}
        for s, y, grade, p in (("A", 2022, "3", 20), ("A", 2023, "4", 25), ("B", 2022, "3", 30), ("B", 2023, "4", 28))
    ]
    cells = pl.DataFrame(rows).with_columns(pl.lit(None, S).alias("publisher_marker"))
    growth = cohort_growth_from_cells(cells)
    assert sorted(zip(growth["school_id"], growth["change_pp"], strict=True)) == [("A", 10.0), ("B", -4.0)]
    school_break = pl.DataFrame(
        {"school_id": ["A"], "year_start": [2023], "kind": [timeline.BREAK], "note_date": [dt.date(2023, 9, 1)]}
    )
    assert cohort_growth_from_cells(cells, school_break)["school_id"].to_list() == ["B"]
    district_break = school_break.with_columns(pl.lit(None, S).alias("school_id"))
    assert cohort_growth_from_cells(cells, district_break).is_empty()


def test_goals_read_only_their_sources_and_groups_and_evaluate_the_same_on_those_alone():
    listed = pl.concat(
        [
            goal(name="gap", measure="gap_to_all", scope="school:A", student_group="Gifted", target=10.0),
            goal(name="el", measure="proficiency", student_group="English Learners", target=50.0),
            goal(name="trust", measure="trust_index", subject=None, student_group=None, target=80.0),
            goal(name="all", measure="proficiency", student_group=None, target=70.0),
        ]
    )
    assert goals.reads(listed) == (("achievement", "trust"), ("All Students", "English Learners", "Gifted"))
    assert goals.reads(listed.head(0)) == ((), ())
    # the gap goal's figures read from its two groups alone, other groups' rows absent: 70 - 50 = 20, 68 - 55 = 13
    rows = [
        cell("A", 2021, "All Students", 200, 100),
        cell("A", 2021, "Gifted", 50, 35),
        cell("A", 2023, "All Students", 200, 110),
        cell("A", 2023, "Gifted", 50, 34),
    ]
    others = [cell("A", 2021, "Asian", 40, 30), cell("A", 2023, "Asian", 40, 10)]
    g = listed.head(1)
    for given in (rows, rows + others):
        got = only(goals.evaluate(g, frames(given), SCHOOLS, T, TOLERANCE)[0])
        assert (got["baseline"], got["latest"]) == pytest.approx((20, 13))


def test_the_goals_page_view_takes_no_table_for_a_source_no_goal_reads():
    from dashboard.present.goals import goals_view

    rows = [cell("A", 2021, "All Students", 100, 40), cell("A", 2023, "All Students", 100, 55)]
    v = goals_view(goal(scope="school:A"), frames(rows).cells, None, None, None, SCHOOLS, T, TOLERANCE)
    assert v.frames["goals"]["Latest"].to_list() == ["55.0% (2023-24)"]
    assert v.frames["goals"]["Baseline"].to_list() == ["40.0% (2021-22)"]
