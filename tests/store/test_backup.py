"""Online backup and restore of the embedded SQLite database."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.cli import main
from dashboard.store import db
from dashboard.store.schema import school


def test_backup_then_restore_returns_the_database_to_the_copy(tmp_path, canonical_dir, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert main(["init", "--db", url]) == 0
    assert main(["load", str(canonical_dir / "schools.csv"), "--db", url]) == 0
    assert main(["backup", str(tmp_path / "copy.db"), "--db", url]) == 0
    extra = tmp_path / "more_schools.csv"
    extra.write_text("school_id,school_name\nS7,Elm Elementary\n", encoding="utf-8")
    assert main(["load", str(extra), "--source", "schools", "--db", url]) == 0
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(school)).scalar_one() == 4
    engine.dispose()
    assert main(["restore", str(tmp_path / "copy.db"), "--db", url]) == 0
    engine = db.make_engine(url)
    with engine.connect() as conn:
        ids = sorted(conn.execute(sa.select(school.c.school_id)).scalars())
    assert ids == ["S1", "S2", "S3"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert main(["init", "--db", url]) == 0
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database", encoding="utf-8")
    assert main(["restore", str(bogus), "--db", url]) == 1
    assert "is not a SQLite database" in capsys.readouterr().err


def test_backup_is_refused_for_postgresql(capsys):
    assert main(["backup", "/tmp/x.db", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]) == 1
    assert "pg_dump" in capsys.readouterr().err
