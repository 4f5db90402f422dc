"""Validate a canonical text frame and type it, collecting every problem of the file (not just the first), each
pointing at the user's own row and column. Checks are declared with the columns in ``dashboard.core.sources`` and run
as vectorised polars expressions, so a file of millions of rows is checked in one pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.core.problems import Problem
from dashboard.core.sources import SCHOOL_ATTRIBUTES, Source
from dashboard.ingest.parse import BAND, DEFAULT_MARKERS, blank_to_null, norm_marker, parse
from dashboard.ingest.raw import ROW

MAX_PROBLEMS = 1000  # a file with more is reported with the first ones and a count


@dataclass
class Validated:
    frame: pl.DataFrame  # the table's columns, typed (without import_id)
    new_schools: pl.DataFrame  # school_id, school_name, level, network of schools the file creates
    problems: list[Problem]
    year_starts: list[int]


def validate(
    frame: pl.DataFrame,
    source: Source,
    display_name: str,
    *,
    markers: list[str],
    known_schools: set[str],
    settings: dict[str, float],
    today: dt.date,
) -> Validated:
    # every row is typed and checked with constant messages; the rows with a problem (few) are checked again with
    # the messages built from their cells
    # in pieces of CHECK_ROWS rows: a piece's cleaned texts, flags and errors are dropped before the next is typed,
    # so a file's checking holds one piece of them at a time beside its rows (2.5 M meetings: 1.3 GB less at the peak)
    commas = _with_commas(frame, source)
    typed_pieces, bad_pieces = [], []
    for start in range(0, max(frame.height, 1), CHECK_ROWS):
        piece = _typed(
            frame.slice(start, CHECK_ROWS), source, markers=markers, settings=settings, today=today, cheap=True,
            commas=commas,
        )  # fmt: skip
        err_cols = [c for c in piece.columns if c.startswith("_err_")]
        bad_pieces.append(piece.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in err_cols)).select(ROW))
        typed_pieces.append(piece.drop(err_cols))
    typed = pl.concat(typed_pieces, how="vertical", rechunk=False) if len(typed_pieces) > 1 else typed_pieces[0]
    del typed_pieces
    bad = pl.concat(bad_pieces, how="vertical")
    problems: list[Problem] = []
    if bad.height:
        detailed = _typed(
            frame.join(bad, on=ROW, how="semi"), source, markers=markers, settings=settings, today=today, cheap=False,
            commas=commas,
        )  # fmt: skip
        problems = _collect(detailed, display_name, source)
    for name in frame.columns:  # the file's text, every row typed: let go here, not when the caller's frame goes
        frame.drop_in_place(name)
    problems += _duplicates(typed, source, display_name)
    new_schools, unknown = _schools(typed, source, display_name, known_schools)
    problems += unknown
    problems.sort(
        key=lambda p: (p.row or 0, source.column_names.index(p.column) if p.column in source.column_names else 99)
    )
    return Validated(_to_table(typed, source), new_schools, problems, _year_starts(typed, source))


CHECK_ROWS = 500_000  # rows typed and checked at a time


def _with_commas(frame: pl.DataFrame, source: Source) -> set[str]:
    """The numeric columns where some cell holds a comma (a thousands separator, or a decimal comma), over the whole
    file: every piece of it is parsed alike."""
    numeric = [c.name for c in source.columns if c.name in frame.columns and c.kind in ("int", "float", "pct")]
    if not numeric:
        return set()
    found = frame.select(pl.col(n).str.contains(",", literal=True).any() for n in numeric).row(0)
    return {n for n, e in zip(numeric, found, strict=True) if e}


def _typed(
    frame: pl.DataFrame,
    source: Source,
    *,
    markers: list[str],
    settings: dict[str, float],
    today: dt.date,
    cheap: bool,
    commas: set[str],
) -> pl.DataFrame:
    marker_set = sorted({norm_marker(m) for m in [*DEFAULT_MARKERS, *markers]})
    columns: dict[str, pl.Expr] = {}
    errors: list[tuple[str, pl.Expr]] = []  # (column, message expr)
    marker_texts: list[pl.Expr] = []
    band_texts: list[pl.Expr] = []  # a coded band ("< 5.0%") says more than a plain marker: it is kept first
    # Three passes, each column's cleaned text, marker flag and parse input materialised once, so no expression is
    # evaluated again for every use (a file of millions of rows is checked in seconds)
    cleaned: dict[str, pl.Expr] = {}
    present = [col.name for col in source.columns if col.name in frame.columns]
    frame = frame.with_columns(pl.col(n).str.strip_chars() for n in present)  # trimmed once, then tested
    for column in source.columns:
        default = column.default
        if column.name == "threshold_pct" and default is None:
            default = str(settings["readiness_threshold_pct"])
        if column.name in frame.columns:
            text = pl.when(pl.col(column.name) == "").then(None).otherwise(pl.col(column.name))  # trimmed above
            if default is not None:
                text = text.fill_null(pl.lit(default))
        else:
            text = pl.lit(default, dtype=pl.String)
        cleaned[f"_txt_{column.name}"] = text
    frame = frame.with_columns(**cleaned)
    flags: dict[str, pl.Expr] = {}
    for column in source.columns:
        if column.markable:
            text = pl.col(f"_txt_{column.name}")
            band = text.str.contains(BAND)
            flags[f"_band_{column.name}"] = band
            flags[f"_mark_{column.name}"] = text.is_not_null() & (
                text.str.replace_all(r"\s+", "").str.to_lowercase().is_in(marker_set) | band
            )
    if flags:
        frame = frame.with_columns(**flags)
        frame = frame.with_columns(
            pl.when(pl.col(f"_mark_{col.name}"))
            .then(None)
            .otherwise(pl.col(f"_txt_{col.name}"))
            .alias(f"_in_{col.name}")
            for col in source.columns
            if col.markable
        )
    for column in source.columns:
        text = pl.col(f"_txt_{column.name}")
        if column.markable:
            is_marker = pl.col(f"_mark_{column.name}")
            marker_texts.append(pl.when(is_marker).then(text))
            band_texts.append(pl.when(is_marker & pl.col(f"_band_{column.name}")).then(text))
            text = pl.col(f"_in_{column.name}")  # a marker is no value
            marked = is_marker
        else:
            marked = pl.lit(False)
        value, error = parse(column, text, cheap=cheap, commas=column.name in commas)
        if column.required:
            error = pl.when(text.is_null() & ~marked.fill_null(False)).then(pl.lit("missing value")).otherwise(error)
        if column.kind == "date":
            error = (
                pl.when(value > pl.lit(today))
                .then(
                    pl.lit("'")
                    if cheap
                    else pl.concat_str(pl.lit("'"), text, pl.lit(f"' is in the future (today is {today.isoformat()})"))
                )
                .otherwise(error)
            )
        columns[column.name] = value
        errors.append((column.name, error))
    attrs = {a: blank_to_null(pl.col(a)) for a in SCHOOL_ATTRIBUTES if a in frame.columns and a not in columns}
    typed = frame.select(
        ROW,
        *[expr.alias(name) for name, expr in columns.items()],
        *[expr.alias(f"_new_{name}") for name, expr in attrs.items()],
        *[err.alias(f"_err_{name}") for name, err in errors],
        (pl.coalesce(*band_texts, *marker_texts) if marker_texts else pl.lit(None, dtype=pl.String)).alias(
            "publisher_marker"
        ),
    )
    return _cross_checks(typed, source, cheap=cheap)


def _cross_checks(typed: pl.DataFrame, source: Source, *, cheap: bool = False) -> pl.DataFrame:
    """Checks that look at more than one cell of a row; they add to a column's error where that cell is fine."""
    c = pl.col

    def add(column: str, condition: pl.Expr, message: pl.Expr, *others: str) -> pl.Expr:
        # only where the other cells it compares with are valid: a rejected cell is not compared again
        err = c(f"_err_{column}")
        valid = pl.all_horizontal(err.is_null(), *[c(f"_err_{o}").is_null() for o in others])
        if cheap:  # the cells a message quotes are never null where its condition holds
            message = pl.lit("!")
        return pl.when(valid & condition.fill_null(False)).then(message).otherwise(err).alias(f"_err_{column}")

    def s(name: str) -> pl.Expr:
        return c(name).cast(pl.String)

    checks: list[pl.Expr] = []
    if source.name == "cpl":
        checks.append(
            add(
                "attendees",
                c("attendees") > c("team_size"),
                pl.concat_str(
                    pl.lit("attendees ("),
                    s("attendees"),
                    pl.lit(") is more than team_size ("),
                    s("team_size"),
                    pl.lit(")"),
                ),
                "team_size",
            )
        )
    elif source.name == "trust":
        checks.append(
            add(
                "mean_score",
                c("mean_score") > c("scale_max"),
                pl.concat_str(pl.lit("mean_score "), s("mean_score"), pl.lit(" is above scale_max "), s("scale_max")),
                "scale_max",
            )
        )
        nothing = c("mean_score").is_null() & c("pct_favorable").is_null() & c("publisher_marker").is_null()
        checks.append(add("mean_score", nothing, pl.lit("missing value (give mean_score or pct_favorable)")))
    elif source.name == "readiness":
        cast = c("votes_ready") + c("votes_not_yet") + c("votes_abstain")
        checks.append(
            add(
                "eligible_voters",
                cast > c("eligible_voters"),
                pl.concat_str(
                    pl.lit("votes ("),
                    cast.cast(pl.String),
                    pl.lit(") are more than eligible_voters ("),
                    s("eligible_voters"),
                    pl.lit(")"),
                ),
                "votes_ready",
                "votes_not_yet",
                "votes_abstain",
            )
        )
    elif source.name == "achievement":
        checks.append(
            add(
                "n_proficient",
                c("n_proficient") > c("n_tested"),
                pl.concat_str(
                    pl.lit("n_proficient ("),
                    s("n_proficient"),
                    pl.lit(") is more than n_tested ("),
                    s("n_tested"),
                    pl.lit(")"),
                ),
                "n_tested",
            )
        )
        nothing = c("n_proficient").is_null() & c("pct_proficient").is_null() & c("publisher_marker").is_null()
        checks.append(add("n_proficient", nothing, pl.lit("missing value (give n_proficient or pct_proficient)")))
    for check in checks:  # one at a time: two checks may add to the same column's error
        typed = typed.with_columns(check)
    return typed


