"""Faults: a load killed at any point leaves the database as it was; two loads at once are serialised; readers never
see half an import; the app started or running with its PostgreSQL server down shows a clear message and recovers
when the server is back, without a restart. Each runs on SQLite and on PostgreSQL (a database of its own on the
server of DASHBOARD_TEST_PG_URL); the outage test starts a private PostgreSQL cluster (initdb, pg_ctl) on a free
port, never the machine's shared server."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from live_app import CHROMIUM, LAUNCH_ARGS, missing, require_chromium, running_app
from reliability_helpers import ROOT, SAMPLE, content, database_url, migrated_with_sample

from dashboard.ingest import imports
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import db
from dashboard.store.schema import cpl_meeting, import_log

SCHOOLS = [f"S{i:03d}" for i in range(1, 25)]  # the sample district's schools
DATES = [dt.date(2023, 9, 4) + dt.timedelta(days=3 * i) for i in range(100)]


def cpl_file(path: Path, teams: range, minutes_offset: int = 0) -> int:
    """A canonical CPL file: every sample school x the teams x 100 meeting days; returns its row count."""
    frame = (
        pl.DataFrame({"school_id": SCHOOLS})
        .join(pl.DataFrame({"team": [f"Synthetic Team {t:03d}" for t in teams]}), how="cross")
        .join(pl.DataFrame({"meeting_date": DATES}), how="cross")
    )
    frame = frame.with_columns(
        pl.lit("grade_level").alias("team_type"),
        (30 + minutes_offset + pl.int_range(pl.len()) % 60).alias("duration_minutes"),
        pl.lit(5).alias("attendees"),
        pl.lit(7).alias("team_size"),
    )
    frame.select(
        "school_id", "meeting_date", "team", "team_type", "duration_minutes", "attendees", "team_size"
    ).write_csv(path)
    return frame.height


def load_command(path: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "dashboard", "load", str(path), "--source", "cpl", "--db", url, "--user", "faults"]


def cpl_state(engine) -> tuple[int, int, int]:
    """(rows, total minutes, imports) read in one statement: one consistent view of the data."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM cpl_meeting), (SELECT coalesce(sum(duration_minutes), 0) FROM cpl_meeting),"
                    " (SELECT count(*) FROM import_log)"
                )
            ).one()
        )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def district(request, tmp_path_factory):
    """URL of a database holding the sample district, for this module's tests on one backend."""
    with database_url(request.param, tmp_path_factory.mktemp("faults"), "faults") as url:
        migrated_with_sample(url).dispose()
        yield url


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("big") / "cpl_big.csv"
    return path, cpl_file(path, range(125))  # 300,000 rows


