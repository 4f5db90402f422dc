"""The Data page's guided import, without Streamlit: a dropped file's suggested mapping (or the mapping saved for
files with the same headers, offered again), a check of a mapping on the file as a load would do it (its first
rows in canonical form and every problem, nothing written), and the saved mappings themselves (stored in the
database, each downloadable as TOML). Saving is an admin's, like loading, and is recorded in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest.loader import FileToLoad, check_files
from dashboard.ingest.mapping import load_mapping
from dashboard.ingest.raw import RawTable, fold_header
from dashboard.ingest.suggest import Suggestion, suggest
from dashboard.ingest.uploads import ReadLimits, check_upload_size, read_in_child
from dashboard.present.data import problems_frame
from dashboard.store.schema import saved_mapping

PREVIEW_ROWS = 10


def headers_key(headers: list[str]) -> str:
    """The same for two files whose headers are the same after folding (case, spaces, line breaks)."""
    return hashlib.sha256("\x1f".join(fold_header(h) for h in headers).encode("utf-8")).hexdigest()


@dataclass
class SavedMapping:
    id: int
    name: str
    source: str
    toml: str
    saved_by: str
    saved_at: dt.datetime


def _saved(row) -> SavedMapping:
    return SavedMapping(row.id, row.name, row.source, row.toml, row.saved_by, row.saved_at)


def saved_for(engine: sa.Engine, headers: list[str]) -> SavedMapping | None:
    """The latest mapping saved for files with these headers."""
    query = (
        sa.select(saved_mapping)
        .where(saved_mapping.c.headers_key == headers_key(headers))
        .order_by(saved_mapping.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _saved(row) if row else None


def list_saved(engine: sa.Engine) -> list[SavedMapping]:
    with engine.connect() as conn:
        return [_saved(r) for r in conn.execute(sa.select(saved_mapping).order_by(saved_mapping.c.id.desc()))]


def _check_toml(toml: str) -> str:
    """The mapping's source, or FileRejected when the text is not a mapping ``load`` takes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mapping.toml"
        path.write_text(toml, encoding="utf-8")
        return load_mapping(path).source


def source_of(toml: bytes | str) -> str:
    """The source of a mapping file's text, or FileRejected naming what is wrong with it."""
    return _check_toml(toml.decode("utf-8") if isinstance(toml, bytes) else toml)


def save(engine: sa.Engine, caller: access.Caller, name: str, headers: list[str], toml: str) -> SavedMapping:
    """Store a mapping for files with these headers (an admin's; audited). FileRejected when it is not a mapping."""
    if not caller.may_open("data"):
        raise PermissionError("only an admin may save a mapping")
    source = _check_toml(toml)
    name = name.strip() or "mapping"
    values = dict(
        name=name[:255],
        source=source,
        headers_key=headers_key(headers),
        headers="\n".join(headers),
        toml=toml,
        saved_by=caller.username,
        saved_at=dt.datetime.now(dt.UTC),
    )
    with engine.begin() as conn:
        new_id = conn.execute(sa.insert(saved_mapping).values(**values).returning(saved_mapping.c.id)).scalar_one()
        audit.record(conn, caller.username, "mapping_change", f"saved mapping {new_id} {name!r} ({source})")
    return SavedMapping(new_id, name, source, toml, caller.username, values["saved_at"])  # type: ignore[arg-type]


def delete(engine: sa.Engine, caller: access.Caller, mapping_id: int) -> None:
    if not caller.may_open("data"):
        raise PermissionError("only an admin may delete a mapping")
    with engine.begin() as conn:
        conn.execute(sa.delete(saved_mapping).where(saved_mapping.c.id == mapping_id))
        audit.record(conn, caller.username, "mapping_change", f"deleted mapping {mapping_id}")


@dataclass
class Start:
    """What the guided import starts from: the suggestion (None when the file cannot be read: ``problems``), and
    the mapping saved for files with the same headers, if any."""

    file_name: str
    suggestion: Suggestion | None
    saved: SavedMapping | None
    problems: pl.DataFrame


def start(
    engine: sa.Engine,
    settings: dict[str, float],
    file_name: str,
    data: bytes,
    sheet: str | None = None,
    source: str | None = None,
) -> Start:
    """The suggestion for an upload (for ``source`` when given, else the source it guesses), read within the
    upload limits; a file that cannot be read gives its problems instead."""
    name = Path(file_name).name
    limits = ReadLimits.for_upload(settings)
    try:
        check_upload_size(name, len(data), settings)  # the upload limits (ingest/uploads.py) before any read
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            suggestion = suggest(
                path, name, source=source, sheet=sheet, file_name=name, limits=limits, reader=upload_reader(limits)
            )
    except FileRejected as rejected:
        return Start(name, None, None, problems_frame(rejected.problems))
    return Start(name, suggestion, saved_for(engine, suggestion.headers), problems_frame([]))


@dataclass
class Checked:
    ok: bool
    rows: int  # canonical rows (after any counting of responses)
    preview: pl.DataFrame | None  # the first rows in canonical form, as they would be stored
    problems: pl.DataFrame
    notes: list[str]


def upload_reader(limits: ReadLimits) -> Callable[..., RawTable]:
    """An upload's read: in a bounded process of its own, within the Data page's limits (issue 16)."""

    def reader(path: Path, display_name: str, **read_args) -> RawTable:
        return read_in_child(path, display_name, limits, **read_args)

    return reader


def check(
    engine: sa.Engine,
    file_name: str,
    data: bytes,
    toml: str,
    others: dict[str, bytes] | None = None,
    today: dt.date | None = None,
    settings: dict[str, float] | None = None,
) -> Checked:
    """The file read, mapped and validated as ``load`` would with this mapping, nothing written. ``others`` are
    files the mapping reads beside it (a CAASPP entities file), by name."""
    name = Path(file_name).name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        for other, content in (others or {}).items():
            (Path(tmp) / Path(other).name).write_bytes(content)
        mapping = Path(tmp) / "mapping.toml"
        mapping.write_text(toml, encoding="utf-8")
        try:
            reader = upload_reader(ReadLimits.for_upload(settings))
            item = FileToLoad(path, mapping=mapping, display_name=name, reader=reader)
            problems, prepared = check_files(engine, [item], today=today)
        except FileRejected as rejected:  # the mapping itself is not one
            problems, prepared = rejected.problems, []
    if not prepared:
        return Checked(False, 0, None, problems_frame(problems or [Problem(name, None, None, "not read")]), [])
    frame = prepared[0].validated.frame
    return Checked(not problems, frame.height, frame.head(PREVIEW_ROWS), problems_frame(problems), prepared[0].notes)
