"""Staff results follow the same rule everywhere: a trust result under 5 respondents leaves the data layer with no
figure at all (neither its score nor its respondents nor its response rate, which with the respondents would give
the size of a small staff); a vote with under 5 eligible voters shows only whether it passed."""

from __future__ import annotations

import pytest

from dashboard.core.privacy import Thresholds
from dashboard.ingest.loader import files_in_directory, load_files
from dashboard.metrics import tables

SMALL_TRUST = """\
school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
S1,2023-24,spring,all_staff,benevolence,4.1,5,78,22,88
S2,2023-24,spring,all_staff,benevolence,3.5,5,60,3,33.3
"""
SMALL_VOTE = """\
school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
S1,2023-11-07,Adopt the new math protocol,18,3,1,24,80
S2,2024-02-13,Adopt the new math protocol,3,1,0,4,80
"""


@pytest.fixture
def district(engine, canonical_dir):
    (canonical_dir / "trust_scores.csv").write_text(SMALL_TRUST, encoding="utf-8")
    (canonical_dir / "readiness_votes.csv").write_text(SMALL_VOTE, encoding="utf-8")
    assert load_files(engine, files_in_directory(canonical_dir), user="t").ok
    return engine


def test_a_small_staff_result_has_no_figure_at_all(district):
    with district.connect() as conn:
        rows = {r["school_id"]: r for r in tables.trust_results(conn, Thresholds()).to_dicts()}
    small = rows["S2"]  # 3 respondents (under 5)
    assert small["withheld"] and small["reason"] == "small_n"
    assert [small[f] for f in ("mean_score", "pct_favorable", "n_respondents", "response_rate")] == [None] * 4
    large = rows["S1"]
    assert (large["mean_score"], large["n_respondents"], large["response_rate"]) == (4.1, 22, 88)


def test_a_small_vote_shows_only_whether_it_passed(district):
    with district.connect() as conn:
        votes = {r["school_id"]: r for r in tables.readiness_export(conn, Thresholds()).to_dicts()}
    small = votes["S2"]  # 4 eligible: 3 ready of 4 cast is 75%, under the 80% threshold
    assert small["suppressed"] and small["passed"] is False
    assert [small[f] for f in ("votes_ready", "eligible_voters", "turnout_pct", "pct_ready_of_cast")] == [None] * 4
    assert votes["S1"]["passed"] is True and votes["S1"]["pct_ready_of_cast"] == pytest.approx(100 * 18 / 21)
