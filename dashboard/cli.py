"""The ``district-dashboard`` command line (CONTRACT.md, Command line). Exit codes: 0 done, 1 input rejected
(nothing written), 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dashboard.core import paths

ROOT = paths.ROOT
EXPORT_TABLES = (
    "gains",
    "levels",
    "rollups",
    "cohort_growth",
    "trust_change",
    "cpl_cadence",
    "readiness",
    "school_summary",
)


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit 2."""


def _engine(args):
    from dashboard.store import db

    engine = db.make_engine(args.db)
    db.require_schema(engine)
    return engine


def cmd_init(args) -> int:
    from dashboard.store import db

    engine = db.make_engine(args.db)
    before, after = db.migrate(engine)
    where = engine.url.render_as_string()
    print(
        f"{where}: schema already at {after}"
        if before == after
        else f"{where}: schema upgraded {before or 'none'} -> {after}"
    )
    return 0


def cmd_sample(args) -> int:
    from dashboard.sample.generator import write_sample

    counts = write_sample(Path(args.out), schools=args.schools, years=args.years, seed=args.seed)
    for name, n in counts.items():
        print(f"{Path(args.out) / name}: {n} rows")
    return 0


def cmd_load(args) -> int:
    from dashboard.core import allocator

    allocator.for_loading()  # before polars loads: a large file's passes do not stack their freed memory
    from dashboard.core.sources import SOURCES
    from dashboard.ingest.loader import FileToLoad, LoadError, files_in_directory
    from dashboard.services import loading

    path = Path(args.path)
    if args.source and args.source not in SOURCES:
        raise UsageError(f"--source must be one of {', '.join(SOURCES)}")
    if path.is_dir():
        if args.source or args.mapping:
            raise UsageError("--source and --mapping name one file; a directory is loaded by its canonical file names")
        try:
            items = files_in_directory(path)
        except LoadError as exc:
            raise UsageError(str(exc)) from None
    else:
        items = [FileToLoad(path, args.source, Path(args.mapping) if args.mapping else None)]
    engine = _engine(args)
    result = loading.load(
        engine,
        items,
        user=args.user,
        audit_user=_audit_user(args.user),
        what=str(path),
        replace_years=args.replace_years,
    )
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(
            f"rejected: {len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}; nothing was written",
            file=sys.stderr,
        )
        return 1
    for outcome in result.outcomes:
        print(outcome.summary())
        for note in outcome.notes:
            print(f"  note: {note}")
    return 0


def cmd_export(args) -> int:
    from dashboard.core.safe_csv import write_csv
    from dashboard.services.exports import ExportRefused, export

    try:
        frame = export(_engine(args), args.table, min_n=args.min_n, as_user=args.as_user)
    except ExportRefused as exc:
        raise UsageError(str(exc)) from exc
    write_csv(frame, Path(args.out))
    print(f"{args.out}: {args.table}, {frame.height} rows")
    return 0


