"""Import history and undo: undo restores exactly the state before an import, and refuses when a later import
depends on it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dashboard.ingest import imports
from dashboard.ingest.loader import FileToLoad, files_in_directory, load_files
from dashboard.store.schema import achievement

TODAY = dt.date(2026, 11, 23)


def _load(engine, *items):
    result = load_files(engine, list(items), user="tester", today=TODAY)
    assert result.ok, [str(p) for p in result.problems]
    return result.outcomes


def test_undo_restores_the_replaced_values_exactly(engine, canonical_dir, tmp_path, snapshot):
    _load(engine, *files_in_directory(canonical_dir))
    before = snapshot(engine)
    corrected = tmp_path / "achievement.csv"
    # S1 2023-24 All Students Math: 71 proficient corrected to 70; one new row for S2
    corrected.write_text(
        "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
        "S1,2023-24,Math,All Students,All,118,70\n"
        "S2,2023-24,Math,All Students,All,199,101\n",
        encoding="utf-8",
    )
    [outcome] = _load(engine, FileToLoad(corrected))
    assert (outcome.rows_inserted, outcome.rows_replaced) == (1, 1)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(achievement.c.n_proficient).where(
                achievement.c.school_id == "S1",
                achievement.c.year_start == 2023,
                achievement.c.student_group == "All Students",
            )
        ).scalar_one()
    assert stored == 70

    message = imports.undo(engine, outcome.import_id)
    # it wrote two rows (the new one and the replacement) and replaced one
    assert "2 rows it wrote removed, 1 rows it replaced restored" in message
    after = snapshot(engine)
    # every data table is back as it was; only the log (status 'undone') and the data version moved on
    for table in before:
        if table not in ("import_log", "meta"):
            assert after[table] == before[table], table
    statuses = [row[-1] for row in after["import_log"]]
    assert statuses.count("undone") == 1


def test_undo_refuses_when_a_later_import_changed_its_rows(engine, canonical_dir, tmp_path):
    outcomes = _load(engine, *files_in_directory(canonical_dir))
    first_achievement = next(o for o in outcomes if o.source == "achievement")
    corrected = tmp_path / "achievement.csv"
    corrected.write_text(
        "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
        "S1,2023-24,Math,All Students,All,118,70\n",
        encoding="utf-8",
    )
    [later] = _load(engine, FileToLoad(corrected))
    with pytest.raises(imports.UndoRefused, match=f"later import {later.import_id} changed rows"):
        imports.undo(engine, first_achievement.import_id)
    imports.undo(engine, later.import_id)
    imports.undo(engine, first_achievement.import_id)  # now nothing depends on it
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(achievement)).scalar_one() == 0
    with pytest.raises(imports.UndoRefused, match="undone already"):
        imports.undo(engine, later.import_id)


def test_undo_refuses_while_later_rows_use_a_school_it_created(engine, canonical_dir, tmp_path):
    _load(engine, *files_in_directory(canonical_dir))
    creating = tmp_path / "trust_new_school.csv"
    creating.write_text(
        "school_id,school_name,school_year,facet,mean_score\nS9,Dogwood Academy,2023-24,overall,3.4\n", encoding="utf-8"
    )
    [created] = _load(engine, FileToLoad(creating, source="trust"))
    assert created.schools_created == ["S9"]
    using = tmp_path / "achievement.csv"
    using.write_text(
        "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
        "S9,2023-24,Math,All Students,All,40,22\n",
        encoding="utf-8",
    )
    [user_of_school] = _load(engine, FileToLoad(using))
    with pytest.raises(imports.UndoRefused, match=str(user_of_school.import_id)):
        imports.undo(engine, created.import_id)


def test_history_csv_lists_imports_oldest_first_with_the_contract_columns(engine, canonical_dir):
    _load(engine, *files_in_directory(canonical_dir))
    lines = imports.history_csv(engine).splitlines()
    assert lines[0] == "id,loaded_at,user,source,file,sha256,rows_inserted,rows_replaced"
    sources = [line.split(",")[3] for line in lines[1:]]
    assert sources == ["schools", "cpl", "trust", "readiness", "achievement"]
    # the achievement file of the tiny district has 5 data rows
    assert lines[-1].split(",")[6:] == ["5", "0"]
    assert all(line.split(",")[2] == "tester" for line in lines[1:])
