"""The whole app in a real browser (headless Chromium): a freshly started server, direct links before anyone has
opened the home page, login, the re-login cookie, an expired or forged cookie, a coach's downloaded CSV checked row
by row, and hostile names shown as text. Run with ``pytest -m browser``."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import security_district as sd
from live_app import CHROMIUM, LAUNCH_ARGS, AppDidNotStart, require_chromium, running_app, wait_cookie

pytestmark = pytest.mark.browser
PAGES = ["overview", "school", "trust", "cpl", "readiness", "equity", "culture", "data", "admin"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    url = sd.build_url(tmp)
    try:  # started and healthy (/_stcore/health opens no page): the first test meets a server no page has seen
        with running_app(
            url, env={"DASHBOARD_COOKIE_KEY": sd.COOKIE_KEY}, log=tmp / "server.log", startup_seconds=60
        ) as base:
            yield base
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def settle(page, timeout: float = 30) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    page.wait_for_timeout(500)
    deadline = time.time() + timeout
    while time.time() < deadline:
        running = (
            page.locator('[data-testid="stStatusWidget"]').inner_text(timeout=1000)
            if page.locator('[data-testid="stStatusWidget"]').count()
            else ""
        )
        if not running.strip():
            break
        page.wait_for_timeout(200)
    page.wait_for_timeout(700)


def main_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def login(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    settle(page)


def test_direct_links_on_a_fresh_server_show_only_the_login(server, browser):
    context = browser.new_context()
    page = context.new_page()
    for name in PAGES:  # the very first request to this server is a deep link
        page.goto(f"{server}/{name}?school=S3")
        page.get_by_label("Username").wait_for(timeout=30000)
        settle(page)
        text = main_text(page)
        assert "Log in" in text
        for school in sd.SCHOOL_NAMES.values():
            assert school not in text, (name, school)
        assert (
            page.locator('[data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stMetric"]').count()
            == 0
        ), name
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    context.close()


def test_coach_login_cookie_and_downloaded_csv(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/equity")
    page.get_by_label("Username").wait_for(timeout=30000)
    login(page, "coach", "wrong password")
    page.get_by_text("Wrong username or password").wait_for(timeout=30000)
    login(page, "coach", sd.PASSWORD)
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    wait_cookie(context, present=True)  # set from JavaScript by the library's component
    # a reload and a new tab stay signed in through the cookie
    page.goto(f"{server}/overview")
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    page.get_by_text("District benchmark").wait_for(timeout=30000)
    settle(page)
    text = main_text(page)
    assert "your 2 schools" in text and "District benchmark" in text, text
    for school in ("Cedar High", "Dogwood K8", "Elm"):
        assert school not in text
    # URL tampering: name another school
    page.goto(f"{server}/school?school=S3")
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    settle(page)
    assert "Cedar High" not in main_text(page)
    # download the all-schools table and check it row by row
    page.goto(f"{server}/overview")
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    settle(page)
    button = page.locator('[data-testid="stDownloadButton"] button').first
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "download.csv"
    info.value.save_as(path)
    import csv

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows
    for row in rows:
        values = " ".join(row.values())
        for school in ("Cedar High", "Dogwood K8", "Elm", "S3", "S4", "S5"):
            assert school not in values, row
    # log out: the cookie goes, and a reload shows the login
    page.get_by_role("button", name="Log out").click()
    settle(page)
    wait_cookie(context, present=False)
    page.goto(f"{server}/overview")
    page.get_by_label("Username").wait_for(timeout=30000)
    context.close()


def _cookie(username: str, key: str, exp: dt.datetime) -> str:
    """A re-login cookie as the app makes it: the library's username and expiry, and the account's session version
    (0: never raised in this district)."""
    import jwt

    from dashboard.ui.login import VERSION_CLAIM

    claims = {"username": username, "exp_date": exp.timestamp(), VERSION_CLAIM: 0}
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.mark.parametrize("case", ["expired", "forged"])
def test_expired_or_forged_cookie_shows_the_login(server, browser, case):
    from dashboard.ui.login import COOKIE_NAME

    now = dt.datetime.now()
    token = (
        _cookie("supt", sd.COOKIE_KEY, now - dt.timedelta(minutes=5))
        if case == "expired"
        else _cookie("supt", "not-the-key-" + "y" * 40, now + dt.timedelta(hours=1))
    )
    context = browser.new_context()
    context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": server}])
    page = context.new_page()
    page.goto(f"{server}/overview")
    page.get_by_label("Username").wait_for(timeout=30000)
    settle(page)
    assert "Signed in as" not in main_text(page)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_a_valid_cookie_signs_in(server, browser):
    from dashboard.ui.login import COOKIE_NAME

    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": COOKIE_NAME,
                "url": server,
                "value": _cookie("board", sd.COOKIE_KEY, dt.datetime.now() + dt.timedelta(hours=1)),
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{server}/overview")
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    context.close()


def test_hostile_names_are_shown_as_text(server, browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/cpl")
    page.get_by_label("Username").wait_for(timeout=30000)
    login(page, "supt", sd.PASSWORD)
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    wait_cookie(context, present=True)
    for name in ("cpl", "overview", "readiness"):
        page.goto(f"{server}/{name}")
        page.get_by_text("Signed in as").wait_for(timeout=30000)
        settle(page)
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator("b", has_text="Elm").count() == 0
        assert not dialogs
    assert "<b>Elm</b> Academy" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    context.close()
