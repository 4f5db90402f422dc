"""A deterministic generator of a fictional school district.

``write_sample`` writes the five canonical files (see the contract's "Canonical files") for a
district whose schools follow a hidden *culture trajectory*: some build trust, steady collective
professional learning (CPL) routines and readiness for a new model, and their student groups gain
proficiency; others stagnate or decline. Noise is everywhere, as in real data: small groups, low
survey response, skipped votes and weeks in which a team did not meet.

Everything is drawn from ``numpy.random.default_rng(seed)``, so a seed always gives byte-identical
files. Generation is vectorised with numpy and written with polars, so a district of thousands of
schools over ten years (millions of CPL meetings) takes seconds.

This module is the entrypoint; the constants are in ``constants``, the schools, culture trajectories and calendar
in ``district``, the CPL teams and meetings in ``meetings``, and the trust survey, readiness votes and achievement
in ``measures``.
"""

import pathlib

import numpy as np

from dashboard.sample.constants import ACHIEVEMENT_FILE, CPL_FILE, READINESS_FILE, SCHOOLS_FILE, TRUST_FILE
from dashboard.sample.district import culture_trajectories, make_district, schools_frame
from dashboard.sample.measures import achievement, readiness_votes, trust_scores
from dashboard.sample.meetings import cpl_meetings


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

    district = make_district(district_rng, schools)
    culture, start = culture_trajectories(culture_rng, schools, years)
    frames = {
        SCHOOLS_FILE: schools_frame(district),
        CPL_FILE: cpl_meetings(cpl_rng, district, culture, year_starts),
        TRUST_FILE: trust_scores(trust_rng, district, culture, year_starts),
        READINESS_FILE: readiness_votes(vote_rng, district, culture, year_starts),
        ACHIEVEMENT_FILE: achievement(achievement_rng, district, culture, start, year_starts),
    }
    for file_name, frame in frames.items():
        frame.write_csv(out / file_name)
    return {file_name: frame.height for file_name, frame in frames.items()}
