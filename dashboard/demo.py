"""Demo mode: an empty database gets the sample district (``sample_data/``) and is marked as a demo."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from dashboard import db
from dashboard.loader import files_in_directory, load_files
from dashboard.schema import school

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DEMO_KEY = "demo"


def is_demo(conn: sa.Connection) -> bool:
    return db.get_meta(conn, DEMO_KEY) == "1"


def ensure_demo(engine: sa.Engine) -> str:
    """Migrate; on an empty database load the sample district and mark it a demo. Returns what was done."""
    db.migrate(engine)
    with engine.connect() as conn:
        has_schools = conn.execute(sa.select(sa.func.count()).select_from(school)).scalar_one() > 0
    if has_schools:
        return "demo: the database already holds data; nothing loaded"
    result = load_files(engine, files_in_directory(SAMPLE_DIR), user="demo")
    if not result.ok:  # the shipped sample must load; say so plainly if it does not
        raise RuntimeError("the sample district did not load:\n" + "\n".join(str(p) for p in result.problems))
    with engine.begin() as conn:
        db.set_meta(conn, DEMO_KEY, "1")
    rows = sum(o.rows_inserted for o in result.outcomes)
    return f"demo: loaded the sample district ({rows} rows) from {SAMPLE_DIR}"
