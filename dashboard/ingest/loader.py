"""Load files: read, map, validate every file first, then write all of them in one transaction.

Loading is idempotent on the natural keys: a row whose key is stored already replaces it only when a value
differs, and the stored row is kept in the source's history table so the import can be undone. A file with any
bad row writes nothing.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.core.problems import FileRejected, Problem
from dashboard.core.school_year import school_year_label
from dashboard.core.sources import LOAD_ORDER, SCHOOL_ATTRIBUTES, SOURCES, source_for_file
from dashboard.ingest import bulk, summaries, wide
from dashboard.ingest.mapping import Mapping, load_mapping, schools_by_name, to_canonical
from dashboard.ingest.raw import RawTable
from dashboard.ingest.readers import read_table
from dashboard.ingest.uploads import ReadLimits
from dashboard.ingest.validate import Validated, validate
from dashboard.store import settings as settings_mod
from dashboard.store.db import bump_data_version, lock_for_writes
from dashboard.store.schema import HISTORY_TABLES, SOURCE_TABLES, import_log, school


@dataclass
class FileToLoad:
    path: Path
    source: str | None = None
    mapping: Path | None = None
    display_name: str | None = None  # what error lines call the file (an upload's own name)
    # how the file is read (``read_table``'s arguments): an upload's reader reads it in a bounded process of its own
    # (``dashboard.ingest.uploads.read_in_child``); by default ``read_table`` within the command line's bounds
    reader: Callable[..., RawTable] | None = None


@dataclass
class FileOutcome:
    display_name: str
    source: str
    rows_in_file: int
    import_id: int | None = None
    rows_inserted: int = 0
    rows_replaced: int = 0
    rows_removed: int = 0
    schools_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rows_inserted or self.rows_replaced or self.rows_removed or self.schools_created)

    def summary(self) -> str:
        if not self.changed:
            return f"{self.display_name}: {self.source}, {self.rows_in_file} rows, all already loaded: nothing changed"
        text = (
            f"{self.display_name}: {self.source}, {self.rows_in_file} rows: {self.rows_inserted} inserted, "
            f"{self.rows_replaced} replaced, {self.rows_removed} removed (import {self.import_id})"
        )
        if self.schools_created:
            shown = ", ".join(self.schools_created[:10]) + (" ..." if len(self.schools_created) > 10 else "")
            text += f"; {len(self.schools_created)} new schools: {shown}"
        return text


@dataclass
class LoadResult:
    problems: list[Problem]
    outcomes: list[FileOutcome]

    @property
    def ok(self) -> bool:
        return not self.problems


class LoadError(Exception):
    """Usage problems (a directory with no canonical files, a source that cannot be told)."""


def files_in_directory(directory: Path) -> list[FileToLoad]:
    """The canonical files of a directory, in dependency order (schools first)."""
    found: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        source = source_for_file(path.name)
        if source and path.is_file():
            found.setdefault(source, path)
    if not found:
        raise LoadError(
            f"{directory}: no canonical files (schools.csv, cpl_meetings.csv, trust_scores.csv, "
            "readiness_votes.csv, achievement.csv or the same names in .xlsx)"
        )
    return [FileToLoad(found[s], s) for s in LOAD_ORDER if s in found]


@dataclass
class _Prepared:
    item: FileToLoad
    display_name: str
    source: str
    sha256: str
    validated: Validated
    notes: list[str]


def _prepare(
    item: FileToLoad, known: set[str], settings: dict[str, float], today: dt.date, names: dict[str, str] | None = None
) -> _Prepared:
    display = item.display_name or str(item.path)
    mapping: Mapping | None = load_mapping(item.mapping) if item.mapping else None
    source = item.source or (mapping.source if mapping else None) or source_for_file(item.path.name)
    if source is None:
        raise FileRejected(
            [
                Problem(
                    display,
                    None,
                    None,
                    "cannot tell which source this file is from its name: pass --source "
                    f"({', '.join(SOURCES)}) or a mapping",
                )
            ]
        )
    if mapping and mapping.source != source:
        raise FileRejected(
            [Problem(display, None, None, f"the mapping {mapping.path} is for {mapping.source}, not {source}")]
        )
    if not item.path.is_file():
        raise FileRejected([Problem(display, None, None, "no such file")])
    sha256 = _sha256(item.path)  # read in pieces: a large file is not held in memory twice
    spec = SOURCES[source]
    expected = [
        *spec.column_names,
        *SCHOOL_ATTRIBUTES,
        *(h for hs in (mapping.columns.values() if mapping else []) for h in hs),
    ]
    read = item.reader or partial(read_table, limits=ReadLimits.for_command_line(settings))
    raw = read(
        item.path,
        display,
        encodings=mapping.encodings if mapping else None,
        delimiter=mapping.delimiter if mapping else ",",
        header_row=mapping.header_row if mapping else 1,
        sheet=mapping.sheet if mapping else None,
        expected_headers=expected,
    )
    if raw.frame.is_empty():
        raise FileRejected([Problem(display, None, None, "the file has a header but no data rows")])
    frame, notes = to_canonical(raw, spec, mapping, display, item.path.name, item.path.parent)
    if mapping and mapping.schools_by_name:
        frame = schools_by_name(frame, names or {}, display)
    del raw  # the file's own columns, once renamed: only the canonical frame is validated

    def run(frame: pl.DataFrame) -> Validated:
        markers = mapping.markers if mapping else []
        return validate(frame, spec, display, markers=markers, known_schools=known, settings=settings, today=today)

    validated = (
        wide.validate_stacked(frame, mapping.extras.stack, run) if mapping and mapping.extras.stack else run(frame)
    )
    return _Prepared(item, display, source, sha256, validated, notes)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def check_files(
    engine: sa.Engine, items: list[FileToLoad], *, today: dt.date | None = None
) -> tuple[list[Problem], list[_Prepared]]:
    """Read, map and validate every file as a load would, writing nothing: every problem, and each file's validated
    rows (``.validated.frame``, canonical columns) for a preview."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        settings = settings_mod.load(conn)
        names = {r[0]: r[1] for r in conn.execute(sa.select(school.c.school_id, school.c.school_name))}
    known = set(names)
    prepared: list[_Prepared] = []
    problems: list[Problem] = []
    for item in items:
        try:
            p = _prepare(item, known, settings, today, names)
        except FileRejected as rejected:
            problems += rejected.problems
            continue
        problems += p.validated.problems
        prepared.append(p)
        if p.source == "schools":
            known |= set(p.validated.frame["school_id"].drop_nulls().to_list())
        known |= set(p.validated.new_schools["school_id"].to_list())
    return problems, prepared


