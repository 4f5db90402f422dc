"""The Data page's guided import (issue 18), under AppTest on a copy of the sample district: the source guessed
from the file (never a default: a meeting log is not "schools"), the table of dropdowns, the check of every row
before loading, problems of the whole file with a blank row and column (not "None"), saving a mapping that is
offered again for the next file with the same headers, and a preset offered for a form's export."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from helpers import FIXTURES, SAMPLE, page_path, signed_in

from dashboard.services import demo
from dashboard.store import db, schema

OREGON = FIXTURES / "pagr_schools_math_tot_raceethnicity_1819_excerpt.xlsx"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("guided") / "sample.db"
    engine = db.make_engine(f"sqlite:///{path}")
    demo.ensure_demo(engine)
    engine.dispose()
    return path


@pytest.fixture
def url(sample_db, tmp_path, monkeypatch):
    copy = tmp_path / "sample.db"
    shutil.copy(sample_db, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


def data_page(url):
    at = signed_in("admin", timeout=120)
    at.run()
    at.switch_page(page_path("data"))
    at.run()
    assert not at.exception, at.exception
    return at


def drop(at, name: str, data: bytes):
    at.file_uploader(key="data_upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def column_choice(at, canonical: str):
    return next(s for s in at.selectbox if s.key and s.key.startswith(f"gi_col_{canonical}_"))


def test_a_meeting_log_is_read_as_cpl_not_schools_and_loads(url):
    at = drop(data_page(url), "cpl_meetings.csv", (SAMPLE / "cpl_meetings.csv").read_bytes())
    assert at.selectbox(key="data_source").value == "cpl"
    assert column_choice(at, "meeting_date").value == "meeting_date"
    assert any("rows are ready to load" in s.value for s in at.success)
    at.button(key="data_load").click().run()
    assert not at.exception and not at.error
    assert any("cpl_meetings.csv: cpl" in s.value.replace("\\_", "_") for s in at.success)


def test_a_file_of_no_known_source_asks_for_one_and_offers_no_load(url):
    at = drop(data_page(url), "export.csv", b"colour,size,weight\nred,3,4\n")
    assert at.selectbox(key="data_source").value is None
    assert any("cannot tell what this file holds" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "data_load"]


def test_a_file_that_is_no_table_is_listed_with_a_blank_row_and_column(url):
    at = drop(data_page(url), "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert any("photo.csv cannot be read: nothing was written" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert list(problems["row"]) == [""] and list(problems["column"]) == [""]
    assert "None" not in problems.astype(str).to_numpy().ravel().tolist()


def test_a_bad_file_is_checked_before_loading_and_writes_nothing(url):
    bad = (
        b"school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
        b"S001,2025-26,Math,All Students,All,100,120\n"
    )
    at = drop(data_page(url), "achievement.csv", bad)
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert list(problems["row"]) == ["2"] and list(problems["column"]) == ["n_proficient"]
    engine = db.make_engine(url)
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(schema.achievement)).scalar()
    at.button(key="data_load").click().run()
    assert any("was rejected" in e.value and "nothing was written" in e.value for e in at.error)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.achievement)).scalar() == before
    engine.dispose()


def test_a_changed_dropdown_changes_the_check(url):
    at = drop(data_page(url), OREGON.name, OREGON.read_bytes())
    assert at.selectbox(key="data_source").value == "achievement"
    assert column_choice(at, "n_tested").value == "Number of Participants"
    assert any("200 rows are ready to load" in s.value for s in at.success)
    column_choice(at, "n_tested").set_value("(not in the file)").run()
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert "missing required column n_tested" in problems["message"][0]
    assert not [s for s in at.success if "ready to load" in s.value]


def test_a_saved_mapping_is_offered_again_for_a_file_with_the_same_headers(url, tmp_path):
    at = drop(data_page(url), OREGON.name, OREGON.read_bytes())
    column_choice(at, "network").set_value("District ID").run()  # a change of the data lead's own
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("gi_name_"))).set_value("Oregon pagr").run()
    at.button(key="map_save").click().run()
    assert any("Saved as 'Oregon pagr'" in s.value for s in at.success)
    with db.make_engine(url).connect() as conn:
        [saved] = conn.execute(sa.select(schema.saved_mapping)).all()
        assert saved.source == "achievement" and 'network = "District ID"' in saved.toml
        audited = conn.execute(
            sa.select(schema.audit_log.c.detail).where(schema.audit_log.c.action == "mapping_change")
        )
        assert any("Oregon pagr" in d for d in audited.scalars())
    # the next year's file: other rows, the same headers (an openpyxl copy with one value changed)
    import openpyxl

    workbook = openpyxl.load_workbook(OREGON)
    workbook.worksheets[0]["A2"] = "2018-2019"
    other = tmp_path / "pagr_next.xlsx"
    workbook.save(other)
    again = drop(data_page(url), other.name, other.read_bytes())
    assert column_choice(again, "network").value == "District ID"
    assert any("Oregon pagr" in c.value for c in again.caption)


def test_a_forms_vote_is_offered_its_preset_and_asks_for_staff_once(url, tmp_path):
    header = "Timestamp,Email Address,School,Are you ready to move forward?\n"
    rows = "4/1/2025 9:00:00,a@x.org,Crystal Valley K-8 School,Yes\n4/2/2025 9:00:00,b@x.org,Crystal Valley K-8 School,No\n"
    at = drop(data_page(url), "Readiness vote (Responses).csv", (header + rows).encode())
    assert any("forms_readiness_vote" in i.value for i in at.info)
    at.button(key="gi_preset_forms_readiness_vote").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="data_source").value == "readiness"
    assert any("Staff per school" in m.value for m in at.markdown)
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert "no staff count for 'Crystal Valley K-8 School'" in problems["message"][0]
