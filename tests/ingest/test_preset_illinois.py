"""The Illinois Report Card preset (mappings/illinois_report_card.toml) on a realistic workbook made here in the
layout of ISBE's Report Card Public Data Set, 2019-2023 (sheet "ELA Math Science": one row per school, district and
the state, with Type, RCDTS, School Name and District, then a column per subject, group and measure; the headers as
public code that reads these workbooks names them). A wide file is stacked into one row per school, subject and
group (``dashboard.ingest.wide``). Expected figures are read off the rows written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from helpers import ROOT

from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import schema

PRESET = ROOT / "mappings" / "illinois_report_card.toml"
TODAY = dt.date(2025, 7, 1)
HEADER = [
    "RCDTS", "Type", "School Name", "District", "City", "County", "School Type",
    "# ELA Proficiency", "% ELA Proficiency", "# ELA Student Participation", "% ELA Student Participation",
    "# ELA Proficiency - EL", "% ELA Proficiency - EL", "# ELA Participation - EL", "% ELA Participation - EL",
    "% ELA Proficiency - White", "% ELA Proficiency - Black or African American",
    "# Math Proficiency", "% Math Proficiency", "# Math Participation Total Student", "% Math Student Participation",
    "# Math Proficiency - EL", "% Math Proficiency - EL", "# Math Participation - EL", "% Math Participation - EL",
]  # fmt: skip
# per row: RCDTS, Type, name, district, then ELA all (#prof, %prof, #part, %part), ELA EL (4), two rate-only groups,
# Math all (4), Math EL (4); None is a blank cell (ISBE's way of withholding a group of fewer than 10)
ROWS = [
    ["", "Statewide", "", "", 501_000, 36.1, 1_388_000, 95.8, 31_000, 12.0, 258_000, 94.0, 41.2, 17.6,
     391_000, 28.9, 1_352_000, 95.1, 27_000, 10.9, 248_000, 93.6],
    ["150162990250000", "District", "", "City of Chicago SD 299", 40_100, 21.9, 183_000, 92.0, 5_800, 8.1, 71_600,
     90.0, 48.0, 10.0, 31_200, 17.2, 181_400, 91.0, 5_300, 7.5, 70_700, 89.1],
    ["150162990252001", "School", "Alcott Elementary School", "City of Chicago SD 299", 118, 42.1, 280, 97.2,
     9, 15.0, 60, 96.0, 55.0, None, 95, 34.2, 278, 96.5, 7, 11.9, 59, 95.0],
    ["150162990252002", "School", "Banneker Elementary School", "City of Chicago SD 299", 37, 17.5, 211, 94.6,
     None, None, None, None, None, 12.0, 23, 11.0, 209, 93.7, None, None, None, None],
]  # fmt: skip


def workbook(path: Path, rows: list[list], sheet: str = "ELA Math Science", header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    general = book.active
    general.title = "General"
    general.append(["RCDTS", "Type", "School Name", "District", "# Student Enrollment"])
    data = book.create_sheet(sheet)
    data.append(header)
    for row in rows:
        data.append([*row[:4], "Chicago", "Cook", "ELEMENTARY", *row[4:]])
    book.save(path)
    return path


def load(engine, path: Path):
    return load_files(engine, [FileToLoad(path, mapping=PRESET)], user="t", today=TODAY)


def test_a_report_card_workbook_is_stacked_into_one_row_per_school_subject_and_group(engine, tmp_path):
    path = workbook(tmp_path / "2023-Report-Card-Public-Data-Set.xlsx", ROWS)
    result = load(engine, path)
    assert result.ok, [str(p) for p in result.problems]
    # two school rows x four groups, less Banneker's two blank English Learner groups
    assert result.outcomes[0].rows_in_file == 6
    a = schema.achievement.c
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(a.school_id, a.year_start, a.subject, a.student_group, a.grade, a.n_tested, a.n_proficient,
                      a.pct_proficient).order_by(a.school_id, a.subject, a.student_group)
        ).all()  # fmt: skip
        schools = conn.execute(
            sa.select(schema.school.c.school_id, schema.school.c.school_name, schema.school.c.network)
        ).all()
    # the counts are stored; the published rate is kept only for a row without a proficient count
    assert [tuple(r) for r in stored] == [
        ("150162990252001", 2022, "ELA", "All Students", "All", 280, 118, None),
        ("150162990252001", 2022, "ELA", "English Learners", "All", 60, 9, None),
        ("150162990252001", 2022, "Math", "All Students", "All", 278, 95, None),
        ("150162990252001", 2022, "Math", "English Learners", "All", 59, 7, None),
        ("150162990252002", 2022, "ELA", "All Students", "All", 211, 37, None),
        ("150162990252002", 2022, "Math", "All Students", "All", 209, 23, None),
    ]
    assert sorted(tuple(r) for r in schools) == [
        ("150162990252001", "Alcott Elementary School", "City of Chicago SD 299"),
        ("150162990252002", "Banneker Elementary School", "City of Chicago SD 299"),
    ]
    assert any(
        "2 of the 8 stacked rows (2 rows of the file x 4 groups) were blank" in n for n in result.outcomes[0].notes
    )


def test_the_data_page_offers_the_preset_for_the_workbooks_sheet_of_results(engine, tmp_path):
    from dashboard.ingest import presets
    from dashboard.services import mappings
    from dashboard.store import settings as settings_mod

    path = workbook(tmp_path / "2023-Report-Card-Public-Data-Set.xlsx", ROWS)
    with engine.connect() as conn:
        values = settings_mod.load(conn)
    start = mappings.start(engine, values, path.name, path.read_bytes())
    assert start.suggestion is not None and start.suggestion.layout.sheet == "ELA Math Science"
    assert "illinois_report_card" in [p.name for p in presets.fitting(start.suggestion.headers)]


def test_a_bad_cell_of_a_wide_file_is_named_by_its_row_and_its_own_header(engine, tmp_path):
    rows = [r[:] for r in ROWS]
    rows[3][14] = 300  # Banneker's '# Math Proficiency': more proficient than the 209 who took part
    rows[2][8] = "nine"  # Alcott's '# ELA Proficiency - EL'
    result = load(engine, workbook(tmp_path / "2023-Report-Card-Public-Data-Set.xlsx", rows))
    assert not result.ok
    shown = [(p.row, p.column) for p in result.problems]
    # the header is row 1, the state row 2 and the district row 3: Alcott is row 4, Banneker row 5
    assert shown == [(4, "# ELA Proficiency - EL"), (5, "# Math Proficiency")]
    assert "300" in result.problems[1].message and "209" in result.problems[1].message
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.achievement)).scalar() == 0


def test_a_2024_workbook_of_rates_without_counts_is_refused_with_what_it_lacks(engine, tmp_path):
    header = ["RCDTS", "Type", "School Name", "District", "City", "County", "School Type", "% ELA Proficiency",
              "% ELA Student Participation", "% ELA Proficiency - EL", "% ELA Participation - EL"]  # fmt: skip
    rows = [["150162990252001", "School", "Alcott Elementary School", "City of Chicago SD 299", 42.1, 97.2, 15, 96]]
    path = workbook(tmp_path / "2024-Report-Card-Public-Data-Set.xlsx", rows, "ELA Math Science", header)
    result = load(engine, path)
    assert not result.ok
    message = str(result.problems[0])
    assert "'# ELA Student Participation', which is not a header of the file" in message
    assert "stack entry 1 (subject ELA, student_group All Students)" in message
