"""The sample generator's CPL file (``dashboard.sample.generator``): every school's teams, suited to its level, and
their meetings week by week, drawn from the generator's seeded stream for CPL.
"""

from datetime import date

import numpy as np
import polars as pl

from dashboard.sample.constants import (
    ATTENDANCE_LIMITS,
    ATTENDANCE_LOW,
    ATTENDANCE_SHIFT,
    ATTENDANCE_SLOPE,
    ATTENDANCE_SPAN,
    ATTENDANCE_TEAM_SD,
    COMMUNITIES_OF_PRACTICE,
    DURATION_CULTURE_MINUTES,
    DURATION_LIMITS,
    DURATION_NOISE_SD,
    ELEMENTARY_CROSS_GRADE,
    ELEMENTARY_GRADES,
    FOCUS_QUESTIONS,
    GRADE_TEAMS,
    HIGH_CONTENT,
    HIGH_GRADE_TEAM,
    K8_CROSS_GRADE,
    K8_GRADES,
    LEVELS,
    MEET_RATE_HIGH,
    MEET_RATE_LOW,
    MEET_RATE_SHIFT,
    MEET_RATE_SLOPE,
    MEET_RATE_TEAM_SD,
    MEET_WHEN_ACTIVE,
    MEET_WHEN_LAPSED,
    MEETING_WEEKDAY_WEIGHTS,
    MIDDLE_CONTENT,
    MIDDLE_GRADES,
    MIN_ATTENDEES,
    MOVED_MEETING_CHANCE,
    NO_PROTOCOL_BASE,
    NO_PROTOCOL_SPAN,
    PROTOCOL_WEIGHTS,
    PROTOCOLS,
    RECOVERY_CHANCE,
    ROLE_ALIKE_CHANCE,
    ROLE_ALIKE_TEAMS,
    SMALL_SCHOOL_TEAMS,
    TEAM_SIZE,
    TEAM_SIZE_LIMITS,
    TYPICAL_DURATIONS,
)
from dashboard.sample.district import District, Teams, school_calendar, sigmoid

# --- CPL meetings ----------------------------------------------------------------------------


def _make_teams(rng: np.random.Generator, district: District) -> Teams:
    """Give every school 3-6 teams suited to its level, each with one community of practice."""
    school, names, types = [], [], []
    for index, level_index in enumerate(district.levels):
        level = LEVELS[level_index]
        if district.small[index]:
            teams = list(SMALL_SCHOOL_TEAMS)
        elif level == "high":
            content = rng.choice(len(HIGH_CONTENT), size=rng.integers(2, 4), replace=False)
            teams = [(HIGH_CONTENT[i], "content") for i in sorted(content)] + [(HIGH_GRADE_TEAM, "grade_level")]
        elif level == "middle":
            grades = rng.choice(MIDDLE_GRADES, size=rng.integers(1, 3), replace=False)
            content = rng.choice(len(MIDDLE_CONTENT), size=rng.integers(1, 3), replace=False)
            teams = [(GRADE_TEAMS[g], "grade_level") for g in sorted(grades)]
            teams += [(MIDDLE_CONTENT[i], "content") for i in sorted(content)]
        else:
            grade_range, cross = (ELEMENTARY_GRADES, ELEMENTARY_CROSS_GRADE)
            if level == "k8":
                grade_range, cross = (K8_GRADES, K8_CROSS_GRADE)
            grades = rng.choice(grade_range, size=rng.integers(2, 4), replace=False)
            teams = [(GRADE_TEAMS[g], "grade_level") for g in sorted(grades)]
            teams.append((cross[rng.integers(len(cross))], "cross_grade"))
        if not district.small[index] and len(teams) < 5 and rng.random() < ROLE_ALIKE_CHANCE:
            teams.append((ROLE_ALIKE_TEAMS[rng.integers(len(ROLE_ALIKE_TEAMS))], "role_alike"))
        teams.append((COMMUNITIES_OF_PRACTICE[rng.integers(len(COMMUNITIES_OF_PRACTICE))], "community_of_practice"))
        school += [index] * len(teams)
        names += [name for name, _ in teams]
        types += [team_type for _, team_type in teams]

    school_array = np.array(school, dtype=np.int64)
    staff = (district.teachers + district.support)[school_array]
    low = np.array([TEAM_SIZE[t][0] for t in types])
    high = np.array([TEAM_SIZE[t][1] for t in types])
    size = rng.integers(low, high + 1)
    whole_staff = np.array([t == "whole_staff" for t in types])
    size = np.where(whole_staff, staff, np.minimum(size, staff))
    size = np.clip(size, *TEAM_SIZE_LIMITS)
    weekday = rng.choice(len(MEETING_WEEKDAY_WEIGHTS), size=len(types), p=MEETING_WEEKDAY_WEIGHTS)
    duration = rng.choice(TYPICAL_DURATIONS, size=len(types))
    return Teams(school_array, names, types, size, weekday, duration)


