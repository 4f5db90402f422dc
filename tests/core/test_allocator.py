"""The loading process's allocator setting (dashboard.core.allocator): in force when set before polars loads, an
operator's own setting kept, and nothing claimed once polars is loaded. Each case is a fresh interpreter: the
setting is read once per process, when polars is first imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

PROBE = """
import json, os, sys
{before}
from dashboard.core import allocator
in_force = allocator.for_loading()
import polars
print(json.dumps([in_force, os.environ.get("_RJEM_MALLOC_CONF")]))
"""


def run(before: str = "", setting: str | None = None) -> list:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if setting is not None:
        env["_RJEM_MALLOC_CONF"] = setting
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


ONCE = "dirty_decay_ms:0,muzzy_decay_ms:0"
# polars/__init__.py puts its own setting ahead of the process's (the later wins): the ends are compared


def test_set_before_polars_loads():
    in_force, setting = run()
    assert in_force and setting.endswith("," + ONCE)


@pytest.mark.parametrize("own", ["dirty_decay_ms:250", ONCE])
def test_an_operators_own_setting_is_kept(own):
    in_force, setting = run(setting=own)
    assert in_force == (own == ONCE)
    assert setting.endswith("," + own) and setting.count("dirty_decay_ms:") == 2  # polars' and the operator's


def test_too_late_once_polars_is_loaded():
    in_force, setting = run(before="import polars")
    assert not in_force and ONCE not in setting
