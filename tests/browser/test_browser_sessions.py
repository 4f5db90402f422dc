"""Sessions, cookies, logins and downloads in a real browser (issue 16, items 1, 3, 5 and 7): the superintendent's
board pack does not pass to the coach who signs in next on the same tab; an old re-login cookie stops signing in
after a new password, a role change, disable or "sign out everywhere"; known and unknown names get the same
answer; a flood of bad passwords at 'supt' from one address does not keep 'supt' out from another; a download's
media URL stops answering within seconds. Clients are told apart as a proxy on the server's machine tells them
apart, by X-Forwarded-For (uvicorn trusts it from 127.0.0.1 only). Run with ``pytest -m browser``."""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
from itertools import count
from pathlib import Path

import pytest
import security_district as sd
from live_app import CHROMIUM, LAUNCH_ARGS, AppDidNotStart, require_chromium, running_app, wait_cookie

from dashboard.auth import accounts, audit
from dashboard.store import db
from dashboard.ui import media
from dashboard.ui.login import COOKIE_NAME, VERSION_CLAIM

pytestmark = pytest.mark.browser
ADDRESSES = count(10)  # each context its own client address: one test's failed logins do not slow another's
OUTSIDE_COACH = [name for school, name in sd.SCHOOL_NAMES.items() if school not in sd.SCOPES["coach"]]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("sessions")
    url = sd.build_url(tmp)
    try:
        with running_app(url, env={"DASHBOARD_COOKIE_KEY": sd.COOKIE_KEY}, log=tmp / "server.log") as base:
            yield base, db.make_engine(url)
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def context(browser, address: str | None = None, **options):
    address = address or f"10.20.{next(ADDRESSES)}.1"
    return browser.new_context(extra_http_headers={"X-Forwarded-For": address}, viewport=VIEWPORT, **options)


VIEWPORT = {"width": 1600, "height": 1000}


def main_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def settle(page, timeout: float = 30) -> None:
    page.wait_for_timeout(400)
    deadline = time.time() + timeout
    status = page.locator('[data-testid="stStatusWidget"]')
    while time.time() < deadline and status.count() and status.inner_text(timeout=1000).strip():
        page.wait_for_timeout(200)
    page.wait_for_timeout(500)


def submit(page, username: str, password: str) -> float:
    """Fill and submit the login form; the seconds until its answer (signed in, or a message) is on the page."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    started = time.perf_counter()
    page.get_by_role("button", name="Log in").click()
    page.locator('[data-testid="stAlert"], [data-testid="stSidebar"] :text("Signed in as")').first.wait_for(
        timeout=60000
    )
    return time.perf_counter() - started


def sign_in(page, base: str, username: str, path: str = "overview") -> None:
    page.goto(f"{base}/{path}")
    page.get_by_label("Username").wait_for(timeout=60000)
    submit(page, username, sd.PASSWORD)
    page.get_by_text("Signed in as").wait_for(timeout=30000)


def status_of(url: str) -> int:
    """The HTTP status of a GET with no cookie at all (anyone who learned the URL)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_next_user_on_the_same_tab_gets_nothing_of_the_last(app, browser, tmp_path):
    base, _ = app
    ctx = context(browser, accept_downloads=True)
    page = ctx.new_page()
    sign_in(page, base, "supt", "board_pack")
    wait_cookie(ctx, present=True)
    page.get_by_role("button", name="Build the board pack").click()
    page.get_by_text("Download board_pack_district").first.wait_for(timeout=300000)
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    assert sorted(buttons.all_inner_texts()) == [
        "Download board_pack_district_2023-24.pdf",
        "Download board_pack_district_2023-24.pptx",
        "Download board_pack_district_2023-24_charts.zip",
    ]
    with page.expect_download(timeout=180_000) as info:  # a whole pack is built on the click: 27 chart images
        buttons.filter(has_text=".pptx").click()
    pptx_url = info.value.url
    info.value.save_as(tmp_path / "supt.pptx")
    assert "Cedar High" in _deck_text(tmp_path / "supt.pptx")  # the district pack: a school outside the coach's
    # the superintendent logs out; the coach signs in on the same tab (the same Streamlit session, no reload)
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").wait_for(timeout=30000)
    submit(page, "coach", sd.PASSWORD)
    page.get_by_text("Signed in as coach").wait_for(timeout=30000)
    page.get_by_role("link", name="Board pack").click()
    page.get_by_role("button", name="Build the board pack").wait_for(timeout=30000)
    settle(page)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    text = main_text(page)
    assert "board_pack_district" not in text
    for name in OUTSIDE_COACH:
        assert name not in text, name
    # and the superintendent's file is no longer at its media URL
    deadline = time.time() + 2 * media.SWEEP_SECONDS + 5
    while status_of(pptx_url) == 200 and time.time() < deadline:
        time.sleep(1)
    assert status_of(pptx_url) == 404
    ctx.close()


