"""Helpers shared by the computed-table and privacy tests: write tiny canonical files, load them, pick rows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.ingest.loader import files_in_directory, load_files
from dashboard.metrics import tables

EPS = 1e-6
FILE_NAMES = {
    "schools": "schools.csv",
    "cpl": "cpl_meetings.csv",
    "trust": "trust_scores.csv",
    "readiness": "readiness_votes.csv",
    "achievement": "achievement.csv",
}
SCHOOLS = """
    school_id,school_name,level,network
    S1,Alpha Elementary,elementary,North
    S2,Beta Middle,middle,South
    S3,Gamma High,high,North
"""


def load(engine: sa.Engine, directory: Path, **files: str) -> None:
    """Write each canonical file (``achievement="..."`` -> achievement.csv) and load them all; schools.csv is
    added unless given."""
    directory.mkdir(parents=True, exist_ok=True)
    files.setdefault("schools", SCHOOLS)
    for source, text in files.items():
        (directory / FILE_NAMES[source]).write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    result = load_files(engine, files_in_directory(directory), user="tester")
    assert result.ok, [str(p) for p in result.problems]


def table(engine: sa.Engine, name: str, values: dict | None = None) -> list[dict]:
    return tables.export_table(engine, name, values).to_dicts()


def one(rows: list[dict], **key) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in key.items())]
    assert len(found) == 1, f"{len(found)} rows match {key}"
    return found[0]


def approx(value):
    return pytest.approx(value, abs=EPS)
