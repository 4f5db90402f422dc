"""Read a CSV or XLSX file into a frame of text cells, keeping for every record the row number a spreadsheet
program shows for it (the header is row 1 even when a quoted header cell holds a line break). Nothing is typed
here: validation does that and can then point at the user's own row and column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
from pathlib import Path

import polars as pl

from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest import raw
from dashboard.ingest.raw import ROW, RawTable, fold_header
from dashboard.ingest.uploads import ReadLimits, Tally, check_unpacked
from dashboard.ingest.xlsx import read_xlsx

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls (or other Office 97) file: save it as .xlsx or CSV",
    b"\x1f\x8b": "a gzip archive",
    b"BM": None,  # too short to trust alone; checked with the NUL test below
}
_ZIP = b"PK\x03\x04"


def read_table(
    path: Path,
    display_name: str,
    *,
    encodings: list[str] | None = None,
    delimiter: str = ",",
    header_row: int = 1,
    sheet: str | None = None,
    expected_headers: list[str] | None = None,
    limits: ReadLimits | None = None,
) -> RawTable:
    """``expected_headers`` (the headers the caller will look for) lets a header that sits lower than
    ``header_row`` be named in the error, instead of a list of missing columns. ``limits`` bound the file's unpacked
    size (checked first, before any byte of it is parsed), rows and cells (counted as they are read); by default the
    command line's (``dashboard.ingest.uploads``)."""
    limits = limits or ReadLimits.for_command_line()
    check_unpacked(path, display_name, limits)
    data = path.read_bytes()
    if not data or data.isspace():  # (no stripped copy of a large file)
        raise FileRejected([Problem(display_name, None, None, "the file is empty")])
    expected = {fold_header(h) for h in expected_headers or []}
    if data.startswith(_ZIP):
        return read_xlsx(path, display_name, header_row=header_row, sheet=sheet, expected=expected, limits=limits)
    for magic, what in _MAGIC.items():
        if what and data.startswith(magic):
            raise FileRejected(
                [Problem(display_name, None, None, f"this is not a CSV or XLSX file (it looks like {what})")]
            )
    text, encoding = _decode(data, display_name, encodings)
    if "\x00" in text:
        _reject_nul(text, display_name, delimiter)
    if expected:
        head: list[list[str]] = []
        # the first rows only: a copy of the whole text into a StringIO took 2 s for a 300 MB file; a broken
        # row there is reported by the full read below, with its row
        with contextlib.suppress(csv.Error):
            head.extend(
                itertools.islice(
                    csv.reader(io.StringIO(_first_lines(text, header_row + 20), newline=""), delimiter=delimiter),
                    header_row + 20,
                )
            )
        raw.check_header_position(head, header_row, expected, display_name)
    # polars parses UTF-8: a UTF-8 file's own bytes (after any byte-order mark), not a copy; and the decoded text
    # (checked whole above) is let go first, since the bytes, the text and the frame held at once were 1.5 GB of a
    # 335 MB file's read. For a file the fast reader does not take, the careful path decodes the bytes again.
    if encoding == "utf-8":
        utf8 = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
        del text
    else:
        utf8 = text.encode("utf-8")
    fast = _read_csv_fast(
        utf8, display_name, delimiter=delimiter, header_row=header_row, encoding=encoding, limits=limits
    )
    if fast is not None:
        return fast
    if encoding == "utf-8":
        text = utf8.decode("utf-8")
    return _read_csv(text, display_name, delimiter=delimiter, header_row=header_row, encoding=encoding, limits=limits)


def _first_lines(text: str, n: int) -> str:
    """The text up to the end of its ``n``-th line (a quoted cell's line break counts as one: the rows read from it
    may then be fewer than ``n``, never wrong)."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _reject_nul(text: str, display_name: str, delimiter: str) -> None:
    """A NUL character is never text: many of them mean a binary file, a few a damaged row (named by its row)."""
    if text.count("\x00", 0, 8192) > 8:
        raise FileRejected([Problem(display_name, None, None, "this is not a CSV or XLSX file (it holds binary data)")])
    problems = []
    try:
        for row_number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if any("\x00" in cell for cell in cells):
                problems.append(
                    Problem(
                        display_name,
                        row_number,
                        "(row)",
                        "holds a NUL byte (a character that is not text): the file is damaged or "
                        "not a text file; save it again as CSV",
                    )
                )
    except csv.Error:
        pass
    if not problems:  # the csv module stopped before it: say so for the whole file
        problems = [Problem(display_name, None, None, "the file holds a NUL byte (a character that is not text)")]
    raise FileRejected(problems[:1000])


def _decode(data: bytes, display_name: str, encodings: list[str] | None) -> tuple[str, str]:
    if not encodings:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRejected(
                [
                    Problem(
                        display_name,
                        None,
                        None,
                        "the file is UTF-16, not UTF-8: save it as UTF-8, or load it with a mapping "
                        'that sets the `encoding` key (encoding = "utf-16")',
                    )
                ]
            )
        if _looks_utf16(data):
            raise FileRejected(
                [
                    Problem(
                        display_name,
                        None,
                        None,
                        "the file looks UTF-16 (without a byte-order mark), not UTF-8: save it as "
                        "UTF-8, or load it with a mapping that sets the `encoding` key "
                        '(encoding = "utf-16-le" or "utf-16-be")',
                    )
                ]
            )
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileRejected(
                [
                    Problem(
                        display_name,
                        None,
                        None,
                        f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}): save it "
                        "as UTF-8, or load it with a mapping that sets the `encoding` key "
                        '(for example encoding = "latin-1" or "mac_roman")',
                    )
                ]
            ) from None
    failures = []
    for encoding in encodings:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FileRejected(
                [Problem(display_name, None, "encoding", f"unknown encoding {encoding!r} in the mapping")]
            ) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(f"{encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})")
            continue
        return text.removeprefix("\ufeff"), encoding
    raise FileRejected(
        [
            Problem(
                display_name,
                None,
                "encoding",
                f"the file could not be read as {', '.join(failures)}: set the mapping's `encoding` key "
                "to the file's real encoding",
            )
        ]
    )


def _looks_utf16(data: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: most of the even (or odd) bytes of its start are NUL."""
    head = data[:4096]
    half = len(head) // 2
    return half >= 4 and max(head[0::2].count(0), head[1::2].count(0)) >= 0.6 * half


