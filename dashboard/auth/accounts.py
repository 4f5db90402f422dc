"""Accounts: the ``app_user`` table (CONTRACT.md, Command line ``users ...``). Passwords are stored only as bcrypt
hashes (``bcrypt_hash``, in the format of streamlit-authenticator's ``Hasher``, which checks them at login). Each
account has a session version, raised by a password change, a role or school change, disable and "sign out
everywhere" (``signout_everywhere``): a session or re-login cookie stamped with an older one no longer signs in.
Failed logins are slowed by ``dashboard.auth.throttle``, never by a lock on the account. Every change is written to
the audit log.

Who may see what is not decided here but in ``dashboard.auth.access``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import bcrypt
import sqlalchemy as sa

from dashboard.auth import audit, throttle
from dashboard.store import db
from dashboard.store.schema import app_user, school

ROLES = ("superintendent", "coach", "principal", "board", "admin")
SCOPED_ROLES = ("coach", "principal")  # the roles limited to named schools
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 8
DEMO_ACCOUNTS_KEY = "demo_accounts"  # meta key: the usernames made by demo mode (usable only in a demo database)


class AccountError(ValueError):
    """A refused account change; the message says why."""


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    schools: tuple[str, ...]
    active: bool
    password_hash: str
    session_version: int = 0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_username(name: str) -> str:
    """Usernames are lower case (streamlit-authenticator lower-cases what is typed)."""
    name = (name or "").strip().lower()
    if not USERNAME.match(name):
        raise AccountError(f"username {name!r} must be 1-64 characters: lower-case letters, digits, '.', '_' or '-'")
    return name


def parse_schools(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if text is None:
        return ()
    items = text if isinstance(text, (list, tuple)) else re.split(r"[;,]", text)
    return tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def bcrypt_hash(password: str) -> str:
    """The bcrypt hash of ``password`` with a new salt, as text (``$2b$12$...``): what streamlit-authenticator's
    ``Hasher.hash`` makes and its login checks, without the length rule of ``hash_password``."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def hash_password(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise AccountError(f"a password must have at least {MIN_PASSWORD} characters")
    return bcrypt_hash(password)


def _row_to_account(row) -> Account:
    return Account(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        schools=parse_schools(row.schools),
        active=bool(row.active),
        password_hash=row.password_hash,
        session_version=int(row.session_version or 0),
    )


def get(conn: sa.Connection, username: str) -> Account | None:
    row = conn.execute(sa.select(app_user).where(app_user.c.username == (username or "").strip().lower())).first()
    return None if row is None else _row_to_account(row)


def all_accounts(conn: sa.Connection) -> list[Account]:
    return [_row_to_account(r) for r in conn.execute(sa.select(app_user).order_by(app_user.c.username))]


def _check_role_schools(conn: sa.Connection, role: str, schools: tuple[str, ...]) -> tuple[str, ...]:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    if role not in SCOPED_ROLES:
        if schools:
            raise AccountError(f"a {role} sees every school: give --schools only to a coach or a principal")
        return ()
    if not schools:
        raise AccountError(f"a {role} needs --schools (the school ids they may see)")
    if role == "principal" and len(schools) != 1:
        raise AccountError("a principal has exactly one school")
    known = set(conn.execute(sa.select(school.c.school_id).where(school.c.school_id.in_(schools))).scalars())
    unknown = [s for s in schools if s not in known]
    if unknown:
        raise AccountError(f"unknown school id(s): {', '.join(unknown)}")
    return schools


def add(
    engine: sa.Engine,
    username: str,
    role: str,
    password: str,
    *,
    schools=None,
    display_name: str | None = None,
    by: str = "system",
) -> Account:
    username = normalise_username(username)
    password_hash = hash_password(password)
    now = utcnow()
    with engine.begin() as conn:
        if get(conn, username) is not None:
            raise AccountError(f"an account named {username!r} already exists")
        school_ids = _check_role_schools(conn, role, parse_schools(schools))
        conn.execute(
            sa.insert(app_user).values(
                username=username,
                display_name=(display_name or username)[:255],
                role=role,
                schools=";".join(school_ids),
                password_hash=password_hash,
                active=True,
                session_version=0,
                created_at=now,
                updated_at=now,
            )
        )
        audit.record(
            conn,
            by,
            "account_change",
            f"added {username}: role {role}" + (f", schools {';'.join(school_ids)}" if school_ids else ""),
        )
        added = get(conn, username)
        assert added is not None  # inserted above, in this transaction
        return added


