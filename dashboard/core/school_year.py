"""School-year labels: the school year starting in calendar year 2024 is ``2024-25``, as a Python string
(``school_year_label``) and as a polars expression over a column of start years (``school_year_expr``)."""

from __future__ import annotations

import re

import polars as pl


def school_year_label(year_start: int) -> str:
    """2024 -> '2024-25'."""
    return f"{year_start}-{(year_start + 1) % 100:02d}"


def school_year_expr(col: str, offset: int = 0) -> pl.Expr:
    """2024 -> '2024-25' (the school year starting in that calendar year), ``offset`` years away."""
    start = pl.col(col) + offset
    return pl.when(start.is_not_null()).then(
        pl.concat_str(start.cast(pl.String), pl.lit("-"), ((start + 1) % 100).cast(pl.String).str.zfill(2))
    )


def school_year_start(text: str) -> int | None:
    """'2024-25' (or '2024-2025') -> 2024, the calendar year the school year starts in; None for anything else."""
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d{2}|\d{4})", text.strip())
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    expected = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
    return start if end == expected else None
