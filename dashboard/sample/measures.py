"""The sample generator's trust survey, readiness votes and achievement files (``dashboard.sample.generator``),
drawn for a district and its culture trajectories from the generator's seeded streams.
"""

from datetime import date

import numpy as np
import polars as pl

from dashboard.core.school_year import school_year_label
from dashboard.sample.constants import (
    ABSTAIN_CHANCE,
    ACHIEVEMENT_BASE,
    ACHIEVEMENT_BASE_SD,
    ACHIEVEMENT_CULTURE,
    ALL_STUDENTS,
    BREAKDOWN_SHARE,
    DRIFT_SD,
    FACET_OFFSET_MEAN,
    FACET_OFFSET_SD,
    FACET_RESPONSE_SD,
    FACETS,
    FAVORABLE_MIDPOINT,
    FAVORABLE_NOISE_SD,
    FAVORABLE_SLOPE,
    GAIN_PER_CULTURE,
    GAP_CLOSING,
    GRADE_ALL,
    GRADES_BY_LEVEL,
    LEVELS,
    PROGRAM_GROUPS,
    PROGRAM_OFFSET,
    PROGRAM_SHARE_RANGE,
    RACE_CONCENTRATION,
    RACE_GROUPS,
    RACE_OFFSET,
    RACE_SHARES,
    READINESS_QUESTION_WEIGHTS,
    READINESS_QUESTIONS,
    READY_NOISE_SD,
    READY_SHIFT,
    READY_SLOPE,
    RESPONDENT_GROUPS,
    RESPONSE_CENTRE,
    RESPONSE_LIMITS,
    RESPONSE_SD,
    RESPONSE_SLOPE,
    SCALE_LIMITS,
    SCALE_MAX,
    SCHOOL_GROUP_SD,
    SCHOOL_YEAR_SD,
    SUBJECT_OFFSET,
    SUBJECTS,
    SUPPORT_NOISE_SD,
    SUPPORT_OFFSET_MEAN,
    SUPPORT_OFFSET_SD,
    SUPPORT_RESPONSE_FACTOR,
    SURVEY_WAVE,
    TEACHER_NOISE_SD,
    TESTED_NOISE_SD,
    TESTED_SHARE,
    THRESHOLD_DEFAULT,
    THRESHOLD_TWO_THIRDS,
    TRUST_CENTRE,
    TRUST_SLOPE,
    TURNOUT,
    TWO_THIRDS_SHARE,
    VOTE_SKIP_CHANCE,
    VOTE_WINDOW_DAYS,
    VOTE_WINDOW_FROM,
    WEAKEST_FACET_DROP,
)
from dashboard.sample.district import District, sigmoid, weekday_of

# --- Trust survey ----------------------------------------------------------------------------


