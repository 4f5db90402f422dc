"""Tests of the fictional-district generator (dashboard.sample.generator).

Every expected figure is computed here, independently, from the CSV files the generator wrote.
"""

import csv
import datetime as dt
import itertools
import math
import re

import polars as pl
import pytest

from dashboard.sample.generator import write_sample

FILES = {
    "schools.csv": ["school_id", "school_name", "level", "network", "enrollment"],
    "cpl_meetings.csv": [
        "school_id",
        "meeting_date",
        "team",
        "team_type",
        "duration_minutes",
        "attendees",
        "team_size",
        "protocol",
        "focus",
    ],
    "trust_scores.csv": [
        "school_id",
        "school_year",
        "wave",
        "respondent_group",
        "facet",
        "mean_score",
        "scale_max",
        "pct_favorable",
        "n_respondents",
        "response_rate",
    ],
    "readiness_votes.csv": [
        "school_id",
        "vote_date",
        "question",
        "votes_ready",
        "votes_not_yet",
        "votes_abstain",
        "eligible_voters",
        "threshold_pct",
    ],
    "achievement.csv": ["school_id", "school_year", "subject", "student_group", "grade", "n_tested", "n_proficient"],
}
NATURAL_KEYS = {
    "schools.csv": ["school_id"],
    "cpl_meetings.csv": ["school_id", "meeting_date", "team"],
    "trust_scores.csv": ["school_id", "school_year", "wave", "respondent_group", "facet"],
    "readiness_votes.csv": ["school_id", "vote_date", "question"],
    "achievement.csv": ["school_id", "school_year", "subject", "student_group", "grade"],
}
DEFAULT_YEARS = ["2022-23", "2023-24", "2024-25", "2025-26"]
RACE_GROUPS = [
    "American Indian/Alaska Native",
    "Asian",
    "Black/African American",
    "Hispanic/Latino",
    "Multi-Racial",
    "Pacific Islander",
    "White",
]
OTHER_GROUPS = ["All Students", "English Learners", "Students with Disabilities", "Economically Disadvantaged"]
TEAM_TYPES = {"grade_level", "cross_grade", "content", "role_alike", "community_of_practice", "whole_staff"}
FACETS = {"benevolence", "honesty", "openness", "reliability", "competence"}
LAST_DAY = dt.date(2026, 6, 30)


def _read(directory, file_name: str) -> pl.DataFrame:
    """Read a written file with every column as text, then parse the numeric and date columns."""
    frame = pl.read_csv(directory / file_name, infer_schema=False)
    integer_columns = {
        "enrollment",
        "duration_minutes",
        "attendees",
        "team_size",
        "scale_max",
        "n_respondents",
        "votes_ready",
        "votes_not_yet",
        "votes_abstain",
        "eligible_voters",
        "threshold_pct",
        "n_tested",
        "n_proficient",
    }
    float_columns = {"mean_score", "pct_favorable", "response_rate"}
    date_columns = {"meeting_date", "vote_date"}
    return frame.with_columns(
        [pl.col(c).cast(pl.Int64) for c in frame.columns if c in integer_columns]
        + [pl.col(c).cast(pl.Float64) for c in frame.columns if c in float_columns]
        + [pl.col(c).str.to_date("%Y-%m-%d") for c in frame.columns if c in date_columns]
    )


def _school_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@pytest.fixture(scope="module")
def default_sample(tmp_path_factory):
    """The default district, written once for the module: (directory, returned counts)."""
    directory = tmp_path_factory.mktemp("sample")
    return directory, write_sample(directory)


@pytest.fixture(scope="module")
def tables(default_sample):
    directory, _ = default_sample
    return {file_name: _read(directory, file_name) for file_name in FILES}


