"""The dashboard's performance benchmark: generate a district, load it, time every page, on SQLite and PostgreSQL.

    python benchmarks/run.py --schools 2000 --years 10 --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

One run measures, for each database:
- load throughput: rows per second per source, each canonical file loaded through the loader (read, validate,
  write, summaries refreshed, commit) on its own, in dependency order, into a fresh database;
- for every page, the first (cold: empty caches, a fresh AppTest session) and a repeated (warm: the same session
  and filters, run again; the median of fifteen) run of its script under Streamlit's AppTest, through the real
  entrypoint ``dashboard/app.py`` signed in as a superintendent, beside a blank page measured the same way right
  before it (the warm / blank ratio);
- between the two, the database settled as after any bulk load (``settle``: PostgreSQL CHECKPOINT and ANALYZE,
  SQLite a WAL checkpoint), so the pages are not timed beside the loads' own housekeeping;
- the peak memory (the kernel's high-water mark of resident memory, VmHWM) of the process that ran the pages (a
  child process of its own per database), and of the loading process during each database's loads.

``--pg-url`` names a PostgreSQL server database to connect through: the benchmark creates a database of its own
there and drops it at the end. It writes a JSON file (``--out``, default ``benchmarks/results/latest.json``) and
prints a table. No assertions: the figures are the result.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
BLANK = ROOT / "benchmarks" / "blank_page.py"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
WARM_REPEATS = 15  # the median of fifteen: a rerun or two disturbed by the machine do not move it
BENCH_USER = "bench_supt"  # a superintendent: every view page, every school
BENCH_ADMIN = "bench_admin"  # the pages only an admin opens (data, accounts)
COOKIE_KEY = "benchmark-cookie-key-" + "x" * 32


# --------------------------------------------------------------------------------------------------- memory
def peak_memory_mb() -> float:
    """This process's peak resident memory: VmHWM, the high-water mark of its own address space. (getrusage's
    ru_maxrss is no good for a child: Linux carries the parent's peak over fork and exec, so the page process would
    report the loading parent's memory.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


_highest = [0.0]  # the loading process's peak over every source, kept across the per-source resets


def _keep_highest(before: float) -> None:
    _highest[0] = max(_highest[0], before, peak_memory_mb())


def loading_peak_mb() -> float:
    return max(_highest[0], peak_memory_mb())


