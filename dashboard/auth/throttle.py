"""Login throttling: failed logins slowed per client address and per name typed, with no lock anyone can set on an
account (SECURITY.md, Logins).

- **Per client** (the address the app sees; an IPv6 address by its /64, which one machine can fill): the first
  ``login_max_attempts`` failed logins in a row are free; then the client waits ``CLIENT_FIRST_WAIT`` seconds
  before its next attempt, twice as long after each further failure, up to ``login_lockout_minutes``. An attempt
  during the wait is refused without looking at the name or the password. Failures are forgotten after a quiet
  ``FORGET``. A success does not wipe them: an attacker with an account of their own cannot reset their count by
  signing in to it.
- **Per name** (every name typed, known or not, so the answer never tells which names exist): past
  ``login_max_attempts`` failures in a row from anywhere, each attempt at that name is held before its password is
  checked, 1 s, 2 s ... up to ``ACCOUNT_DELAY_MAX`` seconds. It is never refused: a flood from other addresses
  costs the owner of the name a few seconds, never a lockout. A success at the name ends its count.

Attempts in flight are counted too (``pending``): a client may have only as many password checks running at once as
it has free failures left (at least one), so a burst of parallel guesses from one address gets no more checks than
a sequence would; the rest wait their turn (a school's staff signing in together behind one address only queue for
a moment). ``begin`` is called before a password is checked and ``finish`` after; nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from dataclasses import dataclass

import sqlalchemy as sa

from dashboard.store.schema import login_throttle

CLIENT = "client"
ACCOUNT = "account"
LOCAL = "local"  # the key of a client on this machine (Streamlit names no address for a loopback connection)
FORGET = dt.timedelta(hours=1)  # failures with no further failure for this long are forgotten
CLIENT_FIRST_WAIT = 30.0  # seconds: a client's wait after its last free failure (then 1, 2, 4 ... minutes)
ACCOUNT_DELAY_MAX = 10.0  # seconds: the longest an attempt at a name is held
TURN_WAIT = 30.0  # seconds an attempt waits for its turn behind the client's checks in flight
TURN_POLL = 0.2
STALE = dt.timedelta(minutes=2)  # checks in flight this old are forgotten (their process ended mid-way)
KEY_LENGTH = 255


@dataclass(frozen=True)
class Verdict:
    """What to do with one login attempt: ``wait`` > 0, refuse it (the client must wait that many more seconds);
    else hold it ``delay`` seconds, check the password, and report the outcome with ``finish``."""

    wait: float
    delay: float
    busy: bool = False  # refused because the client's checks in flight did not finish in time (not a failure wait)

    @property
    def refused(self) -> bool:
        return self.wait > 0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes: they were written in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def client_key(address: str | None) -> str:
    """The throttle's key of a client address: ``LOCAL`` for none, an IPv6 address's /64, else the address."""
    if not address:
        return LOCAL
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:KEY_LENGTH] or LOCAL
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 client a.b.c.d
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def name_key(name: str | None) -> str:
    """The throttle's key of a typed name: lower case, printable, at most ``KEY_LENGTH`` characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in (name or "").strip().lower())
    return text[:KEY_LENGTH]


def client_wait(failures: int, free: int, longest: float) -> float:
    """Seconds a client waits after its ``failures``-th failure in a row (0 while within the free ones)."""
    if failures < free:
        return 0.0
    return float(min(CLIENT_FIRST_WAIT * 2.0 ** min(failures - free, 40), longest))


def account_delay(failures: int, free: int) -> float:
    """Seconds an attempt at a name is held when the name has ``failures`` failures in a row before it."""
    if failures < free:
        return 0.0
    return float(min(2.0 ** min(failures - free, 40), ACCOUNT_DELAY_MAX))


def _free(values: dict[str, float]) -> int:
    return max(int(values["login_max_attempts"]), 1)


def begin(engine: sa.Engine, address: str | None, name: str, values: dict[str, float]) -> Verdict:
    """Before a password is checked: refuse the attempt while the client's wait runs; else wait for a turn among
    the client's checks in flight, take it, and say how long to hold the attempt (the name's delay)."""
    client, account = client_key(address), name_key(name)
    deadline = time.monotonic() + TURN_WAIT
    while True:
        verdict = _try_begin(engine, client, account, _free(values))
        if verdict is not None:
            return verdict
        if time.monotonic() > deadline:  # the checks ahead did not finish in time: ask for a retry
            return Verdict(wait=TURN_WAIT, delay=0.0, busy=True)
        time.sleep(TURN_POLL)


