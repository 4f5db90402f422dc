"""The raw table every reader returns: text cells under the file's own headers, with each record's row number."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from dashboard.core.problems import FileRejected, Problem

ROW = "_row"  # the column holding each record's row number in the user's file


@dataclass
class RawTable:
    """Text cells under the file's own headers, one row per non-blank record, with ``_row``."""

    frame: pl.DataFrame
    headers: list[str]
    header_row: int
    encoding: str | None = None


def fold_header(name: str) -> str:
    """Headers are matched after trimming white space and folding line breaks (and case)."""
    return re.sub(r"\s+", " ", str(name)).strip().lower()


def check_header_position(rows: list[list], header_row: int, expected: set[str], display_name: str) -> None:
    """A header row holding none of the expected headers, above a row that holds several (a title or a merged group
    heading over the real header), is named with the row to set as ``header_row``."""

    def hits(cells) -> int:
        return len({fold_header(c) for c in cells if c is not None} & expected)

    if len(rows) < header_row or hits(rows[header_row - 1]) >= 2:
        return
    for number in range(header_row + 1, len(rows) + 1):
        if hits(rows[number - 1]) >= 2:
            raise FileRejected(
                [
                    Problem(
                        display_name,
                        header_row,
                        "(header)",
                        f"this row does not hold the column headers; they seem to be on row {number} "
                        "(a title or a merged heading sits above them): load the file with a mapping "
                        f"that sets header_row = {number}",
                    )
                ]
            )


def is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def frame(records: list[tuple[int, list]], headers: list[str], display_name: str) -> pl.DataFrame:
    width = len(headers)
    problems = []
    columns: list[list[str | None]] = [[] for _ in range(width)]
    rows: list[int] = []
    for row_number, cells in records:
        if len(cells) > width and not is_blank(cells[width:]):
            problems.append(
                Problem(display_name, row_number, "(row)", f"has {len(cells)} cells but the header has {width} columns")
            )
            continue
        rows.append(row_number)
        for i in range(width):
            value = cells[i] if i < len(cells) else None
            columns[i].append(value if value not in ("",) else None)
    if problems:
        raise FileRejected(problems)
    frame = pl.DataFrame(
        {ROW: rows, **{f"c{i}": col for i, col in enumerate(columns)}},
        schema={ROW: pl.Int64, **{f"c{i}": pl.String for i in range(width)}},
    )
    return frame


def headers(raw: list, display_name: str, header_row: int) -> list[str]:
    headers = [("" if h is None else str(h)) for h in raw]
    while headers and not headers[-1].strip():
        headers.pop()
    if not headers:
        raise FileRejected([Problem(display_name, header_row, "(header)", "the header row is empty")])
    return headers
