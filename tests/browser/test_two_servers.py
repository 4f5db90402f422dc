"""Past one machine: two Streamlit servers on one PostgreSQL database, as behind a load balancer. A load made by
another process (the CLI, as an administrator would run it, or a third app process) is seen through the page of
both running servers at once, without a restart: the app keeps nothing in process memory that another process
would need (caches are keyed by the data version stored in the database).

Needs PostgreSQL (the local server, or DASHBOARD_TEST_PG_URL's: tests/helpers.py), Debian's chromium
(/usr/bin/chromium) and the playwright Python client.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
from helpers import ROOT, private_pg_database
from live_app import CHROMIUM, LAUNCH_ARGS, AppDidNotStart, require_chromium, running_app, wait_cookie

from dashboard.auth import accounts
from dashboard.sample.generator import write_sample
from dashboard.store import db

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

COOKIE_KEY = "two-servers-cookie-key-" + "z" * 40
USER, PASSWORD = "supt2", "two-servers-" + "p" * 12
NEW_SCHOOL = "Quillfeather Two Server Academy"  # the seventh school (the table is a canvas: counted, not read)


@pytest.fixture(scope="module")
def pg_url():
    require_chromium()
    with private_pg_database("two") as url:
        yield url


@pytest.fixture(scope="module")
def district(pg_url, tmp_path_factory):
    """A small district loaded into the shared database, and a superintendent account."""
    sample = tmp_path_factory.mktemp("two_servers_sample")
    write_sample(sample, schools=6, years=2)
    env = _env(pg_url)
    for command in (["init"], ["load", str(sample)]):
        done = subprocess.run(
            [sys.executable, "-m", "dashboard", *command, "--db", pg_url],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    engine = db.make_engine(pg_url)
    accounts.add(engine, USER, "superintendent", PASSWORD)
    engine.dispose()
    return sample


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DASHBOARD_DB_URL": url, "DASHBOARD_COOKIE_KEY": COOKIE_KEY}


@pytest.fixture(scope="module")
def servers(pg_url, district, tmp_path_factory):
    """Two app processes, each on its own port, both on the one database."""
    logs = tmp_path_factory.mktemp("two_servers_logs")
    env = {"DASHBOARD_COOKIE_KEY": COOKIE_KEY}
    try:
        with ExitStack() as stack:
            yield [stack.enter_context(running_app(pg_url, env=env, log=logs / f"server{i}.log")) for i in range(2)]
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60000)
    page.wait_for_timeout(500)


def _overview_text(page, base: str, pattern: str) -> str:
    """Open the overview and wait until its text matches ``pattern`` (or 90 s pass); returns the text."""
    page.goto(f"{base}/overview", wait_until="domcontentloaded")
    page.get_by_text("District overview").first.wait_for(timeout=60000)
    deadline = time.time() + 90
    while True:
        text = page.locator('[data-testid="stApp"]').inner_text()
        if re.search(pattern, text) or time.time() > deadline:
            return text
        page.wait_for_timeout(500)


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/overview", wait_until="domcontentloaded")
    page.get_by_label("Username").wait_for(timeout=60000)
    page.get_by_label("Username").fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("District overview").first.wait_for(timeout=60000)
    _settle(page)
    wait_cookie(page.context, present=True)  # the next view opens by URL: a new session, signed in by the cookie


def test_a_load_is_seen_through_both_servers_without_a_restart(servers, pg_url, district, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            pages = []
            for base in servers:  # one session on each server (a sticky session each, as behind a balancer)
                page = browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()
                _log_in(page, base)
                text = _overview_text(page, base, r"\b6 schools\b")
                assert re.search(r"\b6 schools\b", text), text[-500:]  # the overview's sentence counts the schools
                pages.append(page)

            # a new school (and a new year of its achievement) loaded by another process, as an administrator does
            schools = (district / "schools.csv").read_text(encoding="utf-8").rstrip("\n")
            new = tmp_path / "schools.csv"
            new.write_text(schools + f"\nS9901,{NEW_SCHOOL},high,,450\n", encoding="utf-8")
            done = subprocess.run(
                [sys.executable, "-m", "dashboard", "load", str(new), "--db", pg_url],
                cwd=ROOT,
                env=_env(pg_url),
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr

            # both servers, both already warm (their caches filled before the load), show it on the next view
            for page, base in zip(pages, servers, strict=False):
                text = _overview_text(page, base, r"\b7 schools\b")
                assert re.search(r"\b7 schools\b", text), (base, text[-500:])
        finally:
            browser.close()