def test_files_headers_and_returned_counts(default_sample):
    directory, counts = default_sample
    assert list(counts) == list(FILES)
    for file_name, columns in FILES.items():
        with open(directory / file_name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == columns, file_name
        assert counts[file_name] == len(rows) - 1 > 0, file_name
        assert all(len(row) == len(columns) for row in rows), file_name


@pytest.mark.parametrize("file_name", list(NATURAL_KEYS))
def test_natural_keys_are_unique(tables, file_name):
    frame = tables[file_name]
    keys = NATURAL_KEYS[file_name]
    assert frame.select(keys).unique().height == frame.height
    assert frame.select(pl.any_horizontal(pl.col(keys).is_null()).any()).item() is False


def test_every_file_names_known_schools(tables):
    school_ids = set(tables["schools.csv"]["school_id"])
    for file_name in NATURAL_KEYS:
        assert set(tables[file_name]["school_id"]) == school_ids, file_name


def test_schools(tables):
    schools = tables["schools.csv"]
    assert schools["school_id"].to_list() == [f"S{i:03d}" for i in range(1, 25)]
    assert schools["school_name"].n_unique() == 24
    suffix = r"(Elementary|Middle School|High School|K-8 School|Academy)"
    assert all(re.fullmatch(rf"[A-Z][A-Za-z ]+ {suffix}( \d+)?", name) for name in schools["school_name"])
    assert set(schools["level"]) <= {"elementary", "middle", "high", "k8"}
    network_sizes = schools.group_by("network").len()["len"]
    assert network_sizes.min() >= 4 and network_sizes.max() <= 6
    assert all(name.endswith(" Network") for name in schools["network"])
    assert schools["enrollment"].min() > 0


def test_years_and_dates(tables):
    for file_name in ("trust_scores.csv", "achievement.csv"):
        assert sorted(tables[file_name]["school_year"].unique()) == DEFAULT_YEARS
    for file_name, column in (("cpl_meetings.csv", "meeting_date"), ("readiness_votes.csv", "vote_date")):
        days = tables[file_name][column]
        assert days.min() >= dt.date(2022, 7, 1) and days.max() <= LAST_DAY
        assert {_school_year_of(day) for day in days} == set(DEFAULT_YEARS)
        assert days.dt.weekday().max() <= 5, "a school day is Monday to Friday"


def test_cpl_meetings(tables):
    cpl = tables["cpl_meetings.csv"]
    assert set(cpl["team_type"]) <= TEAM_TYPES
    assert {"grade_level", "community_of_practice"} <= set(cpl["team_type"])
    assert cpl["duration_minutes"].min() >= 30 and cpl["duration_minutes"].max() <= 90
    assert cpl["team_size"].min() >= 4 and cpl["team_size"].max() <= 14
    assert (cpl["attendees"] <= cpl["team_size"]).all() and cpl["attendees"].min() >= 1
    blank_protocol = cpl["protocol"].is_null() | (cpl["protocol"] == "")
    assert 0 < blank_protocol.sum() < cpl.height / 2, "some meetings record no protocol"
    assert cpl["protocol"].filter(~blank_protocol).n_unique() >= 4
    assert all(focus.startswith("How might we") and focus.endswith("?") for focus in cpl["focus"])
    months = set(cpl["meeting_date"].dt.month())
    assert not months & {7}, "no meetings in July"
    teams = cpl.group_by("school_id").agg(
        teams=pl.col("team").n_unique(),
        communities=pl.col("team").filter(pl.col("team_type") == "community_of_practice").n_unique(),
    )
    assert teams["teams"].min() >= 3 and teams["teams"].max() <= 6
    assert (teams["communities"] == 1).all()
    # A team keeps one team type and one size.
    per_team = cpl.group_by("school_id", "team").agg(pl.col("team_type").n_unique(), pl.col("team_size").n_unique())
    assert (per_team["team_type"] == 1).all() and (per_team["team_size"] == 1).all()


def test_cpl_has_a_gap_of_three_school_weeks(tables):
    """School weeks are the Monday-based weeks of a school year in which any team met (the contract's definition)."""
    cpl = tables["cpl_meetings.csv"].with_columns(
        week=pl.col("meeting_date").dt.truncate("1w"),
        school_year=pl.col("meeting_date").map_elements(_school_year_of, return_dtype=pl.String),
    )
    school_weeks = {year: sorted(group["week"].unique()) for (year,), group in cpl.group_by("school_year")}
    longest_gap = 0
    for (_, _, year), group in cpl.group_by("school_id", "team", "school_year"):
        index = {week: position for position, week in enumerate(school_weeks[year])}
        positions = sorted(index[week] for week in group["week"].unique())
        for earlier, later in itertools.pairwise(positions):
            longest_gap = max(longest_gap, later - earlier - 1)
    assert longest_gap >= 3


def test_cpl_consistency_varies_between_schools(tables):
    cpl = tables["cpl_meetings.csv"].with_columns(week=pl.col("meeting_date").dt.truncate("1w"))
    school_weeks = cpl["week"].n_unique()
    consistency = (
        cpl.group_by("school_id", "team")
        .agg(share=pl.col("week").n_unique() / school_weeks)
        .group_by("school_id")
        .agg(pl.col("share").mean())["share"]
    )
    assert consistency.max() >= 0.8, "some schools meet most weeks"
    assert consistency.min() <= 0.6, "some schools meet irregularly"


def test_trust_scores(tables):
    trust = tables["trust_scores.csv"]
    assert set(trust["facet"]) == FACETS
    assert set(trust["wave"]) == {"spring"}
    assert set(trust["respondent_group"]) == {"all_staff", "teachers", "support_staff"}
    assert (trust["scale_max"] == 5).all()
    assert trust["mean_score"].min() >= 1 and trust["mean_score"].max() <= 5
    assert trust["pct_favorable"].min() >= 0 and trust["pct_favorable"].max() <= 100
    assert trust["response_rate"].min() >= 0 and trust["response_rate"].max() <= 100
    assert trust["n_respondents"].min() >= 1
    assert trust.select(pl.corr("mean_score", "pct_favorable")).item() > 0.9
    assert trust.filter(pl.col("n_respondents").is_in([3, 4])).height > 0, "small staff results exist"
    assert trust.filter(pl.col("response_rate") < 50).height > 0, "low-response results exist"
    # Every school reports all five facets for all staff every year.
    all_staff = trust.filter(pl.col("respondent_group") == "all_staff")
    assert all_staff.height == 24 * len(DEFAULT_YEARS) * len(FACETS)


def test_readiness_votes(tables):
    votes = tables["readiness_votes.csv"]
    cast = votes["votes_ready"] + votes["votes_not_yet"] + votes["votes_abstain"]
    assert (cast <= votes["eligible_voters"]).all()
    assert (votes["votes_ready"] + votes["votes_not_yet"]).min() >= 1
    assert set(votes["threshold_pct"]) == {67, 80}
    assert (votes["threshold_pct"] == 80).sum() > (votes["threshold_pct"] == 67).sum()
    assert votes["eligible_voters"].min() < 5, "a very small school or programme votes"
    assert set(votes["vote_date"].dt.month()) <= {3, 4, 5}
    per_school_year = (
        votes.with_columns(school_year=pl.col("vote_date").map_elements(_school_year_of, return_dtype=pl.String))
        .group_by("school_id")
        .agg(pl.col("school_year").n_unique())
    )
    assert per_school_year["school_year"].min() < len(DEFAULT_YEARS), "some schools skip a year"
    assert per_school_year["school_year"].max() == len(DEFAULT_YEARS)


def test_at_least_three_schools_cross_the_readiness_threshold(tables):
    votes = tables["readiness_votes.csv"].sort("school_id", "vote_date")
    crossed = 0
    for _, group in votes.group_by("school_id"):
        shares = [
            100 * ready / (ready + not_yet)
            for ready, not_yet in zip(group["votes_ready"], group["votes_not_yet"], strict=False)
        ]
        thresholds = group["threshold_pct"].to_list()
        if shares[0] < thresholds[0] and any(s >= t for s, t in zip(shares[1:], thresholds[1:], strict=False)):
            crossed += 1
    assert crossed >= 3


GRADES_BY_LEVEL = {"elementary": {"3", "4", "5"}, "middle": {"6", "7", "8"}, "high": {"11"}, "k8": set("345678")}


def test_achievement_integrity(tables):
    every = tables["achievement.csv"]
    assert (every["n_proficient"] <= every["n_tested"]).all()
    achievement = every.filter(pl.col("grade") == "All")
    assert set(achievement["subject"]) == {"ELA", "Math"}
    assert set(achievement["student_group"]) <= set(RACE_GROUPS + OTHER_GROUPS)
    assert (achievement["n_proficient"] <= achievement["n_tested"]).all()
    assert achievement["n_proficient"].min() >= 0 and achievement["n_tested"].min() >= 1
    cell = ["school_id", "school_year", "subject"]
    totals = achievement.filter(pl.col("student_group") == "All Students").select(
        *cell, all_tested="n_tested", all_proficient="n_proficient"
    )
    race_sums = (
        achievement.filter(pl.col("student_group").is_in(RACE_GROUPS))
        .group_by(cell)
        .agg(pl.col("n_tested").sum(), pl.col("n_proficient").sum())
    )
    joined = totals.join(race_sums, on=cell, how="full", coalesce=True)
    assert joined.height == totals.height == 24 * len(DEFAULT_YEARS) * 2
    assert (joined["n_tested"] == joined["all_tested"]).all()
    assert (joined["n_proficient"] == joined["all_proficient"]).all()


def test_grade_rows_by_school_level_add_up_to_the_all_rows(tables):
    """Beside its All rows, each school reports the grades its level tests (3-5, 6-8, 11, K-8: 3-8); the grade rows
    of All Students and of every race group add up to the All row exactly, in students and proficient students; a
    programme group's students too, and its proficient students wherever its grades allow."""
    achievement = tables["achievement.csv"]
    levels = dict(tables["schools.csv"].select("school_id", "level").iter_rows())
    graded = achievement.filter(pl.col("grade") != "All")
    for school_id, grades in graded.group_by("school_id").agg(pl.col("grade").unique()).iter_rows():
        assert set(grades) == GRADES_BY_LEVEL[levels[school_id]], school_id
    cell = ["school_id", "school_year", "subject", "student_group"]
    sums = graded.group_by(cell).agg(pl.col("n_tested").sum().alias("t"), pl.col("n_proficient").sum().alias("p"))
    joined = achievement.filter(pl.col("grade") == "All").join(sums, on=cell, how="left")
    assert (joined["t"] == joined["n_tested"]).all()
    exact = joined.filter(pl.col("student_group").is_in(["All Students", *RACE_GROUPS]))
    assert (exact["p"] == exact["n_proficient"]).all()
    assert (joined["p"] <= joined["n_proficient"]).all()
    assert joined.filter(pl.col("p") == pl.col("n_proficient")).height >= 0.98 * joined.height
    # a grade's programme group is among its students, and its proficient among theirs
    alls = graded.filter(pl.col("student_group") == "All Students").select(
        "school_id", "school_year", "subject", "grade", all_t="n_tested", all_p="n_proficient"
    )
    within = graded.join(alls, on=["school_id", "school_year", "subject", "grade"])
    assert ((within["n_tested"] <= within["all_t"]) & (within["n_proficient"] <= within["all_p"])).all()
    # cohorts to follow: grade 4 of a year has grade 3 of the year before at the same school, and so on
    keys = set(graded.select("school_id", "school_year", "grade").unique().iter_rows())
    followed = [
        (school_id, year, grade)
        for school_id, year, grade in keys
        if year != DEFAULT_YEARS[0]
        and (school_id, DEFAULT_YEARS[DEFAULT_YEARS.index(year) - 1], str(int(grade) - 1)) in keys
    ]
    # every school but a high school (one tested grade) has a grade below each of its grades but its first (a small
    # school's grade may test nobody in a year)
    expected = sum(len(GRADES_BY_LEVEL[level]) - 1 for level in levels.values()) * (len(DEFAULT_YEARS) - 1)
    assert 0.95 * expected <= len(followed) <= expected


def test_achievement_exercises_suppression(tables):
    achievement = tables["achievement.csv"].with_columns(pct=100 * pl.col("n_proficient") / pl.col("n_tested"))
    assert achievement.filter(pl.col("n_tested") < 10).height > 0
    assert achievement.filter(pl.col("n_tested") <= 7).height > 0
    extreme = achievement.filter(
        (pl.col("n_tested") >= 1) & (pl.col("n_tested") < 40) & ((pl.col("pct") <= 5) | (pl.col("pct") >= 95))
    )
    assert extreme.height > 0, "small groups with rates near 0% or 100% (top and bottom coding)"


def test_trust_change_goes_with_student_group_gains(tables):
    first, last = DEFAULT_YEARS[0], DEFAULT_YEARS[-1]
    trust = tables["trust_scores.csv"].filter(pl.col("respondent_group") == "all_staff")
    trust_mean = trust.group_by("school_id", "school_year").agg(pl.col("mean_score").mean())
    trust_change = (
        trust_mean.filter(pl.col("school_year") == first)
        .join(trust_mean.filter(pl.col("school_year") == last), on="school_id", suffix="_last")
        .select("school_id", change=pl.col("mean_score_last") - pl.col("mean_score"))
    )
    achievement = tables["achievement.csv"].with_columns(pct=100 * pl.col("n_proficient") / pl.col("n_tested"))
    gains = (
        achievement.filter(pl.col("school_year") == first)
        .join(
            achievement.filter(pl.col("school_year") == last),
            on=["school_id", "subject", "student_group", "grade"],
            suffix="_last",
        )
        .filter((pl.col("n_tested") >= 10) & (pl.col("n_tested_last") >= 10))
        .group_by("school_id")
        .agg(gain=(pl.col("pct_last") - pl.col("pct")).mean())
    )
    paired = trust_change.join(gains, on="school_id").sort("school_id")
    assert paired.height >= 20
    xs, ys = paired["change"].to_list(), paired["gain"].to_list()
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=False))
    correlation = covariance / math.sqrt(sum((x - mean_x) ** 2 for x in xs) * sum((y - mean_y) ** 2 for y in ys))
    assert correlation > 0.3
    # Both directions are in the story: some schools' trust rises, some falls.
    assert min(xs) < -0.1 and max(xs) > 0.1


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path, default_sample):
    directory, _ = default_sample
    write_sample(tmp_path / "again")
    write_sample(tmp_path / "other", seed=7)
    for file_name in FILES:
        original = (directory / file_name).read_bytes()
        assert (tmp_path / "again" / file_name).read_bytes() == original, file_name
        assert (tmp_path / "other" / file_name).read_bytes() != original, file_name