def _collect(typed: pl.DataFrame, display_name: str, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    for column in source.column_names:
        bad = typed.filter(pl.col(f"_err_{column}").is_not_null()).select(ROW, f"_err_{column}")
        problems += [Problem(display_name, row, column, message) for row, message in bad.head(MAX_PROBLEMS).iter_rows()]
    return problems


def _duplicates(typed: pl.DataFrame, source: Source, display_name: str) -> list[Problem]:
    key = list(source.key)
    # the key's hash first (8 bytes a row, where the key's own columns took 0.6 GB for 2.5 M meetings), then the
    # rows whose hash repeats, compared by the key itself (two keys may share a hash)
    hashed = typed.select(pl.struct(key).hash().is_duplicated()).to_series()
    if not hashed.any():
        return []
    candidates = typed.filter(hashed)
    repeated = candidates.select(key).is_duplicated()
    if not repeated.any():
        return []
    dupes = (
        candidates.filter(repeated)
        .select(ROW, *key)
        .with_columns(pl.col(ROW).min().over(key).alias("_first"))
        .filter(pl.col(ROW) != pl.col("_first"))
    )
    label = ", ".join(source.key)
    return [
        Problem(display_name, row, label, f"duplicate of row {first} (the same {label})")
        for row, first in dupes.select(ROW, "_first").head(MAX_PROBLEMS).iter_rows()
    ]


def _schools(
    typed: pl.DataFrame, source: Source, display_name: str, known: set[str]
) -> tuple[pl.DataFrame, list[Problem]]:
    empty = pl.DataFrame(schema={"school_id": pl.String, **dict.fromkeys(SCHOOL_ATTRIBUTES, pl.String)})
    if source.name == "schools":
        return empty, []
    rows = typed.filter(pl.col("school_id").is_not_null() & ~pl.col("school_id").is_in(sorted(known)))
    if rows.is_empty():
        return empty, []
    if "_new_school_name" in rows.columns:
        nameless = rows.filter(pl.col("_new_school_name").is_null())
        new = (
            rows.filter(pl.col("_new_school_name").is_not_null())
            .group_by("school_id", maintain_order=True)
            .agg(
                *[
                    pl.col(f"_new_{a}").drop_nulls().first().alias(a)
                    if f"_new_{a}" in rows.columns
                    else pl.lit(None, dtype=pl.String).alias(a)
                    for a in SCHOOL_ATTRIBUTES
                ]
            )
        )
        nameless = nameless.filter(~pl.col("school_id").is_in(new["school_id"].to_list()))
    else:
        nameless, new = rows, empty
    problems = [
        Problem(
            display_name,
            row,
            "school_id",
            f"unknown school '{sid}': load it in schools.csv first, or give a school_name column",
        )
        for row, sid in nameless.select(ROW, "school_id").head(MAX_PROBLEMS).iter_rows()
    ]
    if not new.is_empty() and "level" in new.columns:
        from dashboard.core.sources import SCHOOLS  # levels are checked like the schools file's own

        level, _ = parse(SCHOOLS.column("level"), pl.col("level"))
        new = new.with_columns(level.alias("level"))
        if "_new_level" in rows.columns:  # a level the schools file would reject is reported, not stored
            _, error = parse(SCHOOLS.column("level"), pl.col("_new_level"))
            bad = (
                rows.filter(pl.col("school_id").is_in(new["school_id"].to_list()))
                .select(ROW, error.alias("_error"))
                .filter(pl.col("_error").is_not_null())
            )
            problems += [
                Problem(display_name, row, "level", message) for row, message in bad.head(MAX_PROBLEMS).iter_rows()
            ]
    return new.select("school_id", *SCHOOL_ATTRIBUTES), problems


def _to_table(typed: pl.DataFrame, source: Source) -> pl.DataFrame:
    c = pl.col
    frame = typed
    if "school_year" in frame.columns:
        frame = frame.rename({"school_year": "year_start"})
    if source.name == "cpl":
        date = c("meeting_date")
        frame = frame.with_columns(
            (date.dt.year() - (date.dt.month() < 7).cast(pl.Int64)).cast(pl.Int64).alias("year_start"),
            (date - pl.duration(days=date.dt.weekday() - 1)).alias("week_start"),
        )
    if source.name == "readiness":
        date = c("vote_date")
        frame = frame.with_columns(
            (date.dt.year() - (date.dt.month() < 7).cast(pl.Int64)).cast(pl.Int64).alias("year_start")
        )
    if source.name == "achievement":
        # the file's percent is kept only where it gave no proficient count
        frame = frame.with_columns(
            pl.when(c("n_proficient").is_null()).then(c("pct_proficient")).alias("pct_proficient")
        )
    keep = [
        col
        for col in frame.columns
        if not col.startswith("_") and (col != "publisher_marker" or source.name in ("trust", "achievement"))
    ]
    return frame.select(keep)


def _year_starts(typed: pl.DataFrame, source: Source) -> list[int]:
    if "school_year" in typed.columns:
        return sorted(typed["school_year"].drop_nulls().unique().to_list())
    date_column = {"cpl": "meeting_date", "readiness": "vote_date"}.get(source.name)
    if date_column is None:
        return []
    date = typed[date_column].drop_nulls()
    return sorted((date.dt.year() - (date.dt.month() < 7).cast(pl.Int32)).unique().to_list())
