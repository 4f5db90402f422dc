"""The one module that owns access: which pages a role may open and which schools a caller may see.

A ``Caller`` is built each run from the database account of the authenticated username (``caller_for``), never from
anything a browser can set (query string, widget values, the ``roles`` the login library copies into session
state). Scope is enforced where data is read: every query unit takes ``scope`` (None = every school), and the cached
functions in ``dashboard.ui`` take it as part of their key.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import sqlalchemy as sa

from dashboard.auth import accounts

# page url_path -> the roles that may open it
VIEW_PAGES = ("overview", "goals", "school", "trust", "cpl", "readiness", "equity", "culture", "board_pack")
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(VIEW_PAGES, ("superintendent", "coach", "principal", "board", "admin")),
    "data": ("admin",),
    "admin": ("admin",),
}
ALL_SCHOOLS_ROLES = ("superintendent", "board", "admin")
READ_ONLY_ROLES = ("superintendent", "coach", "principal", "board")


@dataclass(frozen=True)
class Caller:
    username: str
    role: str
    school_ids: tuple[str, ...] | None  # None: every school; () sees nothing
    display_name: str = ""

    @property
    def scope(self) -> tuple[str, ...] | None:
        return self.school_ids

    @property
    def scoped(self) -> bool:
        return self.school_ids is not None

    def may_open(self, page: str) -> bool:
        return may_open(self.role, page)


NOBODY = Caller(username="", role="", school_ids=())  # fail closed: no pages, no schools


def may_open(role: str, page: str) -> bool:
    return role in PAGE_ROLES.get(page, ())


def pages_for(role: str) -> list[str]:
    return [p for p, roles in PAGE_ROLES.items() if role in roles]


def scope_for(role: str, schools: tuple[str, ...]) -> tuple[str, ...] | None:
    if role in ALL_SCHOOLS_ROLES:
        return None
    if role == "principal":
        return tuple(schools[:1])
    if role == "coach":
        return tuple(schools)
    return ()  # an unknown role sees nothing


def caller_for(conn: sa.Connection, username: str | None) -> Caller | None:
    """The caller for an authenticated username, from its account as stored now; None when the account is missing,
    disabled or a demo account outside a demo database (a lock only stops new logins)."""
    return caller_from(accounts.directory(conn), username) if username else None


def caller_from(directory: accounts.Directory, username: str | None) -> Caller | None:
    """``caller_for`` from accounts already read this run."""
    account = directory.active(username)
    if account is None:
        return None
    return Caller(
        username=account.username,
        role=account.role,
        school_ids=scope_for(account.role, account.schools),
        display_name=account.display_name,
    )


# --- the caller of the current run --------------------------------------------------------------------------------
# Set by the entrypoint after login, every run; read by ``dashboard.ui``. A page run without it sees nothing.

_CURRENT: contextvars.ContextVar[Caller] = contextvars.ContextVar("dashboard_caller", default=NOBODY)


def set_current(caller: Caller | None) -> None:
    _CURRENT.set(caller or NOBODY)


def current() -> Caller:
    return _CURRENT.get()
