"""View models on tiny hand-made frames; every expected figure is worked out by hand in the test."""

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from dashboard.core import disclosure, privacy
from dashboard.core.privacy import Thresholds
from dashboard.metrics import tables
from dashboard.metrics.readiness import latest_votes
from dashboard.metrics.summary import SUMMARY_COLUMNS
from dashboard.present import common, cpl, culture, data, equity, overview, readiness, status_grid

T = Thresholds()


def cells(rows):
    """Screened achievement cells from (school, network, year_start, group, n_tested, n_proficient): the district's
    one pattern decided over these rows (every school of the district, ``disclosure.screen``)."""
    frame = pl.DataFrame(
        [
            {
                "school_id": s,
                "school_name": f"School {s}",
                "network": net,
                "level": "elementary",
                "subject": "ELA",
                "student_group": g,
                "grade": "All",
                "year_start": y,
                "n_tested": n,
                "n_proficient": p,
                "pct_proficient": 100.0 * p / n,
                "publisher_marker": None,
            }
            for s, net, y, g, n, p in rows
        ],
        schema=tables.CELLS_SCHEMA,
    )
    return disclosure.screen(frame, T)


def summary(rows):
    base = dict.fromkeys(SUMMARY_COLUMNS)
    return pl.DataFrame(
        [{**base, **r} for r in rows],
        schema_overrides={
            "trust_index": pl.Float64,
            "trust_index_change": pl.Float64,
            "cpl_consistency_pct": pl.Float64,
            "cpl_minutes_per_month": pl.Float64,
            "readiness_pct_ready": pl.Float64,
            "readiness_passed": pl.Boolean,
            "all_students_pct_proficient": pl.Float64,
            "all_students_change_pp": pl.Float64,
            "groups_declined": pl.Int64,
            "attention": pl.String,
            "network": pl.String,
            "level": pl.String,
            "school_year": pl.String,
        },
    )


def test_change_is_in_points_with_relative_beside():
    assert common.fmt_change(5.0, 11.1) == "+5.0 pp (relative +11%)"
    assert common.fmt_change(-2.25, None) == "-2.2 pp" or common.fmt_change(-2.25, None) == "-2.3 pp"
    assert common.fmt_change(None, None) == "withheld"


def test_overview_rolls_up_by_counts_not_mean_of_percents():
    c = cells(
        [
            ("S1", "North", 2024, "All Students", 100, 50),
            ("S1", "North", 2025, "All Students", 100, 60),
            ("S2", "South", 2024, "All Students", 50, 10),
            ("S2", "South", 2025, "All Students", 300, 90),
        ]
    )
    s = summary(
        [
            {
                "school_id": "S1",
                "school_name": "School S1",
                "network": "North",
                "school_year": "2025-26",
                "trust_index": 60.0,
                "cpl_consistency_pct": 80.0,
                "readiness_passed": True,
                "attention": None,
            },
            {
                "school_id": "S2",
                "school_name": "School S2",
                "network": "South",
                "school_year": "2025-26",
                "trust_index": 40.0,
                "cpl_consistency_pct": 40.0,
                "readiness_passed": False,
                "attention": "trust index 40 is below 50",
            },
        ]
    )
    # CPL: S1's two teams met in 4 and 8 of 10 school weeks, S2's one in 5: pooled by team-weeks, 17 of 30
    cadence = pl.DataFrame(
        {
            "school_id": ["S1", "S1", "S2"],
            "network": ["North", "North", "South"],
            "level": ["elementary"] * 3,
            "year_start": [2025] * 3,
            "weeks_with_meeting": [4, 8, 5],
            "school_weeks": [10, 10, 10],
        }
    )
    v = overview.overview(s, c, T, cadence=cadence)
    kpis = {label: (value, delta) for label, value, delta in v.kpis}
    # 2025: (60 + 90) / (100 + 300) = 37.5%; 2024: (50 + 10) / (100 + 50) = 40.0%; change -2.5 pp, and its 95%
    # interval (Newcombe: about -11.6 to +6.2) holds zero
    assert kpis["All Students % proficient (all subjects), 2025-26"] == ("37.5%", "-2.5 pp, within noise")
    assert kpis["Schools"] == ("2", None)
    assert kpis["CPL consistency: share of team-weeks with a meeting, 2025-26"] == ("57%", None)
    assert kpis["Schools whose latest readiness vote passed"] == ("1 of 2", None)
    assert_frame_equal(
        v.frames["attention"],
        pl.DataFrame({"School": ["School S2"], "Why it needs attention": ["trust index 40 is below 50"]}),
    )
    north = overview.overview(s, c, T, network="North")
    assert {a: b for a, b, _ in north.kpis}["All Students % proficient (all subjects), 2025-26"] == "60.0%"
    assert overview.overview(s, c, T, network="Nowhere").empty


