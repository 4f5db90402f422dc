"""How a file is written, told from the file itself (for ``dashboard.ingest.suggest``): its encoding (a byte-order
mark, UTF-8, else the legacy encoding whose letters read as words, with charset-normalizer's guess among the
candidates), its delimiter (the one that splits the first lines into the same number of cells), the row holding its
headers (below any title rows), and, for a workbook, the sheet holding the data. The whole file is then read by
``dashboard.ingest.readers.read_table``, exactly as ``load`` will read it."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest.raw import RawTable, fold_header
from dashboard.ingest.readers import read_table
from dashboard.ingest.uploads import ReadLimits, check_unpacked, is_workbook

DELIMITERS = (",", ";", "\t", "|", "^")
HEAD_ROWS = 40  # rows looked at for the header
LEGACY = ("cp1252", "mac_roman", "latin-1")  # the Western encodings spreadsheet programs save in
_NOT_DATA = ("definition", "note", "readme", "about", "info", "key", "legend", "glossary", "source", "metadata")
# typographic characters a legacy byte stands for in real text: quotes, dashes, a no-break space, an ellipsis
_TYPOGRAPHIC = set("\u2018\u2019\u201c\u201d\u2013\u2014\u00a0\u2026\u00b7\u00b0\u00a9\u00ae\u2122")


@dataclass
class Layout:
    encoding: str | None = None  # CSV only
    delimiter: str = ","
    header_row: int = 1
    sheet: str | None = None  # XLSX only: None is the first sheet
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def detect_encoding(data: bytes) -> str:
    """'utf-8' (with or without a BOM), 'utf-16' (with a BOM), else the legacy encoding whose non-ASCII bytes read
    most like text: a curly quote or no-break space between words, a small accented letter inside a word (a capital
    accented letter after a small one, or a control character, reads as a wrong guess)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = list(LEGACY)
    guess = _charset_normalizer_guess(data)
    if guess and guess not in candidates:
        candidates.append(guess)
    scored = [(_plausibility(data, enc), -i, enc) for i, enc in enumerate(candidates)]
    return max(scored)[2]


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None


def _plausibility(data: bytes, encoding: str) -> float:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return float("-inf")
    return sum(_char_score(text, i) for i, ch in enumerate(text) if ord(ch) >= 128)


def _char_score(text: str, i: int) -> float:
    """How like real text one non-ASCII character reads where it stands."""
    ch = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    word_before, word_after = before.isalnum(), after.isalnum()
    if unicodedata.category(ch).startswith("C"):
        return -3
    if ch == "\u2019":  # an apostrophe or a closing quote follows a letter
        return 1 if word_before else -1
    if ch in "\u2018\u201c":  # an opening quote comes before a word
        return 1 if word_after and not word_before else -1
    if ch == "\u201d":
        return 1 if not word_after else -1
    if ch == "\u00a0":  # a no-break space between two words
        return 1 if not before.isspace() and not after.isspace() else 0
    if ch in "\u2013\u2014":
        return 1 if (before.isspace() and after.isspace()) or (word_before and word_after) else 0
    if ch == "\u2026":  # an ellipsis ends a word
        return 1 if word_before and not word_after else -1
    if ch in _TYPOGRAPHIC:
        return 0.5
    if ch.isalpha() and ch.islower():
        return 1 if word_before or word_after else -0.5
    if ch.isalpha() and ch.isupper():
        if before.isalpha() and before.islower():
            return -1  # a capital inside a word
        return 1 if after.isalpha() and after.islower() and not word_before else -0.5
    return -0.5