def cmd_imports(args) -> int:
    from dashboard.ingest import imports
    from dashboard.services import undo

    engine = _engine(args)
    if args.action == "list":
        sys.stdout.write(imports.history_csv(engine))
        return 0
    try:
        print(undo.undo(engine, args.id, user=args.user, audit_user=_audit_user(args.user)))
    except undo.UndoRefused as exc:
        print(f"district-dashboard imports undo: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_purge(args) -> int:
    from dashboard.services import purge

    try:
        result = purge.purge(
            _engine(args), args.before, user=args.user or _os_user(), audit_user=_audit_user(args.user)
        )
    except purge.PurgeError as exc:
        raise UsageError(str(exc)) from None
    print(result.summary())
    return 0


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


def _audit_user(user: str | None) -> str:
    """Who the audit log names for a command: the --user given, else the login name, marked as the CLI's."""
    return f"{user or _os_user()} (cli)"


def cmd_backup(args) -> int:
    from dashboard.store import backup, db

    engine = db.make_engine(args.db)
    try:
        if args.command == "backup":
            print(backup.backup(engine, Path(args.file)))
        else:
            print(backup.restore(engine, Path(args.file)))
    except backup.BackupError as exc:
        print(f"district-dashboard {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_board_pack(args) -> int:
    from dashboard.cli_goals import caller_as
    from dashboard.present import board_pack

    engine = _engine(args)
    try:
        caller = caller_as(engine, args.as_user)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    try:
        scope = None if caller is None or caller.scope is None else list(caller.scope)
        written = board_pack.build(engine, Path(args.out), args.year, school_id=args.school, school_ids=scope)
    except board_pack.BoardPackError as exc:
        print(f"district-dashboard board-pack: {exc}", file=sys.stderr)
        return 1
    for kind, files in written.items():
        for path in files:
            print(f"{path}: {kind}")
    return 0


def cmd_mapping(args) -> int:
    from dashboard.core.sources import SOURCES
    from dashboard.ingest import mapping_toml
    from dashboard.ingest.suggest import suggest

    if args.source and args.source not in SOURCES:
        raise UsageError(f"--source must be one of {', '.join(SOURCES)}")
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suggestion = suggest(path, source=args.source, sheet=args.sheet)
    for line in mapping_toml.describe(suggestion):
        print(line)
    if suggestion.source is None:
        print(f"{path}: cannot tell which source this file is: pass --source ({', '.join(SOURCES)})", file=sys.stderr)
        return 1
    Path(args.out).write_text(mapping_toml.suggestion_toml(suggestion), encoding="utf-8")
    print(f"wrote {args.out}")
    if suggestion.missing:
        print(
            f"{path}: could not match {', '.join(suggestion.missing)}: edit {args.out} before loading", file=sys.stderr
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="district-dashboard", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p):
        p.add_argument("--db", help="SQLAlchemy URL (default: $DASHBOARD_DB_URL, else sqlite file dashboard.db here)")
        return p

    p = with_db(sub.add_parser("init", help="create or upgrade the schema"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("sample", help="write the canonical files of a fictional district")
    p.add_argument("--out", required=True)
    p.add_argument("--schools", type=int, default=24)
    p.add_argument("--years", type=int, default=4)
    p.add_argument("--seed", type=int, default=2024)
    p.set_defaults(func=cmd_sample)

    p = with_db(sub.add_parser("load", help="validate and load a file, or every canonical file of a directory"))
    p.add_argument("path")
    p.add_argument("--source", help="schools, cpl, trust, readiness or achievement")
    p.add_argument("--mapping", help="a TOML mapping file for a file in another shape")
    p.add_argument(
        "--replace-years",
        action="store_true",
        help="also remove stored rows of the file's school years that the file no longer has",
    )
    p.add_argument("--user", default=None, help="who is loading (default: the login name)")
    p.set_defaults(func=cmd_load)

    p = with_db(sub.add_parser("export", help="write a computed table as CSV"))
    p.add_argument("table", choices=EXPORT_TABLES)
    p.add_argument("--out", required=True)
    p.add_argument("--min-n", type=int, default=None, help="raise the small-group threshold for this export")
    p.add_argument(
        "--as", dest="as_user", default=None, metavar="USERNAME", help="the table as that account's pages show it"
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("imports", help="the import history, and undo")
    isub = p.add_subparsers(dest="action", required=True)
    with_db(isub.add_parser("list", help="the import history as CSV, newest last"))
    u = with_db(isub.add_parser("undo", help="restore exactly the state before an import"))
    u.add_argument("id", type=int)
    u.add_argument("--user", default=None)
    p.set_defaults(func=cmd_imports)

    p = with_db(sub.add_parser("purge", help="records retention: delete every source's rows before a school year"))
    p.add_argument("--before", required=True, help="the first school year kept, e.g. 2021-22")
    p.add_argument("--user", default=None, help="who is purging (default: the login name)")
    p.set_defaults(func=cmd_purge)

    for name, what in (
        ("backup", "copy the embedded database to FILE while it runs"),
        ("restore", "put the embedded database back from a backup FILE"),
    ):
        p = with_db(sub.add_parser(name, help=what))
        p.add_argument("file")
        p.set_defaults(func=cmd_backup)

    p = sub.add_parser("mapping", help="mappings for files in other shapes")
    msub = p.add_subparsers(dest="action", required=True)
    m = msub.add_parser("suggest", help="write a mapping matched from a file's own headers, values and name")
    m.add_argument("file")
    m.add_argument("--source", default=None, help="the source, when the file cannot tell it")
    m.add_argument("--sheet", default=None, help="the workbook's sheet (default: the one holding the data)")
    m.add_argument("--out", required=True, help="the mapping file to write (TOML)")
    m.set_defaults(func=cmd_mapping)

    p = with_db(sub.add_parser("board-pack", help="write the board pack (PPTX, PDF, one PNG per chart)"))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--district", action="store_true", help="the whole district")
    who.add_argument("--school", help="one school, by its id")
    p.add_argument("--year", required=True, help="the school year, e.g. 2025-26")
    p.add_argument("--out", required=True, help="the folder to write into")
    p.add_argument("--as", dest="as_user", default=None, help="as that account sees it (its schools)")
    p.set_defaults(func=cmd_board_pack)

    from dashboard import cli_accounts  # users, serve

    cli_accounts.add_commands(sub, with_db, _engine, _audit_user(None))
    from dashboard import cli_goals  # goals, notes, brief

    cli_goals.add_commands(sub, with_db, _engine, _audit_user(None))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    from dashboard.core.problems import FileRejected
    from dashboard.store.db import DatabaseUnavailable

    try:
        return args.func(args)
    except UsageError as exc:
        print(f"district-dashboard {args.command}: {exc}", file=sys.stderr)
        return 2
    except FileRejected as exc:
        print(exc, file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(f"district-dashboard {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a traceback in front of a user is a bug: say it plainly, keep the detail on request
        if os.environ.get("DASHBOARD_DEBUG"):
            raise
        print(
            f"district-dashboard {args.command}: unexpected error ({type(exc).__name__}: {exc}). Nothing was "
            "half-written (every write is one transaction). Please report it; set DASHBOARD_DEBUG=1 to see "
            "the traceback.",
            file=sys.stderr,
        )
        return 3