def test_equity_labels_change_and_withholds_small_groups():
    c = cells(
        [
            ("S1", "N", 2024, "All Students", 100, 50),
            ("S1", "N", 2025, "All Students", 100, 58),
            ("S1", "N", 2024, "Group B", 40, 18),
            ("S1", "N", 2025, "Group B", 40, 22),
            ("S1", "N", 2024, "Tiny", 12, 6),
            ("S1", "N", 2025, "Tiny", 8, 4),
        ]
    )
    v = equity.equity(c, T, "ELA", school="S1")
    table = v.frames["table"].sort("Student group")
    b = table.filter(pl.col("Student group") == "Group B").row(0, named=True)
    # 45% -> 55%: +10.0 pp, relative 10 / 45 = +22%, within noise at 40 tested (its interval holds zero); gap
    # 45-50 = -5 -> 55-58 = -3: narrowed by 2, the group rising 10 and All Students 8
    assert b["Change"] == "+10.0 pp (relative +22%), within noise" and b["Against noise"] == "within noise"
    assert b["Gap to All Students (pp)"] == -3.0 and b["Gap change (pp)"] == 2.0
    assert b["Gap"] == "gap narrowed: both rose, the group more"
    tiny = table.filter(pl.col("Student group") == "Tiny").row(0, named=True)
    assert tiny["Withheld"] == "n<10" and tiny["Change"] == "withheld" and tiny["% proficient 2025-26"] is None
    levels = v.frames["levels"].filter((pl.col("student_group") == "Tiny") & (pl.col("year_start") == 2025))
    assert levels["pct_proficient"].to_list() == [None] and levels["shown_as"].to_list() == ["n<10"]
    assert v.notes["levels"] == "Withheld, not drawn: Tiny 2025-26 (n<10)"
    lo, hi = privacy.wilson_interval_scalar(22, 40)
    got = v.frames["levels"].filter((pl.col("student_group") == "Group B") & (pl.col("year_start") == 2025))
    assert abs(got["ci_low"][0] - lo) < 1e-9 and abs(got["ci_high"][0] - hi) < 1e-9
    assert "Group B proficiency in ELA moved +10.0 pp, within noise" in v.sentence
    assert "0 groups rose and 0 fell beyond noise, 1 moved within noise" in v.sentence


def test_readiness_finds_schools_that_crossed_the_threshold():
    rows = [
        ("S1", dt.date(2023, 4, 1), 6, 4, False),
        ("S1", dt.date(2024, 4, 1), 9, 1, True),
        ("S2", dt.date(2024, 4, 1), 9, 1, True),
    ]
    votes = pl.DataFrame(
        [
            {
                "school_id": s,
                "school_name": f"School {s}",
                "network": "N",
                "level": "high",
                "vote_date": d,
                "year_start": d.year - 1,
                "question": "Ready?",
                "votes_ready": r,
                "votes_not_yet": n,
                "votes_abstain": 0,
                "eligible_voters": 12,
                "threshold_pct": 80.0,
                "turnout_pct": 100.0 * (r + n) / 12,
                "pct_ready_of_cast": 100.0 * r / (r + n),
                "passed": p,
                "suppressed": False,
                "suppression_reason": None,
            }
            for s, d, r, n, p in rows
        ]
    )
    v = readiness.readiness(votes)
    assert v.frames["crossed"]["School"].to_list() == ["School S1"]
    assert v.frames["latest"]["label"].to_list() == ["90% ready: passed", "90% ready: passed"]
    assert v.sentence.startswith("2 of 2 schools passed their latest vote; 1 has crossed")
    # the trend draws one school against the spread: by default the first that crossed
    assert v.extra["highlight"] == "S1" and v.frames["trend"]["highlight"].to_list() == [60.0, 90.0]


