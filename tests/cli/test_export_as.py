"""``export levels``, ``export rollups`` and ``--as USERNAME`` (CONTRACT.md, Command line and Computed tables):
figures worked out by hand from the three-school district of ``conftest.CANONICAL_*``, an account's export holds only
its own schools, and the equity page's rollup for an account is the export's row for the same account."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.ingest.loader import files_in_directory, load_files


@pytest.fixture
def district(engine, canonical_dir):
    result = load_files(engine, files_in_directory(canonical_dir), user="t")
    assert result.ok, result.problems
    return engine


def _export(engine: sa.Engine, tmp_path, table: str, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / f"{table}.csv"
    url = engine.url.render_as_string(hide_password=False)
    assert main(["export", table, "--out", str(out), "--db", url, *extra]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_levels_hold_every_school_cell_as_published(district, tmp_path):
    rows = {(r["school_id"], r["subject"], r["student_group"], r["school_year"]): r
            for r in _export(district, tmp_path, "levels")}  # fmt: skip
    # S1 Math All Students 2023-24: 71 of 118 -> 60.17%; English Learners 9 of 24 -> 37.50%
    s1 = rows[("S1", "Math", "All Students", "2023-24")]
    assert (s1["n_tested"], s1["n_proficient"], float(s1["pct_proficient"])) == (
        "118",
        "71",
        pytest.approx(60.1695, abs=1e-3),
    )
    el = rows[("S1", "Math", "English Learners", "2023-24")]
    assert (el["n_tested"], el["n_proficient"], el["suppressed"]) == ("24", "9", "false")
    assert len(rows) == 5  # one row per cell of the file, grades combined (the file's own All rows)


def test_rollups_weigh_by_counts_and_carry_the_change(district, tmp_path):
    rows = _export(district, tmp_path, "rollups")
    by = {(r["rollup"], r["network"], r["level"], r["subject"], r["student_group"], r["school_year"]): r for r in rows}
    # the district's ELA 2023-24: S2 112 of 200 and S3 190 of 300 -> 302 of 500 = 60.4%
    ela = by[("district", "", "", "ELA", "All Students", "2023-24")]
    assert (ela["schools"], ela["n_tested"], ela["n_proficient"]) == ("2", "500", "302")
    assert float(ela["pct_proficient"]) == pytest.approx(60.4)
    # Math: only S1, 66 of 120 (55%) in 2022-23 to 71 of 118 (60.17%) in 2023-24: +5.17 pp
    math = by[("district", "", "", "Math", "All Students", "2023-24")]
    assert math["prior_year"] == "2022-23"
    assert float(math["change_pp"]) == pytest.approx(100 * 71 / 118 - 55.0, abs=1e-3)
    assert math["change_signal"] == "within_noise"  # 118 and 120 students: a 5 pp move is within chance
    # each network and level: North holds S1 and S2, the high level S3 alone
    north = by[("network", "North", "", "ELA", "All Students", "2023-24")]
    assert (north["n_tested"], north["n_proficient"]) == ("200", "112")
    high = by[("level", "", "high", "ELA", "All Students", "2023-24")]
    assert (high["n_tested"], high["n_proficient"]) == ("300", "190")
    # the district's and each network's figures are the exact sums over every school; a level's and a network's
    # level's are sums of the published school figures (here every school figure is published: none is under 10)
    basis = {(r["rollup"], r["basis"]) for r in rows}
    assert basis == {
        ("district", "every school"),
        ("network", "every school"),
        ("level", "published school figures"),
        ("network_level", "published school figures"),
    }


def test_an_account_exports_only_its_own_schools(district, tmp_path, monkeypatch):
    url = district.url.render_as_string(hide_password=False)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough password\n"))
    assert main(["users", "add", "c1", "--role", "coach", "--schools", "S1", "--password-stdin", "--db", url]) == 0
    levels = _export(district, tmp_path, "levels", "--as", "c1")
    assert {r["school_id"] for r in levels} == {"S1"}
    rollups = _export(district, tmp_path, "rollups", "--as", "c1")
    scope = [r for r in rollups if r["rollup"] == "scope" and r["subject"] == "Math" and r["school_year"] == "2023-24"]
    assert {(r["student_group"], r["n_tested"]) for r in scope} == {("All Students", "118"), ("English Learners", "24")}
    assert {r["basis"] for r in scope} == {"published school figures"}  # the sum of the account's published cells
    # the district All Students benchmark is the only district figure a limited account gets: ELA 302 of 500
    district_rows = [r for r in rollups if r["rollup"] == "district"]
    assert {r["student_group"] for r in district_rows} == {"All Students"}
    assert any(r["subject"] == "ELA" and r["n_tested"] == "500" for r in district_rows)
    assert not any(r["network"] == "South" for r in rollups)  # S3's network is not the coach's
    gains = _export(district, tmp_path, "gains", "--as", "c1")
    assert {r["school_id"] for r in gains} == {"S1"}


def test_unknown_or_disabled_account_is_refused(district, tmp_path, capsys, monkeypatch):
    url = district.url.render_as_string(hide_password=False)
    assert main(["export", "gains", "--out", str(tmp_path / "x.csv"), "--db", url, "--as", "nobody"]) == 2
    assert "no active account 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough password\n"))
    assert main(["users", "add", "b1", "--role", "board", "--password-stdin", "--db", url]) == 0
    assert main(["users", "disable", "b1", "--db", url]) == 0
    capsys.readouterr()
    assert main(["export", "levels", "--out", str(tmp_path / "y.csv"), "--db", url, "--as", "b1"]) == 2
    assert "no active account 'b1'" in capsys.readouterr().err and not (tmp_path / "y.csv").exists()


def test_the_equity_page_shows_the_exported_rollup(district, tmp_path):
    """The equity view's rollup rows for the whole district are the export's ``district`` rows, figure for figure."""
    from dashboard.core.privacy import Thresholds
    from dashboard.metrics import tables
    from dashboard.present.equity import equity

    with district.connect() as conn:
        cells = tables.achievement_cells(conn, Thresholds())
    view = equity(cells, Thresholds(), "ELA")
    page = {(r["student_group"], r["school_year"]): r for r in view.frames["levels"].to_dicts()}
    exported = [
        r for r in _export(district, tmp_path, "rollups") if r["rollup"] == "district" and r["subject"] == "ELA"
    ]
    assert exported
    for r in exported:
        shown = page[(r["student_group"], r["school_year"])]
        assert shown["n_tested"] == int(r["n_tested"]) and shown["n_proficient"] == int(r["n_proficient"])
        assert shown["pct_proficient"] == pytest.approx(float(r["pct_proficient"]), abs=1e-3)
