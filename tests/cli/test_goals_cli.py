"""``district-dashboard goals``, ``notes`` and ``brief`` (CONTRACT.md, Command line and Goals), on the tiny district of
conftest: the CSV columns of ``goals list``, a goal's figures worked out here from the rows loaded, the exit codes,
``--as`` obeying scope and privacy (internal notes never reach the board role), and a break note removing the change
row across it from ``export gains``."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from dashboard.auth import accounts
from dashboard.cli import main
from dashboard.ingest.loader import files_in_directory, load_files

# copied from CONTRACT.md
GOALS_COLUMNS = "name,kind,measure,scope,subject,student_group,baseline_year,baseline,target,target_year,latest_year"
GOALS_COLUMNS += ",latest,expected,status"
NOTES_COLUMNS = "id,date,school_id,kind,internal,text"


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def district(engine, canonical_dir):
    result = load_files(engine, files_in_directory(canonical_dir), user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    for name, role, schools in (
        ("coach1", "coach", ["S1"]),
        ("principal2", "principal", ["S2"]),
        ("member", "board", []),
    ):
        accounts.add(engine, name, role, "a long password 1", schools=schools, by="tester")
    return engine


def run(capsys, engine, *args) -> tuple[int, str, str]:
    code = main([*args, "--db", url_of(engine)])
    out = capsys.readouterr()
    return code, out.out, out.err


def rows_of(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def add_math_goal(capsys, engine, name="S1 math to 70", scope="school:S1"):
    return run(
        capsys, engine, "goals", "add", name, "--measure", "proficiency", "--scope", scope, "--subject", "math",
        "--baseline-year", "2022-23", "--target", "70", "--target-year", "2025-26",
    )  # fmt: skip


def test_goals_add_list_remove_with_the_contracts_columns(district, capsys):
    code, out, err = add_math_goal(capsys, district)
    assert code == 0, err
    code, out, _ = run(capsys, district, "goals", "list")
    header, rows = rows_of(out)
    assert code == 0 and header == GOALS_COLUMNS.split(",")
    (row,) = rows
    # from conftest's rows: S1 Math All Students 66 of 120 in 2022-23, 71 of 118 in 2023-24
    baseline, latest = 100 * 66 / 120, 100 * 71 / 118
    expected = baseline + (70 - baseline) * (2023 - 2022) / (2025 - 2022)
    status = "on_track" if latest - expected >= -1.0 else "off_track"
    assert row == {
        "name": "S1 math to 70",
        "kind": "goal",
        "measure": "proficiency",
        "scope": "school:S1",
        "subject": "Math",  # as the data spells it
        "student_group": "All Students",
        "baseline_year": "2022-23",
        "baseline": f"{baseline:.1f}",
        "target": "70.0",
        "target_year": "2025-26",
        "latest_year": "2023-24",
        "latest": f"{latest:.1f}",
        "expected": f"{expected:.1f}",
        "status": status,
    }
    assert run(capsys, district, "goals", "remove", "S1 math to 70")[0] == 0
    assert rows_of(run(capsys, district, "goals", "list")[1])[1] == []


def test_a_guardrail_and_the_exit_codes(district, capsys):
    code, _, err = run(
        capsys, district, "goals", "add", "S1 floor", "--measure", "proficiency", "--scope", "school:S1",
        "--baseline-year", "2022-23", "--guardrail", "--floor", "58",
    )  # fmt: skip
    assert code == 0, err
    (row,) = rows_of(run(capsys, district, "goals", "list")[1])[1]
    # S1 All Students (every subject: Math only) 71 of 118 in 2023-24, at or above 58: holding
    latest = 100 * 71 / 118
    assert (row["kind"], row["latest"], row["target"]) == ("guardrail", f"{latest:.1f}", "58.0")
    assert row["status"] == ("holding" if latest >= 58 else "breached")
    # a guardrail for a group with no row in its baseline year names no data
    code, _, err = run(
        capsys, district, "goals", "add", "EL floor", "--measure", "proficiency", "--scope", "school:S1", "--group",
        "English Learners", "--baseline-year", "2022-23", "--guardrail", "--floor", "30",
    )  # fmt: skip
    assert code == 1 and "English Learners" in err
    # a goal that names no data: 1, nothing written
    code, _, err = run(
        capsys, district, "goals", "add", "x", "--measure", "proficiency", "--scope", "school:S1", "--group", "Martians",
        "--baseline-year", "2022-23", "--target", "50", "--target-year", "2025-26",
    )  # fmt: skip
    assert code == 1 and "Martians" in err
    assert add_math_goal(capsys, district, "y", scope="school:S9")[0] == 1
    assert add_math_goal(capsys, district, "z", scope="network:Nowhere")[0] == 1
    code, _, err = run(
        capsys, district, "goals", "add", "t", "--measure", "trust_index", "--scope", "district",
        "--baseline-year", "2019-20", "--target", "80", "--target-year", "2025-26",
    )  # fmt: skip
    assert code == 1 and "names no data" in err  # no survey in 2019-20
    # usage: 2
    assert run(capsys, district, "goals", "add", "m", "--measure", "happiness", "--scope", "district",
               "--baseline-year", "2022-23", "--target", "5", "--target-year", "2025-26")[0] == 2  # fmt: skip
    assert run(capsys, district, "goals", "add", "m", "--measure", "trust_index", "--scope", "district",
               "--baseline-year", "2022-23", "--guardrail", "--floor", "5", "--target", "9")[0] == 2  # fmt: skip
    assert run(capsys, district, "goals", "add", "m", "--measure", "trust_index", "--scope", "district",
               "--baseline-year", "2022-23", "--target", "80", "--target-year", "2021-22")[0] == 2  # fmt: skip
    assert add_math_goal(capsys, district, "S1 floor")[0] == 2  # the name is taken
    assert run(capsys, district, "goals", "remove", "no such goal")[0] == 2
    assert run(capsys, district, "goals", "list", "--as", "nobody")[0] == 2
    assert [r["name"] for r in rows_of(run(capsys, district, "goals", "list")[1])[1]] == ["S1 floor"]


def test_goals_list_as_an_account_obeys_its_scope(district, capsys):
    assert add_math_goal(capsys, district, "S1 goal")[0] == 0
    assert run(
        capsys, district, "goals", "add", "S2 ELA", "--measure", "proficiency", "--scope", "school:S2",
        "--baseline-year", "2023-24", "--target", "70", "--target-year", "2026-27",
    )[0] == 0  # fmt: skip
    assert run(
        capsys, district, "goals", "add", "District trust", "--measure", "trust_index", "--scope", "district",
        "--baseline-year", "2022-23", "--target", "80", "--target-year", "2026-27",
    )[0] == 0  # fmt: skip
    assert run(
        capsys, district, "goals", "add", "North CPL", "--measure", "cpl_consistency", "--scope", "network:North",
        "--baseline-year", "2023-24", "--target", "90", "--target-year", "2026-27",
    )[0] == 0  # fmt: skip

    def names(*extra):
        code, out, err = run(capsys, district, "goals", "list", *extra)
        assert code == 0, err
        return {r["name"] for r in rows_of(out)[1]}

    everything = {"S1 goal", "S2 ELA", "District trust", "North CPL"}
    assert names() == everything
    assert names("--as", "member") == everything  # the board reads every school's goals
    assert names("--as", "coach1") == {"S1 goal"}  # not the district's, not North's (S2 is in North too)
    assert names("--as", "principal2") == {"S2 ELA"}
    # the figures a coach reads are the district's own for that goal, never another school's
    (coach_row,) = rows_of(run(capsys, district, "goals", "list", "--as", "coach1")[1])[1]
    (all_row,) = [r for r in rows_of(run(capsys, district, "goals", "list")[1])[1] if r["name"] == "S1 goal"]
    assert coach_row == all_row


def test_notes_internal_never_reach_the_board_and_a_break_removes_the_change_row(district, capsys, tmp_path):
    gains = tmp_path / "gains.csv"
    assert run(capsys, district, "export", "gains", "--out", str(gains))[0] == 0
    before = rows_of(gains.read_text(encoding="utf-8"))[1]
    assert [(r["school_id"], r["school_year"], r["prior_year"]) for r in before] == [("S1", "2023-24", "2022-23")]
    code, _, err = run(capsys, district, "notes", "add", "--date", "2023-08-28", "--school", "S1", "--internal",
                       "Coach", "on", "leave")  # fmt: skip
    assert code == 0, err
    assert run(capsys, district, "notes", "add", "--date", "2023-09-05", "--school", "S1", "--kind", "leadership",
               "New principal")[0] == 0  # fmt: skip
    header, notes = rows_of(run(capsys, district, "notes", "list")[1])
    assert header == NOTES_COLUMNS.split(",")
    assert [(n["date"], n["school_id"], n["kind"], n["internal"], n["text"]) for n in notes] == [
        ("2023-08-28", "S1", "event", "true", "Coach on leave"),
        ("2023-09-05", "S1", "leadership", "false", "New principal"),
    ]
    assert [n["text"] for n in rows_of(run(capsys, district, "notes", "list", "--as", "member")[1])[1]] == [
        "New principal"
    ]
    assert len(rows_of(run(capsys, district, "notes", "list", "--as", "coach1")[1])[1]) == 2
    assert run(capsys, district, "notes", "add", "--date", "2023-09-05", "--kind", "weather", "Snow")[0] == 2
    assert run(capsys, district, "notes", "add", "--date", "2023-09-05", "--school", "S9", "x")[0] == 2
    # a break dated in 2023-24 for the district: no change row from 2022-23 to 2023-24 anywhere
    assert (
        run(capsys, district, "notes", "add", "--date", "2023-08-15", "--kind", "break", "State test changed")[0] == 0
    )
    assert run(capsys, district, "export", "gains", "--out", str(gains))[0] == 0
    assert rows_of(gains.read_text(encoding="utf-8"))[1] == []
    # removed, the change row is back (and the stored school summary follows both ways)
    break_id = next(n["id"] for n in rows_of(run(capsys, district, "notes", "list")[1])[1] if n["kind"] == "break")
    assert run(capsys, district, "notes", "remove", break_id)[0] == 0
    assert run(capsys, district, "export", "gains", "--out", str(gains))[0] == 0
    assert len(rows_of(gains.read_text(encoding="utf-8"))[1]) == 1


def test_brief_for_an_account_covers_only_its_schools(district, capsys, tmp_path):
    out = tmp_path / "brief.pdf"
    code, _, err = run(capsys, district, "brief", "--school", "S1", "--year", "2023-24", "--out", str(out),
                          "--as", "coach1")  # fmt: skip
    assert code == 0, err
    reader = PdfReader(str(out))
    assert 1 <= len(reader.pages) <= 2
    assert "Alder Elementary" in reader.pages[0].extract_text()
    code, _, err = run(capsys, district, "brief", "--school", "S2", "--year", "2023-24", "--out", str(out),
                       "--as", "coach1")  # fmt: skip
    assert code == 2 and "S2" in err
    assert run(capsys, district, "brief", "--school", "S1", "--year", "2023", "--out", str(out))[0] == 1
