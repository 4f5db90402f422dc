"""Settings (defaults, help, privacy floors) and migrations (init twice is a no-op)."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

from dashboard.cli import main
from dashboard.services.settings import change_setting
from dashboard.store import db, settings

# the newest migration, read from the files themselves (each holds `revision = "NNNN"`)
HEAD = max(
    re.search(r'^revision = "(\w+)"', p.read_text(encoding="utf-8"), re.M).group(1)
    for p in (ROOT / "dashboard" / "store" / "migrations" / "versions").glob("0*.py")
)


def test_every_setting_has_a_default_and_a_sentence_of_help():
    for setting in settings.SETTINGS.values():
        assert setting.default is not None
        assert setting.help.endswith((".", ")")) and len(setting.help.split()) >= 8, setting.name


def test_every_setting_is_documented_in_the_readme_or_settings_module():
    # the README points at dashboard/store/settings.py; each setting's name must appear in the code that reads it
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py") if p.name != "settings.py"
    )
    unused = [name for name in settings.SETTINGS if not re.search(rf"[\"']{name}[\"']", code)]
    assert unused == [] or set(unused) <= {"upload_max_mb"}, f"settings nothing reads: {unused}"


def test_privacy_thresholds_can_be_raised_never_lowered(engine):
    with engine.begin() as conn:
        change_setting(conn, "min_n_students", 15)
        with pytest.raises(settings.SettingError, match="never set below 10"):
            change_setting(conn, "min_n_students", 9)
        with pytest.raises(settings.SettingError, match="unknown setting"):
            change_setting(conn, "min_n_everything", 20)
    with engine.connect() as conn:
        assert settings.load(conn)["min_n_students"] == 15
        assert settings.load(conn)["min_n_staff"] == 5


def test_init_upgrades_then_is_a_no_op(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["init", "--db", url]) == 0
    assert f"schema upgraded none -> {HEAD}" in capsys.readouterr().out
    assert main(["init", "--db", url]) == 0
    assert f"schema already at {HEAD}" in capsys.readouterr().out


def test_commands_on_an_uninitialised_database_say_to_run_init(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["export", "gains", "--out", str(tmp_path / "g.csv"), "--db", url]) == 2
    assert "run `district-dashboard init`" in capsys.readouterr().err


def test_resolve_url_prefers_flag_then_environment_then_local_file(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(db.ENV_URL, raising=False)
    assert db.resolve_url(None) == f"sqlite:///{tmp_path / 'dashboard.db'}"
    monkeypatch.setenv(db.ENV_URL, "postgresql+psycopg://a@b/c")
    assert db.resolve_url(None) == "postgresql+psycopg://a@b/c"
    assert db.resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_upgrading_a_loaded_database_to_0004_fills_its_screened_summaries(tmp_path):
    # a database at revision 0003 holding one school's achievement (All Students 30 of 60, a group of 4 tested) is
    # upgraded: the new summaries hold its rows as a load would have written them
    import sqlalchemy as sa
    from alembic import command

    from dashboard.metrics import tables

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "0003")
        conn.execute(sa.text("INSERT INTO school (school_id, school_name) VALUES ('S1', 'Alpha')"))
        conn.execute(
            sa.text(
                "INSERT INTO achievement (school_id, year_start, subject, student_group, grade, n_tested, n_proficient) "
                "VALUES ('S1', 2024, 'Math', 'All Students', 'All', 60, 30), ('S1', 2024, 'Math', 'Migrant', 'All', 4, 1)"
            )
        )
    assert db.migrate(engine) == ("0003", HEAD)
    with engine.connect() as conn:
        cells = {r["student_group"]: r for r in tables.school_cells(conn).to_dicts()}
        summary = tables.stored_school_summary(conn).to_dicts()
    assert cells["All Students"]["pct_proficient"] == pytest.approx(50.0) and not cells["All Students"]["withheld"]
    assert cells["Migrant"]["withheld"] and cells["Migrant"]["reason"] == "small_n"
    assert [(r["school_id"], r["school_name"], r["all_students_pct_proficient"]) for r in summary] == [
        ("S1", "Alpha", pytest.approx(50.0))
    ]
