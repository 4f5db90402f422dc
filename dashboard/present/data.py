"""The data and admin pages' tables: source templates, file problems, the import history, last loads, accounts."""

from __future__ import annotations

import polars as pl

from dashboard.core.sources import SOURCES

c = pl.col


# --- 8. data -------------------------------------------------------------------------------------------------------


def template_csv(source: str) -> bytes:
    """The canonical header of a source, as a CSV file with no rows."""
    return (",".join(SOURCES[source].column_names) + "\n").encode("utf-8")


def problems_frame(problems: list) -> pl.DataFrame:
    """Every problem as the Data page lists it: a problem of the whole file has a blank row and column (not
    "None"), and its message says what is wrong with the file."""
    return pl.DataFrame(
        {
            "file": [p.file for p in problems],
            "row": ["" if p.row is None else str(p.row) for p in problems],
            "column": [p.column or "" for p in problems],
            "message": [p.message for p in problems],
        },
        schema={"file": pl.String, "row": pl.String, "column": pl.String, "message": pl.String},
    )


def import_history(log: pl.DataFrame) -> pl.DataFrame:
    if log.is_empty():
        return log
    return log.sort("id", descending=True).select(
        "id",
        "loaded_at",
        "user",
        "source",
        c("file_name").alias("file"),
        "rows_in_file",
        "rows_inserted",
        "rows_replaced",
        "rows_removed",
        "status",
    )


def last_loaded(log: pl.DataFrame) -> pl.DataFrame:
    """One row per source: the date and file of its latest import still in force ("never" where none)."""
    loaded = log.filter(c("status") == "loaded") if log.height else log
    latest = (
        (
            loaded.sort("id")
            .group_by("source")
            .last()
            .select(
                "source",
                c("loaded_at").cast(pl.String).str.slice(0, 10).alias("last loaded"),
                c("file_name").alias("file"),
                c("user").alias("by"),
            )
        )
        if loaded.height
        else None
    )
    rows = pl.DataFrame({"source": list(SOURCES)})
    if latest is None:
        return rows.with_columns(
            pl.lit("never").alias("last loaded"),
            pl.lit(None, pl.String).alias("file"),
            pl.lit(None, pl.String).alias("by"),
        )
    return rows.join(latest, on="source", how="left").with_columns(c("last loaded").fill_null("never"))


def accounts_table(people: list) -> pl.DataFrame:
    """One row per account (``accounts.Account``) for the admin page: never a password hash."""
    return pl.DataFrame(
        [
            (
                a.username,
                a.display_name,
                a.role,
                ";".join(a.schools),
                a.active,
            )
            for a in people
        ],
        schema={
            "username": pl.String,
            "name": pl.String,
            "role": pl.String,
            "schools": pl.String,
            "active": pl.Boolean,
        },
        orient="row",
    )
