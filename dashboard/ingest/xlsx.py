"""Read an XLSX workbook's sheet into a raw table of text cells (a formula is refused: values only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest import raw
from dashboard.ingest.raw import RawTable
from dashboard.ingest.uploads import ReadLimits, Tally, heads_in_child


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_workbook(path: Path, display_name: str):
    """The workbook, read only, or FileRejected naming the file: every read of a workbook (a load's, a mapping
    suggestion's) opens it here."""
    import zipfile

    import openpyxl  # imported here: only XLSX loads pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected(
            [Problem(display_name, None, None, f"this is not a readable XLSX workbook ({exc})")]
        ) from None


def sheet_heads(path: Path, display_name: str, *, rows: int, limits: ReadLimits | None = None) -> dict[str, list[list]]:
    """The first ``rows`` rows of every sheet, as text cells, sheet by sheet in the workbook's order. With an
    upload's ``limits`` (a memory bound), in a bounded process of its own (``uploads.heads_in_child``): opening a
    sheet that does not state its size parses all of it."""
    if limits is not None and limits.memory_mb is not None:
        return heads_in_child(path, display_name, limits, rows)
    workbook = open_workbook(path, display_name)
    try:
        heads: dict[str, list[list]] = {}
        for worksheet in workbook.worksheets:
            heads[worksheet.title] = [
                [_cell_text(v) for v in values] for values in worksheet.iter_rows(max_row=rows, values_only=True)
            ]
        return heads
    finally:
        workbook.close()


def read_xlsx(
    path: Path,
    display_name: str,
    *,
    header_row: int,
    sheet: str | None,
    expected: set[str] | None = None,
    limits: ReadLimits | None = None,
) -> RawTable:
    """The sheet's rows as text cells, read as a stream (openpyxl's read-only mode) that stops as soon as the rows or
    cells read pass ``limits`` (by default the command line's): a sheet of millions of rows is refused, not held."""
    tally = Tally(limits or ReadLimits.for_command_line(), display_name)
    workbook = open_workbook(path, display_name)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise FileRejected(
                [
                    Problem(
                        display_name,
                        None,
                        "sheet",
                        f"no sheet named {sheet!r}; the workbook has {', '.join(workbook.sheetnames)}",
                    )
                ]
            )
        headers: list[str] | None = None
        records: list[tuple[int, list]] = []
        problems: list[Problem] = []
        for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if row_number < header_row:
                continue
            cells = [_cell_text(v) for v in values]
            if row_number == header_row:
                headers = raw.headers(cells, display_name, header_row)
                continue
            tally.add(len(cells))
            if raw.is_blank(cells):
                continue
            assert headers is not None  # set at header_row, the first row read
            for i, cell in enumerate(cells[: len(headers)]):
                if cell is not None and cell.startswith("="):
                    problems.append(
                        Problem(
                            display_name,
                            row_number,
                            headers[i] or f"column {i + 1}",
                            f"holds a formula ({cell[:40]}): paste values instead of formulas",
                        )
                    )
            records.append((row_number, cells))
    finally:
        workbook.close()
    if headers is None:
        raise FileRejected(
            [Problem(display_name, None, None, f"the sheet has no header row (expected at row {header_row})")]
        )
    if expected:
        below = dict(records[:20])
        rows = [headers if n == header_row else below.get(n, []) for n in range(1, max([header_row, *below]) + 1)]
        raw.check_header_position(rows, header_row, expected, display_name)
    if problems:
        raise FileRejected(problems)
    return RawTable(raw.frame(records, headers, display_name), headers, header_row, None)
