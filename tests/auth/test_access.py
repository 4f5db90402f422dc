"""Access: role -> pages and schools, and scope enforced where data is read (every computed table and export)."""

from __future__ import annotations

import pytest
import security_district as sd

from dashboard.auth import access
from dashboard.core.privacy import Thresholds
from dashboard.metrics import tables
from dashboard.store import settings


def test_pages_by_role():
    assert access.pages_for("admin") == [*access.VIEW_PAGES, "data", "admin"]
    for role in ("superintendent", "coach", "principal", "board"):
        assert access.pages_for(role) == list(access.VIEW_PAGES)
        assert not access.may_open(role, "data") and not access.may_open(role, "admin")
    assert access.pages_for("intruder") == []
    assert not access.may_open("", "overview")


def test_scope_by_role():
    assert access.scope_for("superintendent", ()) is None
    assert access.scope_for("board", ("S1",)) is None
    assert access.scope_for("coach", ("S1", "S2")) == ("S1", "S2")
    assert access.scope_for("principal", ("S1", "S2")) == ("S1",)
    assert access.scope_for("coach", ()) == ()
    assert access.scope_for("nobody", ("S1",)) == ()


def test_without_a_caller_nothing_is_visible():
    access.set_current(None)
    assert access.current().scope == () and access.current().role == ""


@pytest.fixture
def district(engine, tmp_path):
    sd.build(engine, tmp_path / "district")
    return engine


@pytest.mark.parametrize("table", ["gains", "trust_change", "cpl_cadence", "readiness", "school_summary"])
def test_every_table_is_limited_to_the_callers_schools(district, table):
    with district.connect() as conn:
        coach = access.caller_for(conn, "coach")
        empty = access.Caller("x", "coach", ())
    frame = tables.export_table(district, table, school_ids=list(coach.scope))
    assert frame.height and set(frame["school_id"]) <= {"S1", "S2"}
    assert tables.export_table(district, table, school_ids=list(empty.scope)).height == 0
    everyone = tables.export_table(district, table, school_ids=None)
    assert set(everyone["school_id"]) >= set(frame["school_id"])


def test_computed_row_level_tables_are_scoped(district):
    with district.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        for frame in (
            tables.achievement_cells(conn, t, ["S3"]),
            tables.trust_results(conn, t, ["S3"]),
            tables.cpl_cadence(conn, ["S3"]),
            tables.readiness(conn, t, ["S3"]),
        ):
            assert set(frame["school_id"]) == {"S3"}


def test_district_benchmark_holds_only_district_totals(district):
    with district.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        bench = tables.district_benchmark(conn, t)
    assert "school_id" not in bench.columns and "school_name" not in bench.columns
    row = bench.filter((bench["subject"] == "All") & (bench["year_start"] == 2023)).row(0, named=True)
    assert row["n_tested"] == 651 and row["district_schools"] == 5