def _rows(text: str, delimiter: str, limit: int = HEAD_ROWS) -> list[list[str]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (more than one) of cells."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(r) for r in _rows(text, delimiter) if any(c.strip() for c in r)]
        common = Counter(w for w in widths if w > 1).most_common(1)
        if not common:
            continue
        width, count = common[0]
        score = (count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def find_header_row(rows: list[list]) -> int:
    """The first row (1-based) that looks like a header: as wide as the data below it, every cell text, no cell a
    number, and not a blank row; title rows (one cell, or a few) and blank rows above it are skipped."""
    filled = [[c for c in r if c is not None and str(c).strip()] for r in rows]
    widths = [len(f) for f in filled if f]
    if not widths:
        return 1
    width = Counter(widths).most_common(1)[0][0]
    for number, cells in enumerate(filled, start=1):
        if len(cells) < max(2, 0.6 * width):
            continue
        if all(not _is_number(str(c)) for c in cells):
            return number
    return 1


def _is_number(text: str) -> bool:
    try:
        float(text.strip().replace(",", "").removesuffix("%"))
    except ValueError:
        return False
    return True


def csv_layout(path: Path, display_name: str) -> Layout:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace").removeprefix("\ufeff")
    head = text[: 1 << 18]
    delimiter = sniff_delimiter(head)
    header_row = find_header_row(_rows(head, delimiter))
    layout = Layout(encoding=encoding, delimiter=delimiter, header_row=header_row)
    if encoding != "utf-8":
        layout.notes.append(f"the file is not UTF-8: read as {encoding}")
    return layout


def workbook_heads(path: Path, display_name: str, limits: ReadLimits | None = None) -> dict[str, list[list]]:
    """The first rows of every sheet of a workbook (its values, as text), read through the workbook reader's own
    checks (``dashboard.ingest.xlsx``; an upload's, within its ``limits``, in a bounded process of its own)."""
    from dashboard.ingest import xlsx

    return xlsx.sheet_heads(path, display_name, rows=HEAD_ROWS, limits=limits)


def workbook_layout(
    path: Path, display_name: str, sheet: str | None, wanted: set[str], limits: ReadLimits | None = None
) -> Layout:
    """The sheet (the one named, else the one whose header holds most of the ``wanted`` words and is not a sheet
    of definitions or notes) and its header row."""
    heads = workbook_heads(path, display_name, limits)
    if not heads:
        raise FileRejected([Problem(display_name, None, None, "the workbook has no sheets")])
    if sheet is not None and sheet not in heads:
        raise FileRejected(
            [Problem(display_name, None, "sheet", f"no sheet named {sheet!r}; the workbook has {', '.join(heads)}")]
        )

    def score(name: str) -> tuple:
        rows = heads[name]
        number = find_header_row(rows)
        header = [fold_header(c) for c in (rows[number - 1] if rows else []) if c is not None]
        hits = sum(1 for h in header if any(w in h for w in wanted))
        return (not any(w in name.lower() for w in _NOT_DATA), hits, len(rows), -list(heads).index(name))

    chosen = sheet or max(heads, key=score)
    layout = Layout(sheet=chosen, header_row=find_header_row(heads[chosen]), sheets=list(heads))
    if len(heads) > 1 and sheet is None:
        layout.notes.append(f"sheet {chosen!r} chosen of {', '.join(repr(s) for s in heads)}")
    return layout


def read(
    path: Path,
    display_name: str,
    *,
    sheet: str | None = None,
    wanted: set[str] | None = None,
    limits: ReadLimits | None = None,
    reader: Callable[..., RawTable] | None = None,
) -> tuple[Layout, RawTable]:
    """The file's layout and its table, read as ``load`` reads it with that layout: within ``limits`` (its unpacked
    size checked before a byte is parsed; by default the command line's), by ``reader`` when given (an upload's read
    in a bounded process of its own, ``dashboard.ingest.uploads.read_in_child``)."""
    limits = limits or ReadLimits.for_command_line()
    check_unpacked(path, display_name, limits)
    if is_workbook(path):
        layout = workbook_layout(path, display_name, sheet, wanted or set(), limits)
    else:
        layout = csv_layout(path, display_name)
    read_with = reader or partial(read_table, limits=limits)
    table = read_with(
        path,
        display_name,
        encodings=[layout.encoding] if layout.encoding else None,
        delimiter=layout.delimiter,
        header_row=layout.header_row,
        sheet=layout.sheet,
    )
    return layout, table
