"""The coach's school brief: a PDF of one page (two at most) whose figures, read back with pypdf, are the data's,
worked out here from the rows loaded; a coach's brief covers only the coach's schools (its comparison is their
pool, never the district's), and a board member's brief holds no internal note."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from dashboard.auth import access, accounts
from dashboard.ingest.loader import FileToLoad, files_in_directory, load_files
from dashboard.services import brief, notes
from dashboard.store import db

# a second year of trust and a small group for S1, beside conftest's tiny district
MORE_TRUST = """school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
S1,2022-23,spring,all_staff,benevolence,3.7,5,70,20,80
S1,2022-23,spring,all_staff,honesty,3.8,5,72,20,80
"""
MORE_ACHIEVEMENT = """school_id,school_year,subject,student_group,grade,n_tested,n_proficient
S1,2023-24,Math,Pacific Islander,All,7,3
S1,2022-23,Math,English Learners,All,22,6
"""


@pytest.fixture
def district(engine, canonical_dir, tmp_path):
    result = load_files(engine, files_in_directory(canonical_dir), user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    for name, text in (("trust_scores.csv", MORE_TRUST), ("achievement.csv", MORE_ACHIEVEMENT)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert load_files(engine, [FileToLoad(path)], user="tester", today=dt.date(2026, 11, 23)).ok
    accounts.add(engine, "coach1", "coach", "a long password 1", schools=["S1", "S2"], by="tester")
    accounts.add(engine, "member", "board", "a long password 1", by="tester")
    notes.add(engine, dt.date(2023, 9, 4), "New principal", "tester", school_id="S1", kind="leadership")
    notes.add(engine, dt.date(2023, 10, 2), "Coach on leave SECRET", "tester", school_id="S1", internal=True)
    return engine


def caller(engine, name):
    with db.reading(engine) as conn:
        return access.caller_for(conn, name)


def text_of(data: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    reader = PdfReader(str(path))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_the_brief_holds_the_datas_figures(district, tmp_path):
    name, data = brief.build(district, None, "S1", "2023-24")
    assert name == "brief_S1_2023-24.pdf"
    pages, text = text_of(data, tmp_path)
    assert 1 <= pages <= 2
    flat = re.sub(r"\s+", " ", text)
    assert "Alder Elementary: school brief, 2023-24" in flat
    # All Students Math: 71 of 118 this year, 66 of 120 last year; the district pools S1 alone in Math
    now, before = 100 * 71 / 118, 100 * 66 / 120
    assert f"All Students % proficient, Math {now:.1f}% {before:.1f}% {now - before:+.1f} pp {now:.1f}%" in flat
    # the trust index: the mean of the facets on 0-100; last year's from the added survey
    index = (100 * (4.1 - 1) / 4 + 100 * (3.9 - 1) / 4) / 2
    prior = (100 * (3.7 - 1) / 4 + 100 * (3.8 - 1) / 4) / 2
    assert f"Trust index (0-100) {index:.1f} {prior:.1f} {index - prior:+.1f}" in flat
    # district trust in 2023-24: S1 (22 respondents) and S2 (3.5, 30 respondents) pooled by respondents
    district_index = (index * 22 + 100 * (3.5 - 1) / 4 * 30) / 52
    assert f"{district_index:.1f}" in flat
    # facets: weakest honesty 3.9 (change +0.10 from 3.8), strongest benevolence 4.1 (+0.40)
    assert "Benevolence 4.1 +0.40 22" in flat and "Honesty 3.9 +0.10 22" in flat
    assert "Weakest facet in 2023-24: honesty; strongest: benevolence" in flat
    # English Learners: 9 of 24 (37.5%), gap 37.5 - 60.2, change from 6 of 22
    el_now, el_before = 100 * 9 / 24, 100 * 6 / 22
    assert f"English Learners 24 {el_now:.1f}% {el_now - now:+.1f} {el_now - el_before:+.1f}" in flat
    # the small group is withheld, in words, never as a figure (3 of 7 is 42.9%)
    assert "Pacific Islander" in flat and "n<10" in flat and "42.9" not in flat
    # the vote: 18 ready of 21 cast, threshold 80
    assert f"{100 * 18 / 21:.0f}% of votes cast said ready; it passed the 80% threshold" in flat
    # its teams: Grade 3 met in 2 of the district's 4 school weeks (11 and 18 Sep, 2 Oct, 15 Jan); the district's
    # teams in 4 of 12 team-weeks
    assert "Grade 3 Grade-level team 2 50%" in flat
    assert f"CPL consistency (% of school weeks) 50.0% – – {100 * 4 / 12:.1f}%" in flat
    assert "New principal" in flat and "SECRET" in flat  # the superintendent's view reads internal notes


def test_a_coachs_brief_covers_only_the_coachs_schools(district, tmp_path):
    coach = caller(district, "coach1")
    _, data = brief.build(district, coach, "S1", "2023-24")
    _, text = text_of(data, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert "your 2 schools" in flat.lower()
    # CPL consistency compared over the coach's two schools' teams: S1's Grade 3 met in 2 and S2's Math in 1 of the
    # district's 4 school weeks (11 and 18 Sep, 2 Oct, 15 Jan): 3 of 8 team-weeks; the district's 4 of 12 (33.3%,
    # with S3's Science team) is not the coach's to see
    assert f"CPL consistency (% of school weeks) 50.0% – – {100 * 3 / 8:.1f}%" in flat
    assert f"{100 * 4 / 12:.1f}" not in flat and "Cedar High" not in flat
    with pytest.raises(PermissionError):
        brief.build(district, coach, "S3", "2023-24")


def test_a_board_members_brief_holds_no_internal_note(district, tmp_path):
    _, data = brief.build(district, caller(district, "member"), "S1", "2023-24")
    _, text = text_of(data, tmp_path)
    assert "New principal" in text and "SECRET" not in text