def _try_begin(engine: sa.Engine, client: str, account: str, free: int) -> Verdict | None:
    """One try at ``begin`` in one transaction; None when the attempt must wait for its turn."""
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.delete(login_throttle).where(
                login_throttle.c.last_failure_at < now - FORGET,
                sa.or_(login_throttle.c.wait_until.is_(None), login_throttle.c.wait_until < now),
                sa.or_(login_throttle.c.pending_at.is_(None), login_throttle.c.pending_at < now - STALE),
            )
        )
        for scope, key in ((CLIENT, client), (ACCOUNT, account)):  # always this order: no two attempts deadlock
            _ensure(conn, scope, key, now)
        row = _locked_row(conn, CLIENT, client)
        if (until := _aware(row.wait_until)) is not None and until > now:
            return Verdict(wait=(until - now).total_seconds(), delay=0.0)
        failures, pending = _failures(row, now), _pending(row, now)
        if pending and failures + pending >= free:
            return None
        conn.execute(_where(CLIENT, client).values(pending=pending + 1, pending_at=now))
        before = _failures(_locked_row(conn, ACCOUNT, account), now)
    return Verdict(wait=0.0, delay=account_delay(before, free))


def finish(engine: sa.Engine, address: str | None, name: str, ok: bool, values: dict[str, float]) -> None:
    """After ``begin`` let a check run: give its turn back and count its outcome. ``ok`` True: the password was
    right (the name's failures in a row end; the client's stay); False (also for a check cut short): one more
    failure for the client (its wait starts past the free ones) and for the name."""
    client, account = client_key(address), name_key(name)
    free, longest = _free(values), float(values["login_lockout_minutes"]) * 60
    now = utcnow()
    with engine.begin() as conn:
        row = _locked_row(conn, CLIENT, client, missing_ok=True)
        if row is None:
            return
        changes: dict = {"pending": max(_pending(row, now) - 1, 0)}
        if not ok:
            failures = _failures(row, now) + 1
            wait = client_wait(failures, free, longest)
            changes.update(failures=failures, last_failure_at=now)
            changes["wait_until"] = now + dt.timedelta(seconds=wait) if wait else None
        conn.execute(_where(CLIENT, client).values(**changes))
        if ok:
            forget_name(conn, name)
        else:
            named = _locked_row(conn, ACCOUNT, account, missing_ok=True)
            if named is not None:
                conn.execute(_where(ACCOUNT, account).values(failures=_failures(named, now) + 1, last_failure_at=now))


def _ensure(conn: sa.Connection, scope: str, key: str, now: dt.datetime) -> None:
    """Make the row if it is missing (a parallel attempt making it too waits for this one, then finds it)."""
    try:
        with conn.begin_nested():
            conn.execute(
                sa.insert(login_throttle).values(scope=scope, key=key, failures=0, last_failure_at=now, pending=0)
            )
    except sa.exc.IntegrityError:
        pass


def _where(scope: str, key: str):
    return sa.update(login_throttle).where(login_throttle.c.scope == scope, login_throttle.c.key == key)


def _locked_row(conn: sa.Connection, scope: str, key: str, missing_ok: bool = False):
    """The row, locked until the transaction ends (PostgreSQL; SQLite's writing transactions take the database)."""
    q = sa.select(login_throttle).where(login_throttle.c.scope == scope, login_throttle.c.key == key)
    result = conn.execute(q.with_for_update())
    return result.first() if missing_ok else result.one()


def _failures(row, now: dt.datetime) -> int:
    last = _aware(row.last_failure_at)
    if last is None or last < now - FORGET:
        return 0
    return int(row.failures)


def _pending(row, now: dt.datetime) -> int:
    since = _aware(row.pending_at)
    if since is None or since < now - STALE:
        return 0
    return int(row.pending or 0)


def forget_name(conn: sa.Connection, name: str) -> None:
    """The name's failures in a row end (its owner signed in, or an admin reset the account)."""
    conn.execute(
        sa.delete(login_throttle).where(login_throttle.c.scope == ACCOUNT, login_throttle.c.key == name_key(name))
    )


def clear(conn: sa.Connection) -> int:
    """An admin lifts every wait and count (a school's shared address made to wait by someone else's guesses):
    the rows of checks in flight stay, so no attempt running now loses its turn. Returns how many were cleared."""
    return conn.execute(sa.delete(login_throttle).where(login_throttle.c.failures > 0)).rowcount


def in_force(conn: sa.Connection) -> list[dict]:
    """The counts not yet forgotten, newest first, for the admin page: scope, key, failures, last failure, wait."""
    now = utcnow()
    rows = conn.execute(
        sa.select(login_throttle)
        .where(login_throttle.c.last_failure_at >= now - FORGET, login_throttle.c.failures > 0)
        .order_by(login_throttle.c.last_failure_at.desc())
    ).all()
    return [
        {
            "scope": r.scope,
            "key": r.key,
            "failures": int(r.failures),
            "last_failure_at": _aware(r.last_failure_at),
            "wait_until": w if (w := _aware(r.wait_until)) is not None and w > now else None,
        }
        for r in rows
    ]