# --------------------------------------------------------------------------------------------------- (a) kill -9
def test_a_load_killed_at_any_point_leaves_the_database_as_before(district, big_file, tmp_path):
    path, rows = big_file
    engine = db.make_engine(district)
    before = content(engine)
    before_rows = sum(before["cpl_meeting"].values())
    rng = random.Random(7)
    # while Python starts, while the file is validated, and (the longest part) while rows are written
    delays = [0.8, rng.uniform(3, 5), rng.uniform(7, 14)]
    for delay in delays:
        proc = subprocess.Popen(load_command(path, district), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with engine.connect() as conn:
            committed = (
                conn.execute(sa.select(import_log.c.id).where(import_log.c.file_name == str(path))).scalars().all()
            )
        if committed:  # it committed before the kill (the kill may still land before the process exits): then
            # all of it is there; undo it so the module's later tests start from the sample district again
            assert cpl_state(engine)[0] == before_rows + rows
            imports.undo(engine, committed[0])
            bookkeeping = ("import_log", "meta", "audit_log")  # the undone import stays in the log, marked
            assert content(engine, skip=bookkeeping) == {k: v for k, v in before.items() if k not in bookkeeping}
            break
        assert proc.returncode == -signal.SIGKILL, f"the load ended by itself after {delay:.1f} s"
        assert content(engine) == before, f"a load killed after {delay:.1f} s changed the database"
    # the database is not left locked: the next load goes through
    small = tmp_path / "cpl_small.csv"
    small_rows = cpl_file(small, range(900, 901))
    done = subprocess.run(load_command(small, district), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [import_id] = [
        int(line.rsplit("import ", 1)[1].rstrip(")")) for line in done.stdout.splitlines() if "import " in line
    ]
    assert cpl_state(engine)[0] == before_rows + small_rows
    imports.undo(engine, import_id)
    assert cpl_state(engine)[0] == before_rows
    engine.dispose()


# --------------------------------------------------------------------------------------------------- (b) two at once
def test_two_loads_at_once_are_serialised_and_readers_never_see_half_of_one(district, tmp_path):
    """Two loads of overlapping files started together both load, one after the other (the later one replaces the
    rows they share); a reader polling meanwhile only ever sees whole imports."""
    engine = db.make_engine(district)
    first, second = tmp_path / "cpl_first.csv", tmp_path / "cpl_second.csv"
    n_first = cpl_file(first, range(9))
    n_second = cpl_file(second, range(5, 14), minutes_offset=7)  # teams 5-8 are in both, with other minutes
    shared = len(SCHOOLS) * 4 * len(DATES)
    start_rows, start_minutes, start_imports = cpl_state(engine)

    seen: set[tuple[int, int, int]] = set()
    stop = threading.Event()

    def reader() -> None:
        reader_engine = db.make_engine(district)
        while not stop.is_set():
            seen.add(cpl_state(reader_engine))
            time.sleep(0.05)
        reader_engine.dispose()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        procs = [
            subprocess.Popen(
                load_command(p, district), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for p in (first, second)
        ]
        outs = [p.communicate(timeout=150) for p in procs]
    finally:
        stop.set()
        thread.join()
    for proc, (_out, err) in zip(procs, outs, strict=False):
        assert proc.returncode == 0, err
    ids = [int(out.rsplit("(import ", 1)[1].split(")")[0]) for out, _ in outs]
    assert len(set(ids)) == 2
    with engine.connect() as conn:
        by_import = dict(
            conn.execute(
                sa.select(cpl_meeting.c.import_id, sa.func.count())
                .where(cpl_meeting.c.import_id.in_(ids))
                .group_by(cpl_meeting.c.import_id)
            ).all()
        )
    later, earlier = max(ids), min(ids)
    later_rows = n_first if later == ids[0] else n_second
    # the later load replaced the shared rows the earlier one wrote: all of its rows are its own
    assert by_import == {later: later_rows, earlier: n_first + n_second - shared - later_rows}
    final = cpl_state(engine)
    assert final[0] == start_rows + n_first + n_second - shared
    assert final[2] == start_imports + 2
    # every state the reader saw is a whole one: before, after one load, or after both
    rows_seen = {state[0] for state in seen}
    assert rows_seen <= {start_rows, start_rows + n_first, start_rows + n_second, final[0]}, rows_seen
    for rows, _minutes, n_imports in seen:
        assert n_imports == start_imports + (rows != start_rows) + (rows == final[0] and rows != start_rows)
    assert len(seen) >= 2, seen  # it looked while the loads ran
    # undo, newest first, gives the district back
    for import_id in sorted(ids, reverse=True):
        imports.undo(engine, import_id)
    assert cpl_state(engine)[:2] == (start_rows, start_minutes)
    engine.dispose()


def test_a_reader_sees_before_or_after_a_load_that_replaces_rows(district, tmp_path):
    engine = db.make_engine(district)
    with engine.connect() as conn:
        sample = pl.DataFrame(
            conn.execute(
                sa.text(
                    "SELECT school_id, meeting_date, team, duration_minutes, attendees FROM cpl_meeting "
                    "ORDER BY school_id, meeting_date, team"
                )
            ).all(),
            schema=["school_id", "meeting_date", "team", "duration_minutes", "attendees"],
            orient="row",
        )
    changed = sample.head(3000).with_columns(((pl.col("duration_minutes") % 100) + 1).alias("duration_minutes"))
    path = tmp_path / "cpl_corrected.csv"
    extra = tmp_path / "cpl_extra.csv"
    cpl_file(extra, range(50, 55))
    pl.concat(
        [
            changed.with_columns(pl.col("meeting_date").cast(pl.String)),
            pl.read_csv(extra, infer_schema=False).select(changed.columns),
        ],
        how="vertical_relaxed",
    ).write_csv(path)
    before = cpl_state(engine)
    seen: list[tuple[int, int, int]] = []
    stop = threading.Event()

    def reader() -> None:
        reader_engine = db.make_engine(district)
        while not stop.is_set():
            seen.append(cpl_state(reader_engine))
        reader_engine.dispose()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        done = subprocess.run(load_command(path, district), cwd=ROOT, capture_output=True, text=True, timeout=150)
    finally:
        time.sleep(0.2)
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    after = cpl_state(engine)
    assert after != before
    assert set(seen) <= {before, after}, set(seen) - {before, after}
    assert seen[0] == before and seen[-1] == after
    import_id = int(done.stdout.rsplit("(import ", 1)[1].split(")")[0])
    imports.undo(engine, import_id)
    assert cpl_state(engine)[:2] == before[:2]
    engine.dispose()


# --------------------------------------------------------------------------------------------------- (d) outage
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class PrivateCluster:
    """A PostgreSQL cluster of this test's own (initdb into a temporary folder, pg_ctl on a free port), run as the
    postgres OS user when the test runs as root (initdb refuses root)."""

    def __init__(self, base: Path):
        self.dir = base / "pgdata"
        self.socket_dir = base / "sock"
        self.log = base / "pg.log"
        self.port = free_port(55432)
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        for path in (base, self.socket_dir):
            path.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        if os.geteuid() == 0:
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.dir),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def streamlit_app(url: str):
    """The app on ``url`` in demo mode (yields its base URL)."""
    return running_app(
        url,
        env={"DASHBOARD_DEMO": "1", "DASHBOARD_COOKIE_KEY": "faults-test-cookie-key-" + "z" * 40},
        startup_seconds=60,
    )


PAGE, TITLE = "readiness", "Readiness"  # a light page: the test is about the database, not rendering


def _log_in_if_asked(page) -> None:
    page.wait_for_selector(f"h1:has-text('{TITLE}'), button:has-text('Log in')", timeout=60_000)
    if page.get_by_role("button", name="Log in").count():
        page.get_by_role("textbox", name="Username").fill("supt")
        page.get_by_role("textbox", name="Password").fill("demo")
        page.get_by_role("button", name="Log in").click()


def _shows_data(page) -> None:
    _log_in_if_asked(page)
    page.wait_for_selector(f"h1:has-text('{TITLE}')", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.browser
def test_the_app_says_so_when_postgresql_is_down_and_recovers_without_a_restart(tmp_path):
    require_chromium()
    if not (PG_BIN / "initdb").exists():
        missing(f"{PG_BIN / 'initdb'} is missing (PostgreSQL 15's server binaries)")
    from playwright.sync_api import sync_playwright

    from dashboard.services import demo

    base = Path(tempfile.mkdtemp(prefix="dd_pg_"))
    cluster = PrivateCluster(base)
    cluster.init()
    cluster.start()
    try:
        admin = sa.create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE dashboard")
        admin.dispose()
        url = cluster.url("dashboard")
        engine = db.make_engine(url)
        db.migrate(engine)  # a small demo district: the sample's schools and readiness votes, and the demo accounts
        assert load_files(
            engine, [FileToLoad(SAMPLE / "schools.csv"), FileToLoad(SAMPLE / "readiness_votes.csv")], user="test"
        ).ok
        with engine.begin() as conn:
            db.set_meta(conn, demo.DEMO_KEY, "1")
        demo.ensure_demo_accounts(engine)
        engine.dispose()
        with streamlit_app(url) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/{PAGE}")
            _shows_data(page)

            cluster.stop()
            page.reload()
            page.wait_for_selector("text=cannot open its database", timeout=60_000)
            assert page.locator("[data-testid='stException']").count() == 0, "a traceback instead of a message"
            assert page.locator("text=cannot reach the database").count() >= 1

            cluster.start()
            page.reload()
            _shows_data(page)
            browser.close()
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
