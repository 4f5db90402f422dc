"""What a file may cost to read (``dashboard.ingest.uploads``): a zip bomb (an .xlsx of a few MB whose sheet XML
unpacks to 1.7 GB) is refused from its zip directory, before a byte of the sheet is inflated, by the Data page, its
reading process and the command line; a read stops as soon as its rows or cells pass their bound (XLSX, and CSV by
both its readers); an upload is read once, in a process of its own that is stopped past its memory or its time.
The times and memory of these refusals are measured in the issue's note, not asserted here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from zip_bombs import write_workbook

from dashboard.auth import access
from dashboard.cli import main
from dashboard.core.problems import FileRejected
from dashboard.ingest import loader, readers, uploads, xlsx
from dashboard.ingest.readers import read_table
from dashboard.ingest.uploads import ReadLimits, read_in_child
from dashboard.services import loading
from dashboard.store import settings as settings_mod

ADMIN = access.Caller("admin", "admin", None)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """6 MB on disk, 1.79 GB of sheet XML (18 million rows): the zip bomb of the issue."""
    path = tmp_path_factory.mktemp("bomb") / "cpl_meetings.xlsx"
    size = write_workbook(path, 18_080_000)
    assert path.stat().st_size < 10 * 1024 * 1024 and size > 1_700_000_000
    return path


def _no_member_opened(monkeypatch) -> list[str]:
    opened: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


BOMB_UPLOAD = (
    "cpl_meetings.xlsx: the file unpacks to 1,707 MB; the Data page reads files of up to 200 MB unpacked (setting "
    "upload_max_unpacked_mb); load a file this large with district-dashboard load"
)


def test_a_zip_bomb_is_refused_from_its_directory_before_any_sheet_is_inflated(bomb, monkeypatch):
    opened = _no_member_opened(monkeypatch)
    with pytest.raises(FileRejected) as upload:
        read_table(bomb, bomb.name, limits=ReadLimits.for_upload())
    with pytest.raises(FileRejected) as command_line:
        read_table(bomb, bomb.name)  # the command line's bounds, by default
    assert str(upload.value) == BOMB_UPLOAD
    assert str(command_line.value) == (
        "cpl_meetings.xlsx: the file unpacks to 1,707 MB; district-dashboard load reads files of up to 1024 MB "
        "unpacked (setting load_max_unpacked_mb)"
    )
    assert opened == [], "no member of the workbook was opened, let alone inflated"


def test_the_data_page_refuses_a_zip_bomb_with_the_message_and_writes_nothing(engine, bomb, snapshot, monkeypatch):
    spawned: list[object] = []
    monkeypatch.setattr(uploads.subprocess, "Popen", lambda *a, **k: spawned.append(a))
    before = snapshot(engine)
    with engine.connect() as conn:
        values = settings_mod.load(conn)
    result = loading.load_upload(engine, ADMIN, values, bomb.name, bomb.read_bytes(), "cpl")
    assert not result.ok and result.preview is None
    assert result.problems["message"].to_list() == [BOMB_UPLOAD.removeprefix("cpl_meetings.xlsx: ")]
    assert spawned == [], "refused from the directory: no reading process was even started"
    assert snapshot(engine) == before


def test_the_command_line_refuses_a_zip_bomb(engine, bomb, capsys):
    url = engine.url.render_as_string(hide_password=False)
    assert main(["load", str(bomb), "--source", "cpl", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "the file unpacks to 1,707 MB; district-dashboard load reads files of up to 1024 MB unpacked" in err
    assert "nothing was written" in err


def test_a_workbook_within_its_size_is_read_as_a_stream_that_stops_at_the_row_bound(tmp_path, monkeypatch):
    """A sheet of 1.4 million rows (150 MB of XML, within the unpacked bound) against a bound of 1,000 rows: the
    read stops at row 1,001, not after the sheet."""
    path = tmp_path / "cpl_meetings.xlsx"
    write_workbook(path, 1_400_000)
    added: list[int] = []
    real = uploads.Tally.add
    monkeypatch.setattr(uploads.Tally, "add", lambda self, cells, rows=1: (added.append(rows), real(self, cells, rows)))
    limits = ReadLimits(unpacked_mb=200, rows=1_000, cells=10**9, prefix="upload")
    with pytest.raises(FileRejected) as caught:
        xlsx.read_xlsx(path, path.name, header_row=1, sheet=None, limits=limits)
    assert str(caught.value) == (
        "cpl_meetings.xlsx: the file has more than 1,000 data rows; the Data page reads up to 1,000 (setting "
        "upload_max_rows); load a file this large with district-dashboard load"
    )
    assert len(added) == 1_001


@pytest.mark.parametrize("rows", [3_000, 60_000])  # the careful reader, and polars' for a file over 1 MB
def test_a_csv_is_refused_past_its_rows_or_cells(tmp_path, rows):
    path = tmp_path / "cpl_meetings.csv"
    path.write_text("school_id,meeting_date,team,duration_minutes\n" + "S001,2025-09-02,Math,45\n" * rows)
    assert (path.stat().st_size > readers.FAST_CSV_MIN_CHARS) == (rows > 10_000)
    with pytest.raises(FileRejected, match=r"the file has more than 2,000 data rows; district-dashboard load reads"):
        read_table(path, path.name, limits=ReadLimits(unpacked_mb=100, rows=2_000, cells=10**9))
    with pytest.raises(FileRejected, match=r"more than 5,000 cells \(rows times columns\); the Data page reads up to"):
        read_table(path, path.name, limits=ReadLimits(unpacked_mb=100, rows=10**9, cells=5_000, prefix="upload"))
    assert (
        read_table(path, path.name, limits=ReadLimits(unpacked_mb=100, rows=rows, cells=4 * rows)).frame.height == rows
    )


@pytest.fixture(scope="module")
def million(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("million") / "cpl_meetings.csv"
    path.write_text("school_id,meeting_date,team,duration_minutes\n" + "S001,2025-09-02,Math,45\n" * 1_000_000)
    return path


def test_an_upload_is_read_in_a_process_of_its_own_stopped_past_its_memory_or_time(million):
    raw = read_in_child(million, million.name, ReadLimits.for_upload())  # within every bound: the whole table back
    assert raw.frame.height == 1_000_000 and raw.headers == ["school_id", "meeting_date", "team", "duration_minutes"]
    with pytest.raises(FileRejected) as memory:
        read_in_child(million, million.name, ReadLimits(200, 10**9, 10**9, "upload", memory_mb=100, seconds=120))
    assert str(memory.value) == (
        "cpl_meetings.csv: reading the file needed more than 100 MB of memory, so it was stopped; the Data page reads "
        "with up to 100 MB (setting upload_read_memory_mb); load a file this large with district-dashboard load"
    )
    with pytest.raises(FileRejected, match=r"took longer than 0\.2 seconds, so it was stopped; .*upload_read_seconds"):
        read_in_child(million, million.name, ReadLimits(200, 10**9, 10**9, "upload", memory_mb=4096, seconds=0.2))


def test_an_upload_is_read_once_and_previewed_from_that_read(engine, tmp_path, monkeypatch):
    reads: list[str] = []
    real = loading.read_in_child
    monkeypatch.setattr(
        loading, "read_in_child", lambda path, *a, **k: (reads.append(path.name), real(path, *a, **k))[1]
    )

    def in_the_app(*args, **kwargs):
        raise AssertionError("the upload was read in the app's own process")

    monkeypatch.setattr(loader, "read_table", in_the_app)
    data = b"school_id,school_name,level\nS1,Alder Elementary,elementary\nS2,Birch Middle,middle\n"
    with engine.connect() as conn:
        values = settings_mod.load(conn)
    result = loading.load_upload(engine, ADMIN, values, "schools.csv", data, "schools")
    assert result.ok, result.problems
    assert reads == ["schools.csv"]
    assert result.preview is not None and result.preview["school_name"].to_list() == [
        "Alder Elementary",
        "Birch Middle",
    ]


def test_the_guided_import_refuses_a_zip_bomb_before_any_process_or_sheet(engine, bomb, monkeypatch):
    from dashboard.services import mappings

    spawned: list[object] = []
    monkeypatch.setattr(uploads.subprocess, "Popen", lambda *a, **k: spawned.append(a))
    opened = _no_member_opened(monkeypatch)
    with engine.connect() as conn:
        values = settings_mod.load(conn)
    start = mappings.start(engine, values, bomb.name, bomb.read_bytes())
    assert start.suggestion is None
    assert start.problems["message"].to_list() == [BOMB_UPLOAD.removeprefix("cpl_meetings.xlsx: ")]
    assert spawned == [] and opened == []


def test_an_uploads_workbook_is_opened_in_the_bounded_process(tmp_path, monkeypatch):
    """A sheet that does not state its size is parsed whole by openpyxl when it is opened: an upload's workbook is
    opened in the reading process, never in the app's."""
    path = tmp_path / "cpl_meetings.xlsx"
    write_workbook(path, 50_000, dimension=False)

    def in_the_app(*args, **kwargs):
        raise AssertionError("the upload's workbook was opened in the app's own process")

    monkeypatch.setattr(xlsx, "open_workbook", in_the_app)
    heads = xlsx.sheet_heads(path, path.name, rows=3, limits=ReadLimits.for_upload())
    assert heads == {"Sheet1": [["school_id", "meeting_date"], ["S001", "2025-09-02"], ["S001", "2025-09-02"]]}


