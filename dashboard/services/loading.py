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
from dashboard.ingest.raw import RawTable
from dashboard.ingest.uploads import ReadLimits, check_upload_size, read_in_child
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


def preview(raw: RawTable) -> pl.DataFrame:
    """The file's first rows under its own headers, from the table the load read (an upload is read once: its
    preview and its load are the same read)."""
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
    others: dict[str, bytes] | None = None,
) -> UploadResult:
    """Check, preview, validate and load one uploaded file (and optional mapping) under the upload's own name.
    ``progress(fraction, text)`` is told of each step. Loading is an admin's: anyone else gets PermissionError.
    ``others`` are files the mapping reads beside the file (a CAASPP entities file), by name."""
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
        for other, content in (others or {}).items():
            (Path(tmp) / Path(other).name).write_bytes(content)
        mapping_path = None
        if mapping_bytes is not None:
            mapping_path = Path(tmp) / Path(mapping_name or "mapping.toml").name
            mapping_path.write_bytes(mapping_bytes)
        limits = ReadLimits.for_upload(settings)
        read: list[RawTable] = []

        def reader(path: Path, display_name: str, **read_args) -> RawTable:
            """The one read of the upload, in a bounded process of its own: the load's table and the preview."""
            read.append(read_in_child(path, display_name, limits, **read_args))
            step(0.45, "Checking every row (nothing is written while any row has a problem)")
            return read[-1]

        step(0.2, f"Reading {name} (in a process of its own, within the upload limits)")
        result = load(
            engine,
            [FileToLoad(path, source, mapping_path, display_name=name, reader=reader)],
            user=caller.username,
            audit_user=caller.username,
            what=f"{name} as {source}",
        )
    step(1.0, "Loaded" if result.ok else "Rejected: nothing was written")
    shown = preview(read[0]) if read else None
    return UploadResult(name, result.ok, shown, problems_frame(result.problems), [o.summary() for o in result.outcomes])
