"""Sentinel groups planted in a test district (``security_district``: 3 of 7 English Learners proficient, 3 support
staff, a vote of 4 eligible voters) must never appear in any output, in any form (42.9, 43%, 0.429, "3 of 7"), nor
the complementary figures that would give them back: every page as every role (element text, every Plotly chart's
JSON with its hover text, every CSV download), and ``district-dashboard export``."""

from __future__ import annotations

import io

import pytest
import security_district as sd
from helpers import page_path, signed_in
from test_auth_pages import all_text, open_tables

from dashboard.auth import access
from dashboard.cli import main
from dashboard.core.privacy import Thresholds
from dashboard.metrics import tables
from dashboard.store import db, settings

ROLES_TO_TRY = ["supt", "coach", "principal", "board", "admin"]


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return sd.build_url(tmp_path_factory.mktemp("sentinels"))


@pytest.fixture
def env(url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_COOKIE_KEY", sd.COOKIE_KEY)
    return sd.spy_csv_downloads(monkeypatch)


def _choose(at, key: str, value: str) -> None:
    boxes = [b for b in at.selectbox if b.key == key]
    if (boxes and value in boxes[0].options) or (boxes and value in [str(o) for o in boxes[0].options]):
        boxes[0].set_value(value).run()


def _views(at, page: str):
    """Run the page in the states that show the sentinel school: S1, Math, 2023-24, each trust metric; in each,
    every table drawn on request is opened first."""
    at.switch_page(page_path(page))
    at.run()
    open_tables(at)
    yield "default"
    if page in ("equity", "school", "cpl"):
        _choose(at, "w_school", "S1")
        open_tables(at)
        yield "S1"
    if page in ("equity", "school"):
        _choose(at, "w_subject", "Math")
        open_tables(at)
        yield "S1 Math"
        if page == "equity":
            _choose(at, "w_group", "English Learners")
            open_tables(at)
            yield "English Learners"
    if page in ("trust", "cpl"):
        _choose(at, "w_year", "2023-24")
        open_tables(at)
        yield "2023-24"
    if page == "trust":
        for radio in at.radio:
            if radio.key == "trust_metric":
                for option in radio.options:
                    radio.set_value(option).run()
                    open_tables(at)
                    yield option


@pytest.mark.parametrize("username", ROLES_TO_TRY)
def test_no_page_shows_a_sentinel_in_any_form(env, username):
    role = sd.ACCOUNTS[username][0]
    at = signed_in(username)
    at.run()
    assert not at.exception
    checked = 0
    for page in access.VIEW_PAGES:
        if not access.may_open(role, page):
            continue
        for state in _views(at, page):
            assert not at.exception, (page, state, at.exception)
            hits = sd.find_sentinels(all_text(at))
            assert not hits, (username, page, state, hits)
            checked += 1
    assert checked >= len(access.VIEW_PAGES)
    assert env, "no CSV download was offered"
    for data in env:
        hits = sd.find_sentinels(data.decode("utf-8"))
        assert not hits, (username, "download", hits)


@pytest.mark.parametrize("table", ["gains", "trust_change", "cpl_cadence", "readiness", "school_summary"])
def test_export_never_holds_a_sentinel(url, tmp_path, table):
    out = tmp_path / f"{table}.csv"
    assert main(["export", table, "--out", str(out), "--db", url]) == 0
    text = out.read_text(encoding="utf-8")
    assert not sd.find_sentinels(text), sd.find_sentinels(text)


def test_the_sentinels_are_really_in_the_data(url, tmp_path):
    """The scans above are only worth something if the raw figures exist and the exports do show their neighbours."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT n_tested, n_proficient FROM achievement WHERE school_id='S1' AND "
            "student_group='English Learners' AND year_start=2023"
        ).one()
        t = Thresholds.from_settings(settings.load(conn))
        gains = tables.gains(conn, t, None)
        rollups = tables.district_rollups(conn, None)
    assert tuple(raw) == (7, 3)

    def reason(school: str, group: str) -> list:
        row = gains.filter((gains["school_id"] == school) & (gains["student_group"] == group))
        return list(zip(row["suppressed"].to_list(), row["suppression_reason"].to_list(), strict=True))

    el = gains.filter((gains["school_id"] == "S1") & (gains["student_group"] == "English Learners"))
    assert el["suppressed"].to_list() == [True] and el["pct_proficient"].to_list() == [None]
    # S1's All Students (101) = English Learners (7) + Non-English Learners (94): its complement is withheld
    assert reason("S1", "Non-English Learners") == [(True, "complementary")]
    # the North network's English Learners (S1 7 + S2 30 = 37 tested, 3 + 15 = 18 proficient) is published over
    # every school, so S2's English Learners would give S1's back (18 - 15 = 3): S2's is withheld (30 tested, far
    # cheaper than the network's figure), and then S2's Non-English Learners (170; its All Students is 200) as
    # S2's own complement. S1's English Learners is then anywhere in 0..7 (S2's in 11..18)
    assert reason("S2", "English Learners") == [(True, "complementary")]
    assert reason("S2", "Non-English Learners") == [(True, "complementary")]
    network_el = rollups.filter(
        (rollups["rollup"] == "network")
        & (rollups["network"] == "North")
        & (rollups["student_group"] == "English Learners")
        & (rollups["year_start"] == 2023)
    )
    assert network_el.select("n_tested", "n_proficient", "reason").rows() == [(37, 18, None)]
    # the neighbours are shown: S1's All Students 57 of 101 (56.4%), S2's 120 of 200 (60%)
    shown = gains.filter(gains["student_group"] == "All Students").sort("school_id")
    assert shown.filter(shown["school_id"].is_in(["S1", "S2"]))["pct_proficient"].to_list() == [
        pytest.approx(100 * 57 / 101),
        60.0,
    ]
    # the scanner itself finds every form
    for text in ("42.9%", "43%", "0.429", "3 of 7", "42.857", "57.4", "2.37", "38.2", "66.7%", "3.81", "76.4"):
        assert sd.find_sentinels(f"x {text} y"), text


@pytest.mark.parametrize(
    "clock",
    [
        "2025-06-01 10:12:57.412345",
        "2025-06-01T10:12:57.4+00:00",
        "2024-01-16T12:42:57.45Z",
        "2025-06-01 10:57:42 UTC",
        "10:12:57.43",
        "12:57",
        '"$$ID-57a4b3c2d1e0f9-w_school"',
        "0f57a4e3-1b2c-4d5e-8f90-123456789abc",
        "deadbeef574382",
    ],
)
def test_the_scanner_reads_figures_not_clocks_or_ids(clock):
    """A timestamp or an id holding a sentinel's digits (57.4 in 10:12:57.412) is no leak; a real figure beside it
    still is."""
    assert not sd.find_sentinels(f"imported {clock} by admin"), sd.find_sentinels(f"imported {clock} by admin")
    for figure in ("57.4%", "42.9", "3 of 7", "0.382", "66.7%"):
        for text in (f"{clock} {figure}", f"{figure} {clock}", f"{clock},{figure}\n"):
            assert sd.find_sentinels(text), text


def test_readiness_at_a_small_school_shows_only_passed_or_not(url):
    engine = db.make_engine(url)
    with engine.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        votes = tables.readiness_export(conn, t, ["S1"])
    row = votes.row(0, named=True)
    assert row["passed"] is True and row["suppressed"] is True
    assert all(
        row[k] is None
        for k in (
            "votes_ready",
            "votes_not_yet",
            "votes_abstain",
            "eligible_voters",
            "turnout_pct",
            "pct_ready_of_cast",
            "pct_ready_of_eligible",
        )
    )
    assert not sd.find_sentinels(io.StringIO(votes.write_csv()).getvalue())
