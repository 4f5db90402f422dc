"""`district-dashboard mapping suggest FILE [--source S] [--sheet NAME] --out MAPPING.toml` (CONTRACT.md): prints each
canonical column with the header it matched and how sure it is, writes a mapping `load --mapping` takes as it is,
exits 0 when every required column matched and 1 naming what it could not match."""

from __future__ import annotations

import datetime as dt

from helpers import FIXTURES

from dashboard.cli import main
from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.ingest.mapping import load_mapping
from dashboard.store import db


def test_suggest_prints_each_column_and_writes_a_mapping_load_takes(tmp_path, capsys):
    out = tmp_path / "survey.toml"
    path = FIXTURES / "school_survey_2019_excerpt.csv"
    assert main(["mapping", "suggest", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "school_survey_2019_excerpt.csv: trust" in printed
    assert "school_id         <- 'DBN'  (high: synonym)" in printed
    assert "school_year       <- the file's name (2018-19)  (high)" in printed
    assert "mean_score        <- 'Trust Score'" in printed
    assert "wave              not in the file (default spring)" in printed
    assert load_mapping(out).source == "trust"
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate(engine)
    result = load_files(engine, [FileToLoad(path, mapping=out)], user="t", today=dt.date(2025, 1, 1))
    assert result.ok and result.outcomes[0].rows_inserted == 200


def test_suggest_exits_1_naming_what_it_could_not_match(tmp_path, capsys):
    out = tmp_path / "m.toml"
    path = FIXTURES / "school_survey_2015_excerpt.csv"
    assert main(["mapping", "suggest", str(path), "--source", "achievement", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "subject         NOT MATCHED (required)" in captured.out
    assert "could not match subject, student_group, n_tested" in captured.err
    assert out.is_file()  # the partial mapping, to edit


def test_a_file_of_no_source_is_not_given_one(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("colour,size\nred,3\n", encoding="utf-8")
    assert main(["mapping", "suggest", str(path), "--out", str(tmp_path / "m.toml")]) == 1
    assert "cannot tell which source" in capsys.readouterr().err
    assert not (tmp_path / "m.toml").exists()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["mapping", "suggest", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "m.toml")]) == 2
    assert (
        main(["mapping", "suggest", str(FIXTURES / "school_survey_2019_excerpt.csv"), "--out", "x", "--source", "nope"])
        == 2
    )