def test_a_schools_latest_vote_on_a_day_of_two_questions_is_the_same_everywhere():
    # S1 voted on two questions on its latest date, in the file's order "Ready to expand?" (9 of 10) then
    # "Ready for the model?" (5 of 10): the latest vote is the question first in alphabetical order, the model
    rows = [
        ("S1", dt.date(2024, 4, 1), "Ready to expand?", 9, 1),
        ("S1", dt.date(2024, 4, 1), "Ready for the model?", 5, 5),
        ("S1", dt.date(2023, 4, 1), "Ready for the model?", 2, 8),
        ("S2", dt.date(2024, 3, 1), "Ready?", 8, 2),
    ]
    votes = pl.DataFrame(
        [
            {
                "school_id": s,
                "school_name": f"School {s}",
                "network": "N",
                "level": "high",
                "vote_date": d,
                "year_start": d.year - 1,
                "question": q,
                "votes_ready": r,
                "votes_not_yet": n,
                "votes_abstain": 0,
                "eligible_voters": 12,
                "threshold_pct": 80.0,
                "turnout_pct": 100.0 * (r + n) / 12,
                "pct_ready_of_cast": 100.0 * r / (r + n),
                "passed": 100.0 * r / (r + n) >= 80,
                "suppressed": False,
                "suppression_reason": None,
            }
            for s, d, q, r, n in rows
        ]
    )
    for frame in (votes, votes.reverse()):  # whatever order the rows come in
        latest = latest_votes(frame).sort("school_id")
        assert latest.select("school_id", "question", "pct_ready_of_cast").rows() == [
            ("S1", "Ready for the model?", 50.0),
            ("S2", "Ready?", 80.0),
        ]
        v = readiness.readiness(frame)
        assert v.frames["latest"].select("school_id", "label").rows() == [
            ("S2", "80% ready: passed"),
            ("S1", "50% ready: not yet"),
        ]
        assert "1 school voted on more than one question on its latest date" in v.notes["latest"]
        assert v.sentence.startswith("1 of 2 schools passed their latest vote")


def test_culture_states_n_and_association_not_cause():
    s = summary(
        [
            {
                "school_id": f"S{i}",
                "school_name": f"S{i}",
                "school_year": "2025-26",
                "cpl_consistency_pct": x,
                "all_students_change_pp": y,
            }
            for i, (x, y) in enumerate([(50.0, 1.0), (70.0, 3.0), (90.0, 5.0), (60.0, None)])
        ]
    )
    v = culture.culture(s, "CPL consistency (% of team-weeks with a meeting)")
    assert v.frames["scatter"].height == 3
    assert "n = 3 schools" in v.titles["scatter"]
    assert "r = 1.00" in v.sentence and "association, not cause" in v.sentence


def test_template_is_the_canonical_header():
    assert data.template_csv("schools") == b"school_id,school_name,level,network,enrollment\n"


def test_grid_config_is_versioned_and_its_band_is_the_setting():
    from dashboard.store.settings import SETTINGS

    g = status_grid.load_grid()
    assert g.version and len(g.status_names) == 5 and len(g.change_names) == 5
    assert g.maintained_band_pp == SETTINGS["maintained_band_pp"].default
    # edges: a level starts at its cut; +-band is no longer Maintained; +-significant is Significantly
    assert [g.status_level(x) for x in (24.9, 25.0, 39.9, 40.0, 70.0)] == [0, 1, 1, 2, 4]
    band, big = g.maintained_band_pp, g.significant_pp
    assert [g.change_level(x) for x in (-big, -band, -band + 0.01, 0, band - 0.01, band, big)] == [0, 1, 2, 2, 2, 3, 4]


