"""Browser benchmark: what one reader feels, per page, in a real Chromium.

    python benchmarks/browser_bench.py --json benchmarks/results/browser_sample.json
    python benchmarks/browser_bench.py --schools 2000 --years 10 --json benchmarks/results/browser_2000.json

It prepares a database and starts ``district-dashboard serve`` exactly as ``load_test.py`` does (a temporary
directory; the default sample, or ``--schools N --years N``; SQLite or ``--database postgresql``; the server pinned
to one core, the browser to the other), creates one superintendent with ``district-dashboard users add``, and then
in one headless Chromium (Debian's ``/usr/bin/chromium``, through Playwright):

- **login**: opens the app's root and times the login form's arrival; fills it in and times the click on "Log in"
  to the overview settled (a fresh browser: the first chart loads Plotly's JavaScript); at the end, signed out
  (cookies cleared) and the root reloaded with the static files cached, the same again: a returning reader;
- **warm-up**: first, one session of the load test's protocol client through every page (``--no-warmup`` skips
  it), so the server has imported its modules and filled its caches as on a school day; the browser's own caches
  start empty;
- **pages**: ``--passes`` times through every page the role has (the sidebar's links, in the menu's order; the
  admin pages aside), timing each from the click on its link to **settled**: the server's run finished (its
  ``script_finished`` message arrived over the WebSocket), the app's script state idle, no skeleton or running
  status on screen, and every Plotly chart of the page drawn (an SVG inside each chart's container). The first
  pass is the browser's first visit to each page; the median is over the later passes;
- **CPU**: the CPU time the server's and Chromium's processes spent from the click to settled (``/proc``): on a
  busy shared host the seconds stretch with others' load, the CPU time much less, so their sum is near what the
  page takes on an idle machine;
- **bytes**: the WebSocket payloads the page received from its click to settled (the static JavaScript and CSS,
  cached by the browser after the first visit, are not on the WebSocket), the largest one, and the charts drawn.

Prints one row per page and writes the figures as JSON (``--json``). No assertions: the figures are the result.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _load_test():
    """This folder's load test, as a module: the server, the database and the accounts, made as it makes them."""
    path = Path(__file__).resolve().parent / "load_test.py"
    spec = importlib.util.spec_from_file_location("load_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


load_test = _load_test()

CHROMIUM = "/usr/bin/chromium"
SETTLED_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const plot = chart.querySelector('.js-plotly-plot');
    if (!plot || !plot.querySelector('.main-svg')) return false;
  }
  return true;
}
"""
CHARTS_JS = "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


class Wire:
    """The WebSocket's frames from the server, parsed as ForwardMsg: bytes since a mark, and script_finished."""

    def __init__(self) -> None:
        self.bytes = 0
        self.largest = 0
        self.frames = 0
        self.finished = asyncio.Event()

    def mark(self) -> None:
        self.bytes = self.largest = self.frames = 0
        self.finished.clear()

    def on_frame(self, payload: str | bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = payload.encode("latin-1") if isinstance(payload, str) else payload
        self.bytes += len(data)
        self.largest = max(self.largest, len(data))
        self.frames += 1
        msg = ForwardMsg()
        with contextlib.suppress(Exception):
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                self.finished.set()


async def settle(page, wire: Wire, timeout: float) -> None:
    """Until the server's run has finished and the page shows all of it (see the module's docstring)."""
    await asyncio.wait_for(wire.finished.wait(), timeout)
    await page.wait_for_function(SETTLED_JS, timeout=timeout * 1000, polling="raf")


def _browser_pids() -> list[int]:
    """Chromium's processes (the browser, its renderers, its GPU and utility processes), started from here."""
    found = []
    for pid in load_test.children(os.getpid()):
        with contextlib.suppress(OSError):
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                found.append(pid)
    return found


CPU: dict[str, Callable[[], list[int]]] = {"server": list}  # the server's processes, set once it runs


async def timed(page, wire: Wire, action, timeout: float) -> dict:
    """One action to settled: its seconds, and the CPU time the server and Chromium spent on it (their processes'
    user + system time from /proc): what the page costs whatever else the machine is doing."""
    wire.mark()
    server_pids, browser_pids = CPU["server"](), _browser_pids()
    server_cpu, browser_cpu = load_test.cpu_seconds(server_pids), load_test.cpu_seconds(browser_pids)
    start = time.perf_counter()
    await action()
    await settle(page, wire, timeout)
    seconds = time.perf_counter() - start
    server_cpu = load_test.cpu_seconds(server_pids) - server_cpu
    browser_cpu = load_test.cpu_seconds(browser_pids) - browser_cpu
    errors = await page.locator('[data-testid="stException"]').count()
    return {
        "seconds": round(seconds, 3),
        "server_cpu_s": round(server_cpu, 3),
        "browser_cpu_s": round(browser_cpu, 3),
        "bytes": wire.bytes,
        "largest_frame": wire.largest,
        "frames": wire.frames,
        "charts": await page.evaluate(CHARTS_JS),
        "exceptions": errors,
    }


async def run(args, base_url: str, account) -> dict:
    from playwright.async_api import async_playwright

    result: dict = {"login": {}, "passes": []}
    async with async_playwright() as p:
        launch: dict = {"headless": True, "args": LAUNCH_ARGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = await p.chromium.launch(**launch)
        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await context.new_page()
        wire = Wire()
        page.on("websocket", lambda ws: ws.on("framereceived", wire.on_frame))
        timeout = args.timeout

        async def open_root():
            await page.goto(base_url, wait_until="commit")

        start = time.perf_counter()
        wire.mark()
        await open_root()
        await page.get_by_role("button", name="Log in").wait_for(timeout=timeout * 1000)
        result["login"]["form_s"] = round(time.perf_counter() - start, 3)
        result["login"]["form_bytes"] = wire.bytes
        await page.get_by_role("textbox", name="Username").fill(account.username)
        await page.get_by_role("textbox", name="Password").fill(account.password)

        async def submit():
            await page.get_by_role("button", name="Log in").click()

        result["login"]["to_overview"] = await timed(page, wire, submit, timeout)
        await asyncio.sleep(2)  # the re-login cookie's own rerun, a moment after the login's (NOTES.md)
        await page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=timeout * 1000)
        links = page.locator('[data-testid="stSidebarNav"] a')
        names = []
        for i in range(await links.count()):
            href = await links.nth(i).get_attribute("href") or ""
            name = href.rstrip("/").rsplit("/", 1)[-1]
            if name and name not in load_test.NOT_READING:
                names.append(name)
        if "overview" in names:  # from the overview on, as the load test's readers go
            names = names[names.index("overview") + 1 :] + names[: names.index("overview") + 1]
        for number in range(args.passes):
            visits = {}
            for name in names:
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').first

                async def click(link=link):
                    await link.click()

                visit = await timed(page, wire, click, timeout)
                visit["url"] = page.url.split("?")[0].rsplit("/", 1)[-1]
                visits[name] = visit
                print(
                    f"  pass {number + 1} {name}: {visit['seconds']:.2f} s, {visit['bytes']:,} bytes, "
                    f"{visit['charts']} charts",
                    flush=True,
                )
                await asyncio.sleep(args.pause)
            result["passes"].append(visits)
        # a returning reader: signed out (the cookie gone), the app's root reloaded with the static files in the
        # browser's cache, the form filled in again
        await context.clear_cookies()
        await open_root()
        await page.get_by_role("button", name="Log in").wait_for(timeout=timeout * 1000)
        await page.get_by_role("textbox", name="Username").fill(account.username)
        await page.get_by_role("textbox", name="Password").fill(account.password)
        result["login"]["again_to_overview"] = await timed(page, wire, submit, timeout)
        await browser.close()
    return result


def summarise(raw: dict) -> dict:
    pages = {}
    passes = raw["passes"]
    for name in passes[0] if passes else []:
        later = [p[name]["seconds"] for p in passes[1:] if name in p]
        everything = [p[name] for p in passes if name in p]
        later_cpu = [p[name]["server_cpu_s"] + p[name]["browser_cpu_s"] for p in passes[1:] if name in p]
        pages[name] = {
            "first_visit_s": passes[0][name]["seconds"],
            "median_s": round(statistics.median(later), 3) if later else passes[0][name]["seconds"],
            # the server's and Chromium's CPU seconds for the visit: near what it takes on an idle machine
            "median_cpu_s": round(statistics.median(later_cpu), 3) if later_cpu else None,
            "median_server_cpu_s": round(statistics.median(p[name]["server_cpu_s"] for p in passes[1:]), 3)
            if later
            else None,
            "max_s": max(v["seconds"] for v in everything),
            "bytes": max(v["bytes"] for v in everything),
            "largest_frame": max(v["largest_frame"] for v in everything),
            "charts": everything[-1]["charts"],
            "exceptions": sum(v["exceptions"] for v in everything),
            "wrong_page": sum(v["url"] != name for v in everything),
        }
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=None, help="generate a district this size (default: the sample)")
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--passes", type=int, default=4, help="times through every page (the first is cold)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between pages")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--server-cpus", default="0" if (os.cpu_count() or 1) > 1 else "")
    parser.add_argument("--driver-cpus", default="1" if (os.cpu_count() or 1) > 1 else "")
    parser.add_argument("--json", default=None)
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="no protocol session through every page before the browser's (then the first pass is a cold server's)",
    )
    args = parser.parse_args(argv)
    args.cookie_key = secrets.token_urlsafe(48)
    args.pg_created = None
    if args.driver_cpus:  # the browser, started from here, inherits it
        with contextlib.suppress(OSError, ValueError):
            os.sched_setaffinity(0, {int(c) for c in args.driver_cpus.split(",")})
    with tempfile.TemporaryDirectory(prefix="dd_browser_") as workdir:
        args.workdir = workdir
        server = None
        try:
            url, files = load_test.prepare_database(args)
            account = load_test.create_accounts(url, files, 1)[0]  # a superintendent: every page, every school
            server = load_test.Server(url, args)
            server.start()
            CPU["server"] = server.pids
            print(f"server: {server.base_url}", flush=True)
            if args.warmup:  # the server's imports and caches warm, as on a school day (not the browser's)
                args.base_url = server.base_url
                asyncio.run(load_test.warm_up([account], args, load_test.Report()))
            raw = asyncio.run(run(args, server.base_url, account))
        finally:
            if server is not None:
                server.stop()
            if args.pg_created:
                with contextlib.suppress(Exception):
                    load_test._drop_pg_database(args.pg_url, args.pg_created)
    pages = summarise(raw)
    result = {
        "district": "sample_data (24 schools x 4 years)"
        if args.schools is None and args.years is None
        else f"{args.schools or 24} schools x {args.years or 4} years",
        "database": args.database,
        "passes": args.passes,
        "server_warmed_up": args.warmup,
        "machine": load_test.machine(),
        "chromium": shutil.which("chromium") or CHROMIUM,
        "login": raw["login"],
        "pages": pages,
        "raw": raw["passes"],
    }
    login = raw["login"]["to_overview"]
    print()
    print(f"{result['district']} on {args.database}")
    again = raw["login"]["again_to_overview"]
    print(
        f"login form shown in {raw['login']['form_s']:.2f} s; login -> overview settled {login['seconds']:.2f} s "
        f"(a fresh browser: Plotly's JavaScript loaded for the first chart); again, the static files cached: "
        f"{again['seconds']:.2f} s (CPU: server {again['server_cpu_s']:.2f} s + Chromium {again['browser_cpu_s']:.2f} s)"
    )
    print(
        f"  (CPU: server {login['server_cpu_s']:.2f} s + Chromium {login['browser_cpu_s']:.2f} s)",
    )
    print(
        "| page | first visit s | median s | max s | median CPU s (server + Chromium) | WebSocket bytes | "
        "largest frame | charts |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, f in pages.items():
        flags = " !" if f["exceptions"] or f["wrong_page"] else ""
        cpu = "-" if f["median_cpu_s"] is None else f"{f['median_cpu_s']:.2f} ({f['median_server_cpu_s']:.2f} server)"
        print(
            f"| {name}{flags} | {f['first_visit_s']:.2f} | {f['median_s']:.2f} | {f['max_s']:.2f} | {cpu} | "
            f"{f['bytes']:,} | {f['largest_frame']:,} | {f['charts']} |"
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
