"""A deterministic generator of a fictional school district.

``write_sample`` writes the five canonical files (see the contract's "Canonical files") for a
district whose schools follow a hidden *culture trajectory*: some build trust, steady collective
professional learning (CPL) routines and readiness for a new model, and their student groups gain
proficiency; others stagnate or decline. Noise is everywhere, as in real data: small groups, low
survey response, skipped votes and weeks in which a team did not meet.

Everything is drawn from ``numpy.random.default_rng(seed)``, so a seed always gives byte-identical
files. Generation is vectorised with numpy and written with polars, so a district of thousands of
schools over ten years (millions of CPL meetings) takes seconds.
"""

import pathlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

SCHOOLS_FILE = "schools.csv"
CPL_FILE = "cpl_meetings.csv"
TRUST_FILE = "trust_scores.csv"
READINESS_FILE = "readiness_votes.csv"
ACHIEVEMENT_FILE = "achievement.csv"

# --- Schools ---------------------------------------------------------------------------------
LEVELS = ("elementary", "middle", "high", "k8")
LEVEL_SHARES = (0.55, 0.20, 0.15, 0.10)
LEVEL_SUFFIX = {"elementary": "Elementary", "middle": "Middle School", "high": "High School", "k8": "K-8 School"}
LEVEL_ENROLLMENT = {"elementary": (250, 650), "middle": (400, 1000), "high": (700, 2200), "k8": (300, 800)}
# Small programmes (alternative academies) give tiny staff and student counts, so suppression is exercised.
SMALL_SCHOOL_SHARE = 0.04
MIN_SMALL_SCHOOLS = 2
SMALL_SCHOOL_LEVELS = ("k8", "high")
SMALL_SCHOOL_SUFFIX = "Academy"
SMALL_SCHOOL_ENROLLMENT = (30, 60)
STUDENTS_PER_TEACHER = 16
SUPPORT_STAFF_PER_TEACHER = (0.25, 0.45)

SCHOOLS_PER_NETWORK = 5
MAX_NETWORKS = 50
NETWORK_WORDS = (
    "North", "South", "East", "West", "Central", "Riverside", "Lakeside", "Hillside", "Valley", "Harbor",
    "Prairie", "Summit", "Mesa", "Canyon", "Bayview", "Forest", "Meadowland", "Ridgeline", "Coastal", "Highland",
    "Lowland", "Midtown", "Uptown", "Downtown", "Parkside", "Fairview", "Glenwood", "Brookside", "Oakdale",
    "Pinecrest", "Maplewood", "Cedarview", "Elmhurst", "Westgate", "Eastgate", "Northgate", "Southgate",
    "Crossroads", "Heritage", "Pioneer", "Gateway", "Horizon", "Frontier", "Sunrise", "Sunset", "Bridgeport",
    "Northeast", "Northwest", "Southeast", "Southwest",
)
PERSON_STEMS = (
    "Lincoln", "Jefferson", "Washington", "Roosevelt", "Franklin", "Madison", "Hamilton", "Douglass", "Tubman",
    "Chavez", "King", "Parks", "Earhart", "Carver", "Curie", "Keller", "Mann", "Dewey", "Whitman", "Thoreau",
    "Emerson", "Twain", "Alcott", "Hughes", "Angelou", "Marshall", "Banneker", "Muir", "Audubon", "Sequoyah",
    "Clemente", "Mendez", "Ride", "Glenn", "Armstrong", "Lovelace", "Hopper", "Johnson", "Bethune", "Kennedy",
)
PLACE_FIRST_WORDS = (
    "Cedar", "Maple", "Oak", "Pine", "Willow", "Aspen", "Birch", "Elm", "Spruce", "Hawthorne", "Juniper",
    "Magnolia", "Sycamore", "Laurel", "Cypress", "Alder", "Cherry", "Hickory", "Poplar", "Sequoia", "Silver",
    "Golden", "Green", "Blue", "Stone", "Eagle", "Falcon", "Fox", "Deer", "Sunny", "Clear", "Spring", "River",
    "Lake", "Mill", "Meadow", "North", "South", "East", "West", "Rose", "Holly", "Ivy", "Sage", "Timber",
    "Granite", "Crystal", "Bright",
)
PLACE_SECOND_WORDS = (
    "Ridge", "Hill", "Valley", "Park", "Grove", "Creek", "Heights", "Meadow", "Brook", "Crest", "Glen", "View",
    "Wood", "Field", "Point", "Springs", "Hollow", "Lake", "Bend", "Trail", "Landing", "Terrace", "Knoll", "Bluff",
    "Forest",
)

