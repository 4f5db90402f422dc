"""Names are data, in a real browser (headless Chromium): school, network, team, protocol, student-group, respondent
group, question and file names holding Markdown (links, images, emphasis, a heading, code, math, Streamlit's
``:red[...]`` and ``:smile:``), HTML, Plotly's own tags (``<a href>``, ``<b>``, ``<br>``, ``<span style>``, ``<sup>``),
character references and ``javascript:`` URLs are loaded, and every page an admin can open, on screen and while
presenting, is checked with its charts' hover labels drawn: no link, image or formatting element made from the data,
no request to the data's addresses, no dialog; the names' own characters are on the page. Run with
``pytest -m browser``."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from live_app import CHROMIUM, LAUNCH_ARGS, AppDidNotStart, require_chromium, running_app, wait_cookie
from reliability_helpers import migrated_with_sample

from dashboard.auth import access, accounts
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store.schema import school

pytestmark = pytest.mark.browser

COOKIE_KEY = "names-in-browser-cookie-key-" + "z" * 40
PASSWORD = "a long enough password"
EVIL = "evil.example"
SCHOOL_NAMES = {
    "S001": f"[MDLINK](https://{EVIL}/md) **MDBOLD** _MDITAL_ Crystal",
    "S002": f"![MDIMG](https://{EVIL}/img.png) East Crest",
    "S003": f'<a href="https://{EVIL}/h">HTMLA</a> <b>HTMLB</b> <img src="https://{EVIL}/x.png" onerror="alert(1)">',
    "S004": '[JSMD](javascript:alert(2)) <a href="javascript:alert(3)">JSA</a> javascript:alert(4)',
    "S005": "# HEADMARK :red[REDMARK] `CODEMARK` $MATHMARK$ :smile: ~~STRIKEMARK~~",
    "S006": '<span style="font-size:70px">SPANMARK</span> <i>ITALMARK</i> BRA<br>BRB &lt;b&gt;ENTMARK&lt;/b&gt; '
    "<sup>SUPMARK</sup>",
}
NETWORK = f"[NETMARK](https://{EVIL}/n) <b>NETB</b> www.{EVIL} ops@{EVIL} https://{EVIL}/auto"
TEAM = f'[TEAMMARK](https://{EVIL}/t) <b>TEAMB</b> <a href="https://{EVIL}/ta">TEAMA</a>'
PROTOCOL = f'<a href="https://{EVIL}/p">PROTOA</a> ![PROTOIMG](https://{EVIL}/p.png) **PROTOB**'
GROUP = f'<a href="https://{EVIL}/g">GROUPA</a> [GROUPMD](https://{EVIL}/gm) <b>GROUPB</b>'
RESPONDENTS = f"<b>RESPB</b> [RESPMD](https://{EVIL}/r)"
QUESTION = f"[VOTEMD](https://{EVIL}/v) <b>VOTEB</b>"
FILE_NAME = f"[FILEMD](https://{EVIL}/f) <b>FILEB</b>.csv"
# the words inside the markup, each in capitals: none may stand inside an element the data made
MARKERS = sorted(
    set(
        re.findall(
            r"\b[A-Z]{3,}\b",
            " ".join([*SCHOOL_NAMES.values(), NETWORK, TEAM, PROTOCOL, GROUP, RESPONDENTS, QUESTION, FILE_NAME]),
        )
    )
)


def _csv(path, header: list[str], rows: list[list]) -> FileToLoad:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return FileToLoad(path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("names")
    url = f"sqlite:///{tmp / 'names.db'}"
    engine = migrated_with_sample(url)
    with engine.connect() as conn:
        stored = {r.school_id: r for r in conn.execute(sa.select(school)).all()}
    schools = _csv(
        tmp / "schools.csv",
        ["school_id", "school_name", "level", "network", "enrollment"],
        [
            [sid, name, stored[sid].level, NETWORK if sid in ("S001", "S002") else stored[sid].network, 400]
            for sid, name in SCHOOL_NAMES.items()
        ],
    )
    months = [(2024, m) for m in (9, 10, 11, 12)] + [(2025, m) for m in (1, 2, 3, 9, 10, 11, 12)] + [(2026, 1)]
    cpl = _csv(
        tmp / "cpl_meetings.csv",
        ["school_id", "meeting_date", "team", "team_type", "duration_minutes", "attendees", "team_size", "protocol"],
        [["S001", f"{y}-{m:02d}-{d:02d}", TEAM, "content", 50, 5, 6, PROTOCOL] for y, m in months for d in (6, 20)],
    )
    achievement = _csv(
        tmp / "achievement.csv",
        ["school_id", "school_year", "subject", "student_group", "grade", "n_tested", "n_proficient"],
        [
            ["S001", year, subject, GROUP, "All", 60, 30 + i]
            for i, year in enumerate(("2024-25", "2025-26"))
            for subject in ("ELA", "Math")
        ],
    )
    facets = ("benevolence", "honesty", "openness", "reliability", "competence")
    trust = _csv(
        tmp / "trust_scores.csv",
        [
            "school_id",
            "school_year",
            "wave",
            "respondent_group",
            "facet",
            "mean_score",
            "scale_max",
            "n_respondents",
            "response_rate",
        ],
        [["S001", year, "spring", RESPONDENTS, f, 3.5, 5, 20, 80] for year in ("2024-25", "2025-26") for f in facets],
    )
    readiness = _csv(
        tmp / "readiness_votes.csv",
        ["school_id", "vote_date", "question", "votes_ready", "votes_not_yet", "votes_abstain", "eligible_voters"],
        [["S001", "2025-04-10", QUESTION, 20, 6, 1, 30], ["S001", "2026-02-12", QUESTION, 25, 3, 0, 30]],
    )
    result = load_files(engine, [schools, cpl, trust, readiness], user="test")
    assert result.ok, [str(p) for p in result.problems]
    named = FileToLoad(achievement.path, "achievement", display_name=FILE_NAME)
    result = load_files(engine, [named], user="test")
    assert result.ok, [str(p) for p in result.problems]
    accounts.add(engine, "admin", "admin", PASSWORD)
    engine.dispose()
    try:
        with running_app(url, env={"DASHBOARD_COOKIE_KEY": COOKIE_KEY}, log=tmp / "server.log") as base:
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


DRAWN = """
() => {
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return !(status && status.textContent.trim())
    && !document.querySelector('[data-testid="stSkeleton"]')
    && charts.every((c) => c.querySelector('.main-svg'));
}
"""


def _settle(page, timeout: float = 90) -> None:
    """Wait until the run is over and the page is drawn: no placeholder left (Streamlit draws one while a widget's
    or a chart's code loads, slowly on a busy machine), every chart's SVG there, twice half a second apart."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout * 1000)
    steady = 0
    for _ in range(int(timeout * 2)):
        page.wait_for_timeout(500)
        steady = steady + 1 if page.evaluate(DRAWN) else 0
        if steady >= 2:
            return
    raise AssertionError(f"{page.url} was not drawn within {timeout:g} s")


# Everything the data could have made of a name, found in the whole document (HTML and Plotly's SVG): a link or an
# image to anywhere the data names, a formatting element or a styled span or tspan holding a marker, a heading that
# begins with one (the app's own headings quote names whole, "# HEADMARK ..."), a line of a Plotly text the data
# broke, a KaTeX formula or an emoji made of a shortcode.
FIND_MADE = """
(markers) => {
  const made = [];
  const own = (el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('');
  const holds = (text) => markers.filter((m) => (text || '').includes(m));
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '';
    if (/evil\\.example|javascript:|mailto:/i.test(href) || holds(a.textContent).length) made.push(`link ${href}`);
  }
  for (const el of document.querySelectorAll('img, image, iframe, video, audio, source, object, embed')) {
    const src = ['src', 'href', 'data'].map((k) => el.getAttribute(k) || '').join(' ')
      + (el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '');
    if (/evil\\.example/i.test(src)) made.push(`image ${src}`);
  }
  const formatting = 'b, strong, em, i, code, pre, del, s, u, mark, sup, sub, kbd, font, script, style, .katex, math';
  for (const el of document.querySelectorAll(formatting)) {
    if (holds(el.textContent).length) made.push(`${el.tagName} ${holds(el.textContent)}`);
  }
  // Plotly draws <b>, <i>, <sup>, <span style> as a styled tspan, Streamlit's :red[...] as a coloured span: each
  // wrapping the one word the name's markup wraps (the app's own bold title is a styled tspan of a whole line)
  for (const el of document.querySelectorAll('tspan[style], span[style], span[class*="olor"]')) {
    if (markers.includes(own(el).trim())) made.push(`styled ${el.tagName} ${el.getAttribute('style')} ${own(el)}`);
  }
  for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    if ((el.textContent || '').trim().startsWith('HEADMARK')) made.push(`heading ${el.textContent}`);
  }
  for (const el of document.querySelectorAll('tspan.line')) {
    if ((el.textContent || '').trim().startsWith('BRB')) made.push(`line break ${el.textContent}`);
  }
  if ((document.body.textContent || '').includes('\\u{1F604}')) made.push('an emoji from :smile:');
  return made;
}
"""


def _hover_every_chart(page, found: list[str]) -> None:
    """Move the mouse over a grid of points of each chart's plot area, so Plotly draws its hover labels (which hold
    the names too), and look at the document each time."""
    for plot in page.locator(".js-plotly-plot .nsewdrag").all():
        box = plot.bounding_box()
        if not box or box["width"] < 10:
            continue
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        for fx in (0.15, 0.5, 0.85):
            for fy in (0.25, 0.75):
                page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                page.wait_for_timeout(60)
                found += page.evaluate(FIND_MADE, MARKERS)
    page.mouse.move(0, 0)


PAGE_URLS = {"school": "school=S001", "cpl": "school=S001", "equity": "school=S001"}


def test_no_page_makes_a_link_image_or_element_of_a_name(server, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    requests: list[str] = []
    context.route(f"**/*{EVIL}*", lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/overview")
    page.get_by_label("Username").wait_for(timeout=30000)
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    wait_cookie(context, present=True)
    pages = access.pages_for("admin")
    assert {"overview", "school", "trust", "cpl", "readiness", "equity", "culture", "data", "admin"} <= set(pages)
    shown_on: dict[str, list[str]] = {}
    for name in pages:
        for present in (False, True):
            query = "&".join(q for q in (PAGE_URLS.get(name, ""), "present=1" if present else "") if q)
            where = f"{name}{' (presenting)' if present else ''}"
            page.goto(f"{server}/{name}" + (f"?{query}" if query else ""))
            _settle(page)
            found = page.evaluate(FIND_MADE, MARKERS)
            if not present:
                boxes = page.locator(
                    '[data-testid="stSelectbox"] [data-baseweb="select"], [data-testid="stMultiSelect"] [data-baseweb="select"]'
                )
                for box in [b for b in boxes.all() if b.is_visible()][:3]:
                    box.click()  # an open list shows every option's label
                    page.wait_for_timeout(300)
                    found += page.evaluate(FIND_MADE, MARKERS)
                    page.keyboard.press("Escape")
                _hover_every_chart(page, found)
            assert not found, f"{where}: {sorted(set(found))[:12]}"
            text = page.evaluate("() => document.body.textContent")
            shown_on[where] = [m for m in MARKERS if m in text]
    assert not requests, f"the browser fetched what a name points at: {requests[:5]}"
    assert not dialogs, dialogs
    # the names were on the pages, as their own characters (so the checks above had something to find)
    for where in ("overview", "school", "cpl", "equity", "trust", "readiness", "culture", "data"):
        assert shown_on[where], f"{where} shows no hostile name at all"
    everything = set().union(*shown_on.values())
    # every name but the readiness question (which only the votes' data table shows, drawn on a canvas)
    assert set(MARKERS) - everything <= {"VOTEB", "VOTEMD"}, sorted(set(MARKERS) - everything)
    page.goto(f"{server}/school?school=S001")
    _settle(page)
    text = page.evaluate("() => document.body.textContent")
    assert "[MDLINK](https:" in text and "**MDBOLD**" in text
    context.close()
