"""The load driver (benchmarks/load_test.py) at the smallest scale: two sessions for a few seconds against a server it
starts and stops itself. It must sign in through the login form, open pages, and report per page. No timing
assertions: the figures are the benchmark's (benchmarks/README.md), not the test suite's."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import ROOT


def test_the_load_driver_signs_in_reads_pages_and_reports(tmp_path):
    out = tmp_path / "load.json"
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "load_test.py"),
        "--sessions",
        "2",
        "--accounts",
        "2",
        "--duration",
        "6",
        "--think",
        "1",
        "2",
        "--no-warmup",
        "--json",
        str(out),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DASHBOARD_DB_URL", "DASHBOARD_COOKIE_KEY")}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == 0, result["error_list"]
    # both sessions signed in through the form: the submit run landed on the overview
    logins = [r for r in result["login_runs"] if r["kind"] == "login"]
    assert sorted(r["session"] for r in logins) == [0, 1]
    assert result["login"]["runs"] == 2 and result["login"]["p50_s"] > 0
    # pages were read, each with its time, bytes and messages, and the summary has them per page
    assert result["pages"]["runs"] > 0
    assert all(r["seconds"] > 0 and r["bytes"] > 0 and r["messages"] > 0 for r in result["runs"])
    assert set(result["by_page"]) == {r["page"] for r in result["runs"]}
    for figures in result["by_page"].values():
        assert figures["p50_s"] > 0 and figures["p95_s"] >= figures["p50_s"]
    assert result["window"]["server_cpu_s"] > 0
    assert "| (all pages) |" in done.stdout and "| login -> overview |" in done.stdout