# --- Culture trajectories ------------------------------------------------------------------
# Kinds of school: (share of schools, starting culture mean and sd, total change over the sample years).
IMPROVING, STEADY, DECLINING = 0, 1, 2
TRAJECTORY_SHARES = (0.35, 0.35, 0.30)
TRAJECTORY_START = {IMPROVING: (-0.4, 0.5), STEADY: (0.1, 0.6), DECLINING: (0.4, 0.5)}
IMPROVING_CHANGE = (0.9, 1.6)  # uniform range of the total rise
STEADY_CHANGE_SD = 0.15
DECLINING_CHANGE = (0.6, 1.2)  # uniform range of the total fall
TRAJECTORY_CURVE = (0.6, 1.6)  # exponent range: early (<1) or late (>1) movers
CULTURE_YEAR_NOISE_SD = 0.12

# --- School calendar -----------------------------------------------------------------------
FIRST_WEEK_FROM = (8, 25)  # the first school week is the Monday on or after this (month, day)
LAST_WEEK_UNTIL = (6, 5)  # the last school week starts on or before this day of June
SPRING_BREAK_FROM = (3, 22)  # spring break is the week of the Monday on or after this day of March
VOTE_WINDOW_FROM = (4, 6)  # readiness votes fall in a window of school days from this day of April
VOTE_WINDOW_DAYS = 45

# --- CPL meetings ----------------------------------------------------------------------------
GRADE_TEAMS = ("Kindergarten Team",) + tuple(f"Grade {g} Team" for g in range(1, 9))
ELEMENTARY_GRADES = range(0, 6)
MIDDLE_GRADES = range(6, 9)
K8_GRADES = range(0, 9)
ELEMENTARY_CROSS_GRADE = ("Primary Cross-Grade Team", "Intermediate Cross-Grade Team", "K-5 Literacy Team")
K8_CROSS_GRADE = ("Middle Grades Cross-Grade Team", "K-8 Math Vertical Team", "Primary Cross-Grade Team")
MIDDLE_CONTENT = ("Math Department", "ELA Department", "Science Department", "Social Studies Department")
HIGH_CONTENT = (
    "Math Department", "English Department", "Science Department", "Social Studies Department",
    "World Languages Department",
)
HIGH_GRADE_TEAM = "Grade 9 Team"
ROLE_ALIKE_TEAMS = (
    "Special Education Team", "Instructional Coaches", "Counselors and Social Workers",
    "Multilingual Learner Specialists",
)
SMALL_SCHOOL_TEAMS = (("Whole Staff", "whole_staff"), ("Student Support Team", "role_alike"))
COMMUNITIES_OF_PRACTICE = (
    "Equity CoP", "Literacy CoP", "Restorative Practices CoP", "Multilingual Learners CoP",
    "Math Discourse CoP", "Culturally Responsive Teaching CoP",
)
ROLE_ALIKE_CHANCE = 0.4  # chance that a school other than a small one also runs a role-alike team
TEAM_SIZE = {  # (low, high) inclusive, before clipping to TEAM_SIZE_LIMITS
    "grade_level": (4, 8), "cross_grade": (6, 12), "content": (5, 13), "role_alike": (4, 7),
    "community_of_practice": (4, 11), "whole_staff": (4, 14),  # a whole-staff team is as large as the staff
}
TEAM_SIZE_LIMITS = (4, 14)
MEETING_WEEKDAY_WEIGHTS = (0.10, 0.30, 0.30, 0.25, 0.05)  # Monday..Friday
TYPICAL_DURATIONS = (30, 45, 45, 50, 60, 60, 60, 75, 90)
DURATION_LIMITS = (30, 90)
DURATION_CULTURE_MINUTES = 6
DURATION_NOISE_SD = 6
MOVED_MEETING_CHANCE = 0.10  # a meeting held on another day of its week
# Weekly meeting is a two-state chain per team: "active" teams almost always meet, "lapsed" ones rarely,
# which gives realistic multi-week gaps. The target share of weeks met follows the school's culture.
MEET_RATE_LOW, MEET_RATE_HIGH = 0.30, 0.95
MEET_RATE_SLOPE, MEET_RATE_SHIFT, MEET_RATE_TEAM_SD = 1.6, 0.6, 0.3
MEET_WHEN_ACTIVE, MEET_WHEN_LAPSED = 0.97, 0.05
RECOVERY_CHANCE = 0.30  # a lapsed team's chance of becoming active again each week
ATTENDANCE_LOW, ATTENDANCE_SPAN = 0.55, 0.40
ATTENDANCE_SLOPE, ATTENDANCE_SHIFT = 1.5, 0.8
ATTENDANCE_TEAM_SD, ATTENDANCE_LIMITS = 0.05, (0.30, 1.0)
MIN_ATTENDEES = 2
PROTOCOLS = ("Tuning Protocol", "Data Dive", "Looking at Student Work", "Consultancy", "Lesson Study")
PROTOCOL_WEIGHTS = (0.20, 0.30, 0.25, 0.15, 0.10)
NO_PROTOCOL_BASE, NO_PROTOCOL_SPAN = 0.10, 0.35  # blank protocol: more often where culture is weak
FOCUS_QUESTIONS = (
    "How might we raise the share of students reading on grade level?",
    "How might we use exit tickets to adjust tomorrow's lesson?",
    "How might we make math discourse routine in every class?",
    "How might we close the writing gap for our multilingual learners?",
    "How might we give students more voice in how they show mastery?",
    "How might we strengthen relationships with families of students we are not reaching?",
    "How might we reduce chronic absence in our grade?",
    "How might we design competency-based assessments for one unit?",
    "How might we use common formative assessments to group students flexibly?",
    "How might we make feedback on student work more timely and specific?",
    "How might we include students with disabilities in grade-level tasks?",
    "How might we build student ownership of learning goals?",
    "How might we use restorative circles to lower referrals?",
    "How might we align our grading with what students know and can do?",
    "How might we make every student feel they belong in advanced courses?",
    "How might we protect time for peer observation each month?",
)

