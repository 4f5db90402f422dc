"""Records retention: ``district-dashboard purge --before YYYY-YY`` deletes exactly the rows of every source (and
their history rows) of the school years before the one named, in one transaction, with the summaries refreshed, an
import-history record and an audit record; the audit log keeps ``audit_log_days``. Counted by hand on a small district
whose rows straddle the boundaries (a meeting on 30 June is the school year before one on 1 July)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.ingest import imports
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.services import purge
from dashboard.services.settings import change_setting
from dashboard.store.schema import (
    HISTORY_TABLES,
    SOURCE_TABLES,
    achievement,
    achievement_school_year,
    audit_log,
    cpl_team_year_summary,
    import_log,
    school_summary,
)

TODAY = dt.date(2026, 11, 23)
SCHOOLS = "school_id,school_name,level,network\nS1,Alder Elementary,elementary,North\nS2,Birch Middle,middle,North\n"
CPL_HEADER = "school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size\n"
CPL_OLD = [  # school year 2021-22: removed by a purge before 2022-23
    "S1,2021-09-14,Grade 3,grade_level,45,5,6",
    "S1,2022-06-30,Grade 3,grade_level,50,6,6",  # the last day of 2021-22
]
CPL_KEPT = [
    "S1,2022-07-01,Grade 3,grade_level,40,4,6",  # the first day of 2022-23
    "S2,2022-10-04,Math,content,60,4,5",
    "S2,2023-09-12,Math,content,55,5,5",
]
TRUST_HEADER = "school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,n_respondents,response_rate\n"
TRUST_OLD = ["S1,2021-22,spring,all_staff,benevolence,3.9,5,22,88", "S2,2021-22,spring,all_staff,overall,3.1,5,30,75"]
TRUST_KEPT = ["S1,2022-23,spring,all_staff,benevolence,4.0,5,21,84", "S2,2023-24,spring,all_staff,overall,3.4,5,31,77"]
READINESS_HEADER = "school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters\n"
READINESS_OLD = ["S1,2022-05-10,Adopt the math protocol,15,6,1,24"]
READINESS_KEPT = ["S2,2022-08-15,Adopt the math protocol,20,9,0,31", "S1,2023-11-07,Adopt the math protocol,19,3,1,24"]
ACHIEVEMENT_HEADER = "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
ACHIEVEMENT_OLD = [
    "S1,2021-22,Math,All Students,All,120,60",
    "S1,2021-22,Math,English Learners,All,24,8",
    "S2,2021-22,Math,All Students,All,200,100",
]
ACHIEVEMENT_KEPT = ["S1,2022-23,Math,All Students,All,118,66", "S2,2023-24,Math,All Students,All,210,120"]
# a corrected file: replaces one row of 2021-22 and one of 2022-23 (each kept in the history table), so the history
# holds one row of a purged year and one of a kept year
ACHIEVEMENT_CORRECTION = ["S1,2021-22,Math,All Students,All,120,61", "S1,2022-23,Math,All Students,All,118,67"]
TRUST_CORRECTION = ["S2,2021-22,spring,all_staff,overall,3.2,5,30,75"]  # one history row of 2021-22

REMOVED = {"cpl": 2, "trust": 2, "readiness": 1, "achievement": 3}
KEPT = {"cpl": 3, "trust": 2, "readiness": 2, "achievement": 2}
HISTORY_REMOVED = {"cpl": 0, "trust": 1, "readiness": 0, "achievement": 1}


def _write(tmp_path, name: str, header: str, rows: list[str]):
    path = tmp_path / name
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return FileToLoad(path)


def _load(engine, *items):
    result = load_files(engine, list(items), user="tester", today=TODAY)
    assert result.ok, [str(p) for p in result.problems]
    return result.outcomes


def _district(engine, tmp_path):
    """The district above, with the corrections loaded after it: (id of the achievement correction's import)."""
    _load(
        engine,
        _write(tmp_path, "schools.csv", SCHOOLS, []),
        _write(tmp_path, "cpl_meetings.csv", CPL_HEADER, CPL_OLD + CPL_KEPT),
        _write(tmp_path, "trust_scores.csv", TRUST_HEADER, TRUST_OLD + TRUST_KEPT),
        _write(tmp_path, "readiness_votes.csv", READINESS_HEADER, READINESS_OLD + READINESS_KEPT),
        _write(tmp_path, "achievement.csv", ACHIEVEMENT_HEADER, ACHIEVEMENT_OLD + ACHIEVEMENT_KEPT),
    )
    fixes = tmp_path / "fixes"
    fixes.mkdir()
    [correction] = _load(engine, _write(fixes, "achievement.csv", ACHIEVEMENT_HEADER, ACHIEVEMENT_CORRECTION))
    _load(engine, _write(fixes, "trust_scores.csv", TRUST_HEADER, TRUST_CORRECTION))
    return correction.import_id


def _counts(engine) -> tuple[dict[str, int], dict[str, int]]:
    with engine.connect() as conn:
        rows = {
            s: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for s, t in purge.YEARLY.items()
        }
        history = {
            s: conn.execute(sa.select(sa.func.count()).select_from(HISTORY_TABLES[s])).scalar_one()
            for s in purge.YEARLY
        }
    return rows, history


def _rows(engine, table: sa.Table) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(table)).all())


