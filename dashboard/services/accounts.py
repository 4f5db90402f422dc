"""Accounts as the admin page changes them: list the accounts, add one, change one (role, schools, password, status),
sign one out everywhere, and read the audit log and the login delays in force. The rules live here, not on the page: only an admin changes accounts, and nobody disables
their own account or drops their own admin role. Each change returns (done, a sentence saying what happened or why
it was refused); ``dashboard.auth.accounts`` writes it and its audit entry."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access, accounts, audit, throttle
from dashboard.store import db

ROLES = accounts.ROLES
UNCHANGED = "(unchanged)"
STATUSES = (UNCHANGED, "active", "disabled")
AUDIT_ROWS = 2000  # the newest entries the admin page shows


def _admin(caller: access.Caller) -> None:
    if not caller.may_open("admin"):  # accounts are an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may change accounts")


def all_accounts(engine: sa.Engine) -> list[accounts.Account]:
    with db.reading(engine) as conn:
        return accounts.all_accounts(conn)


def add(
    engine: sa.Engine, caller: access.Caller, name: str, role: str, password: str, schools: list[str], display_name: str
) -> tuple[bool, str]:
    _admin(caller)
    try:
        accounts.add(
            engine, name, role, password, schools=schools, display_name=display_name or None, by=caller.username
        )
    except accounts.AccountError as exc:
        return False, str(exc)
    return True, f"Added {name}."


def change(
    engine: sa.Engine, caller: access.Caller, who: str, role: str, schools: list[str], password: str, status: str
) -> tuple[bool, str]:
    """``role`` and ``status``: a value, or ``UNCHANGED``; empty ``schools`` and ``password`` keep what is stored."""
    _admin(caller)
    try:
        if who == caller.username and (status == "disabled" or role not in (UNCHANGED, "admin")):
            raise accounts.AccountError("you cannot disable your own account or drop your own admin role")
        accounts.update(
            engine,
            who,
            role=None if role == UNCHANGED else role,
            schools=schools or None,
            password=password or None,
            active=None if status == UNCHANGED else status == "active",
            by=caller.username,
        )
    except accounts.AccountError as exc:
        return False, str(exc)
    return True, f"Saved {who}."


def signout(engine: sa.Engine, caller: access.Caller, who: str) -> tuple[bool, str]:
    """Sign ``who`` out everywhere: every browser signed in as them, and every re-login cookie they hold, shows the
    login on its next run (their own too, when an admin signs themselves out)."""
    _admin(caller)
    try:
        accounts.signout_everywhere(engine, who, by=caller.username)
    except accounts.AccountError as exc:
        return False, str(exc)
    return True, f"Signed {who} out everywhere: each of their sessions shows the login on its next page load."


def login_delays(engine: sa.Engine) -> pl.DataFrame:
    """The failed logins counted now (forgotten after a quiet hour): per client address and per name typed, with
    the wait a client must sit out before its next attempt is checked (SECURITY.md, Logins)."""
    with db.reading(engine) as conn:
        rows = throttle.in_force(conn)
    return pl.DataFrame(
        [
            (
                "client address" if r["scope"] == throttle.CLIENT else "name typed",
                r["key"],
                r["failures"],
                f"{r['last_failure_at']:%Y-%m-%d %H:%M:%S} UTC",
                f"{r['wait_until']:%H:%M:%S} UTC" if r["wait_until"] else "",
            )
            for r in rows
        ],
        schema={
            "counted per": pl.String,
            "who": pl.String,
            "failed logins in a row": pl.Int64,
            "last failure": pl.String,
            "must wait until": pl.String,
        },
        orient="row",
    )


def clear_login_delays(engine: sa.Engine, caller: access.Caller) -> tuple[bool, str]:
    """Lift every client's wait and every name's count at once (audited)."""
    _admin(caller)
    with engine.begin() as conn:
        cleared = throttle.clear(conn)
        audit.record(conn, caller.username, "account_change", f"cleared the failed-login counts ({cleared})")
    return True, "Cleared: every address may try again now."


def audit_log(engine: sa.Engine, limit: int = AUDIT_ROWS) -> pl.DataFrame:
    """The newest entries first."""
    with db.reading(engine) as conn:
        return audit.read(conn, limit=limit)