def load_files(
    engine: sa.Engine,
    items: list[FileToLoad],
    *,
    replace_years: bool = False,
    user: str | None = None,
    today: dt.date | None = None,
) -> LoadResult:
    """Validate every file, then load them all in one transaction; any problem anywhere writes nothing."""
    user = user or getpass.getuser()
    problems, prepared = check_files(engine, items, today=today)
    if problems:
        return LoadResult(problems, [])
    outcomes = []
    with engine.begin() as conn:
        lock_for_writes(conn)  # one load or undo at a time; readers see the data before it until it commits
        for p in prepared:
            outcomes.append(_write(conn, p, replace_years=replace_years, user=user))
        if any(o.changed for o in outcomes):
            summaries.refresh_school_summary(conn)  # once, after every file of the load
            bump_data_version(conn)
    return LoadResult([], outcomes)


def _key_match(a: sa.Table, b: sa.Table, key: list[str]) -> sa.ColumnElement[bool]:
    return sa.and_(*[a.c[k] == b.c[k] for k in key])


def _same_values(a: sa.Table, b: sa.Table, columns: list[str]) -> sa.ColumnElement[bool]:
    return sa.and_(*[a.c[c].is_not_distinct_from(b.c[c]) for c in columns])


def _count(conn: sa.Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one()


def _write(conn: sa.Connection, p: _Prepared, *, replace_years: bool, user: str) -> FileOutcome:
    spec = SOURCES[p.source]
    target = SOURCE_TABLES[p.source]
    history = HISTORY_TABLES[p.source]
    frame = p.validated.frame
    key = [("year_start" if k == "school_year" else k) for k in spec.key]
    values = [c for c in frame.columns if c not in key]
    outcome = FileOutcome(p.display_name, p.source, frame.height, notes=p.notes)
    import_id = conn.execute(
        sa.insert(import_log)
        .values(
            loaded_at=dt.datetime.now(dt.UTC),
            user=user,
            source=p.source,
            file_name=p.display_name,
            sha256=p.sha256,
            rows_in_file=frame.height,
            rows_inserted=0,
            rows_replaced=0,
            rows_removed=0,
            schools_created=0,
            status="loaded",
        )
        .returning(import_log.c.id)
    ).scalar_one()
    outcome.import_id = import_id

    if not p.validated.new_schools.is_empty():
        created = p.validated.new_schools.with_columns(pl.lit(import_id).alias("import_id"))
        bulk.insert_rows(conn, school, created)
        outcome.schools_created = created["school_id"].to_list()

    summary = None
    if bulk.only_rows_of_their_years(conn, target, frame, p.validated.year_starts):
        # no stored row of the file's school years: every row is new (no staging, no history). The summary of the
        # same rows is computed meanwhile, in a worker thread (polars leaves the interpreter while it works, and the
        # database drivers while they write)
        with ThreadPoolExecutor(max_workers=1) as worker:
            ahead = worker.submit(summaries.of_rows, p.source, frame)
            bulk.insert_rows(conn, target, frame.with_columns(pl.lit(import_id, dtype=pl.Int64).alias("import_id")))
            summary = ahead.result()
        new, replaced, removed = frame.height, 0, 0
    else:
        stage = sa.Table(
            f"stage_{target.name}",
            sa.MetaData(),
            *[sa.Column(c.name, c.type, primary_key=c.name in key) for c in target.columns if c.name in frame.columns],
            prefixes=["TEMPORARY"],
        )
        stage.create(conn)
        try:
            bulk.insert_rows(conn, stage, frame)
            differs = sa.exists().where(_key_match(target, stage, key), ~_same_values(target, stage, values))
            stored_cols = [target.c[c.name] for c in target.columns]
            hist_cols = [history.c[c.name] for c in target.columns]
            # counted with SELECT, not rowcount: drivers differ in what INSERT ... SELECT reports
            replaced = _count(conn, target, differs)
            new = conn.execute(
                sa.select(sa.func.count()).select_from(stage).where(~sa.exists().where(_key_match(target, stage, key)))
            ).scalar_one()
            conn.execute(
                sa.insert(history).from_select(
                    [history.c.changed_by_import, *hist_cols],
                    sa.select(sa.literal(import_id), *stored_cols).where(differs),
                )
            )
            conn.execute(sa.delete(target).where(differs))
            new_rows = sa.select(*[stage.c[c] for c in frame.columns], sa.literal(import_id)).where(
                ~sa.exists().where(_key_match(target, stage, key))
            )
            conn.execute(sa.insert(target).from_select([*frame.columns, "import_id"], new_rows))
            removed = 0
            if replace_years and p.validated.year_starts and "year_start" in target.c:
                gone = sa.and_(
                    target.c.year_start.in_(p.validated.year_starts), ~sa.exists().where(_key_match(target, stage, key))
                )
                removed = _count(conn, target, gone)
                conn.execute(
                    sa.insert(history).from_select(
                        [history.c.changed_by_import, *hist_cols],
                        sa.select(sa.literal(import_id), *stored_cols).where(gone),
                    )
                )
                conn.execute(sa.delete(target).where(gone))
                if removed:
                    years = ", ".join(school_year_label(y) for y in p.validated.year_starts)
                    outcome.notes.append(
                        f"--replace-years removed {removed} stored rows of {years} that the file no longer has"
                    )
        finally:
            stage.drop(conn)
    outcome.rows_inserted = new
    outcome.rows_replaced = replaced
    outcome.rows_removed = removed
    # the rows are in the database: let them go before the summaries read them back (1.46 M achievement rows were
    # still held while the disclosure pattern read every cell again)
    p.validated.frame = frame.clear()
    del frame
    if new or replaced or removed:  # the pages' summaries, in this transaction
        summaries.refresh(conn, p.source, p.validated.year_starts, summary=summary)
    if outcome.changed:
        conn.execute(
            sa.update(import_log)
            .where(import_log.c.id == import_id)
            .values(
                rows_inserted=outcome.rows_inserted,
                rows_replaced=replaced,
                rows_removed=removed,
                schools_created=len(outcome.schools_created),
            )
        )
    else:
        conn.execute(sa.delete(import_log).where(import_log.c.id == import_id))
        outcome.import_id = None
    return outcome