def test_the_guided_import_reads_an_upload_once_for_its_suggestion_check_and_load(engine, monkeypatch):
    """The suggestion, the check of the mapping and the load each ask for the table; the bounded process runs once
    for the same bytes read the same way, and again for a file whose bytes differ."""
    from dashboard.ingest.mapping_toml import from_suggestion, write
    from dashboard.services import mappings

    reads: list[str] = []
    real = uploads._in_child

    def counting(task, path, *args, **kwargs):
        reads.append(task)
        return real(task, path, *args, **kwargs)

    monkeypatch.setattr(uploads, "_in_child", counting)
    monkeypatch.setattr(uploads, "_RECENT", {})
    data = b"school_id,school_name,level\nS1,Alder Elementary,elementary\nS2,Birch Middle,middle\n"
    with engine.connect() as conn:
        values = settings_mod.load(conn)
    start = mappings.start(engine, values, "schools.csv", data)
    assert start.suggestion is not None and start.suggestion.source == "schools"
    toml = write(from_suggestion(start.suggestion))
    checked = mappings.check(engine, "schools.csv", data, toml, settings=values)
    assert checked.ok and checked.rows == 2
    result = loading.load_upload(engine, ADMIN, values, "schools.csv", data, "schools", "mapping.toml", toml.encode())
    assert result.ok, result.problems
    assert reads == ["table"]
    other = data + b"S3,Cedar High,high\n"
    assert mappings.check(engine, "schools.csv", other, toml, settings=values).rows == 3
    assert reads == ["table", "table"]
