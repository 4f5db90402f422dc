"""A wide file: one row per school, with a column per subject and student group (Illinois Report Card workbooks),
turned into the canonical rows, one per school row and ``[[stack]]`` entry of the mapping:

    [[stack]]
    subject = "ELA"                       # constants of this entry's rows (canonical columns of the source key)
    student_group = "All Students"
    [stack.columns]                       # canonical column = the file's header (or a list, tried in order)
    n_tested = "# ELA Student Participation"
    pct_proficient = "% ELA Proficiency"

Every entry names the same constants and the same columns, and no two entries share their constants, so no two
stacked rows share a key. A stacked row whose columns are all blank (a group the publisher left empty: none of its
students, or too few to show) is not stored, and a note counts them. Each entry's rows are validated apart
(``validate_stacked``), so a problem names the row of the file and the header it came from."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from dashboard.core.problems import FileRejected, Problem
from dashboard.core.sources import Source
from dashboard.ingest.raw import ROW, RawTable, fold_header

STACK = "_stack"  # the column holding the entry a stacked row came from


def _fail(name: str, message: str) -> FileRejected:
    return FileRejected([Problem(name, None, "stack", message)])


def parse(doc: dict, source: Source, name: str) -> list[dict]:
    """The mapping's ``[[stack]]`` entries as {"set": {canonical: value}, "columns": {canonical: [headers]}}."""
    entries = doc.get("stack")
    if entries is None:
        return []
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise _fail(name, "[[stack]] must be one or more tables, each with its constants and [stack.columns]")
    parsed: list[dict] = []
    for number, entry in enumerate(entries, start=1):
        columns = entry.get("columns")
        if not isinstance(columns, dict) or not columns:
            raise _fail(name, f"stack entry {number} needs [stack.columns]: canonical column = the file's header")
        constants = {k: str(v) for k, v in entry.items() if k != "columns"}
        for canonical in [*constants, *columns]:
            if canonical not in source.column_names:
                raise _fail(name, f"stack entry {number}: {canonical!r} is not a column of {source.name}")
        if not set(constants) & set(source.key):
            raise _fail(
                name, f"stack entry {number} must set one of {', '.join(source.key)} (what tells its rows apart)"
            )
        headers = {c: [h] if isinstance(h, str) else h for c, h in columns.items()}
        if not all(isinstance(h, list) and h and all(isinstance(x, str) for x in h) for h in headers.values()):
            raise _fail(name, f"stack entry {number}: each column names a header or a list of headers")
        parsed.append({"set": constants, "columns": headers})
    first = parsed[0]
    for number, entry in enumerate(parsed[1:], start=2):
        if set(entry["set"]) != set(first["set"]) or set(entry["columns"]) != set(first["columns"]):
            raise _fail(name, f"stack entry {number} names other constants or columns than entry 1")
    seen = [tuple(sorted(e["set"].items())) for e in parsed]
    if len(set(seen)) != len(seen):
        raise _fail(name, "two stack entries set the same constants: their rows would be the same rows")
    return parsed


def provides(entries: list[dict]) -> set[str]:
    return set(entries[0]["set"]) | set(entries[0]["columns"]) if entries else set()


def stack(raw: RawTable, entries: list[dict], display_name: str) -> tuple[RawTable, list[str]]:
    """The wide table as a long one: the file's own columns (for the school and the year) beside each entry's
    columns under their canonical names, one block of rows per entry, with the entry in ``_stack``."""
    folded = [fold_header(h) for h in raw.headers]
    names = [*entries[0]["set"], *entries[0]["columns"]]
    blocks: list[pl.DataFrame] = []
    blank = 0
    for index, entry in enumerate(entries):
        picked: list[pl.Expr] = []
        for canonical, headers in entry["columns"].items():
            found = next((h for h in headers if fold_header(h) in folded), None)
            if found is None:
                raise FileRejected(
                    [
                        Problem(
                            display_name,
                            None,
                            canonical,
                            f"the mapping's stack entry {index + 1} ({_label(entry)}) reads "
                            f"{' or '.join(repr(h) for h in headers)}, which is not a header of the file",
                        )
                    ]
                )
            entry.setdefault("found", {})[canonical] = found
            picked.append(pl.col(f"c{folded.index(fold_header(found))}").alias(f"s{len(picked)}"))
        measures = [f"s{i}" for i in range(len(picked))]
        block = raw.frame.with_columns(*picked)
        empty = pl.all_horizontal(pl.col(m).is_null() | (pl.col(m).str.strip_chars() == "") for m in measures)
        kept = block.filter(~empty)
        blank += block.height - kept.height
        constants = [pl.lit(v, dtype=pl.String).alias(f"k{i}") for i, v in enumerate(entry["set"].values())]
        blocks.append(kept.with_columns(*constants, pl.lit(index, dtype=pl.UInt16).alias(STACK)))
    frame = pl.concat(blocks, how="vertical")
    shift = len(names)
    own = {f"c{i}": f"c{i + shift}" for i in range(len(raw.headers)) if f"c{i}" in frame.columns}
    stacked = {
        **{f"k{i}": f"c{i}" for i in range(len(entries[0]["set"]))},
        **{f"s{i}": f"c{i + len(entries[0]['set'])}" for i in range(len(entries[0]["columns"]))},
    }
    frame = frame.rename({**own, **stacked}).select(ROW, STACK, *[f"c{i}" for i in range(shift + len(raw.headers))])
    frame = frame.sort(ROW, STACK, maintain_order=True)
    total = len(entries) * raw.frame.height
    notes = [
        f"{blank} of the {total} stacked rows ({raw.frame.height} rows of the file x {len(entries)} groups) were "
        "blank, a group the publisher left empty (no students, or too few to show), and are not stored"
    ] if blank else []  # fmt: skip
    return RawTable(frame, [*names, *raw.headers], raw.header_row, raw.encoding), notes


def _label(entry: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in entry["set"].items())


def validate_stacked(frame: pl.DataFrame, entries: list[dict], run: Callable[[pl.DataFrame], object]):
    """``run`` (the validation of one frame) on each entry's rows apart, merged: the problems name the file's row and
    the header the value came from; no two entries' rows share a key (``parse``), so none is a duplicate of
    another's."""
    from dashboard.ingest.validate import Validated

    parts: list[Validated] = []
    problems: set[Problem] = set()
    for index, entry in enumerate(entries):
        part = run(frame.filter(pl.col(STACK) == index).drop(STACK))
        assert isinstance(part, Validated)
        parts.append(part)
        for p in part.problems:
            header = entry.get("found", {}).get(p.column or "")
            problems.add(Problem(p.file, p.row, header, p.message) if header else p)
    return Validated(
        pl.concat([p.frame for p in parts], how="vertical"),
        pl.concat([p.new_schools for p in parts], how="vertical").unique(
            "school_id", keep="first", maintain_order=True
        ),
        sorted(problems, key=lambda p: (p.row or 0, p.column or "", p.message)),
        sorted({y for p in parts for y in p.year_starts}),
    )