def test_larger_district_shapes_and_keys(tmp_path):
    counts = write_sample(tmp_path, schools=200, years=3, seed=11, last_year_start=2024)
    tables = {file_name: _read(tmp_path, file_name) for file_name in FILES}
    for file_name, frame in tables.items():
        assert frame.columns == FILES[file_name]
        assert frame.height == counts[file_name]
        assert frame.select(NATURAL_KEYS[file_name]).unique().height == frame.height, file_name
    schools = tables["schools.csv"]
    assert schools["school_id"].to_list() == [f"S{i:03d}" for i in range(1, 201)]
    assert schools["school_name"].n_unique() == 200
    assert 30 <= schools["network"].n_unique() <= 50
    assert sorted(tables["trust_scores.csv"]["school_year"].unique()) == ["2022-23", "2023-24", "2024-25"]
    assert tables["cpl_meetings.csv"]["meeting_date"].max() <= dt.date(2025, 6, 30)
    assert counts["cpl_meetings.csv"] > 200 * 3 * 3 * 15, "several teams a school meeting most weeks"


def test_thousands_of_schools_get_wider_ids_and_unique_names(tmp_path):
    write_sample(tmp_path, schools=2000, years=1)
    schools = _read(tmp_path, "schools.csv")
    assert schools["school_id"][0] == "S0001" and schools["school_id"][-1] == "S2000"
    assert schools["school_name"].n_unique() == 2000
    assert schools["network"].n_unique() <= 50


def test_rejects_an_empty_district(tmp_path):
    with pytest.raises(ValueError):
        write_sample(tmp_path, schools=0)
