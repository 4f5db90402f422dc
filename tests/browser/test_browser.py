"""Every page of the running app in headless Chromium: no exception box, no page error, the charts drawn, and an
axe-core accessibility scan with no serious or critical violation (WCAG 2.1 AA rules).

Needs Debian's chromium (/usr/bin/chromium), which ``.ci/run`` installs, and axe-core, which the test extra's
axe-playwright-python ships (``axe.min.js`` in its wheel). Without them the tests skip, or fail when the environment
variable CI is set.
"""

from __future__ import annotations

import re
import time

import pytest
from helpers import ROOT
from live_app import CHROMIUM, LAUNCH_ARGS, AppDidNotStart, axe_script, require_chromium, running_app, wait_cookie

from dashboard.services import demo
from dashboard.store import db

pytestmark = pytest.mark.browser

# url path -> (the page's heading, the number of Plotly charts it draws for an admin on the sample district)
PAGES = {
    "overview": ("District overview", 1),
    "school": ("School profile", 5),  # trust, CPL, readiness, and proficiency in each of the two subjects
    "trust": ("Trust", 4),
    "cpl": ("Collective professional learning", 7),
    "readiness": ("Readiness", 3),
    "equity": ("Equity and achievement", 3),
    "culture": ("Culture and outcomes", 1),
    "data": ("Data", 0),
    "admin": ("Accounts and audit", 0),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the sample district (a demo database with the demo accounts), on a free port."""
    require_chromium()
    axe_script()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'sample.db'}"
    engine = db.make_engine(url)
    demo.ensure_demo(engine)
    engine.dispose()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        with running_app(url, log=log, startup_seconds=60) as base:
            yield base
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser_page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(server + "/", wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Username").fill("admin")
        page.get_by_role("textbox", name="Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector('h1:has-text("District overview")', timeout=120_000)  # a loaded 2-core host
        wait_cookie(context, present=True)  # the tests below open pages by URL: new sessions, signed in by it
        yield page
        context.close()
        browser.close()


def settle(page, heading: str, charts: int) -> None:
    """Wait for the page's heading, its charts, and an idle script runner."""
    page.wait_for_selector(f'h1:has-text("{heading}")', timeout=30_000)
    page.wait_for_function(f'document.querySelectorAll(".js-plotly-plot .main-svg").length >= {charts}', timeout=30_000)
    deadline = time.time() + 30
    quiet_since = None
    while time.time() < deadline:  # the status widget shows "Running" while a script runs
        running = (
            page.locator('[data-testid="stStatusWidget"]').inner_text()
            if page.locator('[data-testid="stStatusWidget"]').count()
            else ""
        )
        if (
            "Running" in running
            or page.locator('[data-testid="stSkeleton"]').count()
            or page.locator('[data-stale="true"]').count()
        ):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 1.0:
            return
        time.sleep(0.1)
    pytest.fail(f"{heading}: the page did not settle")


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        // Streamlit's own sidebar navigation puts section lists inside <ul> without <li> wrappers (upstream markup,
        // not the dashboard's): those two list rules are not counted for nodes inside it; everything else is.
        const upstream = n => ['list', 'listitem'].includes(n.rule) &&
            document.querySelector(n.target.join(' '))?.closest('[data-testid="stSidebarNav"]');
        r.violations.forEach(v => { v.nodes = v.nodes.filter(n => !upstream({...n, rule: v.id})); });
        return r.violations.filter(v => v.nodes.length && (v.impact === 'serious' || v.impact === 'critical')).map(v =>
            `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}): ` +
            v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')
                                         .slice(0, 160)).join(' | '));
    }""")
    return found


def test_the_root_opens_the_overview_at_its_own_url(browser_page, server):
    page = browser_page
    page.goto(server + "/?network=East%20Network", wait_until="domcontentloaded")
    settle(page, "District overview", 1)
    assert page.url.startswith(server + "/overview")
    assert "network=East" in page.url  # the filter followed the redirect
    page.goto(server + "/overview", wait_until="domcontentloaded")
    settle(page, "District overview", 1)
    assert not page.get_by_text("Page not found").count()


@pytest.mark.parametrize("path", list(PAGES))
def test_page_draws_without_errors_and_passes_axe(browser_page, server, path):
    page = browser_page
    heading, charts = PAGES[path]
    page.errors.clear()
    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
    try:
        settle(page, heading, charts)
    except Exception:
        page.screenshot(path=str(ROOT / ".cache" / f"browser_fail_{path}.png"))
        raise
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    assert not page.get_by_text("Page not found").count()
    assert page.locator(".js-plotly-plot").count() == charts
    assert not page.errors, page.errors
    violations = axe_violations(page)
    assert not violations, f"/{path}:\n" + "\n".join(violations)


def test_data_page_upload_in_the_browser(browser_page, server, tmp_path):
    page = browser_page
    page.goto(f"{server}/data", wait_until="domcontentloaded")
    settle(page, "Data", 0)
    bad = tmp_path / "bad_schools.csv"
    bad.write_text("school_id,school_name,level\nS900,,elementary\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    page.get_by_text("bad_schools.csv").first.wait_for(timeout=15_000)
    page.get_by_role("button", name="Validate and load").click()
    page.get_by_text("bad_schools.csv was rejected").wait_for(timeout=30_000)
    settle(page, "Data", 0)
    assert page.locator('[data-testid="stException"]').count() == 0


# --- presentation mode (board screenshots at 1920x1080) ------------------------------------------------------------

PRESENT_PAGES = {k: v for k, v in PAGES.items() if k not in ("data", "admin")}
SCREENSHOT = ROOT / "docs" / "overview_presentation.png"
TEXT_SIZES = """() => {
  const small = [];
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (el.closest('.hoverlayer')) continue;  // hover labels show only on hover
    const size = parseFloat(style.fontSize);
    if (size < 17.5) small.push(size + 'px: ' + text.slice(0, 50));
  }
  return small;
}"""
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const wide = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1) wide.push(el.tagName + '.' + el.className.toString().slice(0, 40));
  }
  return {docWidth: document.documentElement.scrollWidth, view: window.innerWidth, wide: wide.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def presenter(server, browser_page):
    """A 1920x1080 browser session of its own (the same browser), signed in as a board member."""
    context = browser_page.context.browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(server + "/", wait_until="domcontentloaded")
    page.get_by_role("textbox", name="Username").fill("board")
    page.get_by_role("textbox", name="Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector('h1:has-text("District overview")', timeout=120_000)  # a loaded 2-core host
    yield page
    context.close()


def _sign_in_if_asked(page, heading: str) -> None:
    page.wait_for_selector(f'h1:has-text("{heading}"), button:has-text("Log in")', timeout=30_000)
    if page.get_by_role("button", name="Log in").count():
        page.get_by_role("textbox", name="Username").fill("board")
        page.get_by_role("textbox", name="Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()


# every text box Plotly drew (ticks, titles, labels on bars and cells, annotations, legend), as the browser laid it
# out; two that overlap by more than a sliver (2 px each way) are printed over each other
OVERLAPS = """() => {
  const boxes = [];
  for (const el of document.querySelectorAll('.js-plotly-plot svg text')) {
    if (el.closest('.hoverlayer')) continue;  // hover labels show only on hover
    const text = (el.textContent || '').trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity || '1') === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    boxes.push({text: text.slice(0, 40), l: r.left, r: r.right, t: r.top, b: r.bottom});
  }
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 2 && h > 2) hits.push(`"${a.text}" over "${b.text}" (${w.toFixed(0)}x${h.toFixed(0)} px)`);
    }
  }
  return hits;
}"""
DECK = ROOT / ".cache" / "deck"  # every screen of every page in presentation mode, to look at


def _screen(page, server: str, path: str, n: int, heading: str) -> tuple[int, int]:
    """Open screen ``n`` of a page's deck; returns (this screen's number, the deck's screens) once it has drawn."""
    page.goto(f"{server}/{path}?present=1&slide={n}", wait_until="domcontentloaded")
    _sign_in_if_asked(page, heading)  # the login cookie is written by JavaScript a moment after login
    page.wait_for_selector("text=/Screen \\d+ of \\d+/", timeout=30_000)
    settle(page, heading, 0)
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))", timeout=30_000
    )
    shown = page.get_by_text(re.compile(r"Screen \d+ of \d+")).first.inner_text()
    current, total = (int(x) for x in re.findall(r"\d+", shown)[:2])
    return current, total