# --- Trust survey --------------------------------------------------------------------------
FACETS = ("benevolence", "honesty", "openness", "reliability", "competence")
RESPONDENT_GROUPS = ("all_staff", "teachers", "support_staff")
SURVEY_WAVE = "spring"
SCALE_MAX = 5
SCALE_LIMITS = (1.2, 4.9)
TRUST_CENTRE, TRUST_SLOPE = 3.35, 0.45
FACET_OFFSET_MEAN, FACET_OFFSET_SD = 0.05, 0.08
WEAKEST_FACET_DROP = (0.25, 0.50)
FACET_RESPONSE_SD = 0.15  # facet-specific sensitivity to the culture trajectory
TEACHER_NOISE_SD = 0.07
SUPPORT_OFFSET_MEAN, SUPPORT_OFFSET_SD, SUPPORT_NOISE_SD = -0.05, 0.15, 0.15
FAVORABLE_MIDPOINT, FAVORABLE_SLOPE, FAVORABLE_NOISE_SD = 3.25, 2.4, 1.5
RESPONSE_CENTRE, RESPONSE_SLOPE, RESPONSE_SD = 0.75, 0.08, 0.10
RESPONSE_LIMITS = (0.20, 1.0)
SUPPORT_RESPONSE_FACTOR = 0.9
BREAKDOWN_SHARE = 0.5  # schools whose report also shows teachers and support staff (small ones always)

# --- Readiness votes -----------------------------------------------------------------------
READINESS_QUESTIONS = (
    "Are we ready to move to personalized, competency-based learning?",
    "Are we ready to adopt standards-based grading schoolwide?",
    "Are we ready to launch a student-led conference model?",
)
READINESS_QUESTION_WEIGHTS = (0.8, 0.1, 0.1)
THRESHOLD_DEFAULT, THRESHOLD_TWO_THIRDS, TWO_THIRDS_SHARE = 80, 67, 0.2
VOTE_SKIP_CHANCE = 0.15
TURNOUT = (0.70, 0.97)
ABSTAIN_CHANCE = 0.05
READY_SLOPE, READY_SHIFT, READY_NOISE_SD = 1.3, 0.9, 0.25

