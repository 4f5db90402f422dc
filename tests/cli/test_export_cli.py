"""``district-dashboard export`` (CONTRACT.md, Command line and Computed tables): the CSV has exactly the contract's
columns in order, text that a spreadsheet would run as a formula is neutralised while numbers stay numbers,
``--min-n`` may raise the threshold but never lower it, and the sample district goes through sample -> load ->
export for every table."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.ingest.loader import files_in_directory, load_files

# copied from CONTRACT.md, "Computed tables"
CONTRACT_COLUMNS = {
    "gains": "school_id, school_name, subject, student_group, grade, school_year, prior_year, n_tested, "
    "prior_n_tested, pct_proficient, prior_pct_proficient, change_pp, change_relative_pct, gap_to_all_pp, "
    "prior_gap_to_all_pp, gap_change_pp, ci_low, ci_high, suppressed, suppression_reason, change_ci_low, "
    "change_ci_high, change_signal",
    "cohort_growth": "school_id, school_name, subject, student_group, school_year, grade, prior_grade, n_tested, "
    "prior_n_tested, pct_proficient, prior_pct_proficient, change_pp, change_ci_low, change_ci_high, change_signal, "
    "suppressed, suppression_reason",
    "trust_change": "school_id, school_name, wave, respondent_group, facet, school_year, prior_year, mean_score, "
    "prior_mean_score, change, pct_favorable, n_respondents, response_rate, low_response, suppressed, "
    "suppression_reason",
    "cpl_cadence": "school_id, school_name, team, team_type, school_year, meetings, minutes, minutes_per_month, "
    "attendance_rate, weeks_with_meeting, school_weeks, consistency_pct, longest_gap_weeks",
    "readiness": "school_id, school_name, vote_date, question, votes_ready, votes_not_yet, votes_abstain, "
    "eligible_voters, turnout_pct, pct_ready_of_cast, pct_ready_of_eligible, threshold_pct, passed, "
    "suppressed, suppression_reason",
    "levels": "school_id, school_name, network, level, subject, student_group, grade, school_year, n_tested, "
    "n_proficient, pct_proficient, ci_low, ci_high, suppressed, suppression_reason",
    # `basis` appended: whether the rollup sums every school of its membership
    "rollups": "rollup, network, level, subject, student_group, grade, school_year, prior_year, schools, n_tested, "
    "n_proficient, pct_proficient, prior_pct_proficient, change_pp, change_ci_low, change_ci_high, change_signal, "
    "gap_to_all_pp, gap_change_pp, suppressed, suppression_reason, basis",
    "school_summary": "school_id, school_name, network, level, school_year, trust_index, trust_index_change, "
    "cpl_consistency_pct, cpl_minutes_per_month, readiness_pct_ready, readiness_passed, "
    "all_students_pct_proficient, all_students_change_pp, groups_declined, attention",
}
CONTRACT_COLUMNS = {name: cols.split(", ") for name, cols in CONTRACT_COLUMNS.items()}
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
    "change_ci_low",
    "change_ci_high",
    "change_signal",
]


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def load(engine: sa.Engine, directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    result = load_files(engine, files_in_directory(directory), user="tester")
    assert result.ok, [str(p) for p in result.problems]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def one(rows: list[dict], **key) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in key.items())]
    assert len(found) == 1, f"{len(found)} rows match {key}"
    return found[0]


def test_export_gains_columns_and_formula_cells(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        {
            "schools.csv": """
            school_id,school_name,level,network
            S1,"=HYPERLINK(""x"")",elementary,North
        """,
            "achievement.csv": """
            school_id,school_year,subject,student_group,grade,n_tested,n_proficient
            S1,2023-24,Math,All Students,All,100,50
            S1,2024-25,Math,All Students,All,500,234
            S1,2023-24,Math,@Home Learners,All,40,20
            S1,2024-25,Math,@Home Learners,All,40,22
        """,
        },
    )
    out = tmp_path / "gains.csv"
    assert main(["export", "gains", "--out", str(out), "--db", url_of(engine)]) == 0
    header, rows = read_csv(out)
    assert header == CONTRACT_COLUMNS["gains"]
    assert len(rows) == 2
    everyone = one(rows, student_group="All Students")
    assert everyone["school_name"] == '\'=HYPERLINK("x")'  # text that would run as a formula: apostrophe first
    assert one(rows, student_group="'@Home Learners")["school_id"] == "S1"
    # a negative number is written as a number, not neutralised
    assert not everyone["change_pp"].startswith("'")
    assert float(everyone["change_pp"]) == pytest.approx(100 * 234 / 500 - 100 * 50 / 100, abs=1e-4)  # -3.2
    assert float(everyone["gap_to_all_pp"]) == 0
    assert everyone["suppressed"] == "false" and everyone["suppression_reason"] == ""
    assert (everyone["school_year"], everyone["prior_year"]) == ("2024-25", "2023-24")


def test_export_min_n_raises_never_lowers(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        {
            "schools.csv": """
            school_id,school_name
            S1,Alpha Elementary
        """,
            "achievement.csv": """
            school_id,school_year,subject,student_group,grade,n_tested,n_proficient
            S1,2023-24,Math,All Students,All,100,50
            S1,2024-25,Math,All Students,All,100,55
            S1,2023-24,Math,Female,All,15,6
            S1,2024-25,Math,Female,All,15,9
        """,
        },
    )
    url = url_of(engine)
    default, raised, lowered = tmp_path / "default.csv", tmp_path / "raised.csv", tmp_path / "lowered.csv"
    assert main(["export", "gains", "--out", str(default), "--db", url]) == 0
    female = one(read_csv(default)[1], student_group="Female")
    assert female["suppressed"] == "false"
    assert float(female["change_pp"]) == pytest.approx(100 * 9 / 15 - 100 * 6 / 15, abs=1e-4)

    assert main(["export", "gains", "--out", str(raised), "--db", url, "--min-n", "20"]) == 0
    rows = read_csv(raised)[1]
    female = one(rows, student_group="Female")  # 15 tested < 20
    assert female["suppressed"] == "true" and female["suppression_reason"] == "small_n"
    assert all(female[f] == "" for f in GAINS_FIGURES)
    assert one(rows, student_group="All Students")["suppressed"] == "false"  # 100 tested

    assert main(["export", "gains", "--out", str(lowered), "--db", url, "--min-n", "5"]) == 2
    assert not lowered.exists()
    assert main(["export", "gains", "--out", str(lowered), "--db", url, "--min-n", "10"]) == 0  # equal: allowed


def test_sample_load_export_round_trip(engine, tmp_path):
    url = url_of(engine)
    sample = tmp_path / "sample"
    assert main(["sample", "--out", str(sample)]) == 0
    assert main(["load", str(sample), "--db", url]) == 0
    for name, columns in CONTRACT_COLUMNS.items():
        out = tmp_path / f"{name}.csv"
        assert main(["export", name, "--out", str(out), "--db", url]) == 0, name
        header, rows = read_csv(out)
        assert header == columns, name
        assert rows, name
        if name == "school_summary":
            with open(sample / "schools.csv", newline="", encoding="utf-8") as handle:
                schools = list(csv.DictReader(handle))
            assert len(rows) == len(schools)
            assert sorted(r["school_id"] for r in rows) == sorted(s["school_id"] for s in schools)
        if name == "gains":  # the sample has small groups: some rows are withheld, and those have blank figures
            withheld = [r for r in rows if r["suppressed"] == "true"]
            assert withheld and all(r["suppression_reason"] for r in withheld)
            assert all(r[f] == "" for r in withheld for f in GAINS_FIGURES)