def update(
    engine: sa.Engine,
    username: str,
    *,
    role: str | None = None,
    schools=None,
    password: str | None = None,
    active: bool | None = None,
    by: str = "system",
) -> Account:
    """Change role and schools, reset the password (which also ends the name's failed logins in a row), disable or
    enable. A new password, a change of role or schools and disabling raise the session version: the account's
    sessions and re-login cookies end."""
    username = (username or "").strip().lower()
    with engine.begin() as conn:
        current = get(conn, username)
        if current is None:
            raise AccountError(f"no account named {username!r}")
        values: dict = {}
        what: list[str] = []
        revoke = False  # whether the change ends the account's sessions
        new_role = role or current.role
        new_schools = parse_schools(schools) if schools is not None else current.schools
        if role is not None or schools is not None:
            if role is not None and role != current.role and schools is None and role not in SCOPED_ROLES:
                new_schools = ()
            new_schools = _check_role_schools(conn, new_role, new_schools)
            values.update(role=new_role, schools=";".join(new_schools))
            what.append(f"role {new_role}" + (f", schools {';'.join(new_schools)}" if new_schools else ""))
            revoke = (new_role, new_schools) != (current.role, current.schools)
        if password is not None:
            values["password_hash"] = hash_password(password)
            throttle.forget_name(conn, username)
            what.append("password reset")
            revoke = True
        if active is not None:
            values["active"] = bool(active)
            what.append("enabled" if active else "disabled")
            revoke = revoke or not active
        if not values:
            raise AccountError("nothing to change")
        values["updated_at"] = utcnow()
        if revoke:
            values["session_version"] = app_user.c.session_version + 1
            what.append("signed out everywhere")
        conn.execute(sa.update(app_user).where(app_user.c.username == username).values(**values))
        audit.record(conn, by, "account_change", f"{username}: " + "; ".join(what))
        updated = get(conn, username)
        assert updated is not None  # found above, in this transaction
        return updated


def disable(engine: sa.Engine, username: str, *, by: str = "system") -> Account:
    return update(engine, username, active=False, by=by)


def signout_everywhere(engine: sa.Engine, username: str, *, by: str = "system") -> Account:
    """End every session and re-login cookie of the account (an admin's "sign out everywhere"; ``users signout``):
    its session version goes up, so each signed-in browser shows the login on its next run."""
    username = (username or "").strip().lower()
    with engine.begin() as conn:
        if get(conn, username) is None:
            raise AccountError(f"no account named {username!r}")
        conn.execute(
            sa.update(app_user)
            .where(app_user.c.username == username)
            .values(session_version=app_user.c.session_version + 1, updated_at=utcnow())
        )
        throttle.forget_name(conn, username)
        audit.record(conn, by, "account_change", f"{username}: signed out everywhere")
        account = get(conn, username)
        assert account is not None  # found above, in this transaction
        return account