def reset_peak_memory() -> None:
    """Start VmHWM again from the current resident memory (Linux 4.0+; elsewhere the peak keeps counting)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


# --------------------------------------------------------------------------------------------------- loading
def _create_pg_database(base_url: str) -> str:
    import sqlalchemy as sa

    base = sa.make_url(base_url)
    name = f"dd_test_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(base_url: str, url: str) -> None:
    import sqlalchemy as sa

    name = sa.make_url(url).database
    admin = sa.create_engine(sa.make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def load_database(url: str, sample_dir: Path) -> dict:
    """Migrate a fresh database and load the sample file by file; returns per-source rows, seconds, rows/s."""
    from dashboard.core.sources import LOAD_ORDER, SOURCES
    from dashboard.ingest import loader
    from dashboard.store import db

    engine = db.make_engine(url)
    db.migrate(engine)
    results = {}
    reset_peak_memory()
    for source in LOAD_ORDER:
        path = sample_dir / SOURCES[source].file_name
        if not path.exists():
            continue
        before = peak_memory_mb()
        reset_peak_memory()
        start, cpu = time.perf_counter(), time.process_time()
        result = loader.load_files(engine, [loader.FileToLoad(path, source)], user="benchmark")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if not result.ok:
            raise SystemExit(f"{path}: the sample did not load: {result.problems[:3]}")
        rows = result.outcomes[0].rows_in_file
        results[source] = {
            "rows": rows,
            "seconds": round(seconds, 3),
            "rows_per_second": round(rows / seconds),
            # this process's CPU time (all its threads; not the database server's): steadier than the seconds on a
            # shared host, where a spell of others' load stretches the wall clock
            "cpu_s": round(cpu, 3),
            "peak_rss_mb": peak_memory_mb(),
        }
        print(
            f"  loaded {source}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s; "
            f"{cpu:.1f} CPU-s here; peak {results[source]['peak_rss_mb']:,.0f} MB)",
            flush=True,
        )
        _keep_highest(before)
    engine.dispose()
    return results


def settle(url: str) -> dict:
    """After the loads, before the pages: what a database administrator runs after a bulk load, so the pages are
    timed on a database at rest rather than beside its own housekeeping. PostgreSQL: ``CHECKPOINT`` (writes out the
    loads' dirty pages now; otherwise the checkpointer spreads that work over the next minutes, on the cores the
    pages are timed on) and ``ANALYZE`` (the planner's statistics; autovacuum does it in time, where it is on).
    SQLite: a WAL checkpoint. Returns the seconds it took and what was run."""
    import sqlalchemy as sa

    from dashboard.store import db

    engine = db.make_engine(url)
    start = time.perf_counter()
    done = []
    if engine.dialect.name == "postgresql":
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            for statement in ("CHECKPOINT", "ANALYZE"):
                try:
                    conn.exec_driver_sql(statement)
                    done.append(statement)
                except sa.exc.DBAPIError as exc:  # CHECKPOINT needs a superuser (or pg_checkpoint): say so, go on
                    done.append(f"{statement} refused: {str(exc.orig).strip()[:120]}")
    elif engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # outside any transaction (the engine's own begins one for each statement)
        try:
            assert raw.driver_connection is not None  # a connection just checked out of the pool
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            done.append("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    engine.dispose()
    return {"seconds": round(time.perf_counter() - start, 2), "ran": done}


def _ensure_bench_users(url: str) -> None:
    try:
        from dashboard.auth import accounts
    except ImportError:  # no accounts yet: the app has no login
        return
    from dashboard.store import db

    engine = db.make_engine(url)
    with engine.connect() as conn:
        existing = {u for u in (BENCH_USER, BENCH_ADMIN) if accounts.get(conn, u) is not None}
    for user, role in ((BENCH_USER, "superintendent"), (BENCH_ADMIN, "admin")):
        if user not in existing:
            accounts.add(engine, user, role, secrets.token_urlsafe(16))
    engine.dispose()


def _user_for(page: str | None) -> tuple[str, str]:
    try:
        from dashboard.auth import access
    except ImportError:
        return BENCH_USER, "superintendent"
    if page is None or access.may_open("superintendent", page):
        return BENCH_USER, "superintendent"
    return BENCH_ADMIN, "admin"


# --------------------------------------------------------------------------------------------------- pages
def _pages() -> list[str]:
    try:
        from dashboard.auth import access

        names = list(access.PAGE_ROLES)
    except ImportError:
        names = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    return [n for n in names if (ROOT / "pages" / f"{n}.py").exists()]


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


@functools.cache
def _installed_components():
    from streamlit.components.v2.component_manager import BidiComponentManager

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def _app_test(script: Path, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=600)
    # the installed components scanned once, as a server does at its start, not again in every cold run timed here
    # (a new AppTest scans every installed package on its first run: 0.12 s of each cold figure before 2026-12-04)
    at._bidi_component_manager = _installed_components()
    # signed in as a superintendent (every view page, every school; an admin for the admin-only pages), as a real
    # session is after the login form
    user, role = _user_for(page)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user
    at.session_state["name"] = user
    at.session_state["roles"] = [role]
    return at


def _timed_run(at, cpu: list[float] | None = None) -> float:
    """The run's seconds; its CPU time (this process's, every thread: the script's, polars' pool, the drivers')
    is appended to ``cpu``."""
    start, used = time.perf_counter(), time.process_time()
    at.run()
    if cpu is not None:
        cpu.append(time.process_time() - used)
    return time.perf_counter() - start


def _problems(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]


def measure(script: Path, page: str | None) -> dict:
    """Cold and warm run times of one page (or of ``script`` alone when page is None)."""
    _clear_caches()
    at = _app_test(script, page)
    if page is not None:
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    cold_cpu: list[float] = []
    warm_cpu: list[float] = []
    cold = _timed_run(at, cold_cpu)
    problems = _problems(at)
    warm = [_timed_run(at, warm_cpu) for _ in range(WARM_REPEATS)]
    problems += [p for p in _problems(at) if p not in problems]
    return {
        "cold_s": round(cold, 4),
        "cold_cpu_s": round(cold_cpu[0], 4),
        "warm_cpu_s": round(statistics.median(warm_cpu), 4),
        "warm_s": round(statistics.median(warm), 4),
        "warm_runs_s": [round(w, 4) for w in warm],
        "problems": problems,
    }


def measure_pages(url: str, profile_dir: Path | None = None) -> dict:
    """Runs in the child process: every page and the blank page against ``url``; peak memory at the end."""
    os.environ["DASHBOARD_DB_URL"] = url
    os.environ.setdefault("DASHBOARD_COOKIE_KEY", COOKIE_KEY)
    _ensure_bench_users(url)
    import logging

    import streamlit  # noqa: F401  (its loggers exist from here on)

    for name in list(logging.root.manager.loggerDict):  # AppTest outside a server warns on every cache clear
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    # the modules every page imports, imported once before timing (a server process has them loaded)
    import dashboard.present.charts
    import dashboard.present.common
    import dashboard.present.cpl
    import dashboard.present.culture
    import dashboard.present.data
    import dashboard.present.equity
    import dashboard.present.overview
    import dashboard.present.readiness
    import dashboard.present.school
    import dashboard.present.status_grid
    import dashboard.present.trust
    import dashboard.ui  # noqa: F401

    measure(BLANK, None)  # Streamlit's own first-run costs, paid once before anything is timed
    blank = measure(BLANK, None)
    pages = {}
    for page in _pages():
        # the blank page again right before each page: the ratio compares two runs a second apart, so a spell of
        # load on the machine (a shared host) moves both
        beside = measure(BLANK, None)
        pages[page] = measure(APP, page)
        pages[page]["blank_beside_warm_s"] = beside["warm_s"]
        pages[page]["blank_beside_warm_cpu_s"] = beside["warm_cpu_s"]
        p = pages[page]
        print(
            f"    {page}: cold {p['cold_s']:.3f} s, warm {p['warm_s'] * 1000:.1f} ms"
            + (f"  PROBLEMS: {p['problems'][:1]}" if p["problems"] else ""),
            flush=True,
        )
    blank_again = measure(BLANK, None)
    slowest = max(pages, key=lambda n: pages[n]["cold_s"]) if pages else None
    profile = None
    if slowest and profile_dir is not None:
        profile = _profile_cold(slowest, profile_dir)
    return {
        "blank": blank,
        "blank_after": blank_again,
        "pages": pages,
        "peak_rss_mb": peak_memory_mb(),
        "slowest_cold_page": slowest,
        "profile": profile,
    }


def _profile_cold(page: str, profile_dir: Path) -> dict:
    """A cProfile of the slowest page's cold run: the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    _clear_caches()
    at = _app_test(APP, page)
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    profiler = cProfile.Profile()

    # AppTest runs the script in a thread of its own: profile that thread (a profiler enabled here would see only
    # this thread waiting)
    def profile_this_thread(*_: object) -> None:
        sys.setprofile(None)
        profiler.enable()

    threading.setprofile(profile_this_thread)
    try:
        at.run()
    finally:
        threading.setprofile(None)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(40)  # the top of the whole run (Streamlit, polars, the database driver, plotly)
    stats.print_stats(str(ROOT), 30)  # and this checkout's own functions
    profile_dir.mkdir(parents=True, exist_ok=True)
    # paths relative to the checkout (and to site-packages): the file reads the same whichever directory ran it
    text = (
        out.getvalue()
        .replace(str(ROOT) + os.sep, "")
        .replace(f"'{ROOT}'", "'this checkout'")
        .replace(str(Path(pstats.__file__).parent) + os.sep, "")
    )
    text = re.sub(r"\S*site-packages/", "", text)
    path = profile_dir / f"profile_{page}.txt"
    path.write_text(text, encoding="utf-8")
    return {"page": page, "file": path.name, "top": text.splitlines()[:60]}


PAGES_ENV: dict[str, str] = {}  # the environment before this process set its loading allocator


def _pages_in_child(url: str, profile_dir: Path | None) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--pages-only", url, "--child-out", str(out)]
    if profile_dir is not None:
        cmd += ["--profile-dir", str(profile_dir)]
    subprocess.run(cmd, check=True, cwd=ROOT, env=PAGES_ENV or None)
    try:
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------- report
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    with contextlib.suppress(ValueError, OSError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }


def table(result: dict) -> str:
    lines = []
    dbs = result["databases"]
    lines.append(
        f"District: {result['schools']} schools x {result['years']} years; "
        f"machine: {result['machine']['cores']} cores, {result['machine']['cpu']}"
    )
    lines.append("")
    lines.append("Load throughput (rows/s; rows; seconds; the loading process's CPU time and peak memory)")
    lines.append("| source | " + " | ".join(dbs) + " |")
    lines.append("|---|" + "---|" * len(dbs))
    sources = list(next(iter(dbs.values()))["load"]) if dbs else []
    for s in sources:
        cells = []
        for d in dbs.values():
            x = d["load"].get(s)
            cpu = f", {x['cpu_s']:.1f} CPU-s, {x['peak_rss_mb']:,.0f} MB" if x and "cpu_s" in x else ""
            cells.append(f"{x['rows_per_second']:,} ({x['rows']:,} rows, {x['seconds']:.1f} s{cpu})" if x else "")
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Pages under AppTest: cold (empty caches) and warm (rerun, same filters); warm / the blank page's warm "
        "run measured right before the page; in brackets the same in CPU time (this process's, every thread)"
    )
    header = "| page | " + " | ".join(f"{n} cold s (CPU) | {n} warm ms (CPU) | {n} warm/blank" for n in dbs) + " |"
    lines.append(header)
    lines.append("|---|" + "---|---|---|" * len(dbs))
    pages = list(next(iter(dbs.values()))["pages"]["pages"]) if dbs else []
    for page in ["(blank)", *pages]:
        cells = []
        for d in dbs.values():
            x = d["pages"]["blank"] if page == "(blank)" else d["pages"]["pages"][page]
            blank_warm = x.get("blank_beside_warm_s") or d["pages"]["blank"]["warm_s"]
            ratio = x["warm_s"] / blank_warm if blank_warm else float("nan")
            blank_cpu = x.get("blank_beside_warm_cpu_s") or d["pages"]["blank"].get("warm_cpu_s")
            cpu_ratio = f" ({x['warm_cpu_s'] / blank_cpu:.1f}x)" if blank_cpu and "warm_cpu_s" in x else ""
            flag = " !" if x.get("problems") else ""
            cold_cpu = f" ({x['cold_cpu_s']:.2f})" if "cold_cpu_s" in x else ""
            warm_cpu = f" ({x['warm_cpu_s'] * 1000:.1f})" if "warm_cpu_s" in x else ""
            cells.append(
                f"{x['cold_s']:.3f}{cold_cpu}{flag} | {x['warm_s'] * 1000:.1f}{warm_cpu} | {ratio:.1f}x{cpu_ratio}"
            )
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Peak memory of the page process: "
        + ", ".join(f"{n} {d['pages']['peak_rss_mb']:.0f} MB" for n, d in dbs.items())
    )
    lines.append(
        "Peak memory of the loading process: "
        + ", ".join(f"{n} {d['load_peak_rss_mb']:.0f} MB" for n, d in dbs.items())
    )
    if "postgresql" in dbs and "sqlite" in dbs:
        ratios = []
        for page in pages:
            s, p = dbs["sqlite"]["pages"]["pages"][page], dbs["postgresql"]["pages"]["pages"][page]
            ratios.append(f"{page} {p['cold_s'] / s['cold_s']:.2f}/{p['warm_s'] / s['warm_s']:.2f}")
        lines.append("PostgreSQL / SQLite (cold/warm): " + ", ".join(ratios))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("DASHBOARD_TEST_PG_URL"),
        help="a PostgreSQL URL whose server the benchmark may create a database on "
        "(default: $DASHBOARD_TEST_PG_URL; none: SQLite only)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-profile", action="store_true", help="skip the profile of the slowest page")
    parser.add_argument("--pages-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.pages_only:  # the child process that runs the pages
        result = measure_pages(args.pages_only, args.profile_dir)
        args.child_out.write_text(json.dumps(result), encoding="utf-8")
        return 0

    from dashboard.core import allocator

    # this process loads the district, as ``district-dashboard load`` does (the pages run in a child of their own)
    PAGES_ENV.update(os.environ)  # the pages' child, a server's process: the allocator as the server has it
    loading_allocator = allocator.for_loading()
    from dashboard.sample.generator import write_sample

    result = {
        "schools": args.schools,
        "years": args.years,
        "seed": args.seed,
        "machine": machine(),
        "loading_allocator": os.environ.get(allocator.SETTING) if loading_allocator else "jemalloc's default",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="dd_bench_") as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        counts = write_sample(tmp / "sample", schools=args.schools, years=args.years, seed=args.seed)
        result["sample"] = {"rows": counts, "seconds": round(time.perf_counter() - start, 2)}
        print(f"sample: {counts} in {result['sample']['seconds']} s", flush=True)
        targets = [("sqlite", f"sqlite:///{tmp / 'bench.db'}")]
        pg_created = None
        if args.pg_url:
            pg_created = _create_pg_database(args.pg_url)
            targets.append(("postgresql", pg_created))
        profile_dir = None if args.no_profile else args.out.parent
        try:
            for name, url in targets:
                print(f"{name}:", flush=True)
                entry: dict[str, Any] = {
                    "load": load_database(url, tmp / "sample"),
                    "load_peak_rss_mb": loading_peak_mb(),
                }
                print(f"  peak memory while loading: {entry['load_peak_rss_mb']:,.0f} MB", flush=True)
                entry["settle"] = settle(url)
                print(f"  settled in {entry['settle']['seconds']} s: {'; '.join(entry['settle']['ran'])}", flush=True)
                entry["pages"] = _pages_in_child(url, profile_dir if name == "sqlite" else None)
                result["databases"][name] = entry
        finally:
            if pg_created:
                _drop_pg_database(args.pg_url, pg_created)
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    result["table"] = table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print()
    print(result["table"])
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
