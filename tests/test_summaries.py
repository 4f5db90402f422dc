"""``dashboard.summaries.cpl_team_year_rows``: the team-year summary from meeting rows, figures worked by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from dashboard.summaries import MEETING_SCHEMA, SUMMARY_COLUMNS, cpl_team_year_rows


def _meeting(school, team, day, minutes, attendees, size, team_type="content"):
    d = dt.date.fromisoformat(day)
    return {"school_id": school, "team": team, "team_type": team_type, "year_start": 2024,
            "week_start": d - dt.timedelta(days=d.weekday()), "meeting_date": d, "duration_minutes": minutes,
            "attendees": attendees, "team_size": size}


def test_team_year_rows_by_hand():
    # The district met in the weeks of Mon 2 Sep, 9 Sep, 23 Sep and 7 Oct 2024 (4 school weeks, numbered 1-4)
    # and in 2 calendar months (September, October).
    # S1/A met in weeks 1 and 3 (gap of 1 before week 3, 1 trailing week): longest gap 1; sizes known on one row.
    # S2/B met in weeks 2 and 4, twice in week 2: 1 leading week, 1 between, none trailing; no size ever given.
    rows = pl.DataFrame([
        _meeting("S1", "A", "2024-09-03", 45, 5, 6),
        _meeting("S1", "A", "2024-09-24", 30, 4, None),
        _meeting("S2", "B", "2024-09-10", 60, 4, None),
        _meeting("S2", "B", "2024-09-12", 20, 3, None),
        _meeting("S2", "B", "2024-10-08", 60, 5, None),
    ], schema=MEETING_SCHEMA)
    expected = pl.DataFrame({
        "school_id": ["S1", "S2"], "team": ["A", "B"], "team_type": ["content", "content"], "year_start": [2024, 2024],
        "meetings": [2, 3], "minutes": [75, 140], "school_months": [2, 2],
        "attendees_with_size": [5, None],  # only attendees of meetings whose team size is known; blank when none
        "seats": [6, None],
        "weeks_with_meeting": [2, 2], "school_weeks": [4, 4], "longest_gap_weeks": [1, 1],
    }, schema={name: (pl.String if name in ("school_id", "team", "team_type") else pl.Int64)
               for name in SUMMARY_COLUMNS})
    assert_frame_equal(cpl_team_year_rows(rows), expected)


def test_a_team_meeting_only_in_the_first_week_has_the_rest_of_the_year_as_its_gap():
    rows = pl.DataFrame([
        _meeting("S1", "A", "2024-09-03", 45, 5, 6),
        _meeting("S2", "B", "2024-09-10", 60, 4, 5),
        _meeting("S2", "B", "2024-09-17", 60, 4, 5),
        _meeting("S2", "B", "2024-09-24", 60, 4, 5),
    ], schema=MEETING_SCHEMA)
    out = cpl_team_year_rows(rows).filter(pl.col("team") == "A").row(0, named=True)
    assert (out["weeks_with_meeting"], out["school_weeks"], out["longest_gap_weeks"]) == (1, 4, 3)
