"""A small district for the security tests, with sentinel groups planted in it and hostile names.

Sentinels (each must never be shown in any form, nor the complementary figure that would give it back):
- achievement: at S1 (Math, 2023-24) English Learners 3 of 7 proficient (42.9%); All Students 57 of 101, so
  Non-English Learners are 54 of 94 (57.4%), the complementary cell;
- staff survey: at S1 (2023-24) support staff, 3 respondents, mean 2.37 and 38.2% favourable; teachers (17) mean 3.81
  and 76.4% favourable, the complementary cell (all staff is 20);
- readiness: at S1 a vote with 4 eligible voters, 2 ready, 1 not yet, 1 abstaining (66.7% of cast).
Hostile names: school S5 and a team at S2 carry HTML and script tags.

Accounts (password ``correct horse battery``): supt, coach (S1, S2), principal (S1), principal3 (S3), board, admin.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from dashboard.auth import accounts
from dashboard.ingest import loader
from dashboard.store import db

PASSWORD = "correct horse battery"
COOKIE_KEY = "test-cookie-key-" + "x" * 40
HOSTILE_SCHOOL = "<b>Elm</b> Academy <img src=x onerror=alert(1)>"
HOSTILE_TEAM = "<script>alert('team')</script>Grade 4"

SCHOOLS = f"""\
school_id,school_name,level,network,enrollment
S1,Alder Elementary,elementary,North,410
S2,Birch Middle,middle,North,620
S3,Cedar High,high,South,1150
S4,Dogwood K8,k8,South,700
S5,"{HOSTILE_SCHOOL}",other,South,300
"""
SCHOOL_NAMES = {
    "S1": "Alder Elementary",
    "S2": "Birch Middle",
    "S3": "Cedar High",
    "S4": "Dogwood K8",
    "S5": HOSTILE_SCHOOL,
}

ACHIEVEMENT = """\
school_id,school_year,subject,student_group,grade,n_tested,n_proficient
S1,2022-23,Math,All Students,All,96,50
S1,2022-23,Math,English Learners,All,12,6
S1,2022-23,Math,Non-English Learners,All,84,44
S1,2023-24,Math,All Students,All,101,57
S1,2023-24,Math,English Learners,All,7,3
S1,2023-24,Math,Non-English Learners,All,94,54
S2,2022-23,Math,All Students,All,200,110
S2,2022-23,Math,English Learners,All,30,12
S2,2022-23,Math,Non-English Learners,All,170,98
S2,2023-24,Math,All Students,All,200,120
S2,2023-24,Math,English Learners,All,30,15
S2,2023-24,Math,Non-English Learners,All,170,105
S3,2022-23,Math,All Students,All,150,90
S3,2023-24,Math,All Students,All,150,96
S4,2022-23,Math,All Students,All,120,60
S4,2023-24,Math,All Students,All,120,66
S5,2022-23,Math,All Students,All,80,40
S5,2023-24,Math,All Students,All,80,44
"""

TRUST = """\
school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate
S1,2022-23,spring,all_staff,benevolence,3.50,5,60,19,76
S1,2023-24,spring,all_staff,benevolence,3.62,5,68,20,80
S1,2023-24,spring,teachers,benevolence,3.81,5,76.4,17,85
S1,2023-24,spring,support_staff,benevolence,2.37,5,38.2,3,60
S2,2022-23,spring,all_staff,benevolence,3.30,5,55,30,75
S2,2023-24,spring,all_staff,benevolence,3.45,5,58,31,78
S3,2023-24,spring,all_staff,benevolence,3.20,5,52,40,70
S4,2023-24,spring,all_staff,benevolence,3.90,5,74,25,90
S5,2023-24,spring,all_staff,benevolence,3.10,5,48,12,66
"""

READINESS = """\
school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct
S1,2023-11-07,Adopt the new protocol,2,1,1,4,60
S2,2024-02-13,Adopt the new protocol,20,9,0,31,80
S3,2024-02-20,Adopt the new protocol,24,2,0,30,80
S4,2024-03-05,Adopt the new protocol,10,10,0,25,80
S5,2024-03-12,Adopt the new protocol,12,3,0,16,80
"""

CPL = f"""\
school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size,protocol,focus
S1,2023-09-12,Grade 3,grade_level,45,5,6,Tuning,Fractions
S1,2023-09-19,Grade 3,grade_level,50,6,6,Tuning,Fractions
S2,2023-10-03,Math,content,60,4,5,,Ratios
S2,2023-10-10,"{HOSTILE_TEAM}",grade_level,40,5,6,,Reading
S3,2024-01-16,Science,content,55,7,8,Data dive,Lab reports
S4,2024-01-23,Grade 6,grade_level,50,6,7,Tuning,Ratios
S5,2024-01-30,Grade 2,grade_level,35,4,5,,Phonics
"""

FILES = {
    "schools.csv": SCHOOLS,
    "achievement.csv": ACHIEVEMENT,
    "trust_scores.csv": TRUST,
    "readiness_votes.csv": READINESS,
    "cpl_meetings.csv": CPL,
}

ACCOUNTS = {
    "supt": ("superintendent", None),
    "coach": ("coach", "S1,S2"),
    "principal": ("principal", "S1"),
    "principal3": ("principal", "S3"),
    "board": ("board", None),
    "admin": ("admin", None),
}
SCOPES = {"supt": None, "coach": {"S1", "S2"}, "principal": {"S1"}, "principal3": {"S3"}, "board": None, "admin": None}

# Every form a sentinel figure could take, and the complementary cells' figures.
SENTINELS = {
    "EL 3 of 7": [
        r"(?<![\d.])42\.8[5-9]",
        r"(?<![\d.])42\.9",
        r"(?<![\d.])43(\.0+)?\s?%",
        r"(?<![\d.])0\.42[89]",
        r"\b3 of 7\b",
        r"\b3/7\b",
    ],
    "Non-EL 54 of 94 (complementary)": [
        r"(?<![\d.])57\.4",
        r"(?<![\d.])0\.574",
        r"\b54 of 94\b",
        r"(?<![\d.])57(\.0+)?\s?%",
    ],
    "support staff 2.37 / 38.2%": [r"(?<![\d.])2\.37(?!\d)", r"(?<![\d.])38\.2", r"(?<![\d.])0\.382"],
    "teachers 3.81 / 76.4% (complementary)": [r"(?<![\d.])3\.81(?!\d)", r"(?<![\d.])76\.4", r"(?<![\d.])0\.764"],
    "readiness 2 of 3 cast": [
        r"(?<![\d.])66\.[67]",
        r"(?<![\d.])0\.66[67]",
        r"(?<![\d.])67(\.0+)?\s?%",
        r"\b2 of 3\b",
        r"\b2 of 4\b",
        r"\b3 of 4\b",
    ],
}


# Clocks, dates and ids in the output (an import's or a login's timestamp, an element's id) hold digits that are no
# figure: "2025-06-01 10:12:57.412" is not 57.4. They are blanked before the scan, and only them: a figure beside one
# ("at 10:12:57, 57.4%") is still found.
NOT_FIGURES = re.compile(
    r"""
    \d{4}-\d{2}-\d{2}                                       # an ISO date,
      (?:[T\x20]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?          # with its time,
         (?:\x20?(?:Z|UTC|[+-]\d{2}(?::?\d{2})?))?)?          # and zone
  | (?<![\d.:])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?![\d:])   # a time of day alone (12:57, 10:12:57.412)
  | \b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b   # a UUID
  | \$\$ID-[0-9a-z_-]+                                      # a Streamlit element's id
  | \b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}\b       # a hex digest or token
