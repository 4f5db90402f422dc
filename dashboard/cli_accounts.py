"""The ``users`` and ``serve`` commands of ``district-dashboard`` (CONTRACT.md, Command line): accounts (add, list,
disable, sign out everywhere, set) and running the app, demo mode on 127.0.0.1 unless ``--address`` says otherwise.
Added to the parser by ``dashboard.cli``. Exit codes: 0 done; 2 usage (a refused account change, or ``serve``
outside demo mode without a cookie key of the deployment's own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dashboard.core import paths

ROOT = paths.ROOT
DEMO_ADDRESS = "127.0.0.1"  # where demo mode listens unless serve --address says otherwise
ROLES = ("superintendent", "coach", "principal", "board", "admin")
EXIT_USAGE = 2


def _usage(args, message: str) -> int:
    print(f"district-dashboard {args.command}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _password_from_stdin(args) -> str | None:
    if not args.password_stdin:
        return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_users(args) -> int:
    from dashboard.auth import accounts

    engine = args.engine_of(args)
    by = args.by
    try:
        if args.action == "list":
            sys.stdout.write(accounts.list_csv(engine))
            return 0
        if args.action == "add":
            password = _password_from_stdin(args)
            if password is None:
                return _usage(args, "give the password on standard input with --password-stdin (never as an argument)")
            account = accounts.add(engine, args.name, args.role, password, schools=args.schools, by=by)
            print(f"added {account.username} ({account.role})")
        elif args.action == "disable":
            account = accounts.disable(engine, args.name, by=by)
            print(f"disabled {account.username} (and signed out everywhere)")
        elif args.action == "signout":
            account = accounts.signout_everywhere(engine, args.name, by=by)
            print(f"signed {account.username} out everywhere: each of their sessions shows the login on its next run")
        else:
            account = accounts.update(
                engine,
                args.name,
                role=args.role,
                schools=args.schools,
                password=_password_from_stdin(args),
                active=True if args.enable else None,
                by=by,
            )
            print(f"updated {account.username}")
    except accounts.AccountError as exc:
        return _usage(args, str(exc))
    return 0


def cmd_serve(args) -> int:
    from dashboard.auth import accounts
    from dashboard.store import db

    env = dict(os.environ)
    url = db.resolve_url(args.db)
    env[db.ENV_URL] = url
    engine = db.make_engine(url)
    fresh = db.is_sqlite(url) and not Path(engine.url.database or "").exists()
    if args.demo or fresh:
        from dashboard.services import demo

        print(demo.ensure_demo(engine))
        env["DASHBOARD_DEMO"] = "1"
    else:
        db.require_schema(engine)
    with engine.connect() as conn:
        demo_db = db.is_demo(conn)
    problem = accounts.cookie_key_problem(accounts.configured_cookie_key(ROOT, Path.home()))
    if problem and not demo_db:
        return _usage(args, f"refusing to start outside demo mode: {problem}")
    # demo mode's login page lists every demo account and its password: only this machine may reach it unless
    # --address says otherwise (CONTRACT.md, Command line)
    address = args.address or (DEMO_ADDRESS if demo_db else None)
    if demo_db and args.address:
        print(
            f"Demo mode: listening on {address}, as --address asks. The login page lists every demo account and its "
            "password: anyone who can reach this address can sign in as admin."
        )
    elif demo_db:
        print(
            f"Demo mode: listening on {address} only (this machine; give --address 0.0.0.0 to let other machines "
            "reach it). The login page lists every demo account and its password."
        )
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py")]
    command += ["--server.port", str(args.port), "--browser.gatherUsageStats", "false"]
    if address:
        command += ["--server.address", address]
    if args.headless:
        command += ["--server.headless", "true"]
    sys.stdout.flush()  # what was said above comes before Streamlit's own lines
    # Streamlit reads .streamlit/config.toml from the working directory: run from the checkout.
    return subprocess.call(command, cwd=ROOT, env=env)


def add_commands(sub, with_db, engine_of, by: str) -> None:
    """Add ``users`` and ``serve`` to the parser's subcommands ``sub``: ``with_db`` adds the ``--db`` option,
    ``engine_of(args)`` opens the database (schema checked), ``by`` is who the audit log names."""
    p = sub.add_parser("users", help="accounts: add, list, disable, signout, set")
    usub = p.add_subparsers(dest="action", required=True)
    u = with_db(usub.add_parser("add", help="add an account (password on standard input)"))
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--schools", default=None, help="school ids separated by ',' (coach, principal)")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    with_db(usub.add_parser("list", help="username,role,schools,active as CSV"))
    u = with_db(usub.add_parser("disable", help="disable an account (it can no longer log in; signed out everywhere)"))
    u.add_argument("name")
    u = with_db(usub.add_parser("signout", help="end every session and re-login cookie of an account"))
    u.add_argument("name")
    u = with_db(usub.add_parser("set", help="change role, schools or password (each signs the account out everywhere)"))
    u.add_argument("name")
    u.add_argument("--role", default=None, choices=ROLES)
    u.add_argument("--schools", default=None, help="school ids separated by ','")
    u.add_argument("--password-stdin", action="store_true", help="read a new password from standard input")
    u.add_argument("--enable", action="store_true", help="enable a disabled account")
    p.set_defaults(func=cmd_users, engine_of=engine_of, by=by)

    p = with_db(sub.add_parser("serve", help="run the app"))
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default=None,
        help=f"the address to listen on (default: every interface; in demo mode {DEMO_ADDRESS}, this machine only)",
    )
    p.add_argument("--demo", action="store_true", help="load the sample district and demo accounts if empty")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)