def _deck_text(path: Path) -> str:
    from pptx import Presentation

    deck = Presentation(str(path))
    return " ".join(shape._element.xml for slide in deck.slides for shape in slide.shapes)


CHANGES = {
    "password": lambda engine, name: accounts.update(engine, name, password=sd.PASSWORD + " again"),
    "role": lambda engine, name: accounts.update(engine, name, role="principal", schools="S1"),
    "disable": lambda engine, name: accounts.disable(engine, name),
    "signout": lambda engine, name: accounts.signout_everywhere(engine, name, by="admin"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_old_cookie_no_longer_signs_in_after_an_account_change(app, browser, change):
    base, engine = app
    name = f"cookie_{change}"
    accounts.add(engine, name, "coach", sd.PASSWORD, schools="S1,S2")
    first = context(browser)
    page = first.new_page()
    sign_in(page, base, name)
    wait_cookie(first, present=True)
    cookie = next(c for c in first.cookies() if c["name"] == COOKIE_NAME)
    # the cookie signs in elsewhere before the change (what a copied cookie would do) ...
    before = context(browser)
    before.add_cookies([{"name": COOKIE_NAME, "value": cookie["value"], "url": base}])
    other = before.new_page()
    other.goto(f"{base}/overview")
    other.get_by_text("Signed in as").wait_for(timeout=30000)
    before.close()
    CHANGES[change](engine, name)
    # ... and not after it: neither in a new browser holding it ...
    after = context(browser)
    after.add_cookies([{"name": COOKIE_NAME, "value": cookie["value"], "url": base}])
    other = after.new_page()
    other.goto(f"{base}/overview")
    other.get_by_label("Username").wait_for(timeout=30000)
    settle(other)
    assert "Signed in as" not in main_text(other)
    assert other.locator('[data-testid="stMetric"], [data-testid="stPlotlyChart"]').count() == 0
    after.close()
    # ... nor in the browser that was signed in, on its next run (the cookie component may have made one already)
    trust = page.get_by_role("link", name="Trust")
    if trust.count():
        trust.click()
    page.get_by_label("Username").wait_for(timeout=30000)
    settle(page)
    text = main_text(page)
    assert "Signed in as" not in text
    if change != "disable":
        assert "signed out because your account was changed" in text
    first.close()


def test_the_cookie_ends_with_the_login_and_carries_the_session_version(app, browser):
    import jwt

    base, engine = app
    accounts.add(engine, "cookie_shape", "board", sd.PASSWORD)
    accounts.signout_everywhere(engine, "cookie_shape")  # version 1
    ctx = context(browser)
    page = ctx.new_page()
    signed_in_at = time.time()
    sign_in(page, base, "cookie_shape")
    wait_cookie(ctx, present=True)
    cookie = next(c for c in ctx.cookies() if c["name"] == COOKIE_NAME)
    claims = jwt.decode(cookie["value"], sd.COOKIE_KEY, algorithms=["HS256"])
    assert claims["username"] == "cookie_shape" and claims[VERSION_CLAIM] == 1
    session_end = signed_in_at + 8 * 3600  # session_hours, default 8
    assert abs(claims["exp_date"] - session_end) < 120, claims
    assert abs(cookie["expires"] - session_end) < 120, cookie  # the browser drops it then too
    assert cookie["sameSite"] == "Strict" and not cookie["httpOnly"]  # set from JavaScript: SECURITY.md says so
    ctx.close()


def test_a_cookie_without_the_session_version_does_not_sign_in(app, browser):
    """A token signed with the right key but made the old way (username and expiry only) is refused."""
    import jwt

    base, _ = app
    exp = (dt.datetime.now() + dt.timedelta(hours=1)).timestamp()
    old = jwt.encode({"username": "board", "exp_date": exp}, sd.COOKIE_KEY, algorithm="HS256")
    ctx = context(browser)
    ctx.add_cookies([{"name": COOKIE_NAME, "value": old, "url": base}])
    page = ctx.new_page()
    page.goto(f"{base}/overview")
    page.get_by_label("Username").wait_for(timeout=30000)
    settle(page)
    assert "Signed in as" not in main_text(page)
    ctx.close()
    current = jwt.encode({"username": "board", "exp_date": exp, VERSION_CLAIM: 0}, sd.COOKIE_KEY, algorithm="HS256")
    ctx = context(browser)
    ctx.add_cookies([{"name": COOKIE_NAME, "value": current, "url": base}])
    page = ctx.new_page()
    page.goto(f"{base}/overview")
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    ctx.close()


def test_known_and_unknown_names_get_the_same_answer_in_the_same_time(app, browser):
    import bcrypt

    base, engine = app
    accounts.add(engine, "gone_b", "board", sd.PASSWORD)
    accounts.disable(engine, "gone_b")
    cases = {"known": ("board", "not the password"), "unknown": ("nobody-here", "not the password")}
    cases["disabled"] = ("gone_b", sd.PASSWORD)
    answers: dict[str, set[str]] = {}
    times: dict[str, list[float]] = {}
    for _ in range(3):
        for case, (name, password) in cases.items():
            ctx = context(browser)
            page = ctx.new_page()
            page.goto(f"{base}/overview")
            page.get_by_label("Username").wait_for(timeout=60000)
            settle(page)
            times.setdefault(case, []).append(submit(page, name, password))
            settle(page)
            answers.setdefault(case, set()).add(page.locator('[data-testid="stAlert"]').inner_text())
            ctx.close()
    assert all(found == {"Wrong username or password."} for found in answers.values()), answers
    with engine.connect() as conn:
        stored = accounts.get(conn, "board").password_hash.encode()
    alone = []
    for _ in range(3):
        started = time.perf_counter()
        bcrypt.checkpw(b"x", stored)
        alone.append(time.perf_counter() - started)
    check = min(alone)
    fastest = {case: min(t) for case, t in times.items()}
    assert all(t > 0.6 * check for t in fastest.values()), (fastest, check)  # no answer skips its bcrypt check
    assert max(fastest.values()) < min(fastest.values()) + 2 * check, (fastest, check)


def failures(engine, detail: str, n: int, timeout: float = 60) -> None:
    """Wait until the audit log holds ``n`` failed logins at 'supt' whose detail has ``detail``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with engine.connect() as conn:
            found = audit.read(conn, action="login_failed", username="supt")["detail"]
        if sum(detail in d for d in found) >= n:
            return
        time.sleep(0.2)
    raise AssertionError(f"{n} failures {detail!r} not recorded: {list(found)}")


def test_a_flood_at_supt_from_one_address_does_not_keep_supt_out_from_another(app, browser):
    base, engine = app
    attacker = context(browser, "192.0.2.66")
    page = attacker.new_page()
    page.goto(f"{base}/overview")
    page.get_by_label("Username").wait_for(timeout=60000)
    for n in range(1, 6):
        submit(page, "supt", "guess")
        failures(engine, "from 192.0.2.66", n)  # this attempt's answer, not the last one's still on the page
    submit(page, "supt", sd.PASSWORD)  # now even the right password from that address waits, unchecked
    page.get_by_text("Too many failed logins from this network address. Try again in").wait_for(timeout=30000)
    assert "Signed in as" not in main_text(page)
    helper = context(browser, "192.0.2.67")  # a second attacking address: the name is slowed, not locked
    other = helper.new_page()
    other.goto(f"{base}/overview")
    other.get_by_label("Username").wait_for(timeout=60000)
    for n in range(1, 4):
        submit(other, "supt", "guess")
        failures(engine, "from 192.0.2.67", n)
    helper.close()
    owner = context(browser, "198.51.100.20")
    mine = owner.new_page()
    mine.goto(f"{base}/overview")
    mine.get_by_label("Username").wait_for(timeout=60000)
    took = submit(mine, "supt", sd.PASSWORD)
    mine.get_by_text("Signed in as supt").wait_for(timeout=30000)
    assert took < 30, took  # at most the name's delay (8 s after 8 failures) and one bcrypt check
    with engine.connect() as conn:
        assert audit.read(conn, action="locked").height == 0
    owner.close()
    attacker.close()


def test_a_downloaded_csv_leaves_its_media_url_within_seconds(app, browser, tmp_path):
    base, _ = app
    ctx = context(browser, accept_downloads=True)
    page = ctx.new_page()
    sign_in(page, base, "supt")
    page.locator('[data-testid="stDownloadButton"]').first.wait_for(timeout=30000)
    settle(page)
    assert "/media/" not in page.content().replace("/static/media/", "")  # nothing is served before the click
    with page.expect_download(timeout=180_000) as info:  # a whole pack is built on the click: 27 chart images
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    url = info.value.url
    info.value.save_as(tmp_path / "table.csv")
    assert (tmp_path / "table.csv").stat().st_size > 0
    started = time.time()
    while status_of(url) == 200 and time.time() - started < 90:
        time.sleep(1)
    gone_after = time.time() - started
    assert status_of(url) == 404
    assert gone_after <= 2 * media.SWEEP_SECONDS + 5, gone_after  # two clean-ups of dashboard.ui.media at most
    ctx.close()
