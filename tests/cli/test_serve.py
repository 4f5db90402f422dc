"""``district-dashboard serve`` in demo mode listens on 127.0.0.1 only, and says so, unless ``--address`` says
otherwise (CONTRACT.md, Command line; issue 16, item 6): its login page lists every demo account and its password.
The listening sockets are read from the kernel's own table (/proc/net/tcp and tcp6)."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT
from live_app import free_port

LISTEN = "0A"


def listening(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on ``port``."""
    found = set()
    for name, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        path = Path(name)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, port_hex = local.split(":")
            if state != LISTEN or int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(address)
            # the kernel writes each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(raw if width == 16 else raw[:4])))
    return found


def serve(tmp_path: Path, *extra: str):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp on this machine: the listening sockets cannot be read")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DASHBOARD_COOKIE_KEY", "DASHBOARD_DB_URL")}
    log = (tmp_path / f"serve_{port}.log").open("wb")
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--demo", "--headless", "--port", str(port), "--db", db, *extra],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # serve runs Streamlit as a child: stop the whole group
    )
    return proc, port, tmp_path / f"serve_{port}.log"


def wait_healthy(proc, port: int, log: Path, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(f"serve did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def test_demo_mode_listens_on_loopback_only_and_says_so(tmp_path):
    proc, port, log = serve(tmp_path)
    try:
        wait_healthy(proc, port, log)
        assert listening(port) == {"127.0.0.1"}, listening(port)
        out = log.read_text(errors="replace")
        assert "Demo mode: listening on 127.0.0.1 only" in out
        assert "Network URL" not in out  # Streamlit names no address for other machines
    finally:
        stop(proc)
    # the same demo database started again with --address: the address it names
    proc, port, log = serve(tmp_path, "--address", "0.0.0.0")
    try:
        wait_healthy(proc, port, log)
        assert listening(port) == {"0.0.0.0"}, listening(port)
        assert "Demo mode: listening on 0.0.0.0, as --address asks" in log.read_text(errors="replace")
    finally:
        stop(proc)