""",
    re.VERBOSE | re.IGNORECASE,
)


def figures_only(text: str) -> str:
    """``text`` with its clocks, dates and ids blanked (each replaced by a space): what is left to scan for figures."""
    return NOT_FIGURES.sub(" ", text)


def find_sentinels(text: str) -> list[str]:
    """Each sentinel form found among the figures of ``text`` (its clocks, dates and ids are not scanned)."""
    text = figures_only(text)
    hits = []
    for name, patterns in SENTINELS.items():
        for pattern in patterns:
            m = re.search(pattern, text)
            if m:
                hits.append(f"{name}: {pattern!r} matched {text[max(0, m.start() - 60) : m.end() + 60]!r}")
    return hits


def build(engine: sa.Engine, directory: Path) -> None:
    """Load the district into a migrated database and add the accounts."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    result = loader.load_files(engine, loader.files_in_directory(directory), user="test")
    assert result.ok, result.problems
    for name, (role, schools) in ACCOUNTS.items():
        accounts.add(engine, name, role, PASSWORD, schools=schools)


def build_url(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'security.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    build(engine, tmp / "district")
    engine.dispose()
    return url


def spy_csv_downloads(monkeypatch) -> list[bytes]:
    """Record the bytes of every CSV download button a page draws: the bytes a user would get on a click (a
    deferred download's callable is called here, as Streamlit calls it on the click)."""
    import streamlit as st

    got: list[bytes] = []
    real = st.download_button

    def spy(label, data=None, *args, **kwargs):
        if kwargs.get("mime") == "text/csv":
            got.append(data() if callable(data) else data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return got