# --- Achievement ---------------------------------------------------------------------------
SUBJECTS = ("ELA", "Math")
SUBJECT_OFFSET = (0.0, -0.2)  # logit of proficiency
ALL_STUDENTS = "All Students"
RACE_GROUPS = (
    "American Indian/Alaska Native", "Asian", "Black/African American", "Hispanic/Latino", "Multi-Racial",
    "Pacific Islander", "White",
)
RACE_SHARES = (0.012, 0.07, 0.16, 0.30, 0.07, 0.008, 0.38)
RACE_CONCENTRATION = 12  # Dirichlet concentration: how far a school's mix strays from the district's
RACE_OFFSET = (-0.55, 0.55, -0.6, -0.4, 0.05, -0.35, 0.4)
PROGRAM_GROUPS = ("English Learners", "Students with Disabilities", "Economically Disadvantaged")
PROGRAM_SHARE_RANGE = ((0.04, 0.30), (0.10, 0.18), (0.20, 0.85))
PROGRAM_OFFSET = (-1.0, -1.3, -0.5)
GRADE_ALL = "All"
TESTED_SHARE = {"elementary": 0.5, "middle": 0.95, "high": 0.3, "k8": 0.65}
TESTED_NOISE_SD = 0.04
ACHIEVEMENT_BASE, ACHIEVEMENT_BASE_SD, ACHIEVEMENT_CULTURE = -0.1, 0.5, 0.35
SCHOOL_GROUP_SD, SCHOOL_YEAR_SD = 0.15, 0.06
GAIN_PER_CULTURE = 0.4  # logit gain per unit of culture change since the first year
GAP_CLOSING = 0.4  # extra gain (or loss) for groups below the school's level, per unit of offset
DRIFT_SD = 0.45  # logit drift over the sample years that has nothing to do with culture


@dataclass(frozen=True)
class _District:
    """The schools of the fictional district, one array element per school."""

    ids: list[str]
    names: list[str]
    levels: np.ndarray  # indices into LEVELS
    networks: list[str]
    enrollment: np.ndarray
    teachers: np.ndarray
    support: np.ndarray
    small: np.ndarray  # bool: a small programme


@dataclass(frozen=True)
class _Teams:
    """The CPL teams of every school, one array element per team."""

    school: np.ndarray
    names: list[str]
    types: list[str]
    size: np.ndarray
    weekday: np.ndarray  # 0 = Monday
    duration: np.ndarray  # typical minutes


def write_sample(
    out_dir: str | pathlib.Path,
    schools: int = 24,
    years: int = 4,
    seed: int = 2024,
    last_year_start: int = 2025,
) -> dict[str, int]:
    """Write the five canonical CSV files into out_dir; return {file_name: data_row_count}.

    The school years run from ``last_year_start - years + 1`` to ``last_year_start`` (each starting on
    1 July). The same arguments always give byte-identical files.
    """
    if schools < 1 or years < 1:
        raise ValueError("schools and years must be at least 1")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    year_starts = list(range(last_year_start - years + 1, last_year_start + 1))
    district_rng, culture_rng, cpl_rng, trust_rng, vote_rng, achievement_rng = np.random.default_rng(seed).spawn(6)

    district = _make_district(district_rng, schools)
    culture, start = _culture_trajectories(culture_rng, schools, years)
    frames = {
        SCHOOLS_FILE: _schools_frame(district),
        CPL_FILE: _cpl_meetings(cpl_rng, district, culture, year_starts),
        TRUST_FILE: _trust_scores(trust_rng, district, culture, year_starts),
        READINESS_FILE: _readiness_votes(vote_rng, district, culture, year_starts),
        ACHIEVEMENT_FILE: _achievement(achievement_rng, district, culture, start, year_starts),
    }
    for file_name, frame in frames.items():
        frame.write_csv(out / file_name)
    return {file_name: frame.height for file_name, frame in frames.items()}