def test_status_change_grid_places_groups_and_leaves_withheld_ones_out():
    g = status_grid.load_grid()
    c = cells(
        [
            ("S1", "N", 2024, "All Students", 100, 50),
            ("S1", "N", 2025, "All Students", 100, 58),
            ("S2", "N", 2024, "All Students", 100, 30),
            ("S2", "N", 2025, "All Students", 100, 29),
            ("S2", "N", 2024, "Tiny", 12, 6),
            ("S2", "N", 2025, "Tiny", 8, 4),
        ]
    )
    v = status_grid.status_change_grid(c, T, "ELA", g)
    placed = {
        (r["School"], r["Student group"]): (r["Status"], r["Change"], r["Performance level (1-5)"])
        for r in v.frames["placed"].iter_rows(named=True)
    }
    # S1: 58% (High: 55-<70), +8 pp (Increased Significantly: >= 5); S2: 29% (Low), -1 pp (Maintained)
    assert placed == {
        ("School S1", "All Students"): ("High", "Increased Significantly", g.performance[3][4]),
        ("School S2", "All Students"): ("Low", "Maintained", g.performance[1][2]),
    }
    grid = v.frames["grid"]
    assert grid.height == 25 and grid["count"].sum() == 2
    assert v.extra["left_out"] == 1 and "1 withheld group (small or coded, this year or last) is not" in v.notes["grid"]
    # S1's +8 pp and S2's -1 pp, of 100 tested each, both lie within noise (the intervals hold zero)
    assert f"version {g.version}" in v.notes["grid"]
    assert "n = 2 groups placed" in v.titles["grid"] and "2025-26" in v.titles["grid"]
    assert "2 of 2 placed groups changed within noise" in v.notes["grid"]
    assert "<b>1</b> (1 within noise)" in " ".join(grid["label"].to_list())
    only = status_grid.status_change_grid(c, T, "ELA", g, group="All Students", school="S2")
    assert only.frames["grid"]["count"].sum() == 1 and only.extra["left_out"] == 0
    assert "All Students at each school, School S2" in only.titles["grid"]


def test_readiness_spread_of_many_schools_by_hand():
    # 2024-25: four schools whose last votes of the year were 40 (after a first vote of 10), 60, 80 and 100.
    # Linear percentiles of [40, 60, 80, 100]: 25th at 40 + 0.75 x 20 = 55, median 70, 75th at 80 + 0.25 x 20 = 85.
    votes = pl.DataFrame(
        {
            "school_id": ["A", "A", "B", "C", "D"],
            "school_name": ["School A", "School A", "School B", "School C", "School D"],
            "school_year": ["2024-25"] * 5,
            "vote_date": [
                dt.date(2024, 10, 1),
                dt.date(2025, 3, 1),
                dt.date(2025, 3, 1),
                dt.date(2025, 3, 2),
                dt.date(2025, 3, 3),
            ],
            "pct_ready_of_cast": [10.0, 40.0, 60.0, 80.0, 100.0],
        }
    )
    expected = pl.DataFrame(
        {
            "school_year": ["2024-25"],
            "q25": [55.0],
            "median": [70.0],
            "q75": [85.0],
            "schools": pl.Series([4], dtype=pl.UInt32),
            "highlight": [40.0],  # school A's last vote of the year, drawn against the spread
        }
    )
    assert_frame_equal(readiness.readiness_spread(votes, "A"), expected, check_dtypes=False)


