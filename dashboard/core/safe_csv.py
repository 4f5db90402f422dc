"""Writing tables for people: CSV that opens safely in a spreadsheet program."""

from __future__ import annotations

from pathlib import Path

import polars as pl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP's advice); numbers,
    including negative ones held as numbers, stay as they are."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    exprs = []
    for col in text_columns:
        cond = pl.any_horizontal([pl.col(col).str.starts_with(ch) for ch in _FORMULA_START])
        numeric = pl.col(col).str.contains(r"^[+-]?\d+(\.\d+)?$")
        exprs.append(pl.when(cond & ~numeric).then(pl.lit("'") + pl.col(col)).otherwise(pl.col(col)).alias(col))
    return frame.with_columns(exprs) if exprs else frame


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    return neutralise_formulas(frame).write_csv(float_precision=4).encode("utf-8")


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write atomically: a half-written export never replaces a good one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(to_csv_bytes(frame))
    tmp.replace(path)
