"""Cell parsing for validation: a column's cleaned text to its typed value and error message (polars expressions)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import polars as pl

from dashboard.core.sources import Column

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

DEFAULT_MARKERS = ("*", "--", "-", "N/A", "n<10", "<5%", "> 95.0%", "s")
# A band a publisher printed instead of a rate: "< 5.0%", ">95%", "≤5%", "<=5", "n<10" ...
BAND = r"^(n\s*)?(<=|>=|<|>|≤|≥)\s*\d+(\.\d+)?\s*%?$"
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")


def norm_marker(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _number_text(expr: pl.Expr, commas: bool = True) -> pl.Expr:
    """'1,234' -> '1234'; '75%' -> '75' is done by the caller for percents. ``commas=False``: the column has no
    comma in any cell (nothing to take out)."""
    if not commas:
        return expr
    return (
        pl.when(expr.str.contains(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")).then(expr.str.replace_all(",", "")).otherwise(expr)
    )


def parse(column: Column, text: pl.Expr, *, cheap: bool = False, commas: bool = True) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, error message or null) for one column's cleaned text. ``cheap`` gives the same nulls with
    constant messages (finding the bad rows of a large file without building a message for every row)."""
    quoted = pl.lit("'") if cheap else pl.concat_str(pl.lit("'"), text.str.slice(0, 60), pl.lit("'"))
    kind = column.kind
    if kind == "text":
        too_long = text.str.len_chars() > column.max_length
        return text, pl.when(too_long).then(pl.lit(f"longer than {column.max_length} characters"))
    if kind == "choice":
        lowered = text.str.to_lowercase().str.replace_all(r"[\s-]+", "_")
        aliases = {k.replace(" ", "_").replace("-", "_"): v for k, v in column.aliases.items()}
        value = lowered.replace(aliases) if aliases else lowered
        bad = text.is_not_null() & ~value.is_in(list(column.choices))
        return value, pl.when(bad).then(pl.concat_str(quoted, pl.lit(f" is not one of {', '.join(column.choices)}")))
    if kind in ("int", "float", "pct"):
        cleaned = _number_text(text, commas)
        if kind == "pct":
            cleaned = cleaned.str.strip_suffix("%").str.strip_chars()
        as_float = cleaned.cast(pl.Float64, strict=False)
        if kind == "int":
            value = as_float.cast(pl.Int64, strict=False)
            not_number = text.is_not_null() & (
                as_float.is_null() | (as_float != as_float.floor()) | as_float.is_infinite()
            )
            error: Then | ChainedThen = pl.when(not_number).then(
                pl.concat_str(quoted, pl.lit(" is not a whole number"))
            )
            overflow = as_float.abs() > 2_000_000_000
            error = error.when(overflow).then(pl.concat_str(quoted, pl.lit(" is too large")))
        else:
            value = as_float
            not_number = text.is_not_null() & (as_float.is_null() | as_float.is_nan() | as_float.is_infinite())
            error = pl.when(not_number).then(pl.concat_str(quoted, pl.lit(" is not a number")))
        low = 0 if kind == "pct" else column.min
        high = 100 if kind == "pct" else column.max
        if low is not None:
            error = error.when(value < low).then(
                pl.concat_str(quoted, pl.lit(f" is below {low:g}" if low else " is negative"))
            )
        if high is not None:
            what = " is above 100 percent" if kind == "pct" else f" is above {high:g}"
            error = error.when(value > high).then(pl.concat_str(quoted, pl.lit(what)))
        return value, error
    if kind == "date":
        head = text.str.slice(0, 10)
        value = pl.coalesce(
            *[head.str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS[:1]],
            *[text.str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS[1:]],
        )
        error = pl.when(text.is_not_null() & value.is_null()).then(
            pl.concat_str(quoted, pl.lit(" is not a date (use YYYY-MM-DD)"))
        )
        return value, error
    if kind == "school_year":
        parts = text.str.extract_groups(r"^(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$")
        start = parts.struct.field("1").cast(pl.Int64, strict=False)
        end = parts.struct.field("2").cast(pl.Int64, strict=False)
        end_full = (
            pl.when(end < 100)
            .then(start - start % 100 + end + pl.when(end < start % 100).then(100).otherwise(0))
            .otherwise(end)
        )
        ok = start.is_not_null() & (end_full == start + 1)
        error = pl.when(text.is_not_null() & ~ok).then(
            pl.concat_str(quoted, pl.lit(" is not a school year (use YYYY-YY, for example 2024-25)"))
        )
        return pl.when(ok).then(start), error
    raise ValueError(f"unknown column kind {kind}")
