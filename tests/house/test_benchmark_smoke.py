"""The benchmark at a tiny scale: it runs end to end and writes its JSON with every page and every database.
No timing assertions: the figures are the benchmark's (benchmarks/README.md), not the test suite's."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import ROOT, pg_server_url_if_any

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def test_the_benchmark_runs_at_a_tiny_scale(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--schools", "20", "--years", "2", "--out", str(out)]
    pg = pg_server_url_if_any()  # the run's PostgreSQL server; the benchmark makes a database of its own there
    if pg:
        cmd += ["--pg-url", pg]
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DB_URL"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["databases"]) == ({"sqlite", "postgresql"} if pg else {"sqlite"})
    for name, entry in result["databases"].items():
        assert set(entry["load"]) == {"schools", "cpl", "trust", "readiness", "achievement"}, name
        assert all(x["rows"] > 0 and x["rows_per_second"] > 0 for x in entry["load"].values())
        pages = entry["pages"]["pages"]
        assert set(PAGES) <= set(pages), (name, sorted(pages))
        for page, figures in pages.items():
            assert figures["cold_s"] > 0 and figures["warm_s"] > 0, (name, page)
            assert figures["blank_beside_warm_s"] > 0, (name, page)  # the blank page timed right before it
            assert figures["problems"] == [], (name, page, figures["problems"])
        assert entry["pages"]["blank"]["warm_s"] > 0
        assert entry["pages"]["peak_rss_mb"] > 0 and entry["load_peak_rss_mb"] > 0
        # settled before the pages were timed: every statement ran (CI's server lets postgres CHECKPOINT)
        expected = ["CHECKPOINT", "ANALYZE"] if name == "postgresql" else ["PRAGMA wal_checkpoint(TRUNCATE)"]
        assert entry["settle"]["ran"] == expected, entry["settle"]
    assert "| overview |" in result["table"]
    assert "| overview |" in done.stdout
    # the slowest page's profile, beside the JSON, names files relative to the checkout, not where it ran
    profile = (tmp_path / result["databases"]["sqlite"]["pages"]["profile"]["file"]).read_text(encoding="utf-8")
    assert "dashboard/" in profile and str(ROOT) not in profile and "site-packages" not in profile
