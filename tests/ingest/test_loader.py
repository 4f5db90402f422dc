"""Loading files: every kind of bad input is reported as the contract's error lines and writes nothing; good input
is loaded idempotently, corrections replace named rows (kept in history), and ``--replace-years`` removes what a
re-release no longer has.

Expected figures are worked out here from the rows each test writes (or from the CANONICAL_* texts in conftest).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import CANONICAL_FILES, CANONICAL_SCHOOLS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import schema

TODAY = dt.date(2025, 6, 30)
ACH_HEADER = "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
CPL_HEADER = "school_id,meeting_date,team,duration_minutes,attendees\n"
TRUST_HEADER = "school_id,school_year,facet,mean_score,pct_favorable,n_respondents,response_rate\n"


# --------------------------------------------------------------------------------------------------- helpers
def load(engine, path, source=None, mapping=None, *, replace_years=False, today=TODAY):
    items = [FileToLoad(Path(path), source, Path(mapping) if mapping else None)]
    return load_files(engine, items, replace_years=replace_years, user="t", today=today)


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def rows(engine, table: str, order: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY {order}')).all()]


def select(engine, sql, **params) -> list[tuple]:
    """Rows of a query (SQL text, or a Core select where typed values such as dates matter)."""
    statement = sa.text(sql) if isinstance(sql, str) else sql
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(statement, params).all()]


def assert_line(line: str, file: Path, row: int | None, column: str | None, *words: str) -> None:
    """``line`` is ``FILE:ROW: COLUMN: message`` (or ``FILE: message``) and the message holds every word."""
    if row is None:
        prefix = f"{file}: " + (f"{column}: " if column else "")
    else:
        prefix = f"{file}:{row}: {column}: "
    assert line.startswith(prefix), f"{line!r} does not start with {prefix!r}"
    message = line[len(prefix) :]
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def rejected(engine, snapshot, path, source=None, mapping=None, *, today=TODAY) -> list[str]:
    """Load a file that must be rejected: nothing is written; returns the error lines."""
    before = snapshot(engine)
    result = load(engine, path, source, mapping, today=today)
    assert result.ok is False
    assert result.outcomes == []
    assert result.problems, "a rejected load says why"
    assert snapshot(engine) == before, "a rejected load wrote something"
    return [str(p) for p in result.problems]


@pytest.fixture
def district(engine, canonical_dir):
    """The engine, holding the tiny canonical district of conftest."""
    result = load_files(engine, [FileToLoad(canonical_dir / name) for name in CANONICAL_FILES], user="t", today=TODAY)
    assert result.ok, [str(p) for p in result.problems]
    return engine


def _csv_records(text: str) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO(text)) if r][1:]


# --------------------------------------------------------------------------------------------------- the fixture itself
def test_canonical_district_loads_every_row(district):
    expected = {"school": 3, "cpl_meeting": 4, "trust_score": 4, "readiness_vote": 2, "achievement": 5}
    for name, text in zip(expected, CANONICAL_FILES.values(), strict=False):
        assert len(_csv_records(text)) == expected[name]
        assert select(district, f"SELECT count(*) FROM {name}") == [(expected[name],)]
    assert select(district, "SELECT school_id, school_name, level, network, enrollment FROM school ORDER BY 1") == [
        ("S1", "Alder Elementary", "elementary", "North", 410),
        ("S2", "Birch Middle", "middle", "North", 620),
        ("S3", "Cedar High", "high", "South", 1150),
    ]
    # derived columns: 2023-09-12 is a Tuesday in the school year starting July 2023; 2024-01-16 too (2023-24)
    cpl = schema.cpl_meeting.c
    assert select(district, sa.select(cpl.meeting_date, cpl.year_start, cpl.week_start).order_by(cpl.meeting_date)) == [
        (dt.date(2023, 9, 12), 2023, dt.date(2023, 9, 11)),
        (dt.date(2023, 9, 19), 2023, dt.date(2023, 9, 18)),
        (dt.date(2023, 10, 3), 2023, dt.date(2023, 10, 2)),
        (dt.date(2024, 1, 16), 2023, dt.date(2024, 1, 15)),
    ]
    assert select(district, "SELECT count(*), min(year_start), max(year_start) FROM achievement") == [(5, 2022, 2023)]
    assert select(district, "SELECT count(*), sum(rows_inserted), sum(schools_created) FROM import_log") == [(5, 18, 0)]


# --------------------------------------------------------------------------------------------------- bad input
def test_missing_required_column(district, snapshot, tmp_path):
    path = write(
        tmp_path,
        "achievement.csv",
        "school_id,school_year,subject,student_group,n_proficient\nS1,2023-24,Math,Asian,5\n",
    )
    [line] = rejected(district, snapshot, path)
    assert_line(
        line,
        path,
        None,
        None,
        "missing required column n_tested",
        "achievement",
        "'school_id', 'school_year', 'subject', 'student_group', 'n_proficient'",
    )


def test_text_in_a_number_column(district, snapshot, tmp_path):
    path = write(
        tmp_path, "cpl_meetings.csv", CPL_HEADER + "S1,2024-01-09,Grade 3,45,5\nS1,2024-01-10,Grade 3,forty,5\n"
    )
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 3, "duration_minutes", "'forty'", "not a whole number")


def test_negative_count(district, snapshot, tmp_path):
    path = write(tmp_path, "achievement.csv", ACH_HEADER + "S1,2023-24,Math,Asian,All,-5,0\n")
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 2, "n_tested", "'-5'", "negative")


def test_n_proficient_above_n_tested(district, snapshot, tmp_path):
    path = write(
        tmp_path, "achievement.csv", ACH_HEADER + "S1,2023-24,Math,Asian,All,10,9\nS2,2023-24,Math,Asian,All,10,12\n"
    )
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 3, "n_proficient", "n_proficient (12)", "more than", "n_tested (10)")


def test_percent_above_100(district, snapshot, tmp_path):
    path = write(tmp_path, "trust_scores.csv", TRUST_HEADER + "S1,2024-25,overall,4.0,120,20,90\n")
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 2, "pct_favorable", "'120'", "above 100")


def test_duplicate_key_within_a_file(district, snapshot, tmp_path):
    # rows 2, 4 and 5 share a key once normalised: 2023-2024 is 2023-24 and a blank grade is the default 'All'
    path = write(
        tmp_path,
        "achievement.csv",
        ACH_HEADER
        + "S1,2023-24,Math,Asian,All,20,10\n"
        + "S1,2023-24,ELA,Asian,All,20,11\n"
        + "S1,2023-24,Math,Asian,All,21,12\n"
        + "S1,2023-2024,Math,Asian,,22,13\n",
    )
    lines = rejected(district, snapshot, path)
    assert len(lines) == 2
    key = "school_id, school_year, subject, student_group, grade"
    assert_line(lines[0], path, 4, key, "duplicate of row 2")
    assert_line(lines[1], path, 5, key, "duplicate of row 2")


def test_unknown_school_without_school_name(district, snapshot, tmp_path):
    path = write(tmp_path, "cpl_meetings.csv", CPL_HEADER + "S1,2024-01-09,Grade 3,45,5\nS9,2024-01-09,Grade 3,45,5\n")
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 3, "school_id", "unknown school 'S9'", "school_name")


def test_bad_dates(district, snapshot, tmp_path):
    path = write(
        tmp_path,
        "cpl_meetings.csv",
        CPL_HEADER + "S1,2024-02-31,Grade 3,45,5\nS1,31/02/2024,Grade 4,45,5\n" + "S1,2024-02-29,Grade 5,45,5\n",
    )  # 2024 is a leap year: row 4 is fine
    lines = rejected(district, snapshot, path)
    assert len(lines) == 2
    assert_line(lines[0], path, 2, "meeting_date", "'2024-02-31'", "not a date")
    assert_line(lines[1], path, 3, "meeting_date", "'31/02/2024'", "not a date")


def test_future_date(district, snapshot, tmp_path):
    path = write(
        tmp_path,
        "readiness_votes.csv",
        "school_id,vote_date,votes_ready,votes_not_yet,eligible_voters\nS1,2025-06-30,10,2,14\nS1,2025-07-01,10,2,14\n",
    )
    [line] = rejected(district, snapshot, path, today=dt.date(2025, 6, 30))
    assert_line(line, path, 3, "vote_date", "'2025-07-01'", "in the future", "2025-06-30")


def test_empty_file(district, snapshot, tmp_path):
    path = write(tmp_path, "schools.csv", b"")
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, None, None, "empty")


def test_header_only(district, snapshot, tmp_path):
    path = write(tmp_path, "schools.csv", "school_id,school_name\n\n,\n")  # a header, a blank line, a blank record
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, None, None, "header but no data rows")


LATIN1_SCHOOLS = "school_id,school_name,network\nS4,École Saint-Éloi,Est\n"


def test_wrong_encoding_then_a_mapping_that_declares_it(district, snapshot, tmp_path):
    path = write(tmp_path, "schools.csv", LATIN1_SCHOOLS.encode("latin-1"))
    [line] = rejected(district, snapshot, path)
    # 'É' is 0xC9 in Latin-1, on the file's second line
    assert_line(line, path, None, None, "not UTF-8", "0xc9", "line 2", "`encoding`")

    mapping = write(tmp_path, "latin1.toml", 'source = "schools"\nencoding = "latin-1"\n')
    result = load(district, path, mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert result.outcomes[0].rows_inserted == 1
    assert select(district, "SELECT school_name, network FROM school WHERE school_id = 'S4'") == [
        ("École Saint-Éloi", "Est")
    ]


def test_utf16_file_then_a_mapping_that_declares_it(district, snapshot, tmp_path):
    path = write(tmp_path, "schools.csv", LATIN1_SCHOOLS.encode("utf-16"))
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, None, None, "UTF-16", "`encoding`")

    mapping = write(tmp_path, "utf16.toml", 'source = "schools"\nencoding = "utf-16"\n')
    result = load(district, path, mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert select(district, "SELECT school_name FROM school WHERE school_id = 'S4'") == [("École Saint-Éloi",)]


def test_a_png_named_csv(district, snapshot, tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    path = write(tmp_path, "achievement.csv", png)
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, None, None, "not a CSV or XLSX", "PNG")


def test_semicolon_delimited_file(district, snapshot, tmp_path):
    path = write(tmp_path, "schools.csv", "school_id;school_name\nS4;Dogwood Academy\n")
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 1, "(header)", "';'", "delimiter")

    mapping = write(tmp_path, "semicolon.toml", 'source = "schools"\ndelimiter = ";"\n')
    result = load(district, path, mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert select(district, "SELECT school_name FROM school WHERE school_id = 'S4'") == [("Dogwood Academy",)]


def _xlsx(path: Path, rows_by_number: dict[int, list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, values in rows_by_number.items():
        for col, value in enumerate(values, start=1):
            sheet.cell(row=number, column=col, value=value)
    workbook.save(path)
    return path


def test_xlsx_with_a_formula_cell(district, snapshot, tmp_path):
    header = ACH_HEADER.strip().split(",")
    path = _xlsx(
        tmp_path / "achievement.xlsx",
        {
            1: header,
            2: ["S1", "2023-24", "Math", "Asian", "All", 20, 10],
            3: ["S1", "2023-24", "ELA", "Asian", "All", 20, "=F3/2"],
        },
    )
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 3, "n_proficient", "formula", "=F3/2", "values")


def test_all_errors_of_a_file_are_collected(district, snapshot, tmp_path):
    # The header's last cell holds a quoted line break (still spreadsheet row 1); row 3 is a blank line, row 5 holds a
    # quoted line break (one row in a spreadsheet, two lines in the file), row 6 is all commas.
    text = (
        'school_id,meeting_date,team,duration_minutes,attendees,"Notes\n(free text)"\n'  # row 1
        "S1,2024-01-09,Grade 3,45,5,ok\n"  # row 2
        "\n"  # row 3
        "S1,2024-01-10,Grade 4,forty,5,x\n"  # row 4: duration_minutes
        'S2,2024-13-01,Math,50,4,"two\nlines"\n'  # row 5: meeting_date
        ",,,,,\n"  # row 6
        "S9,2024-01-11,Math,50,4,\n"  # row 7: school_id
        "S3,2024-01-12,Science,50,-2,\n"  # row 8: attendees
    )
    path = write(tmp_path, "cpl_meetings.csv", text)
    lines = rejected(district, snapshot, path)
    assert len(lines) == 4, lines
    assert_line(lines[0], path, 4, "duration_minutes", "'forty'", "not a whole number")
    assert_line(lines[1], path, 5, "meeting_date", "'2024-13-01'", "not a date")
    assert_line(lines[2], path, 7, "school_id", "unknown school 'S9'")
    assert_line(lines[3], path, 8, "attendees", "'-2'", "negative")


def test_xlsx_row_numbers_with_rows_above_the_header(district, snapshot, tmp_path):
    header = ACH_HEADER.strip().split(",")
    path = _xlsx(
        tmp_path / "export.xlsx",
        {
            1: ["State assessment export, school year 2023-24"],
            # row 2 left empty
            3: header,
            4: ["S1", "2023-24", "Science", "Asian", "All", 20, 10],
            # row 5 left empty
            6: ["S2", "2023-24", "Science", "Asian", "All", 18, 7],
            7: ["S3", "2023-24", "Science", "Asian", "All", "many", 7],
            8: ["S3", "2023-24", "Science", "White", "All", 30, 31],
        },
    )
    mapping = write(tmp_path, "header3.toml", 'source = "achievement"\nheader_row = 3\n')
    lines = rejected(district, snapshot, path, mapping=mapping)
    assert len(lines) == 2, lines
    assert_line(lines[0], path, 7, "n_tested", "'many'", "not a whole number")
    assert_line(lines[1], path, 8, "n_proficient", "n_proficient (31)", "n_tested (30)")


def test_csv_header_row_from_a_mapping(district, snapshot, tmp_path):
    text = (
        "Exported 2024-06-30\n\n"
        + ACH_HEADER
        + "S1,2023-24,Science,Asian,All,20,10\n\nS2,2023-24,Science,Asian,All,x,1\n"
    )
    path = write(tmp_path, "export.csv", text)
    mapping = write(tmp_path, "header3.toml", 'source = "achievement"\nheader_row = 3\n')
    [line] = rejected(district, snapshot, path, mapping=mapping)
    assert_line(line, path, 6, "n_tested", "'x'")


# --------------------------------------------------------------------------------------------------- good input
def test_loading_the_same_files_twice_changes_nothing(district, snapshot, canonical_dir):
    before = snapshot(district)
    result = load_files(district, [FileToLoad(canonical_dir / name) for name in CANONICAL_FILES], user="t", today=TODAY)
    assert result.ok
    assert len(result.outcomes) == 5
    for outcome in result.outcomes:
        assert (outcome.rows_inserted, outcome.rows_replaced, outcome.rows_removed) == (0, 0, 0)
        assert outcome.schools_created == [] and outcome.import_id is None
    assert snapshot(district) == before


def test_a_corrected_file_replaces_the_rows_it_names(district, tmp_path):
    [(original,)] = select(district, "SELECT id FROM import_log WHERE source = 'achievement'")
    # S1 2023-24 Math All Students: 71 -> 73 proficient; S2 unchanged; S3 Math is new
    path = write(
        tmp_path,
        "achievement.csv",
        ACH_HEADER
        + "S1,2023-24,Math,All Students,All,118,73\n"
        + "S2,2023-24,ELA,All Students,All,200,112\n"
        + "S3,2023-24,Math,All Students,All,290,150\n",
    )
    result = load(district, path)
    assert result.ok
    [outcome] = result.outcomes
    assert (outcome.rows_inserted, outcome.rows_replaced, outcome.rows_removed) == (1, 1, 0)
    assert outcome.import_id is not None
    got = select(
        district,
        "SELECT school_id, year_start, subject, student_group, n_tested, n_proficient, import_id "
        "FROM achievement ORDER BY 1, 2, 3, 4",
    )
    assert got == [
        ("S1", 2022, "Math", "All Students", 120, 66, original),
        ("S1", 2023, "Math", "All Students", 118, 73, outcome.import_id),
        ("S1", 2023, "Math", "English Learners", 24, 9, original),
        ("S2", 2023, "ELA", "All Students", 200, 112, original),
        ("S3", 2023, "ELA", "All Students", 300, 190, original),
        ("S3", 2023, "Math", "All Students", 290, 150, outcome.import_id),
    ]
    history = select(
        district,
        "SELECT changed_by_import, school_id, year_start, subject, student_group, grade, "
        "n_tested, n_proficient, import_id FROM achievement_history",
    )
    assert history == [(outcome.import_id, "S1", 2023, "Math", "All Students", "All", 118, 71, original)]
    assert select(
        district, "SELECT rows_inserted, rows_replaced, rows_removed FROM import_log WHERE id = :i", i=outcome.import_id
    ) == [(1, 1, 0)]


def test_replace_years_removes_rows_the_file_no_longer_has(district, tmp_path):
    # the stored 2023-24 rows: S1 Math All, S1 Math EL, S2 ELA All, S3 ELA All; 2022-23: S1 Math All.
    text = ACH_HEADER + "S1,2023-24,Math,All Students,All,118,71\nS2,2023-24,ELA,All Students,All,200,112\n"
    path = write(tmp_path, "achievement.csv", text)
    plain = load(district, path)  # without --replace-years nothing is removed (and nothing differs)
    assert plain.ok and plain.outcomes[0].rows_removed == 0 and not plain.outcomes[0].changed
    assert select(district, "SELECT count(*) FROM achievement") == [(5,)]

    result = load(district, path, replace_years=True)
    assert result.ok
    [outcome] = result.outcomes
    assert (outcome.rows_inserted, outcome.rows_replaced, outcome.rows_removed) == (0, 0, 2)
    assert select(
        district, "SELECT school_id, year_start, subject, student_group FROM achievement ORDER BY 1, 2, 3, 4"
    ) == [
        ("S1", 2022, "Math", "All Students"),  # another year: kept
        ("S1", 2023, "Math", "All Students"),
        ("S2", 2023, "ELA", "All Students"),
    ]
    assert select(
        district,
        "SELECT changed_by_import, school_id, student_group, n_tested, n_proficient "
        "FROM achievement_history ORDER BY 2",
    ) == [
        (outcome.import_id, "S1", "English Learners", 24, 9),
        (outcome.import_id, "S3", "All Students", 300, 190),
    ]


def test_a_file_with_school_name_creates_schools(district, tmp_path):
    path = write(
        tmp_path,
        "cpl_meetings.csv",
        "school_id,school_name,level,network,meeting_date,team,duration_minutes,attendees\n"
        "S4,Dogwood K-8,K-8,East,2024-03-05,Grade 6,40,5\n"
        "S4,Dogwood K-8,K-8,East,2024-03-12,Grade 6,40,6\n"
        "S5,Elm High,high school,,2024-03-05,Math,50,7\n"
        "S1,Someone Else,,,2024-03-05,Grade 3,45,5\n",
    )  # a known school keeps its own name
    result = load(district, path)
    assert result.ok, [str(p) for p in result.problems]
    [outcome] = result.outcomes
    assert sorted(outcome.schools_created) == ["S4", "S5"]
    assert outcome.rows_inserted == 4
    [(schools_import,)] = select(district, "SELECT id FROM import_log WHERE source = 'schools'")
    assert select(district, "SELECT school_id, school_name, level, network, import_id FROM school ORDER BY 1") == [
        ("S1", "Alder Elementary", "elementary", "North", schools_import),
        ("S2", "Birch Middle", "middle", "North", schools_import),
        ("S3", "Cedar High", "high", "South", schools_import),
        ("S4", "Dogwood K-8", "k8", "East", outcome.import_id),
        ("S5", "Elm High", "high", None, outcome.import_id),
    ]
    assert select(district, "SELECT schools_created FROM import_log WHERE id = :i", i=outcome.import_id) == [(2,)]


def test_a_new_schools_level_is_checked_like_the_schools_files(district, snapshot, tmp_path):
    path = write(
        tmp_path,
        "cpl_meetings.csv",
        "school_id,school_name,level,meeting_date,team,duration_minutes,attendees\n"
        "S4,Dogwood K-8,K-8,2024-03-05,Grade 6,40,5\n"
        "S5,Elm College,college,2024-03-05,Math,50,7\n",
    )
    [line] = rejected(district, snapshot, path)
    assert_line(line, path, 3, "level", "'college'", "not one of", "elementary")


def test_suppression_markers_are_stored_as_null_with_the_marker(district, tmp_path):
    path = write(
        tmp_path,
        "achievement.csv",
        ACH_HEADER
        + "S1,2023-24,Science,Asian,All,*,*\n"
        + "S1,2023-24,Science,White,All,N/A,N/A\n"
        + "S1,2023-24,Science,Hispanic/Latino,All,40,< 5.0%\n"
        + "S1,2023-24,Science,Multi-Racial,All,12,0\n",
    )  # a real zero stays a zero
    result = load(district, path)
    assert result.ok, [str(p) for p in result.problems]
    got = select(
        district,
        "SELECT student_group, n_tested, n_proficient, pct_proficient, publisher_marker "
        "FROM achievement WHERE subject = 'Science' ORDER BY 1",
    )
    assert got == [
        ("Asian", None, None, None, "*"),
        ("Hispanic/Latino", 40, None, None, "< 5.0%"),
        ("Multi-Racial", 12, 0, None, None),
        ("White", None, None, None, "N/A"),
    ]
    trust = write(
        tmp_path, "trust_scores.csv", TRUST_HEADER + "S2,2024-25,overall,*,,3,\nS3,2024-25,overall,N/A,N/A,N/A,N/A\n"
    )
    result = load(district, trust)
    assert result.ok, [str(p) for p in result.problems]
    assert select(
        district,
        "SELECT school_id, mean_score, pct_favorable, n_respondents, response_rate, publisher_marker "
        "FROM trust_score WHERE year_start = 2024 ORDER BY 1",
    ) == [
        ("S2", None, None, 3, None, "*"),
        ("S3", None, None, None, None, "N/A"),
    ]


def test_school_year_2018_2019_and_percent_signs(district, tmp_path):
    path = write(
        tmp_path,
        "trust_scores.csv",
        TRUST_HEADER + "S1,2018-2019,overall,3.8,75%,20,80 %\n" + "S2,2018-19,overall,,62.5%,25,90\n",
    )
    result = load(district, path)
    assert result.ok, [str(p) for p in result.problems]
    assert select(
        district,
        "SELECT school_id, year_start, wave, respondent_group, facet, mean_score, scale_max, "
        "pct_favorable, response_rate FROM trust_score WHERE year_start < 2020 ORDER BY 1",
    ) == [
        ("S1", 2018, "spring", "all_staff", "overall", 3.8, 5.0, 75.0, 80.0),
        ("S2", 2018, "spring", "all_staff", "overall", None, 5.0, 62.5, 90.0),
    ]


def test_blank_lines_are_skipped(district, tmp_path):
    text = "school_id,school_name\n\nS4,Dogwood\n,\n   ,  \n\nS5,Elm\n\n"
    path = write(tmp_path, "schools.csv", text)
    result = load(district, path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.outcomes[0].rows_in_file == 2 and result.outcomes[0].rows_inserted == 2
    assert select(district, "SELECT school_id, school_name FROM school WHERE school_id > 'S3' ORDER BY 1") == [
        ("S4", "Dogwood"),
        ("S5", "Elm"),
    ]


def test_utf8_bom_and_a_header_with_a_line_break_are_read(district, tmp_path):
    # headers are matched after trimming and folding line breaks: "  School\nName " is the mapping's "School Name"
    text = '\ufeffschool_id,"  School\nName "\nS4,Dogwood\n'
    path = write(tmp_path, "schools.csv", text)
    mapping = write(tmp_path, "names.toml", 'source = "schools"\n[columns]\nschool_name = "School Name"\n')
    result = load(district, path, mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert select(district, "SELECT school_name FROM school WHERE school_id = 'S4'") == [("Dogwood",)]


def test_a_directory_load_is_one_transaction(engine, snapshot, tmp_path, capsys):
    directory = tmp_path / "bad_district"
    directory.mkdir()
    write(directory, "schools.csv", CANONICAL_SCHOOLS)
    write(
        directory,
        "achievement.csv",
        ACH_HEADER + "S1,2023-24,Math,All Students,All,118,71\nS2,2023-24,Math,All Students,All,x,5\n",
    )
    before = snapshot(engine)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["load", str(directory), "--db", url, "--user", "t"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert_line(err[0], directory / "achievement.csv", 3, "n_tested", "'x'", "not a whole number")
    assert err[1:] == ["rejected: 1 problem; nothing was written"]
    assert snapshot(engine) == before
    assert select(engine, "SELECT count(*) FROM school") == [(0,)]  # schools.csv was fine, and still not written

    write(directory, "achievement.csv", ACH_HEADER + "S1,2023-24,Math,All Students,All,118,71\n")
    assert main(["load", str(directory), "--db", url, "--user", "t"]) == 0
    assert select(engine, "SELECT count(*) FROM school") == [(3,)]
    assert select(engine, "SELECT count(*) FROM achievement") == [(1,)]


# --------------------------------------------------------------------------------------------------- command line
def test_cli_exit_codes_and_messages(engine, canonical_dir, tmp_path, capsys, snapshot):
    url = engine.url.render_as_string(hide_password=False)
    assert main(["load", str(canonical_dir), "--db", url, "--user", "t"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5
    assert out[0].startswith(f"{canonical_dir / 'schools.csv'}: schools, 3 rows: 3 inserted, 0 replaced, 0 removed")
    assert out[4].startswith(f"{canonical_dir / 'achievement.csv'}: achievement, 5 rows: 5 inserted")

    before = snapshot(engine)
    bad = write(
        tmp_path, "achievement.csv", ACH_HEADER + "S1,2023-24,Math,Asian,All,10,12\nS1,2023-24,ELA,Asian,All,ten,1\n"
    )
    assert main(["load", str(bad), "--db", url]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert_line(err[0], bad, 2, "n_proficient", "n_proficient (12)", "more than n_tested (10)")
    assert_line(err[1], bad, 3, "n_tested", "'ten'", "not a whole number")
    assert err[2] == "rejected: 2 problems; nothing was written"

    odd = write(tmp_path, "whatever.csv", "school_id,school_name\nS4,Dogwood\n")
    assert main(["load", str(odd), "--db", url]) == 1  # cannot tell the source from this name
    [line, _] = capsys.readouterr().err.splitlines()
    assert_line(line, odd, None, None, "--source")
    assert snapshot(engine) == before

    assert main(["load", str(odd), "--source", "nonsense", "--db", url]) == 2
    assert "--source must be one of" in capsys.readouterr().err
    assert main(["load", str(canonical_dir), "--source", "schools", "--db", url]) == 2
    assert "directory" in capsys.readouterr().err
    empty_dir = tmp_path / "nothing_here"
    empty_dir.mkdir()
    assert main(["load", str(empty_dir), "--db", url]) == 2
    assert "no canonical files" in capsys.readouterr().err
    assert main(["load"]) == 2  # argparse: the path is required
    assert "required" in capsys.readouterr().err
    assert snapshot(engine) == before

    assert main(["load", str(odd), "--source", "schools", "--db", url]) == 0
    assert "1 inserted" in capsys.readouterr().out
    assert select(engine, "SELECT school_name FROM school WHERE school_id = 'S4'") == [("Dogwood",)]


def test_cli_refuses_an_uninitialised_database(tmp_path, canonical_dir, capsys):
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    assert main(["load", str(canonical_dir), "--db", url]) == 2
    assert "district-dashboard init" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------------- never raises
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_never_raise(engine, tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    result = load(engine, path, source="cpl")
    assert result.ok or (result.problems and result.outcomes == [])
    for problem in result.problems:
        assert str(problem).startswith(f"{path}:")


CELL_TEXT = st.text(alphabet=st.sampled_from(list(',"\n\r ;*%-/.:0123456789aSZé')), max_size=200)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=CELL_TEXT, header=st.sampled_from([CPL_HEADER, "school_id,meeting_date,team\n", "", '"a\n",b,\n']))
def test_random_text_with_commas_quotes_and_newlines_never_raises(engine, tmp_path, body, header):
    path = tmp_path / "random.csv"
    path.write_text(header + body, encoding="utf-8", newline="")
    result = load(engine, path, source="cpl")
    assert result.ok or (result.problems and result.outcomes == [])
    for problem in result.problems:
        assert re.match(rf"{re.escape(str(path))}(:\d+)?: ", str(problem))