def _school_year_label(start_year: int) -> str:
    """``2024`` -> ``"2024-25"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def _allocate(total: int, shares: tuple[float, ...]) -> np.ndarray:
    """Split total into whole counts proportional to shares (largest remainder)."""
    exact = np.asarray(shares) / sum(shares) * total
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


# --- Schools ---------------------------------------------------------------------------------


def _make_district(rng: np.random.Generator, n: int) -> _District:
    """Draw the schools: level, size, staff, network and a believable unique name."""
    n_small = min(n, max(MIN_SMALL_SCHOOLS, round(n * SMALL_SCHOOL_SHARE)))
    small = rng.permutation(np.arange(n) < n_small)
    levels = rng.permutation(np.repeat(np.arange(len(LEVELS)), _allocate(n, LEVEL_SHARES)))
    small_levels = [LEVELS.index(level) for level in SMALL_SCHOOL_LEVELS]
    levels[small] = rng.choice(small_levels, size=n_small)

    low = np.array([LEVEL_ENROLLMENT[level][0] for level in LEVELS])[levels]
    high = np.array([LEVEL_ENROLLMENT[level][1] for level in LEVELS])[levels]
    low[small], high[small] = SMALL_SCHOOL_ENROLLMENT
    enrollment = rng.integers(low, high + 1)
    teachers = np.maximum(2, np.round(enrollment / STUDENTS_PER_TEACHER * rng.uniform(0.9, 1.1, n))).astype(np.int64)
    support = np.maximum(1, np.round(teachers * rng.uniform(*SUPPORT_STAFF_PER_TEACHER, n))).astype(np.int64)

    n_networks = int(np.clip(round(n / SCHOOLS_PER_NETWORK), 1, MAX_NETWORKS))
    network_index = rng.permutation(np.arange(n) % n_networks)
    networks = [f"{NETWORK_WORDS[i]} Network" for i in network_index]

    width = max(3, len(str(n)))
    ids = [f"S{i + 1:0{width}d}" for i in range(n)]
    return _District(ids, _school_names(rng, levels, small), levels, networks, enrollment, teachers, support, small)


def _school_names(rng: np.random.Generator, levels: np.ndarray, small: np.ndarray) -> list[str]:
    """Unique names from word lists.

    Each kind of school (by its name's suffix) uses every stem once before any is reused;
    a name that still clashes gets a number.
    """
    stems = list(PERSON_STEMS) + [
        f"{first} {second}"
        for first in PLACE_FIRST_WORDS
        for second in PLACE_SECOND_WORDS
        if first not in second and second not in first
    ]
    unused: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    names: list[str] = []
    for level, is_small in zip(levels, small):
        suffix = SMALL_SCHOOL_SUFFIX if is_small else LEVEL_SUFFIX[LEVELS[level]]
        queue = unused.setdefault(suffix, [])
        if not queue:
            queue.extend(rng.permutation(len(stems)).tolist())
        name = f"{stems[queue.pop()]} {suffix}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return names


def _schools_frame(district: _District) -> pl.DataFrame:
    """The rows of schools.csv."""
    return pl.DataFrame(
        {
            "school_id": district.ids,
            "school_name": district.names,
            "level": [LEVELS[level] for level in district.levels],
            "network": district.networks,
            "enrollment": district.enrollment,
        }
    )


def _culture_trajectories(rng: np.random.Generator, n: int, years: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each school's latent culture per year (schools x years) and its starting level.

    Improving schools start lower and rise, declining ones start higher and fall, steady ones wander.
    """
    kinds = rng.permutation(np.repeat([IMPROVING, STEADY, DECLINING], _allocate(n, TRAJECTORY_SHARES)))
    start = np.empty(n)
    change = np.empty(n)
    for kind, (mean, sd) in TRAJECTORY_START.items():
        chosen = kinds == kind
        start[chosen] = rng.normal(mean, sd, chosen.sum())
    improving, steady, declining = (kinds == kind for kind in (IMPROVING, STEADY, DECLINING))
    change[improving] = rng.uniform(*IMPROVING_CHANGE, improving.sum())
    change[steady] = rng.normal(0.0, STEADY_CHANGE_SD, steady.sum())
    change[declining] = -rng.uniform(*DECLINING_CHANGE, declining.sum())
    curve = rng.uniform(*TRAJECTORY_CURVE, n)
    progress = np.arange(years) / max(years - 1, 1)
    culture = start[:, None] + change[:, None] * progress[None, :] ** curve[:, None]
    return culture + rng.normal(0.0, CULTURE_YEAR_NOISE_SD, (n, years)), start


# --- Calendar --------------------------------------------------------------------------------


def _monday_on_or_after(day: date) -> date:
    """The given day if it is a Monday, else the next Monday."""
    return day + timedelta(days=-day.weekday() % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (0 = Monday) of a month; n = -1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _school_calendar(start_year: int) -> tuple[list[date], list[date]]:
    """Return the Mondays of a school year's teaching weeks, and its Monday holidays.

    Teaching runs from late August to early June, without Thanksgiving week, the two weeks of winter
    break (the week holding 25 December and the next) and one week of spring break.
    """
    spring = start_year + 1
    christmas = date(start_year, 12, 25)
    winter = christmas - timedelta(days=christmas.weekday())
    thanksgiving = _nth_weekday(start_year, 11, 3, 4)
    breaks = {
        thanksgiving - timedelta(days=3),
        winter,
        winter + timedelta(days=7),
        _monday_on_or_after(date(spring, *SPRING_BREAK_FROM)),
    }
    monday = _monday_on_or_after(date(start_year, *FIRST_WEEK_FROM))
    last = date(spring, *LAST_WEEK_UNTIL)
    weeks = []
    while monday <= last:
        if monday not in breaks:
            weeks.append(monday)
        monday += timedelta(days=7)
    holidays = [
        _nth_weekday(start_year, 9, 0, 1),  # Labor Day
        _nth_weekday(start_year, 10, 0, 2),  # Indigenous Peoples' Day
        _nth_weekday(spring, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(spring, 2, 0, 3),  # Presidents' Day
        _nth_weekday(spring, 5, 0, -1),  # Memorial Day
    ]
    return weeks, holidays


def _weekday(days: np.ndarray) -> np.ndarray:
    """Weekday (0 = Monday) of datetime64[D] values; 1970-01-01 was a Thursday."""
    return (days.astype(np.int64) + 3) % 7


# --- CPL meetings ----------------------------------------------------------------------------


def _make_teams(rng: np.random.Generator, district: _District) -> _Teams:
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
    return _Teams(school_array, names, types, size, weekday, duration)


def _cpl_meetings(
    rng: np.random.Generator, district: _District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One row per team meeting, at most one per team and teaching week."""
    teams = _make_teams(rng, district)
    n_teams = len(teams.names)
    mondays: list[date] = []
    week_year: list[int] = []
    holidays: list[date] = []
    for year_index, start_year in enumerate(year_starts):
        weeks, year_holidays = _school_calendar(start_year)
        mondays += weeks
        week_year += [year_index] * len(weeks)
        holidays += year_holidays
    monday_days = np.array(mondays, dtype="datetime64[D]")
    week_year_array = np.array(week_year)

    team_culture = culture[teams.school]  # teams x years
    team_shift = rng.normal(0.0, MEET_RATE_TEAM_SD, n_teams)[:, None]
    rate = MEET_RATE_LOW + (MEET_RATE_HIGH - MEET_RATE_LOW) * _sigmoid(
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
    attendance = ATTENDANCE_LOW + ATTENDANCE_SPAN * _sigmoid(ATTENDANCE_SLOPE * row_culture + ATTENDANCE_SHIFT)
    attendance = np.clip(attendance + team_attendance[team], *ATTENDANCE_LIMITS)
    size = teams.size[team]
    attendees = np.maximum(rng.binomial(size, attendance), np.minimum(MIN_ATTENDEES, size))

    no_protocol = rng.random(n_rows) < NO_PROTOCOL_BASE + NO_PROTOCOL_SPAN * (1 - _sigmoid(row_culture))
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


# --- Trust survey ----------------------------------------------------------------------------


def _trust_scores(
    rng: np.random.Generator, district: _District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One spring survey a year: facet means for all staff, and for teachers and support staff at some schools.

    Teachers' and support staff's results are drawn first; the all-staff result is their
    respondent-weighted mean, so the three rows of a school agree.
    """
    n, n_years = culture.shape
    n_facets = len(FACETS)
    weakest = rng.integers(0, n_facets, n)
    facet_offset = rng.normal(FACET_OFFSET_MEAN, FACET_OFFSET_SD, (n, n_facets))
    facet_offset[np.arange(n), weakest] = -rng.uniform(*WEAKEST_FACET_DROP, n)
    facet_response = 1.0 + rng.normal(0.0, FACET_RESPONSE_SD, (n, n_facets))
    teacher_mean = (
        TRUST_CENTRE
        + TRUST_SLOPE * facet_response[:, None, :] * culture[:, :, None]
        + facet_offset[:, None, :]
        + rng.normal(0.0, TEACHER_NOISE_SD, (n, n_years, n_facets))
    )
    support_mean = (
        teacher_mean
        + rng.normal(SUPPORT_OFFSET_MEAN, SUPPORT_OFFSET_SD, n)[:, None, None]
        + rng.normal(0.0, SUPPORT_NOISE_SD, (n, n_years, n_facets))
    )
    teacher_mean = np.clip(teacher_mean, *SCALE_LIMITS)
    support_mean = np.clip(support_mean, *SCALE_LIMITS)
    teacher_favorable = _percent_favorable(rng, teacher_mean)
    support_favorable = _percent_favorable(rng, support_mean)

    response = np.clip(rng.normal(RESPONSE_CENTRE + RESPONSE_SLOPE * culture, RESPONSE_SD), *RESPONSE_LIMITS)
    n_teachers = rng.binomial(district.teachers[:, None], response)
    n_support = rng.binomial(district.support[:, None], response * SUPPORT_RESPONSE_FACTOR)
    n_all = n_teachers + n_support
    teacher_weight = (n_teachers / np.maximum(n_all, 1))[:, :, None]

    mean = np.stack(
        [teacher_weight * teacher_mean + (1 - teacher_weight) * support_mean, teacher_mean, support_mean], axis=2
    )
    favorable = np.stack(
        [teacher_weight * teacher_favorable + (1 - teacher_weight) * support_favorable, teacher_favorable,
         support_favorable],
        axis=2,
    )
    respondents = np.stack([n_all, n_teachers, n_support], axis=2)
    staff = np.stack([district.teachers + district.support, district.teachers, district.support], axis=1)
    response_rate = 100.0 * respondents / staff[:, None, :]
    breakdown = district.small | (rng.random(n) < BREAKDOWN_SHARE)
    group = np.arange(len(RESPONDENT_GROUPS))
    shown = (respondents > 0) & ((group == 0)[None, None, :] | breakdown[:, None, None])

    school, year, group, facet = np.nonzero(np.broadcast_to(shown[..., None], mean.shape))
    return pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(school),
            "school_year": pl.Series([_school_year_label(y) for y in year_starts]).gather(year),
            "wave": [SURVEY_WAVE] * len(school),
            "respondent_group": pl.Series(list(RESPONDENT_GROUPS)).gather(group),
            "facet": pl.Series(list(FACETS)).gather(facet),
            "mean_score": np.round(mean[school, year, group, facet], 2),
            "scale_max": np.full(len(school), SCALE_MAX),
            "pct_favorable": np.round(favorable[school, year, group, facet], 1),
            "n_respondents": respondents[school, year, group],
            "response_rate": np.round(response_rate[school, year, group], 1),
        }
    )


def _percent_favorable(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Percent answering in the top two of five options: rises with the mean, with a little noise."""
    favorable = 100.0 * _sigmoid(FAVORABLE_SLOPE * (mean - FAVORABLE_MIDPOINT))
    return np.clip(favorable + rng.normal(0.0, FAVORABLE_NOISE_SD, mean.shape), 0.0, 100.0)


# --- Readiness votes -------------------------------------------------------------------------


def _readiness_votes(
    rng: np.random.Generator, district: _District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One staff vote per school and spring (some schools skip a year); the share ready follows culture."""
    n, n_years = culture.shape
    question = rng.choice(len(READINESS_QUESTIONS), size=n, p=READINESS_QUESTION_WEIGHTS)
    threshold = np.where(rng.random(n) < TWO_THIRDS_SHARE, THRESHOLD_TWO_THIRDS, THRESHOLD_DEFAULT)
    eligible = np.broadcast_to((district.teachers + district.support)[:, None], (n, n_years))
    held = rng.random((n, n_years)) >= VOTE_SKIP_CHANCE
    cast = np.maximum(1, rng.binomial(eligible, rng.uniform(*TURNOUT, (n, n_years))))
    abstain = np.minimum(rng.binomial(cast, ABSTAIN_CHANCE), cast - 1)
    decided = cast - abstain
    share = _sigmoid(READY_SLOPE * culture + READY_SHIFT + rng.normal(0.0, READY_NOISE_SD, (n, n_years)))
    ready = rng.binomial(decided, share)

    window = np.array([date(y + 1, *VOTE_WINDOW_FROM) for y in year_starts], dtype="datetime64[D]")
    vote_day = window[None, :] + rng.integers(0, VOTE_WINDOW_DAYS, (n, n_years)).astype("timedelta64[D]")
    weekday = _weekday(vote_day)  # a weekend day moves to the nearer school day
    vote_day = vote_day - (weekday == 5).astype("timedelta64[D]") + (weekday == 6).astype("timedelta64[D]")

    school, year = np.nonzero(held)
    return pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(school),
            "vote_date": vote_day[school, year],
            "question": pl.Series(list(READINESS_QUESTIONS)).gather(question[school]),
            "votes_ready": ready[school, year],
            "votes_not_yet": (decided - ready)[school, year],
            "votes_abstain": abstain[school, year],
            "eligible_voters": eligible[school, year],
            "threshold_pct": threshold[school],
        }
    )


# --- Achievement ---------------------------------------------------------------------------


def _achievement(
    rng: np.random.Generator, district: _District, culture: np.ndarray, start: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """Tested and proficient counts by school, year, subject and student group (grade "All").

    Race and ethnicity groups partition All Students exactly; programme groups (English learners,
    students with disabilities, economically disadvantaged) overlap them. Proficiency moves with the
    change in the school's culture since the first year, a little more for lower-scoring groups.
    """
    n, n_years = culture.shape
    n_race, n_subjects = len(RACE_GROUPS), len(SUBJECTS)
    race_mix = rng.dirichlet(np.array(RACE_SHARES) * RACE_CONCENTRATION, size=n)
    tested_share = np.array([TESTED_SHARE[level] for level in LEVELS])[district.levels]
    expected = district.enrollment * tested_share
    n_all = np.round(expected[:, None] * (1.0 + rng.normal(0.0, TESTED_NOISE_SD, (n, n_years))))
    n_all = np.maximum(1, n_all).astype(np.int64)
    race_tested = rng.multinomial(n_all, np.broadcast_to(race_mix[:, None, :], (n, n_years, n_race)))
    program_share = np.stack([rng.uniform(low, high, n) for low, high in PROGRAM_SHARE_RANGE], axis=1)
    program_tested = rng.binomial(n_all[:, :, None], program_share[:, None, :])
    group_tested = np.concatenate([race_tested, program_tested], axis=2)  # schools x years x groups

    offset = np.array(RACE_OFFSET + PROGRAM_OFFSET)
    school_level = ACHIEVEMENT_BASE + ACHIEVEMENT_CULTURE * start + rng.normal(0.0, ACHIEVEMENT_BASE_SD, n)
    group_noise = rng.normal(0.0, SCHOOL_GROUP_SD, (n, n_subjects, len(offset)))
    year_noise = rng.normal(0.0, SCHOOL_YEAR_SD, (n, n_years, n_subjects))
    progress = np.arange(n_years) / max(n_years - 1, 1)
    drift = rng.normal(0.0, DRIFT_SD, (n, n_subjects))[:, None, :] * progress[None, :, None]
    gain = GAIN_PER_CULTURE * (culture - culture[:, :1])[:, :, None, None] * (1 + GAP_CLOSING * np.maximum(0, -offset))
    logit = (
        school_level[:, None, None, None]
        + np.array(SUBJECT_OFFSET)[None, None, :, None]
        + offset
        + group_noise[:, None, :, :]
        + (year_noise + drift)[:, :, :, None]
        + gain
    )  # schools x years x subjects x groups
    tested = np.broadcast_to(group_tested[:, :, None, :], logit.shape)
    proficient = rng.binomial(tested, _sigmoid(logit))
    all_proficient = proficient[..., :n_race].sum(axis=-1)
    proficient[..., n_race:] = np.minimum(proficient[..., n_race:], all_proficient[..., None])

    all_tested = np.broadcast_to(n_all[:, :, None, None], (n, n_years, n_subjects, 1))
    tested = np.concatenate([all_tested, tested], axis=-1)
    proficient = np.concatenate([all_proficient[..., None], proficient], axis=-1)
    school, year, subject, group = np.nonzero(tested > 0)
    return pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(school),
            "school_year": pl.Series([_school_year_label(y) for y in year_starts]).gather(year),
            "subject": pl.Series(list(SUBJECTS)).gather(subject),
            "student_group": pl.Series([ALL_STUDENTS, *RACE_GROUPS, *PROGRAM_GROUPS]).gather(group),
            "grade": [GRADE_ALL] * len(school),
            "n_tested": tested[school, year, subject, group],
            "n_proficient": proficient[school, year, subject, group],
        }
    )
