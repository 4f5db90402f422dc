"""Browser load test: many readers at once against a running dashboard.

One headless Chromium, one browser context (its own cookies, its own Streamlit session) per reader. Each reader logs
in, then goes from page to page through the sidebar for a bounded time, pausing between pages as a reader would.
A page's render time runs from the click to the moment it is rendered: the page's title is shown, the script has
finished (the status widget is idle) and every Plotly chart on it is drawn. Errors are pages that did not render
within the timeout, or showed an exception box.

    district-dashboard serve --demo --headless --port 8501 &
    python benchmarks/load_test.py --url http://localhost:8501 --sessions 20 --duration 120 --pause 5 10

Before the clock starts, one reader goes through every page once (``--no-warmup`` skips it), so the figures are
those of a server whose caches are warm, as on a school day; the first page after each reader's login is reported
apart. Prints p50, p95 and the errors, and writes the figures as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# sidebar link text -> the page's title (h1) and its URL path
PAGES = {
    "Overview": ("District overview", "overview"),
    "School profile": ("School profile", "school"),
    "Trust": ("Trust", "trust"),
    "Collective professional learning": ("Collective professional learning", "cpl"),
    "Readiness": ("Readiness", "readiness"),
    "Equity and achievement": ("Equity and achievement", "equity"),
    "Culture and outcomes": ("Culture and outcomes", "culture"),
}

# Rendered: the script is not running, the connection is up, no element is still a skeleton, and every Plotly
# chart container holds a drawn plot.
RENDERED_JS = """
(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const h1 = [...document.querySelectorAll('h1')].some(h => h.textContent.trim().startsWith(title));
  if (!h1) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const plot = chart.querySelector('.js-plotly-plot');
    if (!plot || !plot.querySelector('.main-svg')) return false;
  }
  return true;
}
"""


# The readers share the server's machine: a lean browser, so the figures are the server's as far as possible. No
# GPU (software rendering would spend the cores), no background services, and the contexts' pages share a few
# renderer processes instead of one or more each.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=IsolateOrigins,site-per-process",
    "--renderer-process-limit=4",
]


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Stats:
    def __init__(self) -> None:
        self.renders: list[dict] = []
        self.errors: list[dict] = []


async def render(page, title: str, timeout_s: float) -> None:
    await page.wait_for_function(RENDERED_JS, arg=title, timeout=timeout_s * 1000, polling=100)
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")


async def log_in(page, args, timeout_s: float | None = None) -> None:
    # the login form (its page has a title of its own), or the sidebar of a session signed in already
    timeout_ms = (timeout_s or args.timeout) * 1000
    await page.wait_for_selector("button:has-text('Log in'), [data-testid='stSidebarNav']", timeout=timeout_ms)
    login = page.get_by_role("button", name="Log in")
    if await login.count():
        await page.get_by_role("textbox", name="Username").fill(args.username, timeout=timeout_ms)
        await page.get_by_role("textbox", name="Password").fill(args.password, timeout=timeout_ms)
        await login.click()


async def reader(number: int, browser, args, stats: Stats, deadline: float, visits: int | None = None) -> None:
    rng = random.Random(args.seed + number)
    await asyncio.sleep(args.ramp * max(number, 0) / max(args.sessions, 1))  # readers arrive one after another
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    try:
        while True:  # log in; a failure is counted and tried again after a pause, while time remains
            start = time.perf_counter()
            try:
                await page.goto(args.url, timeout=args.login_timeout * 1000, wait_until="domcontentloaded")
                await log_in(page, args, args.login_timeout)
                await render(page, PAGES["Overview"][0], args.login_timeout)
                stats.renders.append(
                    {
                        "session": number,
                        "page": "Overview (after login)",
                        "seconds": time.perf_counter() - start,
                        "first": True,
                    }
                )
                break
            except Exception as exc:
                stats.errors.append({"session": number, "page": "login", "error": f"{type(exc).__name__}: {exc}"[:300]})
                await asyncio.sleep(rng.uniform(*args.pause))
                if time.monotonic() >= deadline:
                    return
        order = [name for name in PAGES if name != "Overview"] + ["Overview"]
        rng.shuffle(order)
        i = 0
        while True:
            await asyncio.sleep(rng.uniform(*args.pause))
            if (visits is None and time.monotonic() >= deadline) or (visits is not None and i >= visits):
                break
            name = order[i % len(order)]
            i += 1
            title, path = PAGES[name]
            start = time.perf_counter()
            try:
                link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first
                if await link.count():
                    await link.click()
                else:
                    await page.goto(
                        f"{args.url.rstrip('/')}/{path}", timeout=args.timeout * 1000, wait_until="domcontentloaded"
                    )
                    await log_in(page, args)
                await render(page, title, args.timeout)
                stats.renders.append(
                    {"session": number, "page": name, "seconds": time.perf_counter() - start, "first": False}
                )
            except Exception as exc:
                stats.errors.append({"session": number, "page": name, "error": f"{type(exc).__name__}: {exc}"[:300]})
                try:  # start the next page from a fresh load
                    await page.goto(args.url, timeout=args.timeout * 1000, wait_until="domcontentloaded")
                    await log_in(page, args)
                except Exception:
                    pass
    finally:
        await context.close()


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        launch: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
        if args.chromium:
            launch["executable_path"] = args.chromium
        browser = await p.chromium.launch(**launch)
        if args.warmup:  # one reader through every page first: the figures are for warm caches, as on a school day
            warm = argparse.Namespace(**{**vars(args), "pause": (0.5, 1.0), "ramp": 0})
            await reader(-1, browser, warm, Stats(), time.monotonic() + 0.1 + len(PAGES) * 1.2, visits=len(PAGES))
        started = time.monotonic()
        deadline = started + args.ramp + args.duration  # every reader in for the whole of --duration
        await asyncio.gather(*(reader(n, browser, args, stats, deadline) for n in range(args.sessions)))
        elapsed = time.monotonic() - started
        await browser.close()
    pages = [r["seconds"] for r in stats.renders if not r["first"]]
    first = [r["seconds"] for r in stats.renders if r["first"]]
    by_page = {}
    for name in PAGES:
        times = [r["seconds"] for r in stats.renders if r["page"] == name]
        if times:
            by_page[name] = {
                "renders": len(times),
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "max": max(times),
            }
    return {
        "url": args.url,
        "sessions": args.sessions,
        "duration_s": args.duration,
        "pause_s": args.pause,
        "elapsed_s": round(elapsed, 1),
        "renders": len(pages),
        "errors": len(stats.errors),
        "p50_s": percentile(pages, 50),
        "p95_s": percentile(pages, 95),
        "max_s": max(pages) if pages else None,
        "mean_s": statistics.fmean(pages) if pages else None,
        "login_p50_s": percentile(first, 50),
        "login_p95_s": percentile(first, 95),
        "by_page": by_page,
        "error_list": stats.errors[:50],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--sessions", type=int, default=20, help="readers at once (one browser context each)")
    parser.add_argument("--duration", type=float, default=120, help="seconds during which readers open pages")
    parser.add_argument(
        "--pause",
        type=float,
        nargs=2,
        default=(5.0, 10.0),
        metavar=("MIN", "MAX"),
        help="seconds a reader spends on a page before the next one",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=60,
        help="readers arrive one after another over this many seconds (a fresh browser context "
        "loads Streamlit's whole front end, which on 2 cores shared with the server is the "
        "heaviest step); --duration then runs with every reader in",
    )
    parser.add_argument(
        "--login-timeout",
        type=float,
        default=180,
        help="seconds a reader's login (and first page) may take before it is an error",
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds a page may take before it is an error")
    parser.add_argument("--username", default="supt")
    parser.add_argument("--password", default="demo")
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or None,
        help="the Chromium to drive (default: chromium on PATH, else Playwright's own)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="skip the first pass through every page (by default the clock starts with warm caches)",
    )
    parser.add_argument("--out", default="load_test.json", help="where to write the figures as JSON")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")

    def fmt(v):
        return "-" if v is None else f"{v:.2f} s"

    print(
        f"{args.sessions} sessions for {args.duration:g} s against {args.url}: {result['renders']} page renders, "
        f"{result['errors']} errors"
    )
    print(
        f"page render p50 {fmt(result['p50_s'])}, p95 {fmt(result['p95_s'])}, max {fmt(result['max_s'])}; "
        f"first page after login p50 {fmt(result['login_p50_s'])}, p95 {fmt(result['login_p95_s'])}"
    )
    for name, figures in result["by_page"].items():
        print(f"  {name:34} {figures['renders']:4} renders  p50 {fmt(figures['p50'])}  p95 {fmt(figures['p95'])}")
    for error in result["error_list"][:10]:
        print(f"  error: session {error['session']} {error['page']}: {error['error']}", file=sys.stderr)
    print(f"figures written to {args.out}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
