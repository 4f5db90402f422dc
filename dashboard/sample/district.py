"""The sample generator's district (``dashboard.sample.generator``): the schools (level, size, staff, network and a
unique name), their hidden culture trajectories and the school calendar, drawn from the generator's seeded streams.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from dashboard.sample.constants import (
    CULTURE_YEAR_NOISE_SD,
    DECLINING,
    DECLINING_CHANGE,
    FIRST_WEEK_FROM,
    IMPROVING,
    IMPROVING_CHANGE,
    LAST_WEEK_UNTIL,
    LEVEL_ENROLLMENT,
    LEVEL_SHARES,
    LEVEL_SUFFIX,
    LEVELS,
    MAX_NETWORKS,
    MIN_SMALL_SCHOOLS,
    NETWORK_WORDS,
    PERSON_STEMS,
    PLACE_FIRST_WORDS,
    PLACE_SECOND_WORDS,
    SCHOOLS_PER_NETWORK,
    SMALL_SCHOOL_ENROLLMENT,
    SMALL_SCHOOL_LEVELS,
    SMALL_SCHOOL_SHARE,
    SMALL_SCHOOL_SUFFIX,
    SPRING_BREAK_FROM,
    STEADY,
    STEADY_CHANGE_SD,
    STUDENTS_PER_TEACHER,
    SUPPORT_STAFF_PER_TEACHER,
    TRAJECTORY_CURVE,
    TRAJECTORY_SHARES,
    TRAJECTORY_START,
)


@dataclass(frozen=True)
class District:
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
class Teams:
    """The CPL teams of every school, one array element per team."""

    school: np.ndarray
    names: list[str]
    types: list[str]
    size: np.ndarray
    weekday: np.ndarray  # 0 = Monday
    duration: np.ndarray  # typical minutes


def sigmoid(x: np.ndarray) -> np.ndarray:
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


def make_district(rng: np.random.Generator, n: int) -> District:
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
    return District(ids, _school_names(rng, levels, small), levels, networks, enrollment, teachers, support, small)


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
    for level, is_small in zip(levels, small, strict=False):
        suffix = SMALL_SCHOOL_SUFFIX if is_small else LEVEL_SUFFIX[LEVELS[level]]
        queue = unused.setdefault(suffix, [])
        if not queue:
            queue.extend(rng.permutation(len(stems)).tolist())
        name = f"{stems[queue.pop()]} {suffix}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return names


def schools_frame(district: District) -> pl.DataFrame:
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


def culture_trajectories(rng: np.random.Generator, n: int, years: int) -> tuple[np.ndarray, np.ndarray]:
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


def school_calendar(start_year: int) -> tuple[list[date], list[date]]:
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


def weekday_of(days: np.ndarray) -> np.ndarray:
    """Weekday (0 = Monday) of datetime64[D] values; 1970-01-01 was a Thursday."""
    return (days.astype(np.int64) + 3) % 7
