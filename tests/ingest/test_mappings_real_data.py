"""The shipped mappings load the real public files (CONTRACT.md: "Files that must load through a mapping with no hand
edits"): four Oregon assessment XLSX and five NYC School Survey CSV from ``shared/real_data`` (skipped only where that
directory is absent), and always the small excerpts of them in ``tests/fixtures``.

Every expected figure is worked out here from the raw files, read independently of the loader: the CSV with the
``csv`` module (UTF-8, else MacRoman), the XLSX with polars' calamine reader (the loader uses openpyxl).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from helpers import FIXTURES, REAL_DATA, TESTS

from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import db, schema

REPO = TESTS.parent
REAL = REAL_DATA
NYC_MAPPING = REPO / "mappings" / "nyc_school_survey.toml"
OREGON_MAPPING = REPO / "mappings" / "oregon_assessment_group_reports.toml"

# MANIFEST.md's data records per file
OREGON_FILES = {
    "pagr_schools_ela_raceethnicity_1617.xlsx": 27720,
    "pagr_schools_ela_raceethnicity_1718.xlsx": 27874,
    "pagr_schools_math_raceethnicity_1718.xlsx": 27874,
    "pagr_schools_math_tot_raceethnicity_1819.xlsx": 32056,
}
NYC_FILES = {
    "school_survey_2015.csv": 1861,
    "school_survey_2016.csv": 3098,
    "school_survey_2017.csv": 3254,
    "school_survey_2018.csv": 1833,
    "school_survey_2019.csv": 1829,
}
TODAY = dt.date(2025, 1, 1)

# The canonical values the contract's mapping example and the Oregon mapping promise
SUBJECTS = {"Mathematics": "Math", "English Language Arts": "ELA"}
GROUPS = {
    "Total Population (All Students)": "All Students",
    "American Indian/Alaskan Native": "American Indian/Alaska Native",
}
OREGON_MARKERS = ("*", "--", "-", "< 5.0%", "> 95.0%")  # sheet 'Definitions'
BANDS = ("< 5.0%", "> 95.0%")


# --------------------------------------------------------------------------------------------------- raw readers
def nyc_records(path: Path) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """(encoding, header, [(spreadsheet row, cells)]) of the non-blank records."""
    data = path.read_bytes()
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("mac_roman"), "mac_roman"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    records = [(number, cells) for number, cells in enumerate(rows[1:], start=2) if any(c.strip() for c in cells)]
    return encoding, rows[0], records


def _percent_or_number(cell: str) -> float | None:
    cell = cell.strip()
    return None if cell == "N/A" else float(cell.removesuffix("%"))


def nyc_expected(path: Path) -> dict[tuple[str, int], tuple]:
    """{(DBN, year_start): (school_name, mean_score, pct_favorable, response_rate, publisher_marker)}."""
    _, header, records = nyc_records(path)
    year_start = int(re.search(r"school_survey_(\d{4})", path.name).group(1)) - 1  # 2019 is the spring of 2018-19
    dbn, name = header.index("DBN"), header.index("School Name")
    teacher = header.index("Total Teacher Response Rate")
    score = header.index("Trust Score") if "Trust Score" in header else None
    percent = header.index("Percent Satisfaction: Trust") if score is None else None
    expected = {}
    for _, cells in records:
        trust = cells[score if score is not None else percent]
        marker = "N/A" if "N/A" in (trust.strip(), cells[teacher].strip()) else None
        value = _percent_or_number(trust)
        expected[(cells[dbn], year_start)] = (
            cells[name],
            value if score is not None else None,
            value if percent is not None else None,
            _percent_or_number(cells[teacher]),
            marker,
        )
    assert len(expected) == len(records), "a DBN appears twice in one file"
    return expected


def oregon_frame(path: Path) -> pl.DataFrame:
    return pl.read_excel(path, sheet_id=1, infer_schema_length=0)  # every cell as text


def _count(cell: str | None) -> int | None:
    if cell is None or cell.strip() in OREGON_MARKERS:
        return None
    return int(float(cell))


def oregon_expected(frame: pl.DataFrame) -> dict[tuple, tuple]:
    """{(school_id, year_start, subject, student_group, grade): (n_tested, n_proficient, pct_proficient, marker)}."""
    proficient = next(c for c in frame.columns if c.startswith("Number Proficient"))
    expected = {}
    for row in frame.iter_rows(named=True):
        cells = [row["Number of Participants"], row[proficient], row["Percent Proficient (Level 3 or 4)"]]
        cells = [None if c is None else c.strip() for c in cells]
        bands = [c for c in cells if c in BANDS]
        markers = [c for c in cells if c in OREGON_MARKERS]
        n_tested, n_proficient = _count(cells[0]), _count(cells[1])
        pct = None if n_proficient is not None or cells[2] in OREGON_MARKERS else float(cells[2])
        key = (
            row["School ID"],
            int(row["Academic Year"][:4]),
            SUBJECTS.get(row["Subject"], row["Subject"]),
            GROUPS.get(row["Student Group"], row["Student Group"]),
            row["Grade Level"],
        )
        assert key not in expected
        expected[key] = (n_tested, n_proficient, pct, (bands or markers or [None])[0])
    return expected


# --------------------------------------------------------------------------------------------------- stored rows
def stored_trust(engine, year_start: int) -> dict[tuple[str, int], tuple]:
    t = schema.trust_score.c
    s = schema.school.c
    query = (
        sa.select(
            t.school_id,
            t.year_start,
            s.school_name,
            t.mean_score,
            t.pct_favorable,
            t.response_rate,
            t.publisher_marker,
            t.wave,
            t.respondent_group,
            t.facet,
            t.scale_max,
            t.n_respondents,
        )
        .join(schema.school, s.school_id == t.school_id)
        .where(t.year_start == year_start)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    # the mapping's constants, the same on every row
    assert {tuple(r[7:]) for r in rows} <= {("spring", "school_community", "overall", 5.0, None)}
    return {(r[0], r[1]): tuple(r[2:7]) for r in rows}


def stored_achievement(engine, year_start: int, subject: str) -> dict[tuple, tuple]:
    a = schema.achievement.c
    query = sa.select(
        a.school_id,
        a.year_start,
        a.subject,
        a.student_group,
        a.grade,
        a.n_tested,
        a.n_proficient,
        a.pct_proficient,
        a.publisher_marker,
    ).where(a.year_start == year_start, a.subject == subject)
    with engine.connect() as conn:
        return {tuple(r[:5]): tuple(r[5:]) for r in conn.execute(query).all()}


def assert_same(stored: dict, expected: dict, what: str) -> None:
    """Dictionaries equal, with a short report of the first differences (the full diff of 30 000 rows is unreadable)."""
    missing = [k for k in expected if k not in stored]
    extra = [k for k in stored if k not in expected]
    differ = [(k, stored[k], expected[k]) for k in expected if k in stored and stored[k] != expected[k]]
    assert not (missing or extra or differ), (
        f"{what}: {len(missing)} missing {missing[:3]}, {len(extra)} unexpected {extra[:3]}, "
        f"{len(differ)} differ (stored, expected) {differ[:3]}"
    )


def school_rows(engine) -> dict[str, tuple]:
    s = schema.school.c
    with engine.connect() as conn:
        return {
            r[0]: tuple(r[1:]) for r in conn.execute(sa.select(s.school_id, s.school_name, s.level, s.network)).all()
        }


# --------------------------------------------------------------------------------------------------- the real files
@pytest.fixture(scope="module")
def real_files():
    if not REAL.is_dir():
        pytest.skip(f"the public files are not here: {REAL} is absent (in CI the repo is cloned beside shared/)")
    oregon = [REAL / "oregon" / name for name in OREGON_FILES]
    nyc = [REAL / "nyc_school_survey" / name for name in NYC_FILES]
    absent = [str(p) for p in [*oregon, *nyc] if not p.is_file()]
    assert not absent, f"{REAL} exists but lacks {absent}"
    return oregon, nyc


@pytest.fixture(scope="module")
def oregon_raw(real_files):
    return {path.name: oregon_frame(path) for path in real_files[0]}


@pytest.fixture(scope="module")
def real(real_files, tmp_path_factory):
    """One SQLite database holding all nine files, loaded in one call: (engine, {file name: outcome})."""
    oregon, nyc = real_files
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('real') / 'real.db'}")
    db.migrate(engine)
    items = [FileToLoad(p, mapping=OREGON_MAPPING) for p in oregon] + [FileToLoad(p, mapping=NYC_MAPPING) for p in nyc]
    result = load_files(engine, items, user="t", today=TODAY)
    assert result.ok, [str(p) for p in result.problems[:20]]
    yield engine, {item.path.name: outcome for item, outcome in zip(items, result.outcomes, strict=False)}
    engine.dispose()


@pytest.mark.realdata
def test_row_counts_per_file(real, real_files, oregon_raw):
    _, outcomes = real
    for name, records in OREGON_FILES.items():
        assert oregon_raw[name].height == records
        assert (outcomes[name].rows_in_file, outcomes[name].rows_inserted, outcomes[name].rows_replaced) == (
            records,
            records,
            0,
        )
    for path in real_files[1]:
        _, _, records = nyc_records(path)
        assert len(records) == NYC_FILES[path.name]
        outcome = outcomes[path.name]
        assert (outcome.rows_in_file, outcome.rows_inserted, outcome.rows_replaced) == (len(records), len(records), 0)


@pytest.mark.realdata
def test_schools_created(real, real_files, oregon_raw):
    engine, outcomes = real
    # the first file (in load order) that names a school gives its name; Oregon's district becomes the network
    expected: dict[str, tuple] = {}
    for name in OREGON_FILES:
        for row in oregon_raw[name].select("School ID", "School", "District").iter_rows():
            expected.setdefault(row[0], (row[1], None, row[2]))
    oregon_schools = len(expected)
    for path in real_files[1]:
        _, header, records = nyc_records(path)
        for _, cells in records:
            expected.setdefault(cells[header.index("DBN")], (cells[header.index("School Name")], None, None))
    assert oregon_schools == 1242 and len(expected) == 4678  # figures of the raw files, read above
    assert sum(len(o.schools_created) for o in outcomes.values()) == len(expected)
    assert_same(school_rows(engine), expected, "schools")
    # 2015 is MacRoman: 0xCA is a no-break space in "Brooklyn LAB Charter School"
    assert school_rows(engine)["84K803"][0] == "Brooklyn LAB\u00a0Charter School"


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(NYC_FILES))
def test_nyc_trust_rows(real, name):
    engine, _ = real
    path = REAL / "nyc_school_survey" / name
    expected = nyc_expected(path)
    year_start = int(name[-8:-4]) - 1
    stored = stored_trust(engine, year_start)
    # the school name is the one the school was created with (the first file naming it): compare the figures here
    assert_same({k: v[1:] for k, v in stored.items()}, {k: v[1:] for k, v in expected.items()}, name)
    if year_start < 2016:  # 2015 and 2016: percent satisfied, no 1-5 score
        assert all(v[1] is None for v in stored.values()) and any(v[2] is not None for v in stored.values())
    else:
        assert all(v[2] is None for v in stored.values()) and any(v[1] is not None for v in stored.values())


@pytest.mark.realdata
def test_nyc_figures_read_from_the_files(real):
    engine, _ = real
    trust = {year: stored_trust(engine, year) for year in range(2014, 2019)}
    # 01M015 P.S. 015 Roberto Clemente: 2015 file "94%" trust, 100% teachers; 2019 file Trust Score 3.96
    assert trust[2014][("01M015", 2014)][1:] == (None, 94.0, 100.0, None)
    assert trust[2016][("01M015", 2016)][1:] == (4.33, None, 100.0, None)
    assert trust[2018][("01M015", 2018)][1:] == (3.96, None, 100.0, None)
    assert set(trust) == {2014, 2015, 2016, 2017, 2018}  # school_survey_2019 -> 2018-19 ... 2015 -> 2014-15
    # N/A is withheld, never zero: the 2019 file has 72 Trust Score N/A records (counted in the raw file)
    _, header, records = nyc_records(REAL / "nyc_school_survey" / "school_survey_2019.csv")
    na = [cells[header.index("DBN")] for _, cells in records if cells[header.index("Trust Score")] == "N/A"]
    assert len(na) == 72
    assert {trust[2018][(dbn, 2018)][1] for dbn in na} == {None}
    assert {trust[2018][(dbn, 2018)][4] for dbn in na} == {"N/A"}
    with engine.connect() as conn:
        zeros = conn.execute(
            sa.text("SELECT count(*) FROM trust_score WHERE mean_score = 0 OR pct_favorable = 0")
        ).scalar()
    assert zeros == 0


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(OREGON_FILES))
def test_oregon_rows(real, oregon_raw, name):
    engine, _ = real
    expected = oregon_expected(oregon_raw[name])
    [(year_start, subject)] = {(k[1], k[2]) for k in expected}
    assert_same(stored_achievement(engine, year_start, subject), expected, name)


@pytest.mark.realdata
def test_oregon_values_and_markers(real, oregon_raw):
    engine, _ = real
    with engine.connect() as conn:

        def q(sql):
            return conn.execute(sa.text(sql)).all()

        assert q("SELECT DISTINCT year_start, subject FROM achievement ORDER BY 1, 2") == [
            (2016, "ELA"),
            (2017, "ELA"),
            (2017, "Math"),
            (2018, "Math"),
        ]
        # 'Total Population (All Students)' is only in the 1819 file: 4007 rows there, all stored as 'All Students'
        raw_totals = (
            oregon_raw["pagr_schools_math_tot_raceethnicity_1819.xlsx"]
            .filter(pl.col("Student Group") == "Total Population (All Students)")
            .height
        )
        assert raw_totals == 4007
        assert q("SELECT year_start, count(*) FROM achievement WHERE student_group = 'All Students' GROUP BY 1") == [
            (2018, raw_totals)
        ]
        assert q(
            "SELECT count(*) FROM achievement WHERE student_group LIKE 'Total Population%' "
            "OR subject IN ('Mathematics', 'English Language Arts')"
        ) == [(0,)]
        # '< 5.0%': withheld counts and the band kept as the marker (Bandon Senior High, spreadsheet row 928)
        assert q(
            "SELECT n_tested, n_proficient, pct_proficient, publisher_marker FROM achievement WHERE school_id = '218' "
            "AND year_start = 2018 AND student_group = 'All Students' AND grade = 'Grade HS (11)'"
        ) == [(None, None, None, "< 5.0%")]
        for name, frame in oregon_raw.items():
            proficient = next(c for c in frame.columns if c.startswith("Number Proficient"))
            band = frame.filter(pl.col(proficient) == "< 5.0%").height
            year = int(frame["Academic Year"][0][:4])
            subject = SUBJECTS[frame["Subject"][0]]
            assert band > 0
            assert q(
                f"SELECT count(*), count(n_tested), count(n_proficient) FROM achievement WHERE year_start = {year} "
                f"AND subject = '{subject}' AND publisher_marker = '< 5.0%'"
            ) == [(band, 0, 0)], name
        assert q("SELECT count(*) FROM achievement WHERE n_proficient = 0 AND publisher_marker IS NOT NULL") == [(0,)]


# --------------------------------------------------------------------------------------------------- the excerpts
NYC_2019_EXCERPT = FIXTURES / "school_survey_2019_excerpt.csv"
NYC_2015_EXCERPT = FIXTURES / "school_survey_2015_excerpt.csv"
OREGON_EXCERPT = FIXTURES / "pagr_schools_math_tot_raceethnicity_1819_excerpt.xlsx"


def _load(engine, path, mapping):
    return load_files(engine, [FileToLoad(path, mapping=mapping)], user="t", today=TODAY)


def test_nyc_2019_excerpt(engine, snapshot):
    encoding, header, records = nyc_records(NYC_2019_EXCERPT)
    assert encoding == "utf-8" and len(records) == 200 and records[0][0] == 4  # header row 1, blank rows 2 and 3
    expected = nyc_expected(NYC_2019_EXCERPT)
    assert {k[1] for k in expected} == {2018}
    result = _load(engine, NYC_2019_EXCERPT, NYC_MAPPING)
    assert result.ok, [str(p) for p in result.problems]
    [outcome] = result.outcomes
    assert (outcome.rows_in_file, outcome.rows_inserted) == (200, 200)
    assert outcome.schools_created == [cells[header.index("DBN")] for _, cells in records]
    assert_same(stored_trust(engine, 2018), expected, NYC_2019_EXCERPT.name)
    assert stored_trust(engine, 2018)[("01M015", 2018)] == ("P.S. 015 ROBERTO CLEMENTE", 3.96, None, 100.0, None)
    withheld = [k for k, v in expected.items() if v[1] is None]
    assert len(withheld) == 3 and all(stored_trust(engine, 2018)[k][1] is None for k in withheld)
    assert all(stored_trust(engine, 2018)[k][4] == "N/A" for k in withheld)

    before = snapshot(engine)  # the same file again changes nothing (floats compare equal on every backend)
    again = _load(engine, NYC_2019_EXCERPT, NYC_MAPPING)
    assert again.ok and not again.outcomes[0].changed
    assert snapshot(engine) == before


def test_nyc_2015_excerpt_is_macroman(engine):
    raw = NYC_2015_EXCERPT.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    encoding, _header, records = nyc_records(NYC_2015_EXCERPT)
    assert encoding == "mac_roman" and len(records) == 21
    expected = nyc_expected(NYC_2015_EXCERPT)
    result = _load(engine, NYC_2015_EXCERPT, NYC_MAPPING)
    assert result.ok, [str(p) for p in result.problems]
    assert result.outcomes[0].rows_inserted == 21
    assert_same(stored_trust(engine, 2014), expected, NYC_2015_EXCERPT.name)
    assert stored_trust(engine, 2014)[("01M015", 2014)] == ("P.S. 015 Roberto Clemente", None, 94.0, 100.0, None)
    assert stored_trust(engine, 2014)[("84K803", 2014)][0] == "Brooklyn LAB\u00a0Charter School"


def test_nyc_excerpt_without_the_mappings_encoding_is_rejected_with_the_key(engine, snapshot, tmp_path):
    mapping = tmp_path / "utf8_only.toml"
    mapping.write_text(re.sub(r"(?m)^encoding = .*$", 'encoding = "utf-8"', NYC_MAPPING.read_text()), encoding="utf-8")
    before = snapshot(engine)
    result = _load(engine, NYC_2015_EXCERPT, mapping)
    assert not result.ok and snapshot(engine) == before
    [problem] = result.problems
    assert (problem.file, problem.row, problem.column) == (str(NYC_2015_EXCERPT), None, "encoding")
    assert "utf-8" in problem.message and "0xca" in problem.message


def test_nyc_excerpt_error_rows_are_spreadsheet_rows(engine, snapshot, tmp_path):
    # Spoil the Trust Score of the 10th and 50th records. The header spans two lines but is row 1, then two blank
    # rows: record k (from 0) is spreadsheet row 4 + k, and physical line 5 + k.
    lines = NYC_2019_EXCERPT.read_bytes().split(b"\n")
    assert lines[4 + 9].startswith(b"01M") and lines[4 + 49].count(b",") == 10
    lines[4 + 9] = lines[4 + 9].rsplit(b",", 1)[0] + b",4.x"
    lines[4 + 49] = lines[4 + 49].rsplit(b",", 1)[0] + b",6.20"
    path = tmp_path / "school_survey_2019.csv"
    path.write_bytes(b"\n".join(lines))
    before = snapshot(engine)
    result = _load(engine, path, NYC_MAPPING)
    assert not result.ok and snapshot(engine) == before
    assert [(p.row, p.column) for p in result.problems] == [(13, "mean_score"), (53, "mean_score")]
    assert str(result.problems[0]) == f"{path}:13: mean_score: '4.x' is not a number"
    assert str(result.problems[1]).startswith(f"{path}:53: mean_score: mean_score 6.2 is above scale_max 5")


def test_oregon_excerpt(engine, snapshot):
    frame = oregon_frame(OREGON_EXCERPT)
    assert frame.height == 200
    expected = oregon_expected(frame)
    result = _load(engine, OREGON_EXCERPT, OREGON_MAPPING)
    assert result.ok, [str(p) for p in result.problems]
    [outcome] = result.outcomes
    assert (outcome.rows_in_file, outcome.rows_inserted) == (200, 200)
    assert sorted(outcome.schools_created) == sorted(set(frame["School ID"]))
    assert_same(stored_achievement(engine, 2018, "Math"), expected, OREGON_EXCERPT.name)
    markers = [v[3] for v in expected.values()]
    assert markers.count("< 5.0%") == 2 and markers.count("> 95.0%") == 2 and markers.count("*") > 0
    assert sum(1 for k in expected if k[3] == "All Students") == 29
    assert stored_achievement(engine, 2018, "Math")[("218", 2018, "Math", "All Students", "Grade HS (11)")] == (
        None,
        None,
        None,
        "< 5.0%",
    )
    assert school_rows(engine)["218"] == ("Bandon Senior High School", None, "Bandon SD 54")

    before = snapshot(engine)
    again = _load(engine, OREGON_EXCERPT, OREGON_MAPPING)
    assert again.ok and not again.outcomes[0].changed
    assert snapshot(engine) == before