FAST_CSV_MIN_CHARS = 1 << 20  # files from this size are read by polars' CSV reader when they allow it


def _read_csv_fast(
    utf8: bytes,
    display_name: str,
    *,
    delimiter: str,
    header_row: int,
    encoding: str,
    limits: ReadLimits,
) -> RawTable | None:
    """The same table as the csv-module path (``_read_csv``), read by polars' multi-threaded reader from the text's
    UTF-8 (a line break or a CR is one byte there, as one character in the text), for the plain shape of a large
    file: one record per line (no quoted cell holding a line break, no blank line inside), no lone CR, no row with
    more or fewer cells than the header. Returns None for anything else, and the careful path reads it. Each record
    then sits on its own line, so its spreadsheet row number is its line number."""
    if (
        len(utf8) < FAST_CSV_MIN_CHARS
        or len(delimiter) != 1
        or (b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n"))
    ):
        return None
    # the header is in the first 64 KB, or the careful path reads it (a character cut at its end is left out)
    head_text = utf8[: 1 << 16].decode("utf-8", errors="ignore")
    head = io.StringIO(head_text, newline="")
    reader = csv.reader(head, delimiter=delimiter)
    raw_header = None
    for _ in range(header_row):
        raw_header = next(reader, None)
    if raw_header is None or reader.line_num != header_row or head.tell() >= len(head_text) - 1:
        return None  # a quoted header cell holding a line break: the careful path counts the rows
    headers = raw.headers(raw_header, display_name, header_row)
    width = len(headers)
    if len(raw_header) != width:
        return None
    end = len(utf8)
    while end and utf8[end - 1] in b"\r\n":
        end -= 1
    lines = utf8.count(b"\n", 0, end) + 1 - header_row  # data lines, trailing line breaks left out
    if lines < 1:
        return None
    Tally(limits, display_name).add(lines * width, rows=lines)  # a file past the bounds is not parsed at all
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char='"',
            skip_lines=header_row,
            schema=dict.fromkeys(names, pl.String),
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if (
        frame.height > lines
        and frame.slice(lines).null_count().sum_horizontal().item() == (frame.height - lines) * width
    ):
        frame = frame.head(lines)  # the file's trailing line breaks
    if frame.height != lines:  # a record spans lines, or a line was skipped: row numbers need the careful path
        return None
    frame = frame.with_columns(pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in names)
    frame = frame.with_row_index(ROW, offset=header_row + 1).with_columns(pl.col(ROW).cast(pl.Int64))

    # blank records (every cell empty or white space) are skipped, as by the careful path; only rows whose first
    # cell is blank can be, so the full test runs on those alone
    def blank(n: str) -> pl.Expr:
        return pl.col(n).is_null() | (pl.col(n).str.strip_chars() == "")

    maybe = frame.filter(blank(names[0]))
    if maybe.height:
        gone = maybe.filter(pl.all_horizontal(blank(n) for n in names)).select(ROW)
        frame = frame.join(gone, on=ROW, how="anti", maintain_order="left")
    if frame.is_empty():
        return None
    return RawTable(frame, headers, header_row, encoding)


def _read_csv(
    text: str,
    display_name: str,
    *,
    delimiter: str,
    header_row: int,
    encoding: str,
    limits: ReadLimits,
) -> RawTable:
    """The careful path: the csv module, record by record (a quoted line break, a ragged row), for what the fast
    reader (``_read_csv_fast``) does not take."""
    tally = Tally(limits, display_name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    records: list[tuple[int, list]] = []
    try:
        for row_number, cells in enumerate(reader, start=1):
            if row_number < header_row:
                continue
            if row_number == header_row:
                headers = raw.headers(cells, display_name, header_row)
                continue
            tally.add(len(cells))
            if not raw.is_blank(cells):
                records.append((row_number, cells))
    except csv.Error as exc:
        raise FileRejected([Problem(display_name, reader.line_num, "(row)", f"cannot be read as CSV: {exc}")]) from None
    if headers is None:
        raise FileRejected(
            [Problem(display_name, None, None, f"the file has no header row (expected at row {header_row})")]
        )
    if len(headers) == 1 and delimiter == "," and any(d in headers[0] for d in ";\t|"):
        sep = next(d for d in ";\t|" if d in headers[0])
        raise FileRejected(
            [
                Problem(
                    display_name,
                    header_row,
                    "(header)",
                    f"the header is one column that holds {sep!r}: the file looks {sep!r}-separated; "
                    f"load it with a mapping that sets delimiter = {sep!r}",
                )
            ]
        )
    return RawTable(raw.frame(records, headers, display_name), headers, header_row, encoding)