@pytest.mark.parametrize("path", list(PRESENT_PAGES))
def test_presentation_mode_is_a_deck_of_screens_that_fit_1920x1080(presenter, server, path):
    """Every screen of the page's deck (``?present=1&slide=N``): one chart or one table on it and nothing else,
    inside a 1920x1080 screen, no text under 18 px, no text box of a chart over another; and the screens' charts
    add up to the page's. Each screen is kept as a screenshot (.cache/deck) to look at."""
    heading, charts = PRESENT_PAGES[path]
    DECK.mkdir(parents=True, exist_ok=True)
    n, total, drawn = 1, None, 0
    while total is None or n <= total:
        current, total = _screen(presenter, server, path, n, heading)
        assert current == n, f"{path}: asked for screen {n}, shown {current}"
        presenter.screenshot(path=str(DECK / f"{path}_{n:02d}.png"))
        assert presenter.locator('[data-testid="stException"]').count() == 0
        assert not presenter.locator('[data-testid="stSidebar"]').is_visible(), "the sidebar shows in presentation mode"
        on_screen = presenter.locator(".js-plotly-plot").count()
        tables = presenter.locator('[data-testid="stMarkdownContainer"] table').count()
        assert on_screen + tables <= 1, f"{path} screen {n}: {on_screen} charts and {tables} tables"
        drawn += on_screen
        for box in presenter.locator(".js-plotly-plot").all():
            size = box.bounding_box()
            assert size["width"] <= 1920 and size["height"] <= 1080, f"a chart box is {size} on {path} screen {n}"
        overflow = presenter.evaluate(OVERFLOW)
        assert overflow["docWidth"] <= overflow["view"] and not overflow["wide"], f"{path} {n} overflows: {overflow}"
        tall = presenter.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert tall <= 1080 + 8, f"{path} screen {n} is {tall} px high: it does not fit one screen"
        small = presenter.evaluate(TEXT_SIZES)
        assert not small, f"text under 18 px on {path} screen {n}: {small[:8]}"
        overlaps = presenter.evaluate(OVERLAPS)
        assert not overlaps, f"{path} screen {n}: text over text: {overlaps[:6]}"
        if path == "overview" and on_screen:  # the README's picture of presentation mode comes from here
            SCREENSHOT.parent.mkdir(exist_ok=True)
            presenter.screenshot(path=str(SCREENSHOT))
        n += 1
    assert drawn == charts, f"{path}: the deck's screens drew {drawn} charts, the page draws {charts}"


def test_the_deck_goes_on_with_the_arrow_keys(presenter, server):
    heading = PRESENT_PAGES["readiness"][0]
    _screen(presenter, server, "readiness", 1, heading)
    presenter.keyboard.press("ArrowRight")
    presenter.wait_for_function("location.search.includes('slide=2')", timeout=30_000)
    presenter.wait_for_selector("text=Screen 2 of", timeout=30_000)
    presenter.keyboard.press("ArrowLeft")
    presenter.wait_for_selector("text=Screen 1 of", timeout=30_000)
    assert "present=1" in presenter.url
