"""What a file's column holds, for ``dashboard.ingest.suggest``: how many of its cells are whole numbers, numbers,
percents, dates, school years or lone years, which cells are suppression markers, and a sample of its values. A
column's values confirm or rule out a header's name (a column of dates is no count of attendees), and find a
column where no header names it (a column of whole numbers no larger than another's, row by row)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from dashboard.ingest.parse import BAND, DEFAULT_MARKERS, norm_marker
from dashboard.ingest.synonyms import vocabulary

_DEFAULTS = frozenset(norm_marker(m) for m in DEFAULT_MARKERS)
ROWS = 20_000  # the rows a column is profiled on (a file's first rows)
_NUMBER = r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[-+]?\.\d+$"
_SCHOOL_YEAR = r"^(19|20)\d{2}\s*[-–/_]\s*(\d{2}|(19|20)\d{2})$"
_LONE_YEAR = r"^(19|20)\d{2}(\.0)?$"
_DATE = (
    r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?"
    r"( ?[AP]M)?$|^\d{4}/\d{1,2}/\d{1,2}$"
)


@dataclass
class Profile:
    column: str  # the raw frame's column (c0, c1 ...)
    header: str
    filled: int  # cells holding a value
    markers: list[str]  # distinct cells that read as suppression markers
    whole: float  # shares of the cells that are not markers
    number: float
    percent_sign: float
    date: float
    school_year: float
    lone_year: float
    letters: float  # share of cells holding a letter
    low: float | None
    high: float | None
    decimals: bool
    distinct: int
    sample: list[str]  # the first distinct values, up to 8
    values: list[str]  # distinct values (up to 500), for value translations

    def fits(self, kind: str) -> float:
        """How well the values fit a column kind, 0 to 1 (an empty column fits nothing well)."""
        if self.filled == 0:
            return 0.3
        if kind == "int":
            return 1.0 if self.whole >= 0.97 and (self.low is None or self.low >= 0) else 0.0
        if kind == "float":
            return 1.0 if self.number >= 0.97 else 0.0
        if kind == "pct":
            if self.number < 0.97:
                return 0.0
            return 1.0 if self.high is None or self.high <= 100 else 0.0
        if kind == "date":
            return 1.0 if self.date >= 0.95 else 0.0
        if kind == "school_year":
            return 1.0 if self.school_year >= 0.95 else 0.9 if self.lone_year >= 0.95 else 0.0
        return 1.0


def is_marker(cell: str) -> bool:
    """A cell that says a value was withheld: a marker of the loader's or of publishers, a band ('< 5.0%'), or a
    short run of punctuation ('***')."""
    folded = norm_marker(cell)
    return (
        folded in _DEFAULTS
        or folded in vocabulary().markers
        or re.match(BAND, cell.strip()) is not None
        or (len(folded) <= 4 and not any(ch.isalnum() for ch in folded))
    )


def profile(frame: pl.DataFrame, headers: list[str]) -> list[Profile]:
    """One profile per header of a raw table (text cells under c0, c1 ...)."""
    head = frame.head(ROWS)
    profiles = []
    for i, header in enumerate(headers):
        name = f"c{i}"
        if name not in head.columns:
            continue
        cells = head[name].str.strip_chars()
        cells = cells.filter(cells.is_not_null() & (cells != ""))
        distinct = cells.unique(maintain_order=True)
        marker_values = [v for v in distinct.head(2000).to_list() if is_marker(v)]
        values = cells.filter(~cells.is_in(marker_values)) if marker_values else cells
        n = max(values.len(), 1)

        def share(pattern: str, series: pl.Series = values, n: int = n) -> float:
            return float(series.str.contains(pattern).sum()) / n if series.len() else 0.0

        plain = values.str.strip_suffix("%").str.strip_chars().str.replace_all(",", "")
        numbers = plain.cast(pl.Float64, strict=False).drop_nulls()
        numbers = numbers.filter(numbers.is_finite())
        profiles.append(
            Profile(
                column=name,
                header=header,
                filled=cells.len(),
                markers=marker_values[:20],
                whole=float((numbers == numbers.floor()).sum()) / n if values.len() else 0.0,
                number=numbers.len() / n if values.len() else 0.0,
                percent_sign=share(r"%$"),
                date=share(_DATE),
                school_year=share(_SCHOOL_YEAR),
                lone_year=share(_LONE_YEAR),
                letters=share(r"[A-Za-z]"),
                low=numbers.min() if numbers.len() else None,  # type: ignore[arg-type]
                high=numbers.max() if numbers.len() else None,  # type: ignore[arg-type]
                decimals=bool(numbers.len() and (numbers != numbers.floor()).any()),
                distinct=distinct.len(),
                sample=distinct.head(8).to_list(),
                values=distinct.head(500).to_list(),
            )
        )
    return profiles


def never_above(frame: pl.DataFrame, small: str, large: str) -> bool:
    """Every row where both cells are whole numbers has ``small`` at most ``large`` (and some rows have both)."""

    def number(name: str) -> pl.Expr:
        return pl.col(name).str.strip_chars().str.replace_all(",", "").cast(pl.Float64, strict=False)

    pairs = frame.head(ROWS).select(number(small).alias("s"), number(large).alias("l")).drop_nulls()
    return pairs.height > 0 and bool((pairs["s"] <= pairs["l"]).all()) and bool((pairs["s"] < pairs["l"]).any())
