"""`mapping suggest` (CONTRACT.md): the shipped Oregon and NYC mappings come out of it equivalent, the same rows
loaded with no edits, and so do the same files with their headers renamed (no preset names them): the matching is
general. On the excerpts in tests/fixtures always, and on the whole public files of shared/real_data where present.

"Equivalent" is tested on what a load writes: every row of school, achievement and trust_score (less the import
id) after loading with the shipped mapping, and after loading with the suggested one, in databases of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import FIXTURES, REAL_DATA, ROOT

from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.ingest.mapping_toml import suggestion_toml
from dashboard.ingest.suggest import suggest
from dashboard.store import db, schema

NYC_MAPPING = ROOT / "mappings" / "nyc_school_survey.toml"
OREGON_MAPPING = ROOT / "mappings" / "oregon_assessment_group_reports.toml"
TODAY = dt.date(2025, 1, 1)

# Headers as other publishers write them: synonyms, words in another order, close spellings, and one header that
# names nothing (Oregon's year, found by its values alone). No preset or synonym list holds these as a file's.
OREGON_RENAMED = {
    "Academic Year": "Period",
    "District ID": "District Code",
    "District": "District Name",
    "School ID": "School Code",
    "School": "Name of School",
    "Subject": "Content Area",
    "Student Group": "Subgroup",
    "Grade Level": "Tested Grade",
    "Number Proficient (Level 3 or 4)": "Count Proficient",
    "Number Proficient": "Count Proficient",
    "Percent Proficient (Level 3 or 4)": "% Meeting or Exceeding",
    "Number of Participants": "N Students Assessed",
    "Participation Rate": "Participation %",
}
NYC_RENAMED = {
    "DBN": "School Code",
    "School Type": "Type",
    "School Name": "Name of School",
    "Total Parent \nResponse Rate": "Parent Response %",
    "Total Teacher Response Rate": "Teacher Response %",
    "Total Student Response Rate": "Student Response %",
    "Trust Score": "Trust (mean, 1-5)",
    "Percent Satisfaction: Trust": "Trust: % satisfied",
}


def _renamed_header(header: str, renames: dict[str, str]) -> str:
    if header in renames:
        return renames[header]
    for prefix in ("Percent Satisfaction: ",):  # NYC 2015-16: the other measures of the survey, alike
        if header.startswith(prefix):
            return header.removeprefix(prefix) + ": % satisfied"
    if header.endswith(" Score"):
        return header.removesuffix(" Score") + " (mean, 1-5)"
    if header.startswith("Number Level "):
        return header.removeprefix("Number ") + " Count"
    if header.startswith("Percent Level "):
        return header.removeprefix("Percent ") + " %"
    return header


def rename_csv(path: Path, out: Path) -> Path:
    data = path.read_bytes()
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("mac_roman"), "mac_roman"
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    consumed = text.index("\n", len(",".join(header)) - 1) + 1  # the header's end (a cell holds a line break)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_renamed_header(h, NYC_RENAMED) for h in header])
    out.write_bytes((buffer.getvalue() + text[consumed:]).encode(encoding))
    return out


def rename_xlsx(path: Path, out: Path) -> Path:
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    for cell in sheet[1]:
        if cell.value is not None:
            cell.value = _renamed_header(str(cell.value), OREGON_RENAMED)
    workbook.save(out)
    return out


def stored_rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for table in (schema.school, schema.achievement, schema.trust_score):
            columns = [c for c in table.columns if c.name != "import_id"]
            out[table.name] = sorted(tuple(r) for r in conn.execute(sa.select(*columns)).all())
    return out


def load_all(items: list[FileToLoad], where: Path) -> dict[str, list[tuple]]:
    engine = db.make_engine(f"sqlite:///{where}")
    db.migrate(engine)
    try:
        result = load_files(engine, items, user="t", today=TODAY)
        assert result.ok, [str(p) for p in result.problems[:10]]
        return stored_rows(engine)
    finally:
        engine.dispose()


def suggested(path: Path, tmp: Path) -> Path:
    s = suggest(path)
    assert s.ok, (s.source, s.missing)
    out = tmp / f"{path.stem}.suggested.toml"
    out.write_text(suggestion_toml(s), encoding="utf-8")
    return out


def assert_equivalent(pairs: list[tuple[Path, Path, Path]], tmp: Path) -> None:
    """(file as published, shipped mapping, file to suggest from): the same rows either way."""
    shipped = load_all([FileToLoad(original, mapping=mapping) for original, mapping, _ in pairs], tmp / "shipped.db")
    mine = load_all([FileToLoad(other, mapping=suggested(other, tmp)) for _, _, other in pairs], tmp / "suggested.db")
    for table in shipped:
        assert len(shipped[table]) == len(mine[table]), table
        differ = sorted(set(shipped[table]) ^ set(mine[table]))[:3]
        assert shipped[table] == mine[table], f"{table}: {differ}"


# --------------------------------------------------------------------------------------------------- the excerpts
FIXTURE_FILES = [
    (FIXTURES / "pagr_schools_math_tot_raceethnicity_1819_excerpt.xlsx", OREGON_MAPPING),
    (FIXTURES / "school_survey_2019_excerpt.csv", NYC_MAPPING),
    (FIXTURES / "school_survey_2015_excerpt.csv", NYC_MAPPING),
]


@pytest.mark.parametrize(("path", "mapping"), FIXTURE_FILES, ids=[p.name for p, _ in FIXTURE_FILES])
def test_excerpts_come_out_equivalent(path, mapping, tmp_path):
    assert_equivalent([(path, mapping, path)], tmp_path)


@pytest.mark.parametrize(("path", "mapping"), FIXTURE_FILES, ids=[p.name for p, _ in FIXTURE_FILES])
def test_excerpts_with_headers_renamed_come_out_equivalent(path, mapping, tmp_path):
    (tmp_path / "renamed").mkdir()
    target = tmp_path / "renamed" / path.name  # the same name: the year in it still reads
    other = rename_xlsx(path, target) if path.suffix == ".xlsx" else rename_csv(path, target)
    assert_equivalent([(path, mapping, other)], tmp_path)


def test_the_suggestion_says_how_each_column_was_matched():
    s = suggest(FIXTURES / "pagr_schools_math_tot_raceethnicity_1819_excerpt.xlsx")
    assert s.source == "achievement" and not s.missing
    assert s.columns["n_tested"] == "Number of Participants"
    assert {s.matches[c].confidence for c in ("school_id", "subject", "student_group", "n_tested")} == {"high"}
    assert s.values["subject"] == {"Mathematics": "Math"}
    assert s.values["student_group"] == {
        "American Indian/Alaskan Native": "American Indian/Alaska Native",
        "Total Population (All Students)": "All Students",
    }
    assert {"*", "--", "< 5.0%", "> 95.0%"} <= set(s.markers)
    nyc = suggest(FIXTURES / "school_survey_2015_excerpt.csv")
    assert nyc.layout.encoding == "mac_roman"  # the 0xCA no-break space of "Brooklyn LAB Charter School"
    assert nyc.constants["school_year"] == {"from_file_name": r"school_survey_(?P<end>\d{4})(?!\d)"}
    assert nyc.matches["school_year"].how == "the file's name (2014-15)"
    assert "level" not in nyc.columns  # 'School Type' is not a school level


# --------------------------------------------------------------------------------------------------- the real files
def _real(*parts: str) -> Path:
    path = REAL_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"the public file is not here: {path} is absent (in CI the repo is cloned beside shared/)")
    return path


OREGON = [
    "pagr_schools_ela_raceethnicity_1617.xlsx",
    "pagr_schools_ela_raceethnicity_1718.xlsx",
    "pagr_schools_math_raceethnicity_1718.xlsx",
    "pagr_schools_math_tot_raceethnicity_1819.xlsx",
]
NYC = [f"school_survey_{year}.csv" for year in range(2015, 2020)]


@pytest.mark.realdata
def test_the_real_files_come_out_equivalent(tmp_path):
    pairs = [(p, OREGON_MAPPING, p) for p in (_real("oregon", n) for n in OREGON)]
    pairs += [(p, NYC_MAPPING, p) for p in (_real("nyc_school_survey", n) for n in NYC)]
    assert_equivalent(pairs, tmp_path)


@pytest.mark.realdata
def test_the_real_files_with_headers_renamed_come_out_equivalent(tmp_path):
    (tmp_path / "renamed").mkdir()
    pairs = []
    for name in NYC:
        path = _real("nyc_school_survey", name)
        pairs.append((path, NYC_MAPPING, rename_csv(path, tmp_path / "renamed" / name)))
    path = _real("oregon", OREGON[-1])  # one workbook: rewriting 30 000 rows with openpyxl takes a while
    pairs.append((path, OREGON_MAPPING, rename_xlsx(path, tmp_path / "renamed" / path.name)))
    assert_equivalent(pairs, tmp_path)


# --------------------------------------------------------------------------------------------------- the parts
@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("school_survey_2019.csv", "2018-19"),  # a lone year is the spring of its school year
        ("pagr_schools_math_tot_raceethnicity_1819.xlsx", "2018-19"),
        ("trust 2023-24.csv", "2023-24"),
        ("results_2021_2022.xlsx", "2021-22"),
        ("sb_ca2023_all_csv_v1.txt", "2022-23"),
        ("export.csv", None),
    ],
)
def test_a_school_year_is_read_from_a_file_name(name, year):
    from dashboard.ingest.suggest import year_from_file_name

    found = year_from_file_name(name)
    assert (found[0] if found else None) == year


def test_a_file_name_pattern_serves_next_years_file_too():
    import re

    from dashboard.ingest.mapping import _year_from_file_name
    from dashboard.ingest.suggest import year_from_file_name

    _, pattern = year_from_file_name("school_survey_2019.csv")
    assert re.search(pattern, "school_survey_2020.csv")
    assert _year_from_file_name(pattern, "school_survey_2020.csv", "x", "school_year") == "2019-20"


def test_encoding_delimiter_and_title_rows_are_told_from_the_file(tmp_path):
    text = (
        "Springfield Public Schools: CPL meeting log\n"
        "Exported 2025-06-30\n"
        "\n"
        "School Code^Meeting Date^Team^Minutes^Attendees\n"
        "S001^2024-09-12^Grade 3 Team^45^5\n"
        "S002^2024-09-19^Café Crew^50^6\n"
    )
    path = tmp_path / "meetings.txt"
    path.write_bytes(text.encode("cp1252"))
    s = suggest(path)
    assert (s.layout.encoding, s.layout.delimiter, s.layout.header_row) == ("cp1252", "^", 4)
    assert s.source == "cpl" and not s.missing
    assert s.columns == {
        "school_id": "School Code",
        "meeting_date": "Meeting Date",
        "team": "Team",
        "duration_minutes": "Minutes",
        "attendees": "Attendees",
    }
    toml = suggestion_toml(s)
    (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    from dashboard.ingest.mapping import load_mapping

    mapping = load_mapping(tmp_path / "m.toml")
    assert (mapping.encodings, mapping.delimiter, mapping.header_row) == (["cp1252"], "^", 4)


def test_mac_roman_and_windows_text_are_told_apart():
    from dashboard.ingest.sniff import detect_encoding

    assert detect_encoding("Children’s Aid, Brooklyn LAB\u00a0Charter".encode("mac_roman")) == "mac_roman"
    assert detect_encoding("Café Olé, Zoë’s school".encode("cp1252")) == "cp1252"
    assert detect_encoding(b"plain ascii") == "utf-8"


def test_the_data_sheet_is_chosen_and_a_column_found_by_its_values(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Definitions"
    notes.append(["Term", "Meaning"])
    notes.append(["*", "fewer than 10 students"])
    data = workbook.create_sheet("Results")
    data.append(["State assessment results, spring 2024"])
    data.append([])
    data.append(["Building", "Term", "Content Area", "Population", "Number Tested", "Number Met or Exceeded"])
    data.append(["101", "2023-24", "Mathematics", "All Students", 120, 60])
    data.append(["101", "2023-24", "Mathematics", "English Learner", 20, "*"])
    data.append(["102", "2023-24", "English Language Arts", "Hispanic or Latino", 45, 30])
    path = tmp_path / "state_results.xlsx"
    workbook.save(path)
    s = suggest(path)
    assert (s.layout.sheet, s.layout.header_row) == ("Results", 3)
    assert s.source == "achievement"
    assert s.columns["school_year"] == "Term" and s.matches["school_year"].confidence == "low"
    assert s.values["student_group"] == {"English Learner": "English Learners", "Hispanic or Latino": "Hispanic/Latino"}
    assert s.values["subject"] == {"Mathematics": "Math", "English Language Arts": "ELA"}
    assert "*" in s.markers


def test_a_source_is_never_defaulted(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("colour,size,weight\nred,3,4\n", encoding="utf-8")
    s = suggest(path)
    assert s.source is None and s.missing == ["source"]