def list_csv(engine: sa.Engine) -> str:
    """``username,role,schools,active`` (schools separated by ';')."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["username", "role", "schools", "active"])
    with engine.connect() as conn:
        for a in all_accounts(conn):
            writer.writerow([a.username, a.role, ";".join(a.schools), "true" if a.active else "false"])
    return out.getvalue()


# --- login support -----------------------------------------------------------------------------------------------


def demo_usernames(conn: sa.Connection, values: dict[str, str] | None = None) -> set[str]:
    """The usernames demo mode made; ``values``: the meta values as read already (``db.meta_values``)."""
    return set(filter(None, (db.get_meta(conn, DEMO_ACCOUNTS_KEY, values) or "").split(";")))


@dataclass(frozen=True)
class Directory:
    """The accounts as stored at one moment, read in one go (``directory``): the entrypoint reads it once per run
    and takes the caller, the login's credentials and the checks below from it."""

    accounts: dict[str, Account]
    demo_names: frozenset[str]
    demo_db: bool

    def active(self, username: str | None) -> Account | None:
        """The account if it may be used: it exists, is active, and is not a demo account outside a demo database."""
        account = self.accounts.get((username or "").strip().lower())
        if account is None or not account.active or (account.username in self.demo_names and not self.demo_db):
            return None
        return account

    def credentials(self) -> dict:
        """The credentials dict streamlit-authenticator takes, of the accounts that may log in now (a new dict each
        call: the library changes the dict it is given)."""
        users = {}
        for name in sorted(self.accounts):
            a = self.active(name)
            if a is not None:
                users[a.username] = {
                    "email": f"{a.username}@accounts.invalid",
                    "first_name": a.display_name,
                    "last_name": "",
                    "password": a.password_hash,
                    "roles": [a.role],
                }
        return {"usernames": users}


def directory(conn: sa.Connection, values: dict[str, str] | None = None) -> Directory:
    """The accounts as stored now; ``values``: the meta values as read already this run (``db.meta_values``)."""
    values = db.meta_values(conn) if values is None else values
    return Directory(
        {a.username: a for a in all_accounts(conn)}, frozenset(demo_usernames(conn, values)), db.is_demo(conn, values)
    )


def active(conn: sa.Connection, username: str) -> Account | None:
    """The account if it may be used now (``Directory.active``), read afresh."""
    return directory(conn).active(username)


def credentials(conn: sa.Connection) -> dict:
    """The credentials dict streamlit-authenticator takes, built fresh for each run from the accounts that may log in
    now (the library changes the dict it is given)."""
    return directory(conn).credentials()


BCRYPT_MAX_BYTES = 72


@functools.cache
def _nobody_hash() -> bytes:
    return bcrypt.hashpw(b"no account has this password", bcrypt.gensalt())


def check_nobody(password: str) -> bool:
    """A bcrypt check, of the same cost as an account's, for a name that is not an account that may log in: the
    answer to an unknown name takes as long as the answer to a wrong password. Always False. (A password over
    bcrypt's 72 bytes is refused at once, as the login library refuses it for a known name.)"""
    data = (password or "").encode()
    if len(data) <= BCRYPT_MAX_BYTES:
        bcrypt.checkpw(data, _nobody_hash())
    return False


# --- the cookie key ----------------------------------------------------------------------------------------------

COOKIE_KEY_ENV = "DASHBOARD_COOKIE_KEY"
MIN_COOKIE_KEY = 32


def cookie_key_from_files(*roots) -> str | None:
    """``cookie_key`` from ``.streamlit/secrets.toml`` under the given directories (the checkout, the home
    directory), the places Streamlit itself reads secrets from."""
    import tomllib
    from pathlib import Path

    for root in roots:
        path = Path(root) / ".streamlit" / "secrets.toml"
        try:
            value = tomllib.loads(path.read_text(encoding="utf-8")).get("cookie_key")
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if value:
            return str(value)
    return None


def configured_cookie_key(*roots) -> str | None:
    """The deployment's own cookie key: ``DASHBOARD_COOKIE_KEY``, else ``cookie_key`` in secrets.toml."""
    import os

    return os.environ.get(COOKIE_KEY_ENV) or cookie_key_from_files(*roots)


def cookie_key_problem(key: str | None) -> str | None:
    if not key:
        return (
            f"no cookie key: set {COOKIE_KEY_ENV} or cookie_key in .streamlit/secrets.toml to a random string of "
            f'at least {MIN_COOKIE_KEY} characters (for example: python -c "import secrets; '
            'print(secrets.token_urlsafe(48))")'
        )
    if len(key) < MIN_COOKIE_KEY:
        return f"the cookie key is too short ({len(key)} characters; at least {MIN_COOKIE_KEY} are needed)"
    return None
