"""Loading files, written once for the CLI (``district-dashboard load``) and the Data page: validate and load, then
the audit entry of a load that wrote (a rejected load writes nothing, not even an audit entry: CONTRACT.md). The
caller reads the data version again afterwards (the app, for the rest of its run)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.core.problems import FileRejected
from dashboard.ingest.loader import FileToLoad, LoadResult, load_files
from dashboard.ingest.mapping import load_mapping
from dashboard.ingest.readers import read_table
from dashboard.ingest.uploads import check_upload_size
from dashboard.present.data import problems_frame


def load(
    engine: sa.Engine,
    items: list[FileToLoad],
    *,
    user: str | None,
    audit_user: str,
    what: str,
    replace_years: bool = False,
) -> LoadResult:
    """Validate and load ``items`` in one transaction as ``user``; when it wrote, record ``"{what}: loaded"`` in the
    audit log under ``audit_user``."""
    result = load_files(engine, items, replace_years=replace_years, user=user)
    if result.ok:  # a rejected load writes nothing, not even an audit entry (CONTRACT.md)
        audit.record(engine, audit_user, "load", f"{what}: loaded")
    return result


@dataclass
class UploadResult:
    """What the Data page shows after an upload: the file's first rows, every problem, or the load summary."""

    file_name: str
    ok: bool
    preview: pl.DataFrame | None
    problems: pl.DataFrame
    summary: list[str]


PREVIEW_ROWS = 10


def preview(path, display_name: str, mapping_path) -> pl.DataFrame | None:
    """The file's first rows under its own headers (through the mapping's encoding, sheet and header row), or None
    when the file cannot be read at all (the problems table then says why)."""
    try:
        m = load_mapping(mapping_path) if mapping_path else None
        raw = read_table(
            path,
            display_name,
            encodings=m.encodings if m else None,
            delimiter=m.delimiter if m else ",",
            header_row=m.header_row if m else 1,
            sheet=m.sheet if m else None,
        )
    except Exception:  # FileRejected and anything unreadable: the loader reports it as a problem
        return None
    frame = raw.frame.head(PREVIEW_ROWS)
    names: dict[str, str] = {}
    for i, header in enumerate(raw.headers):  # the readers' c0, c1 ... under the file's own headers
        name = str(header or "").strip() or f"column {i + 1}"
        while name in names.values() or name == "row":
            name += " (again)"
        names[f"c{i}"] = name
    names = {k: v for k, v in names.items() if k in frame.columns}
    row = next((col for col in frame.columns if col not in names), None)  # the row number the spreadsheet shows
    return frame.rename({**names, **({row: "row"} if row else {})})


def load_upload(
    engine: sa.Engine,
    caller: access.Caller,
    settings: dict[str, float],
    file_name: str,
    data: bytes,
    source: str,
    mapping_name: str | None = None,
    mapping_bytes: bytes | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> UploadResult:
    """Check, preview, validate and load one uploaded file (and optional mapping) under the upload's own name.
    ``progress(fraction, text)`` is told of each step. Loading is an admin's: anyone else gets PermissionError."""
    step = progress or (lambda fraction, text: None)
    if not caller.may_open("data"):  # loading is an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may load data")
    name = Path(file_name).name
    step(0.05, f"Checking the size of {name}")
    try:
        check_upload_size(name, len(data), settings)
    except FileRejected as rejected:
        step(1.0, "Rejected: nothing was written")
        return UploadResult(name, False, None, problems_frame(rejected.problems), [])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        mapping_path = None
        if mapping_bytes is not None:
            mapping_path = Path(tmp) / Path(mapping_name or "mapping.toml").name
            mapping_path.write_bytes(mapping_bytes)
        step(0.2, f"Reading {name}")
        shown = preview(path, name, mapping_path)
        step(0.45, "Checking every row (nothing is written while any row has a problem)")
        result = load(
            engine,
            [FileToLoad(path, source, mapping_path, display_name=name)],
            user=caller.username,
            audit_user=caller.username,
            what=f"{name} as {source}",
        )
    step(1.0, "Loaded" if result.ok else "Rejected: nothing was written")
    return UploadResult(name, result.ok, shown, problems_frame(result.problems), [o.summary() for o in result.outcomes])
