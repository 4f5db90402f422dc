"""Property-based tests of the parsers (readers, mapping, validation) through ``loader.load_files``: any input gives
either a load or a clear error in the contract's form, never an exception; a rejected input writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import database_url

from dashboard.core.sources import SOURCES
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import db

TODAY = dt.date(2026, 6, 30)
SCHOOLS = "school_id,school_name,level\nS1,Alder Elementary,elementary\nS2,Birch Middle,middle\n"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("property")
    with database_url(request.param, tmp, "property") as url:
        eng = db.make_engine(url)
        db.migrate(eng)
        (tmp / "schools.csv").write_text(SCHOOLS, encoding="utf-8")
        assert load_files(eng, [FileToLoad(tmp / "schools.csv")], user="t", today=TODAY).ok
        eng.dispose()
        yield db.make_engine(url)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("inputs")


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM import_log")).scalar_one()


def check(engine, path: Path, source: str, mapping: Path | None = None) -> None:
    """Load the file: either it loads, or every problem is a contract line about it and nothing is written."""
    imports_before = _count(engine)
    result = load_files(engine, [FileToLoad(path, source, mapping, display_name=path.name)], user="t", today=TODAY)
    if result.ok:
        assert result.outcomes
        return
    assert result.outcomes == []
    for problem in result.problems:
        line = str(problem)
        assert re.match(rf"{re.escape(path.name)}(:\d+)?: \S", line), line
        assert "Traceback" not in line
    assert _count(engine) == imports_before


SOURCE = st.sampled_from(list(SOURCES))


@SETTINGS
@given(data=st.binary(max_size=800), source=SOURCE, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_load_or_give_a_clear_error(engine, work, data, source, suffix):
    path = work / f"random{suffix}"
    path.write_bytes(data)
    check(engine, path, source)


@SETTINGS
@given(
    source=SOURCE,
    prefix=st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\x89PNG", b""]),
    body=st.binary(max_size=400),
)
def test_a_right_header_then_any_bytes(engine, work, source, prefix, body):
    header = ",".join(SOURCES[source].column_names).encode() + b"\n"
    path = work / "header_then_bytes.csv"
    path.write_bytes(prefix + header + body)
    check(engine, path, source)


NASTY = st.one_of(
    st.text(alphabet=st.sampled_from(list(',;"\n\r\t *%-/.:0123456789eE+Sé<>=\x00\u2028')), max_size=30),
    st.sampled_from(
        [
            "",
            "S1",
            "S2",
            "S9",
            "2024-25",
            "2019-2020",
            "2025-02-29",
            "31/02/2025",
            "2099-01-01",
            "0001-01-01",
            "9999-12-31",
            "1e400",
            "-0",
            "NaN",
            "inf",
            "99999999999999999999",
            "2147483648",
            "-1",
            "0",
            "1,234",
            "75%",
            "> 95.0%",
            "n<10",
            "*",
            '=HYPERLINK("x")',
            "All Students",
            "Math",
            "overall",
            "grade_level",
            "x" * 300,
        ]
    ),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def table(draw):
    source = draw(SOURCE)
    names = SOURCES[source].column_names
    headers = draw(st.lists(st.sampled_from([*names, "school_name", "extra", ""]), min_size=1, max_size=len(names) + 2))
    if draw(st.booleans()):
        headers = names
    rows = draw(st.lists(st.lists(NASTY, min_size=0, max_size=len(headers) + 1), max_size=6))
    return source, headers, rows


def _csv(headers, rows, delimiter: str) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in f'"\n\r{delimiter}') else value

    return "\n".join(delimiter.join(cell(v) for v in row) for row in [headers, *rows]) + "\n"


@SETTINGS
@given(
    t=table(),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"]),
    declare=st.booleans(),
    header_row=st.integers(1, 3),
)
def test_any_table_of_nasty_cells_as_csv(engine, work, t, delimiter, encoding, declare, header_row):
    source, headers, rows = t
    text = "title line\n" * (header_row - 1) + _csv(headers, rows, delimiter)
    path = work / "nasty.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode(encoding, errors="replace"))
    mapping = None
    if declare:
        mapping = work / "nasty.toml"
        mapping.write_text(
            f'source = "{source}"\nencoding = "{encoding}"\ndelimiter = "{delimiter}"\nheader_row = {header_row}\n',
            encoding="utf-8",
        )
    check(engine, path, source, mapping)


XLSX_CELL = st.one_of(
    NASTY.map(lambda s: s.replace("\x00", "")),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1)),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=SOURCE, cells=st.lists(st.lists(XLSX_CELL, max_size=10), max_size=5), canonical_header=st.booleans())
def test_any_workbook_of_mixed_cells(engine, work, source, cells, canonical_header):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows = ([SOURCES[source].column_names] if canonical_header else []) + cells
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            try:
                sheet.cell(row=r, column=c, value=value)
            except (ValueError, openpyxl.utils.exceptions.IllegalCharacterError):
                sheet.cell(row=r, column=c, value="?")
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = work / "mixed.xlsx"
    path.write_bytes(buffer.getvalue())
    check(engine, path, source)