def _cpl_frames(teams: list[tuple[str, str]]):
    """One meeting on 3 Sep 2024 per (school, team), and its team-year cadence row."""
    school = {"school_name": None, "network": "North", "level": "elementary"}
    meetings = pl.DataFrame(
        [
            {
                "school_id": s,
                **school,
                "school_name": f"School {s}",
                "team": t,
                "team_type": "grade_level",
                "year_start": 2024,
                "meeting_date": dt.date(2024, 9, 3),
                "duration_minutes": 45,
                "attendees": 5,
                "protocol": None,
            }
            for s, t in teams
        ],
        schema=tables.CPL_MEETING_SCHEMA,
    )
    cadence = pl.DataFrame(
        [
            {
                "school_id": s,
                "school_name": f"School {s}",
                "network": "North",
                "level": "elementary",
                "team": t,
                "team_type": "grade_level",
                "year_start": 2024,
                "meetings": 1,
                "minutes": 45,
                "minutes_per_month": 45.0,
                "attendance_rate": None,
                "weeks_with_meeting": 1,
                "school_weeks": 1,
                "consistency_pct": 100.0,
                "longest_gap_weeks": 0,
            }
            for s, t in teams
        ],
        schema_overrides={"attendance_rate": pl.Float64},
    )
    return meetings, cadence


def test_cpl_team_pickers_list_a_schools_teams_not_thousands(monkeypatch):
    monkeypatch.setattr(cpl, "TEAM_PICK_MAX", 2)
    meetings, cadence = _cpl_frames([("S1", "Grade 3 Team"), ("S1", "Grade 9 Team"), ("S2", "Grade 3 Team")])
    everyone = cpl.cpl_detail(meetings, cadence, "2024-25")
    assert everyone.extra["team_keys"] == []
    assert everyone.notes["pair"].startswith("3 teams met in 2024-25 in all schools: choose a school")
    one = cpl.cpl_detail(meetings, cadence, "2024-25", school="S1")
    assert one.extra["team_keys"] == ["Grade 3 Team (School S1)", "Grade 9 Team (School S1)"]
    assert (one.extra["team_a"], one.extra["team_b"]) == ("Grade 3 Team (School S1)", "Grade 9 Team (School S1)")
    pair = cpl.cpl_pair(meetings, cadence, "2024-25", one.extra["team_a"], one.extra["team_b"])
    assert sorted(pair.frames["pair"]["key"].to_list()) == one.extra["team_keys"]
    assert pair.frames["pair"]["minutes"].to_list() == [45, 45]


def test_a_charts_data_table_names_columns_for_people_and_leaves_out_working_ones():
    frame = pl.DataFrame(
        {
            "school_name": ["Adams", "Baker"],
            "year_start": [2024, 2024],
            "school_year": ["2024-25", "2024-25"],
            "student_group": ["English Learners", "Students with Disabilities"],
            "pct_proficient": [None, 41.5],
            "withheld": [True, False],
            "suppressed": [True, False],
            "reason": ["small_n", None],
            "_all_pct": [50.0, 60.0],
            "label": ["n<10", "41.5%"],
            "% proficient 2024-25": [None, 41.5],
        }
    )
    expected = pl.DataFrame(
        {
            "School": ["Adams", "Baker"],
            "School year": ["2024-25", "2024-25"],
            "Student group": ["English Learners", "Students with Disabilities"],
            "% proficient": [None, 41.5],
            "Withheld": [True, False],
            "Withheld because": ["too few to show", None],
            "Shown on the chart": ["n<10", "41.5%"],
            "% proficient 2024-25": [None, 41.5],
        }
    )
    assert_frame_equal(common.data_table(frame), expected)
    # a year without its school year label keeps the year; a month's first day goes where the month is named
    assert common.data_table(pl.DataFrame({"year_start": [2024]})).columns == ["School year starting"]
    assert common.data_table(pl.DataFrame({"month": ["Sep 2024"], "month_start": [dt.date(2024, 9, 1)]})).columns == [
        "Month"
    ]


def test_a_withheld_note_says_in_words_why_a_second_group_is_withheld():
    # one withheld row of each kind: the note names each with what is printed in its place, in one pair of brackets
    df = pl.DataFrame(
        {"label": ["Group A 2025-26", "Group B 2025-26", "Shown 2025-26"], "reason": ["small_n", "complementary", None]}
    )
    assert common.withheld_note(df, "label", "reason", T) == (
        "Withheld, not drawn: Group A 2025-26 (n<10); "
        "Group B 2025-26 (* withheld so a small group cannot be worked out)"
    )
