"""The ``goals``, ``notes`` and ``brief`` commands of ``district-dashboard`` (CONTRACT.md, Command line), and the
``--as USERNAME`` they and ``board-pack`` share: the output as that account sees it. Added to the parser by
``dashboard.cli``. Exit codes: 0 done; 1 a goal that names no data, or a brief with nothing to show; 2 usage (an
unknown, disabled or unsuitable account among them)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_USAGE = 2


def caller_as(engine, username: str | None):
    """The account ``--as`` names, as the app would see it (its role and schools); None without ``--as``. A
    ``LookupError`` for an account that is unknown, disabled, or a demo account outside a demo database."""
    if username is None:
        return None
    from dashboard.auth import access
    from dashboard.store import db

    with db.reading(engine) as conn:
        caller = access.caller_for(conn, username)
    if caller is None:
        raise LookupError(f"--as {username}: no such active account")
    return caller


def _refused(command: str, message: str, code: int) -> int:
    print(f"district-dashboard {command}: {message}", file=sys.stderr)
    return code


def cmd_goals(args) -> int:
    from dashboard.services import goals

    engine = args.engine_of(args)
    try:
        if args.action == "list":
            sys.stdout.write(goals.list_csv(engine, caller_as(engine, args.as_user)).decode("utf-8"))
            return 0
        if args.action == "remove":
            print(goals.remove(engine, args.name, args.by))
            return 0
        spec = {
            "name": args.name,
            "measure": args.measure,
            "scope": args.scope,
            "subject": args.subject,
            "group": args.group,
            "baseline_year": args.baseline_year,
            "target": args.target,
            "target_year": args.target_year,
            "guardrail": args.guardrail,
            "floor": args.floor,
            "ceiling": args.ceiling,
        }
        print(goals.add(engine, spec, args.by))
    except goals.GoalRefused as exc:
        return _refused("goals", str(exc), exc.exit_code)
    except LookupError as exc:
        return _refused("goals", str(exc), EXIT_USAGE)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD (got {text!r})") from None


def cmd_notes(args) -> int:
    from dashboard.services import notes

    engine = args.engine_of(args)
    try:
        if args.action == "list":
            sys.stdout.write(notes.list_csv(engine, caller_as(engine, args.as_user)).decode("utf-8"))
        elif args.action == "remove":
            print(notes.remove(engine, args.id, args.by))
        else:
            note_id = notes.add(
                engine,
                args.date,
                " ".join(args.text),
                args.by,
                school_id=args.school,
                kind=args.kind,
                internal=args.internal,
            )
            print(f"added note {note_id}")
    except (notes.NoteRefused, LookupError) as exc:
        return _refused("notes", str(exc), EXIT_USAGE)
    return 0


def cmd_brief(args) -> int:
    from dashboard.services import brief

    engine = args.engine_of(args)
    try:
        name, data = brief.build(engine, caller_as(engine, args.as_user), args.school, args.year)
    except (LookupError, PermissionError) as exc:
        return _refused("brief", str(exc), EXIT_USAGE)
    except brief.BriefError as exc:
        return _refused("brief", str(exc), 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out}: brief of {args.school} for {args.year} ({name})")
    return 0


def add_commands(sub, with_db, engine_of, by: str) -> None:
    """The ``goals``, ``notes`` and ``brief`` subcommands, on the parser's subcommands ``sub``; ``engine_of(args)``
    opens the database (``--db``, schema checked), ``by`` is who the audit log names (the login name, as the CLI's)."""
    p = sub.add_parser("goals", help="board goals and guardrails: add, list, remove")
    gsub = p.add_subparsers(dest="action", required=True)
    g = with_db(gsub.add_parser("add", help="add a goal (--target, --target-year) or a --guardrail"))
    g.add_argument("name")
    g.add_argument("--measure", required=True, help="proficiency, gap_to_all, trust_index, cpl_consistency, ...")
    g.add_argument("--scope", required=True, help="district, network:NAME or school:ID")
    g.add_argument("--subject", default=None, help="proficiency and gap_to_all: one subject (default: all)")
    g.add_argument("--group", default=None, help="proficiency (default All Students) and gap_to_all: a group")
    g.add_argument("--baseline-year", required=True, help="the school year the baseline is read from, e.g. 2022-23")
    g.add_argument("--target", type=float, default=None)
    g.add_argument("--target-year", default=None)
    g.add_argument("--guardrail", action="store_true", help="a floor or ceiling the measure must hold")
    bound = g.add_mutually_exclusive_group()
    bound.add_argument("--floor", type=float, default=None)
    bound.add_argument("--ceiling", type=float, default=None)
    g = with_db(gsub.add_parser("list", help=f"CSV: {'name,kind,measure,scope,...,status'}"))
    g.add_argument("--as", dest="as_user", default=None, help="as that account reads them (its scope)")
    g = with_db(gsub.add_parser("remove", help="remove a goal or guardrail by name"))
    g.add_argument("name")
    p.set_defaults(func=cmd_goals, engine_of=engine_of, by=by)

    p = sub.add_parser("notes", help="timeline notes: add, list, remove")
    nsub = p.add_subparsers(dest="action", required=True)
    n = with_db(nsub.add_parser("add", help="a dated note for the district or one school"))
    n.add_argument("--date", required=True, type=_date, help="YYYY-MM-DD")
    n.add_argument("--school", default=None, help="a school's id (default: the district)")
    n.add_argument("--kind", default="event", help="event, leadership, program or break")
    n.add_argument("--internal", action="store_true", help="never shown to the board role or in a board pack")
    n.add_argument("text", nargs="+")
    n = with_db(nsub.add_parser("list", help="CSV: id,date,school_id,kind,internal,text"))
    n.add_argument("--as", dest="as_user", default=None, help="as that account reads them")
    n = with_db(nsub.add_parser("remove", help="remove a note by its id"))
    n.add_argument("id", type=int)
    p.set_defaults(func=cmd_notes, engine_of=engine_of, by=by)

    p = with_db(sub.add_parser("brief", help="a coach's one-page school brief (PDF)"))
    p.add_argument("--school", required=True)
    p.add_argument("--year", required=True, help="the school year, e.g. 2025-26")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument("--as", dest="as_user", default=None, help="the account it is made for (its schools)")
    p.set_defaults(func=cmd_brief, engine_of=engine_of, by=by)
