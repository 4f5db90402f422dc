"""The five canonical sources: their files, columns, types, natural keys and load order (CONTRACT.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | float | pct | date | school_year | choice
    required: bool = False
    default: str | None = None  # the value a missing column or an empty cell takes
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings of a choice
    min: float | None = None
    max: float | None = None
    markable: bool = False  # may hold a suppression marker (stored as withheld, never as zero)
    max_length: int = 255


@dataclass(frozen=True)
class Source:
    name: str
    file_name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


LEVELS = ("elementary", "middle", "high", "k8", "other")
TEAM_TYPES = ("grade_level", "cross_grade", "content", "role_alike", "community_of_practice", "whole_staff")
FACETS = ("benevolence", "honesty", "openness", "reliability", "competence", "overall")
ALL_STUDENTS = "All Students"

# Columns any file may carry to create the schools it names (CONTRACT.md: "unless the file also carries school_name")
SCHOOL_ATTRIBUTES = ("school_name", "level", "network")

SCHOOLS = Source(
    "schools",
    "schools.csv",
    "school",
    (
        Column("school_id", "text", required=True, max_length=64),
        Column("school_name", "text", required=True),
        Column(
            "level",
            "choice",
            choices=LEVELS,
            aliases={"k-8": "k8", "elementary school": "elementary", "middle school": "middle", "high school": "high"},
        ),
        Column("network", "text"),
        Column("enrollment", "int", min=0),
    ),
    ("school_id",),
    "One row per school: its id, name, level and network.",
)

CPL = Source(
    "cpl",
    "cpl_meetings.csv",
    "cpl_meeting",
    (
        Column("school_id", "text", required=True, max_length=64),
        Column("meeting_date", "date", required=True),
        Column("team", "text", required=True),
        Column("team_type", "choice", choices=TEAM_TYPES),
        Column("duration_minutes", "int", required=True, min=1, max=24 * 60),
        Column("attendees", "int", required=True, min=0),
        Column("team_size", "int", min=1),
        Column("protocol", "text"),
        Column("focus", "text", max_length=4000),
    ),
    ("school_id", "meeting_date", "team"),
    "One row per collective professional learning meeting: school, date, team, minutes and attendance.",
)

TRUST = Source(
    "trust",
    "trust_scores.csv",
    "trust_score",
    (
        Column("school_id", "text", required=True, max_length=64),
        Column("school_year", "school_year", required=True),
        Column("wave", "text", default="spring", max_length=64),
        Column("respondent_group", "text", default="all_staff"),
        Column("facet", "choice", default="overall", choices=FACETS, aliases={"predictability": "reliability"}),
        Column("mean_score", "float", min=1, markable=True),
        Column("scale_max", "float", default="5", min=2, max=100),
        Column("pct_favorable", "pct", markable=True),
        Column("n_respondents", "int", min=0, markable=True),
        Column("response_rate", "pct", markable=True),
    ),
    ("school_id", "school_year", "wave", "respondent_group", "facet"),
    "One row per school, school year, survey wave, respondent group and trust facet.",
)

READINESS = Source(
    "readiness",
    "readiness_votes.csv",
    "readiness_vote",
    (
        Column("school_id", "text", required=True, max_length=64),
        Column("vote_date", "date", required=True),
        Column("question", "text", default="Ready to move forward"),
        Column("votes_ready", "int", required=True, min=0),
        Column("votes_not_yet", "int", required=True, min=0),
        Column("votes_abstain", "int", default="0", min=0),
        Column("eligible_voters", "int", required=True, min=1),
        Column("threshold_pct", "pct", default=None),  # default from settings (readiness_threshold_pct)
    ),
    ("school_id", "vote_date", "question"),
    "One row per staff readiness vote: school, date, question, votes and eligible voters.",
)

ACHIEVEMENT = Source(
    "achievement",
    "achievement.csv",
    "achievement",
    (
        Column("school_id", "text", required=True, max_length=64),
        Column("school_year", "school_year", required=True),
        Column("subject", "text", required=True, max_length=64),
        Column("student_group", "text", required=True),
        Column("grade", "text", default="All", max_length=32),
        Column("n_tested", "int", required=True, min=0, markable=True),
        Column("n_proficient", "int", min=0, markable=True),
        Column("pct_proficient", "pct", markable=True),
    ),
    ("school_id", "school_year", "subject", "student_group", "grade"),
    "One row per school, school year, subject, student group and grade: students tested and proficient.",
)

SOURCES: dict[str, Source] = {s.name: s for s in (SCHOOLS, CPL, TRUST, READINESS, ACHIEVEMENT)}
LOAD_ORDER = ("schools", "cpl", "trust", "readiness", "achievement")
BY_FILE_NAME = {s.file_name: s.name for s in SOURCES.values()}


def source_for_file(file_name: str) -> str | None:
    """The source a canonical file name stands for (``achievement.csv`` or ``achievement.xlsx``)."""
    stem = file_name.rsplit("/", 1)[-1].lower()
    for canonical, source in BY_FILE_NAME.items():
        base = canonical.removesuffix(".csv")
        if stem in (f"{base}.csv", f"{base}.xlsx"):
            return source
    return None