def test_a_purge_removes_exactly_the_rows_and_history_before_the_year(engine, tmp_path):
    _district(engine, tmp_path)
    rows, history = _counts(engine)
    assert rows == {s: REMOVED[s] + KEPT[s] for s in REMOVED}
    assert history == {"cpl": 0, "trust": 1, "readiness": 0, "achievement": 2}
    with engine.connect() as conn:
        assert purge.counts_before(conn, 2022) == (REMOVED, HISTORY_REMOVED)  # the Data page's preview

    result = purge.purge(engine, "2022-23", user="records", audit_user="records (cli)")

    assert (result.rows, result.history_rows) == (REMOVED, HISTORY_REMOVED)
    assert _counts(engine) == (KEPT, {"cpl": 0, "trust": 0, "readiness": 0, "achievement": 1})
    with engine.connect() as conn:
        for source, table in purge.YEARLY.items():
            years = set(conn.execute(sa.select(table.c.year_start).distinct()).scalars())
            assert min(years) == 2022, source
        # the one history row kept is the 2022-23 value the correction replaced
        kept_history = conn.execute(
            sa.select(HISTORY_TABLES["achievement"].c.year_start, HISTORY_TABLES["achievement"].c.n_proficient)
        ).all()
        assert [tuple(r) for r in kept_history] == [(2022, 66)]
        assert conn.execute(sa.select(sa.func.count()).select_from(SOURCE_TABLES["schools"])).scalar_one() == 2
        log = conn.execute(sa.select(import_log).where(import_log.c.id == result.import_id)).mappings().one()
        entry = conn.execute(sa.select(audit_log).where(audit_log.c.action == "purge")).mappings().one()
    assert (log["source"], log["status"], log["file_name"], log["rows_removed"], log["user"]) == (
        "purge",
        "purged",
        "purge before 2022-23",
        8,
        "records",
    )
    assert entry["username"] == "records (cli)"
    assert entry["detail"] == (
        "purge before 2022-23: 8 rows removed (cpl 2, trust 2, readiness 1, achievement 3) and 2 history rows "
        f"(import {result.import_id})"
    )


