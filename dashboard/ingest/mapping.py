"""Mapping files (TOML) turn a file in another shape into a canonical source (CONTRACT.md, Mapping files).

A mapping names the source, how to read the file (sheet, encoding, delimiter, header row), which of the file's
headers feed each canonical column (a list is tried in order, so headers that drift between years still match),
constants for columns the file lacks, value translations and the publisher's suppression markers. A constant may
come from the file's name: ``school_year = { from_file_name = 'survey_(?P<end>\\d{4})' }`` takes the named groups
``start`` and/or ``end`` (two or four digits) as the school year's first and last calendar year.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.core.problems import FileRejected, Problem
from dashboard.core.sources import SCHOOL_ATTRIBUTES, SOURCES, Source
from dashboard.ingest import mapping_extras, wide
from dashboard.ingest.mapping_extras import Extras
from dashboard.ingest.raw import ROW, RawTable, fold_header

_TOP_KEYS = {
    "source", "sheet", "encoding", "delimiter", "header_row", "columns", "constants", "values", "suppression",
    *mapping_extras.KEYS,
}  # fmt: skip


@dataclass
class Mapping:
    source: str
    path: str
    sheet: str | None = None
    encodings: list[str] | None = None
    delimiter: str = ","
    header_row: int = 1
    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str | dict] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    schools_by_name: bool = False  # the school column holds names of stored schools, looked up to their ids
    extras: Extras = field(default_factory=Extras)  # rows kept, a lookup file, responses counted, a survey scored


def _fail(path: str, message: str, key: str | None = None) -> FileRejected:
    return FileRejected([Problem(path, None, key, message)])


def load_mapping(path: Path) -> Mapping:
    name = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(name, "mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(name, f"not a valid TOML mapping: {exc}") from None
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise _fail(name, f"unknown keys {', '.join(sorted(unknown))}; a mapping has {', '.join(sorted(_TOP_KEYS))}")
    source = doc.get("source")
    if source not in SOURCES:
        raise _fail(name, f"`source` must be one of {', '.join(SOURCES)} (got {source!r})", "source")
    spec = SOURCES[source]
    allowed = set(spec.column_names) | set(SCHOOL_ATTRIBUTES)
    columns: dict[str, list[str]] = {}
    for canonical, headers in doc.get("columns", {}).items():
        if canonical not in allowed:
            raise _fail(
                name, f"{canonical!r} is not a column of {source} (columns: {', '.join(sorted(allowed))})", "columns"
            )
        headers = [headers] if isinstance(headers, str) else headers
        if not (isinstance(headers, list) and headers and all(isinstance(h, str) for h in headers)):
            raise _fail(name, f"columns.{canonical} must be a header or a list of headers", "columns")
        columns[canonical] = headers
    constants = doc.get("constants", {})
    for canonical, value in constants.items():
        if canonical not in allowed:
            raise _fail(name, f"constant {canonical!r} is not a column of {source}", "constants")
        if isinstance(value, dict):
            pattern = value.get("from_file_name")
            if set(value) != {"from_file_name"} or not isinstance(pattern, str):
                raise _fail(
                    name, f"constants.{canonical} must be a value or {{ from_file_name = 'regex' }}", "constants"
                )
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _fail(name, f"constants.{canonical}: bad pattern: {exc}", "constants") from None
        elif not isinstance(value, (str, int, float)):
            raise _fail(name, f"constants.{canonical} must be a value", "constants")
    values = doc.get("values", {})
    for canonical, table in values.items():
        if canonical not in allowed or not isinstance(table, dict):
            raise _fail(name, f"values.{canonical} must translate values of a column of {source}", "values")
    encoding = doc.get("encoding")
    encodings = [encoding] if isinstance(encoding, str) else encoding
    header_row = doc.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise _fail(name, "`header_row` must be a whole number from 1", "header_row")
    markers = doc.get("suppression", {}).get("markers", [])
    extras = mapping_extras.parse(doc, name)
    extras.stack = wide.parse(doc, spec, name)
    both = wide.provides(extras.stack) & (set(columns) | set(constants))
    if both or (extras.stack and (extras.responses is not None or extras.survey is not None)):
        raise _fail(
            name, f"[[stack]] fills {', '.join(sorted(both)) or 'rows'} that the mapping fills otherwise", "stack"
        )
    return Mapping(
        source=source,
        path=name,
        sheet=doc.get("sheet"),
        encodings=encodings,
        delimiter=doc.get("delimiter", ","),
        header_row=header_row,
        columns=columns,
        constants={k: (v if isinstance(v, dict) else str(v)) for k, v in constants.items()},
        values={k: {str(a): str(b) for a, b in t.items()} for k, t in values.items()},
        markers=[str(m) for m in markers],
        schools_by_name=bool(doc.get("schools_by_name", False)),
        extras=extras,
    )


def _year_from_file_name(pattern: str, file_name: str, display_name: str, canonical: str) -> str:
    match = re.search(pattern, file_name)
    if not match:
        raise _fail(
            display_name, f"the file name does not match the mapping's pattern {pattern!r} for {canonical}", "constants"
        )
    groups = match.groupdict()

    def year(text: str | None) -> int | None:
        if text is None:
            return None
        value = int(text)
        return value + 2000 if value < 100 else value

    start, end = year(groups.get("start")), year(groups.get("end"))
    if start is None:
        if end is None:
            raise _fail(display_name, f"the pattern for {canonical} needs a named group `start` or `end`", "constants")
        start = end - 1
    return f"{start}-{(start + 1) % 100:02d}"


def to_canonical(
    raw: RawTable,
    source: Source,
    mapping: Mapping | None,
    display_name: str,
    file_name: str,
    folder: Path | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Pick and rename the file's columns to canonical names (text cells); returns the frame and notes. ``folder``
    holds the files a mapping's ``[lookup]`` reads (beside the file)."""
    extras = mapping.extras if mapping else Extras()
    notes: list[str] = []
    if extras.keep or extras.skip:
        raw = mapping_extras.filter_rows(raw, extras, display_name)
    if extras.stack:
        raw, notes = wide.stack(raw, extras.stack, display_name)
    folded = [fold_header(h) for h in raw.headers]
    picked: dict[str, str] = {}  # canonical -> frame column
    # a mapping's own headers first; a column it does not list is still found under its canonical name (a mapping
    # that only sets the encoding or the header row reads a canonical file)
    wanted = dict(mapping.columns) if mapping else {}
    for canonical in [*source.column_names, *SCHOOL_ATTRIBUTES]:
        wanted.setdefault(canonical, [canonical])
    for canonical, headers in wanted.items():
        for header in headers:
            if fold_header(header) in folded:
                picked.setdefault(canonical, f"c{folded.index(fold_header(header))}")
                break
        else:
            if mapping and canonical in mapping.columns:
                notes.append(
                    f"mapping column {canonical}: none of {', '.join(repr(h) for h in headers)} is in the file"
                )
    constants = dict(mapping.constants) if mapping else {}
    provided = extras.provides(source.name)
    missing = [
        c.name
        for c in source.columns
        if c.required and c.name not in picked and c.name not in constants and c.name not in provided
    ]
    if missing:
        shown = ", ".join(repr(h) for h in raw.headers if h.strip())
        raise FileRejected(
            [
                Problem(
                    display_name,
                    None,
                    None,
                    f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                    f"for {source.name} (the file's columns: {shown})",
                )
            ]
        )
    kept = [ROW, *([wide.STACK] if extras.stack else [])]
    frame = raw.frame.select(*kept, *[pl.col(col).alias(canonical) for canonical, col in picked.items()])
    for canonical, value in constants.items():
        if isinstance(value, dict):
            value = _year_from_file_name(value["from_file_name"], file_name, display_name, canonical)
        frame = frame.with_columns(pl.lit(value, dtype=pl.String).alias(canonical))
    for canonical, table in mapping.values.items() if mapping else []:
        if canonical in frame.columns:
            stripped = pl.col(canonical).str.strip_chars()
            frame = frame.with_columns(stripped.replace(table).alias(canonical))
    if extras.lookup is not None:
        frame = mapping_extras.lookup(frame, raw, extras, display_name, file_name, folder)
    if extras.responses is not None:
        frame = mapping_extras.count_responses(frame, raw, extras, display_name)
    elif extras.survey is not None:
        from dashboard.ingest import survey

        frame, more = survey.score(frame, raw, extras, display_name)
        notes += more
    return frame, notes


def schools_by_name(frame: pl.DataFrame, names: dict[str, str], display_name: str) -> pl.DataFrame:
    """The school column's names (a form's dropdown) turned into the ids of the stored schools of those names
    (case and spaces aside); a name of no stored school is a problem of its row."""
    by_name = {fold_header(n): i for i, n in names.items()}
    folded = pl.col("school_id").str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")
    frame = frame.with_columns(
        folded.replace_strict(by_name, default=None).alias("_id"), pl.col("school_id").alias("_name")
    )
    unknown = frame.filter(pl.col("_id").is_null() & pl.col("_name").is_not_null())
    if unknown.height:
        raise FileRejected(
            [
                Problem(display_name, row, "school_id", f"{name!r} is not the name of a school of the district")
                for row, name in unknown.select(ROW, "_name").head(1000).iter_rows()
            ]
        )
    return frame.with_columns(pl.col("_id").alias("school_id")).drop("_id", "_name")
