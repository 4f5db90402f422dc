"""Running the real app for browser and multi-process tests: a free port, and a Streamlit server on it that is
healthy before the test goes on and stopped after."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import APP, ROOT

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (Playwright's own download does not work here)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(what: str) -> None:
    """A browser test's tool is absent: skip here, fail in CI (``CI`` set), where ``.ci/run`` installs it, so a run
    that never drove the browser cannot pass as one that did."""
    import pytest

    message = f"{what}: install it as .ci/run does"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing("the playwright Python client is missing (pip install playwright)")


def axe_script() -> Path:
    """axe-core's ``axe.min.js``, as the test extra's axe-playwright-python ships it in its wheel."""
    try:
        import axe_playwright_python
    except ImportError:
        missing("axe-core is missing: the axe-playwright-python package (pip install -e '.[test]') ships it")
    script = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
    if not script.is_file():
        missing(f"axe-core is missing: {script} is not in the installed axe-playwright-python")
    return script


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppDidNotStart(RuntimeError):
    """The server exited, or did not answer its health check in time; the message holds the end of its log."""


@contextmanager
def running_app(
    url: str, *, env: dict[str, str] | None = None, log: Path | None = None, startup_seconds: float = 90
) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on the database at ``url``; yields its base URL once /_stcore/health
    answers, and stops it afterwards."""
    port = free_port()
    environment = {**os.environ, "DASHBOARD_DB_URL": url, **(env or {})}
    out = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=environment,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + startup_seconds
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                tail = log.read_text(errors="replace")[-3000:] if log else "(no log kept)"
                raise AppDidNotStart(f"the app did not start on port {port}:\n{tail}")
            time.sleep(0.3)
        yield base
        if proc.poll() is not None:  # it died under the tests: say how, with its log, rather than only "refused"
            tail = log.read_text(errors="replace")[-3000:] if log else "(no log kept)"
            raise AppDidNotStart(f"the app on port {port} exited with code {proc.returncode} during the tests:\n{tail}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()


def wait_cookie(context, present: bool, timeout: float = 20) -> None:
    """Wait until the browser ``context`` holds (or no longer holds) the login cookie: the library sets and deletes
    it from JavaScript, a moment after the run that asked for it, so a page opened by URL (a new session) right
    after a login could otherwise find no cookie and show the login form."""
    from dashboard.ui.login import COOKIE_NAME

    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(c["name"] == COOKIE_NAME for c in context.cookies()) == present:
            return
        time.sleep(0.25)
    raise AssertionError(f"cookie {'not set' if present else 'not deleted'}: {context.cookies()}")