def test_the_summaries_after_a_purge_are_those_of_the_kept_rows_alone(engine, tmp_path):
    """The stored summaries the pages read are refreshed in the purge's transaction: after it they equal those of
    a database that was only ever given the kept rows (with the kept correction)."""
    _district(engine, tmp_path)
    purge.purge(engine, "2022-23", user="records", audit_user="records")
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["init", "--db", fresh_url]) == 0
    fresh = sa.create_engine(fresh_url)
    kept = tmp_path / "kept"
    kept.mkdir()
    corrected = [ACHIEVEMENT_CORRECTION[1], ACHIEVEMENT_KEPT[1]]
    _load(
        fresh,
        _write(kept, "schools.csv", SCHOOLS, []),
        _write(kept, "cpl_meetings.csv", CPL_HEADER, CPL_KEPT),
        _write(kept, "trust_scores.csv", TRUST_HEADER, TRUST_KEPT),
        _write(kept, "readiness_votes.csv", READINESS_HEADER, READINESS_KEPT),
        _write(kept, "achievement.csv", ACHIEVEMENT_HEADER, corrected),
    )
    for table in (cpl_team_year_summary, achievement_school_year, school_summary):
        assert _rows(engine, table) == _rows(fresh, table), table.name
    assert _rows(engine, cpl_team_year_summary), "the kept years still have their summary"
    fresh.dispose()


def test_a_purge_is_one_transaction(engine, tmp_path, snapshot, monkeypatch):
    _district(engine, tmp_path)
    before = snapshot(engine)

    def broken(conn):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(purge.summaries, "refresh_school_summary", broken)
    with pytest.raises(RuntimeError, match="disk filled"):
        purge.purge(engine, "2022-23", user="records", audit_user="records")
    assert snapshot(engine) == before  # no row, history row, log or audit entry of it is left


def test_a_purge_cannot_be_undone_and_an_older_undo_brings_back_nothing_purged(engine, tmp_path):
    correction = _district(engine, tmp_path)
    result = purge.purge(engine, "2022-23", user="records", audit_user="records")
    with pytest.raises(imports.UndoRefused, match="records-retention purge"):
        imports.undo(engine, result.import_id)
    # the correction replaced a 2021-22 row (purged, with its history) and a 2022-23 row (kept): its undo restores
    # the 2022-23 value and nothing of 2021-22
    imports.undo(engine, correction)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(achievement.c.year_start, achievement.c.n_proficient)).all()
    assert sorted(tuple(r) for r in stored) == [(2022, 66), (2023, 120)]


def test_a_purge_with_nothing_older_writes_only_its_audit_entry(engine, tmp_path):
    _district(engine, tmp_path)
    with engine.connect() as conn:
        logged = conn.execute(sa.select(sa.func.count()).select_from(import_log)).scalar_one()
    result = purge.purge(engine, "2021-22", user="records", audit_user="records")
    assert result.removed == 0 and result.import_id is None
    assert result.summary() == "purge before 2021-22: nothing stored is older; nothing was removed"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(import_log)).scalar_one() == logged
        assert conn.execute(sa.select(audit_log.c.detail).where(audit_log.c.action == "purge")).scalar_one() == (
            result.summary()
        )


def test_the_command_line_purges_and_refuses_a_year_that_is_not_one(engine, tmp_path, capsys):
    _district(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["purge", "--before", "2022-2023", "--db", url]) == 0  # the long spelling is taken too
    assert "purge before 2022-23: 8 rows removed" in capsys.readouterr().out
    assert _counts(engine)[0] == KEPT
    assert main(["purge", "--before", "2022-24", "--db", url]) == 2
    assert "--before must be a school year such as 2021-22 (got '2022-24')" in capsys.readouterr().err


def _audit_at(engine, days_ago: float, detail: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(audit_log).values(
                at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago), username="x", action="login", detail=detail
            )
        )


def test_the_audit_log_keeps_entries_for_the_days_of_its_setting(engine):
    from dashboard.auth import audit

    _audit_at(engine, 800, "older than two years")
    _audit_at(engine, 100, "a hundred days ago")
    audit.record(engine, "admin", "download", "a table")  # every new entry ends those past the setting (730 days)
    with engine.connect() as conn:
        details = set(conn.execute(sa.select(audit_log.c.detail)).scalars())
    assert details == {"a hundred days ago", "a table"}
    with engine.begin() as conn:
        change_setting(conn, "audit_log_days", 90)
        audit.record(conn, "admin", "download", "another table")
    with engine.connect() as conn:
        details = set(conn.execute(sa.select(audit_log.c.detail)).scalars())
    assert details == {"a table", "another table"}
