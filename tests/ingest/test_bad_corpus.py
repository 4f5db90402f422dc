"""The corpus of bad files (tests/bad_files, listed in EXPECTED.toml): each is rejected with a line that points at
the row (FILE:ROW: COLUMN: message, or FILE: message for the whole file) and leaves a database holding the sample
district exactly as it was, on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from helpers import BAD_FILES
from reliability_helpers import content, database_url, migrated_with_sample

from dashboard.cli import main
from dashboard.core.problems import FileRejected
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.ingest.uploads import check_upload_size
from dashboard.store import settings as settings_mod

CORPUS = BAD_FILES
CASES = tomllib.loads((CORPUS / "EXPECTED.toml").read_text(encoding="utf-8"))["file"]


def _matches(line: str, case: dict, name: str | None = None) -> bool:
    prefix = case["prefix"] if name is None else name + case["prefix"][len(case["name"]) :]
    return line.startswith(prefix) and all(word in line[len(prefix) :] for word in case["words"])


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sample_db(request, tmp_path_factory):
    """(engine, snapshot) of a database holding the sample district, shared by the module's tests."""
    with database_url(request.param, tmp_path_factory.mktemp("corpus"), "corpus") as url:
        engine = migrated_with_sample(url)
        try:
            yield engine, content(engine)
        finally:
            engine.dispose()


def test_the_corpus_is_large_and_matches_its_generator():
    assert len(CASES) >= 40
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_corpus"]
    generated = {case.name: case for case in module.cases()}
    assert sorted(generated) == sorted(case["name"] for case in CASES), "run tests/bad_files/make_corpus.py"
    for case in CASES:
        assert (CORPUS / case["name"]).read_bytes() == generated[case["name"]].content, case["name"]
        assert (CORPUS / case["name"]).stat().st_size < 200_000
    kinds = {Path(c["name"]).suffix for c in CASES}
    assert kinds == {".csv", ".xlsx"}
    assert {c["source"] for c in CASES} == {"schools", "cpl", "trust", "readiness", "achievement"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_file_is_rejected_with_its_row_and_changes_nothing(sample_db, case):
    engine, before = sample_db
    mapping = CORPUS / case["mapping"] if "mapping" in case else None
    result = load_files(
        engine, [FileToLoad(CORPUS / case["name"], case["source"], mapping, display_name=case["name"])], user="corpus"
    )
    lines = [str(p) for p in result.problems]
    assert not result.ok and result.outcomes == []
    assert any(_matches(line, case) for line in lines), (case["prefix"], case["words"], lines[:5])
    assert all(line.startswith(case["name"] + ":") for line in lines)
    assert content(engine) == before, "a rejected load changed the database"


def test_every_bad_file_through_the_command_line_exits_1(tmp_path, capsys):
    """The same lines from ``district-dashboard load`` (the file named by its path), exit 1, nothing written."""
    with database_url("sqlite", tmp_path, "cli") as url:
        engine = migrated_with_sample(url)
        before = content(engine)
        for case in CASES:
            path = CORPUS / case["name"]
            args = ["load", str(path), "--source", case["source"], "--db", url]
            if "mapping" in case:
                args += ["--mapping", str(CORPUS / case["mapping"])]
            assert main(args) == 1, case["name"]
            err = capsys.readouterr().err.splitlines()
            assert err[-1].startswith("rejected:") and "nothing was written" in err[-1]
            assert any(_matches(line, case, str(path)) for line in err[:-1]), (case["name"], err[:3])
        after = content(engine)
        # the audit log records each rejected attempt (who, which file); nothing else changed
        audit = after.pop("audit_log", Counter())
        assert after == {k: v for k, v in before.items() if k != "audit_log"}
        assert sum(audit.values()) - sum(before.get("audit_log", Counter()).values()) in (0, len(CASES))
        assert all("rejected" in row[-1] for row in audit)
        engine.dispose()


def test_an_upload_over_the_size_limit_is_refused_with_the_setting_named(tmp_path):
    """The Data page checks an upload's size (setting upload_max_mb) before reading it; the command line has no
    limit, so the same file loads there."""
    values = settings_mod.defaults()
    check_upload_size("schools.csv", int(values["upload_max_mb"] * 1024 * 1024), values)  # at the limit: accepted
    with pytest.raises(FileRejected) as caught:
        check_upload_size("cpl_meetings.csv", 73 * 1024 * 1024, values)
    assert (
        str(caught.value)
        == "cpl_meetings.csv: the file is 73.0 MB; the Data page accepts up to 50 MB (setting upload_max_mb)"
    )
    values["upload_max_mb"] = 1
    big = tmp_path / "cpl_meetings.csv"
    big.write_bytes(b"school_id,meeting_date,team,duration_minutes,attendees\n" + b"S001,2024-01-08,A,45,5\n" * 60_000)
    with pytest.raises(
        FileRejected,
        match=r"^cpl_meetings.csv: the file is 1\.\d MB; the Data page accepts up to 1 MB "
        r"\(setting upload_max_mb\)$",
    ):
        check_upload_size(big.name, big.stat().st_size, values)
