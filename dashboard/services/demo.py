"""Demo mode: an empty database gets the sample district (``sample_data/``) and is marked as a demo."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.core import paths
from dashboard.ingest.loader import files_in_directory, load_files
from dashboard.services.demo_goals import add_demo_goals
from dashboard.store import db
from dashboard.store.db import DEMO_KEY, is_demo
from dashboard.store.schema import school

SAMPLE_DIR = paths.SAMPLE_DATA


def ensure_demo(engine: sa.Engine) -> str:
    """Migrate; on an empty database load the sample district and mark it a demo. Returns what was done."""
    db.migrate(engine)
    with engine.connect() as conn:
        has_schools = conn.execute(sa.select(sa.func.count()).select_from(school)).scalar_one() > 0
    if has_schools:
        with engine.connect() as conn:
            demo = is_demo(conn)
        if demo:
            ensure_demo_accounts(engine)
        return "demo: the database already holds data; nothing loaded"
    result = load_files(engine, files_in_directory(SAMPLE_DIR), user="demo")
    if not result.ok:  # the shipped sample must load; say so plainly if it does not
        raise RuntimeError("the sample district did not load:\n" + "\n".join(str(p) for p in result.problems))
    with engine.begin() as conn:
        db.set_meta(conn, DEMO_KEY, "1")
    ensure_demo_accounts(engine)
    add_demo_goals(engine)
    rows = sum(o.rows_inserted for o in result.outcomes)
    return f"demo: loaded the sample district ({rows} rows) from {SAMPLE_DIR}"


DEMO_PASSWORD = "demo"  # noqa: S105  (the published password of the demo accounts, CONTRACT.md)
DEMO_ROLES = {"supt": "superintendent", "coach": "coach", "principal": "principal", "board": "board", "admin": "admin"}


def ensure_demo_accounts(engine: sa.Engine) -> list[str]:
    """The demo accounts of CONTRACT.md (password ``demo``), only in a database marked as a demo; their names are
    kept in ``meta`` so they stop working should the mark ever be removed. The coach gets three schools, the
    principal one (not one of the coach's). Returns the accounts created."""
    from dashboard.auth import accounts, audit
    from dashboard.store.schema import app_user

    with engine.begin() as conn:
        if not is_demo(conn):
            raise RuntimeError("demo accounts are only made in a database marked as a demo")
        ids = list(conn.execute(sa.select(school.c.school_id).order_by(school.c.school_id)).scalars())
        existing = set(conn.execute(sa.select(app_user.c.username)).scalars())
        schools = {"coach": ids[:3], "principal": ids[3:4] or ids[:1]}
        now = accounts.utcnow()
        made = []
        for name, role in DEMO_ROLES.items():
            if name in existing:
                continue
            # the demo password is shorter than accounts.MIN_PASSWORD on purpose: hashed directly, not via add()
            conn.execute(
                sa.insert(app_user).values(
                    username=name,
                    display_name=f"Demo {role}",
                    role=role,
                    schools=";".join(schools.get(name, [])),
                    password_hash=accounts.bcrypt_hash(DEMO_PASSWORD),
                    active=True,
                    session_version=0,
                    created_at=now,
                    updated_at=now,
                )
            )
            audit.record(conn, "demo", "account_change", f"added demo account {name}: role {role}")
            made.append(name)
        names = accounts.demo_usernames(conn) | set(DEMO_ROLES)
        db.set_meta(conn, accounts.DEMO_ACCOUNTS_KEY, ";".join(sorted(names)))
    return made