def cpl_meetings(
    rng: np.random.Generator, district: District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One row per team meeting, at most one per team and teaching week."""
    teams = _make_teams(rng, district)
    n_teams = len(teams.names)
    mondays: list[date] = []
    week_year: list[int] = []
    holidays: list[date] = []
    for year_index, start_year in enumerate(year_starts):
        weeks, year_holidays = school_calendar(start_year)
        mondays += weeks
        week_year += [year_index] * len(weeks)
        holidays += year_holidays
    monday_days = np.array(mondays, dtype="datetime64[D]")
    week_year_array = np.array(week_year)

    team_culture = culture[teams.school]  # teams x years
    team_shift = rng.normal(0.0, MEET_RATE_TEAM_SD, n_teams)[:, None]
    rate = MEET_RATE_LOW + (MEET_RATE_HIGH - MEET_RATE_LOW) * sigmoid(
        MEET_RATE_SLOPE * team_culture + MEET_RATE_SHIFT + team_shift
    )
    active_share = (rate - MEET_WHEN_LAPSED) / (MEET_WHEN_ACTIVE - MEET_WHEN_LAPSED)
    lapse_chance = RECOVERY_CHANCE * (1.0 - active_share) / active_share

    n_weeks = len(mondays)
    first_week_of_year = np.diff(week_year_array, prepend=-1) != 0
    state_draw = rng.random((n_weeks, n_teams))
    meet_draw = rng.random((n_weeks, n_teams))
    met = np.empty((n_weeks, n_teams), dtype=bool)
    active = np.empty(n_teams, dtype=bool)  # drawn afresh in the first week of each year
    for week in range(n_weeks):
        year = week_year_array[week]
        if first_week_of_year[week]:
            active = state_draw[week] < active_share[:, year]
        else:
            active = np.where(active, state_draw[week] >= lapse_chance[:, year], state_draw[week] < RECOVERY_CHANCE)
        met[week] = meet_draw[week] < np.where(active, MEET_WHEN_ACTIVE, MEET_WHEN_LAPSED)
    del state_draw, meet_draw

    week_index, team = np.nonzero(met)
    del met
    n_rows = len(team)
    year = week_year_array[week_index]
    row_culture = team_culture[team, year]

    moved = rng.random(n_rows) < MOVED_MEETING_CHANCE
    weekday = np.where(moved, rng.integers(0, 5, n_rows), teams.weekday[team])
    meeting_day = monday_days[week_index] + weekday.astype("timedelta64[D]")
    meeting_day += np.isin(meeting_day, np.array(holidays, dtype="datetime64[D]")).astype("timedelta64[D]")

    duration = teams.duration[team] + DURATION_CULTURE_MINUTES * row_culture + rng.normal(0, DURATION_NOISE_SD, n_rows)
    duration = np.clip(5 * np.round(duration / 5), *DURATION_LIMITS).astype(np.int64)

    team_attendance = rng.normal(0.0, ATTENDANCE_TEAM_SD, n_teams)
    attendance = ATTENDANCE_LOW + ATTENDANCE_SPAN * sigmoid(ATTENDANCE_SLOPE * row_culture + ATTENDANCE_SHIFT)
    attendance = np.clip(attendance + team_attendance[team], *ATTENDANCE_LIMITS)
    size = teams.size[team]
    attendees = np.maximum(rng.binomial(size, attendance), np.minimum(MIN_ATTENDEES, size))

    no_protocol = rng.random(n_rows) < NO_PROTOCOL_BASE + NO_PROTOCOL_SPAN * (1 - sigmoid(row_culture))
    protocol = np.where(no_protocol, 0, 1 + rng.choice(len(PROTOCOLS), size=n_rows, p=PROTOCOL_WEIGHTS))
    # An inquiry question lasts a semester: one per team, year and half year.
    focus_choice = rng.integers(0, len(FOCUS_QUESTIONS), (n_teams, len(year_starts), 2))
    month = monday_days[week_index].astype("datetime64[M]").astype(np.int64) % 12 + 1
    focus = focus_choice[team, year, (month < 7).astype(np.int64)]

    rows = pl.DataFrame(
        {
            "school": teams.school[team],
            "meeting_date": meeting_day,
            "team": team,
            "duration_minutes": duration,
            "attendees": attendees,
            "protocol": protocol,
            "focus": focus,
        }
    ).sort(["school", "meeting_date", "team"])
    return pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(rows["school"]),
            "meeting_date": rows["meeting_date"],
            "team": pl.Series(teams.names).gather(rows["team"]),
            "team_type": pl.Series(teams.types).gather(rows["team"]),
            "duration_minutes": rows["duration_minutes"],
            "attendees": rows["attendees"],
            "team_size": pl.Series(teams.size).gather(rows["team"]),
            "protocol": pl.Series(["", *PROTOCOLS]).gather(rows["protocol"]),
            "focus": pl.Series(list(FOCUS_QUESTIONS)).gather(rows["focus"]),
        }
    )
