"""The house rules (docs/architecture.md), checked on every test run: the layer contracts, lint and format, types,
declared dependencies, the size of a module, thin pages, and a command line that never loads Streamlit."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dashboard"
LIMIT = 400  # lines a module may hold
# Modules allowed past the limit, each with the reason its own first lines give.
PAST_LIMIT: dict[str, str] = {}


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    if path is None:
        pytest.fail(f"{name} is not installed: it is in the test extra (pip install -e '.[test]')")
    return path


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_import_contracts_hold():
    """import-linter: the layers import one way (app|cli > ui > services > present|ingest|auth|sample > metrics >
    store > core) and Streamlit stays in ui/, app.py and pages/."""
    out = _run(_tool("lint-imports"), "--no-cache")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout or "broken" not in out.stdout.lower()


def test_ruff_lint_is_clean():
    out = _run(_tool("ruff"), "check", ".", "--output-format", "concise")
    assert out.returncode == 0, out.stdout[-4000:]


def test_ruff_format_is_clean():
    out = _run(_tool("ruff"), "format", "--check", ".")
    assert out.returncode == 0, out.stdout[-4000:]


def test_types_check():
    out = _run(_tool("mypy"))
    assert out.returncode == 0, out.stdout[-4000:]


def test_declared_dependencies_are_complete():
    out = _run(_tool("deptry"), ".")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def test_no_module_is_over_the_limit():
    over = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert set(over) <= set(PAST_LIMIT), f"modules over {LIMIT} lines: {over}"


def test_every_package_states_its_rule():
    """Each subpackage's docstring says what lives there and what it may import."""
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        if init.parent.name in {"config"}:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc.startswith(f"{init.parent.name}:"), f"{init} has no rule docstring"
        assert "import" in doc.lower(), f"{init} does not say what it may import"


def test_pages_are_thin():
    """A page script holds no SQL, no database connection and no data work of its own."""
    forbidden = {"sqlalchemy", "polars", "dashboard.store", "dashboard.ingest", "dashboard.metrics", "dashboard.auth"}
    for page in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                if isinstance(node, ast.Attribute) and node.attr in {"execute", "connect", "begin"}:
                    pytest.fail(f"{page.name}:{node.lineno} calls .{node.attr}(): database work belongs below the ui")
                continue
            bad = [n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)]
            assert not bad, f"{page.name}:{node.lineno} imports {bad}: pages call ui, present and services"


@pytest.mark.parametrize("args", [["users", "list"], ["--help"], ["imports", "list"]])
def test_the_command_line_never_loads_streamlit(args, tmp_path):
    """`district-dashboard users list` on a terminal prints no Streamlit warning ("missing ScriptRunContext",
    "No runtime found"): the CLI imports nothing that imports Streamlit."""
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    init = subprocess.run(
        [sys.executable, "-m", "dashboard", "init", "--db", db_url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    extra = [] if args == ["--help"] else ["--db", db_url]
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", *args, *extra], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    for warning in ("ScriptRunContext", "No runtime found", "streamlit"):
        assert warning not in out.stderr, out.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, dashboard.cli, dashboard.services.demo; print('streamlit' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip() == "False", probe.stdout + probe.stderr