def trust_scores(
    rng: np.random.Generator, district: District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One spring survey a year: facet means for all staff, and for teachers and support staff at some schools.

    Teachers' and support staff's results are drawn first; the all-staff result is their
    respondent-weighted mean, so the three rows of a school agree.
    """
    n: int  # a shape's items are typed Any, which would pick numpy's scalar overloads for size=n
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
        [
            teacher_weight * teacher_favorable + (1 - teacher_weight) * support_favorable,
            teacher_favorable,
            support_favorable,
        ],
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
            "school_year": pl.Series([school_year_label(y) for y in year_starts]).gather(year),
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
    favorable = 100.0 * sigmoid(FAVORABLE_SLOPE * (mean - FAVORABLE_MIDPOINT))
    return np.clip(favorable + rng.normal(0.0, FAVORABLE_NOISE_SD, mean.shape), 0.0, 100.0)


# --- Readiness votes -------------------------------------------------------------------------


def readiness_votes(
    rng: np.random.Generator, district: District, culture: np.ndarray, year_starts: list[int]
) -> pl.DataFrame:
    """One staff vote per school and spring (some schools skip a year); the share ready follows culture."""
    n: int  # a shape's items are typed Any, which would pick numpy's scalar overloads for size=n
    n, n_years = culture.shape
    question = rng.choice(len(READINESS_QUESTIONS), size=n, p=READINESS_QUESTION_WEIGHTS)
    threshold = np.where(rng.random(n) < TWO_THIRDS_SHARE, THRESHOLD_TWO_THIRDS, THRESHOLD_DEFAULT)
    eligible = np.broadcast_to((district.teachers + district.support)[:, None], (n, n_years))
    held = rng.random((n, n_years)) >= VOTE_SKIP_CHANCE
    cast = np.maximum(1, rng.binomial(eligible, rng.uniform(*TURNOUT, (n, n_years))))
    abstain = np.minimum(rng.binomial(cast, ABSTAIN_CHANCE), cast - 1)
    decided = cast - abstain
    share = sigmoid(READY_SLOPE * culture + READY_SHIFT + rng.normal(0.0, READY_NOISE_SD, (n, n_years)))
    ready = rng.binomial(decided, share)

    window = np.array([date(y + 1, *VOTE_WINDOW_FROM) for y in year_starts], dtype="datetime64[D]")
    vote_day = window[None, :] + rng.integers(0, VOTE_WINDOW_DAYS, (n, n_years)).astype("timedelta64[D]")
    weekday = weekday_of(vote_day)  # a weekend day moves to the nearer school day
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


def achievement(
    rng: np.random.Generator, district: District, culture: np.ndarray, start: np.ndarray, year_starts: list[int]
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
    proficient = rng.binomial(tested, sigmoid(logit))
    all_proficient = proficient[..., :n_race].sum(axis=-1)
    proficient[..., n_race:] = np.minimum(proficient[..., n_race:], all_proficient[..., None])

    all_tested = np.broadcast_to(n_all[:, :, None, None], (n, n_years, n_subjects, 1))
    tested = np.concatenate([all_tested, tested], axis=-1)
    proficient = np.concatenate([all_proficient[..., None], proficient], axis=-1)
    school, year, subject, group = np.nonzero(tested > 0)
    groups = pl.Series([ALL_STUDENTS, *RACE_GROUPS, *PROGRAM_GROUPS])
    all_rows = pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(school),
            "school_year": pl.Series([school_year_label(y) for y in year_starts]).gather(year),
            "subject": pl.Series(list(SUBJECTS)).gather(subject),
            "student_group": groups.gather(group),
            "grade": [GRADE_ALL] * len(school),
            "n_tested": tested[school, year, subject, group],
            "n_proficient": proficient[school, year, subject, group],
        }
    )
    # drawn after every All row, from the same stream: the All rows are those of a sample without grades
    grade_tested, grade_proficient = _grade_split(rng, district, n_all, race_tested, program_tested, proficient)
    school, year, subject, group, slot = np.nonzero(grade_tested > 0)
    width = max(len(g) for g in GRADES_BY_LEVEL.values())
    label = np.array([[*GRADES_BY_LEVEL[level], *[""] * (width - len(GRADES_BY_LEVEL[level]))] for level in LEVELS])
    grade_rows = pl.DataFrame(
        {
            "school_id": pl.Series(district.ids).gather(school),
            "school_year": pl.Series([school_year_label(y) for y in year_starts]).gather(year),
            "subject": pl.Series(list(SUBJECTS)).gather(subject),
            "student_group": groups.gather(group),
            "grade": pl.Series(label[district.levels[school], slot], dtype=pl.String),
            "n_tested": grade_tested[school, year, subject, group, slot],
            "n_proficient": grade_proficient[school, year, subject, group, slot],
        }
    )
    return pl.concat([all_rows, grade_rows])


def _split(rng: np.random.Generator, counts: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """``counts`` (any shape) dealt out at random over the last axis of ``capacity`` (that shape plus one axis), no
    slot over its capacity: a multivariate hypergeometric draw, made as one hypergeometric draw per slot."""
    out = np.zeros(capacity.shape, dtype=np.int64)
    left = counts.astype(np.int64)
    room = capacity.sum(axis=-1)
    for k in range(capacity.shape[-1]):
        room = room - capacity[..., k]
        out[..., k] = rng.hypergeometric(capacity[..., k], room, left)
        left = left - out[..., k]
    return out


def _grade_split(
    rng: np.random.Generator,
    district: District,
    n_all: np.ndarray,
    race_tested: np.ndarray,
    program_tested: np.ndarray,
    proficient: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The school's All rows dealt out over its tested grades (``GRADES_BY_LEVEL``): students to grades about
    evenly, each race group's students and proficient students among them, so that the grade rows of every race
    group and of All Students add up to their All rows; a programme group's students are drawn from its grade's
    students, its proficient students from its grade's proficient ones (where the All rows allow it, they add up
    too). Returns tested and proficient, schools x years x subjects x groups x grade slots."""
    grades = np.array([len(GRADES_BY_LEVEL[level]) for level in LEVELS])[district.levels]
    slots = int(grades.max())
    n, n_years = n_all.shape
    all_by_grade = np.zeros((n, n_years, slots), dtype=np.int64)
    left = n_all.astype(np.int64)
    for k in range(slots):  # about evenly: each grade a binomial share of the students not yet placed
        share = np.where(k < grades, 1.0 / np.maximum(grades - k, 1), 0.0)[:, None]
        all_by_grade[..., k] = rng.binomial(left, share)
        left = left - all_by_grade[..., k]
    # the races of each grade's students, from the school's race counts (a table with both margins fixed)
    race_left = race_tested.astype(np.int64).copy()
    race_by_grade = np.zeros((*race_tested.shape, slots), dtype=np.int64)
    for k in range(slots):
        race_by_grade[..., k] = _split(rng, all_by_grade[..., k], race_left)
        race_left -= race_by_grade[..., k]
    program_by_grade = _split(
        rng, program_tested, np.broadcast_to(all_by_grade[:, :, None, :], (*program_tested.shape, slots))
    )
    n_race = race_tested.shape[-1]
    n_subjects = proficient.shape[2]
    race_proficient = _split(
        rng,
        proficient[..., 1 : 1 + n_race],
        np.broadcast_to(race_by_grade[:, :, None], (n, n_years, n_subjects, n_race, slots)),
    )
    all_proficient = race_proficient.sum(axis=-2)  # schools x years x subjects x slots
    program = np.broadcast_to(program_by_grade[:, :, None], (n, n_years, n_subjects, *program_by_grade.shape[2:]))
    room = np.minimum(program, all_proficient[..., None, :])
    program_proficient = _split(rng, np.minimum(proficient[..., 1 + n_race :], room.sum(axis=-1)), room)
    tested = np.concatenate(
        [all_by_grade[:, :, None, None, :], race_by_grade[:, :, None], program_by_grade[:, :, None]], axis=3
    )
    tested = np.broadcast_to(tested, (n, n_years, n_subjects, *tested.shape[3:]))
    return tested, np.concatenate([all_proficient[..., None, :], race_proficient, program_proficient], axis=3)
