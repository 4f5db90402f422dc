"""A mapping suggested from a file itself (``district-dashboard mapping suggest``, the Data page's guided import):
how it is written (``sniff``), which source it is (its headers and its name), which header feeds each canonical
column (synonyms of the names state files and vendors use, then close spellings, confirmed or ruled out by the
values; where no header names a column, the values alone: dates, school years, a count never above another), the
value translations (subjects, student groups, choices, lone years), the suppression markers, and a school year
from a column or the file's name (a lone year in a name is the spring of the school year: 2019 is 2018-19).

Nothing here knows a particular file: the shipped mappings of ``mappings/`` come out of it as they are because
their headers are the words of the trade (CONTRACT.md, ``mapping suggest``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.core.sources import SCHOOL_ATTRIBUTES, SOURCES, Column, source_for_file
from dashboard.ingest import sniff
from dashboard.ingest.profile import Profile, never_above, profile
from dashboard.ingest.raw import RawTable
from dashboard.ingest.synonyms import header_score, normal, translate, vocabulary
from dashboard.ingest.uploads import ReadLimits

THRESHOLD = 0.5  # a header scoring below this is not suggested for a column
_MEASURES = {"trust": ("mean_score", "pct_favorable", "n_respondents")}


@dataclass
class Match:
    canonical: str
    header: str | None  # None: from a constant (the file's name) or not matched
    score: float
    how: str

    @property
    def confidence(self) -> str:
        if self.header is None and self.score == 0:
            return "none"
        return "high" if self.score >= 0.9 else "medium" if self.score >= 0.7 else "low"


@dataclass
class Suggestion:
    file_name: str
    source: str | None
    source_reason: str
    layout: sniff.Layout
    headers: list[str]
    matches: dict[str, Match] = field(default_factory=dict)  # canonical -> the header chosen
    constants: dict[str, str | dict] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns neither matched nor constant
    notes: list[str] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)  # header -> its first distinct values
    flags: dict[str, bool] = field(default_factory=dict)  # top-level mapping keys (schools_by_name)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # canonical -> header -> score

    @property
    def columns(self) -> dict[str, str]:
        return {c: m.header for c, m in self.matches.items() if m.header is not None}

    @property
    def ok(self) -> bool:
        return self.source is not None and not self.missing


def suggest(
    path: Path,
    display_name: str | None = None,
    *,
    source: str | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    limits: ReadLimits | None = None,
    reader: Callable[..., RawTable] | None = None,
) -> Suggestion:
    """The suggested mapping of one file. ``file_name`` is the name the year is read from (an upload's own name;
    default: the path's); ``limits`` and ``reader`` bound the read (``sniff.read``). Raises FileRejected when the
    file cannot be read at all."""
    display = display_name or str(path)
    name = file_name or path.name
    wanted = {w for phrases in vocabulary().headers.values() for p in phrases for w in p.split() if len(w) > 3}
    layout, table = sniff.read(path, display, sheet=sheet, wanted=wanted, limits=limits, reader=reader)
    return suggest_table(table, layout, name, display, source=source)


def suggest_table(
    table: RawTable, layout: sniff.Layout, file_name: str, display_name: str, *, source: str | None = None
) -> Suggestion:
    profiles = profile(table.frame, table.headers)
    year = year_from_file_name(file_name)
    guessed, reason = (source, "given") if source else guess_source(profiles, file_name, year is not None)
    s = Suggestion(file_name, guessed, reason, layout, table.headers, notes=list(layout.notes))
    s.samples = {p.header: p.sample for p in profiles}
    if guessed is None:
        s.missing = ["source"]
        return s
    spec = SOURCES[guessed]
    wanted = [*spec.columns, *(_attribute(a) for a in SCHOOL_ATTRIBUTES if a not in spec.column_names)]
    s.scores = {col.name: {p.header: _score(col, p, guessed, profiles) for p in profiles} for col in wanted}
    s.matches = _assign(wanted, profiles, s.scores)
    _by_values(s, wanted, profiles, table.frame)
    _schools_by_name(s)
    if "school_year" in spec.column_names and "school_year" not in s.columns and year is not None:
        label, pattern = year
        s.constants["school_year"] = {"from_file_name": pattern}
        s.matches["school_year"] = Match("school_year", None, 0.9, f"the file's name ({label})")
    _respondents(s, profiles)
    by_header = {p.header: p for p in profiles}
    for canonical, header in s.columns.items():
        col = next(c for c in wanted if c.name == canonical)
        table_ = _translations(col, by_header[header], s)
        if table_:
            s.values[canonical] = table_
        if col.markable:
            s.markers += [m for m in by_header[header].markers if m not in s.markers]
    s.missing = _missing(spec.name, s)
    return s


def _attribute(name: str) -> Column:
    if name == "level":
        return SOURCES["schools"].column("level")
    return Column(name, "text")


def guess_source(profiles: list[Profile], file_name: str, year_in_name: bool) -> tuple[str | None, str]:
    """The source whose required columns the headers name best, with the words of the file's name; None when no
    source is named well enough (never a default)."""
    canonical = source_for_file(file_name)
    if canonical:
        return canonical, "its canonical file name"
    lowered = file_name.lower()
    results: list[tuple[float, str, int, int, list[str]]] = []
    for name, spec in SOURCES.items():
        required = [c for c in spec.columns if c.required]
        scores = {c.name: {p.header: _score(c, p, name, profiles) for p in profiles} for c in spec.columns}
        assigned = _assign(list(spec.columns), profiles, scores)  # one header feeds one column
        scored = {c.name: assigned[c.name].score if c.name in assigned else 0.0 for c in spec.columns}
        by_values = {c.name for c in required if c.kind in ("date", "school_year") and _one_fits(c.kind, profiles)}
        if year_in_name:
            by_values.add("school_year")
        if "school_id" not in assigned and "school_name" in assigned:
            by_values.add("school_id")  # schools named by their names (a form's dropdown)
        hit = sum(1 for c in required if scored[c.name] >= THRESHOLD or c.name in by_values)
        optional = sum(1 for c in spec.columns if not c.required and scored[c.name] >= 0.7)
        words = [w for w in vocabulary().file_words.get(name, ()) if w in lowered]
        total = hit + 0.5 * optional - 2 * (len(required) - hit) + (1.5 if words else 0)
        results.append((total, name, hit, len(required), words))
    total, best, hit, needed, words = max(results)
    if total <= 0 or hit < min(2, needed):
        return None, "no source's required columns are in the file"
    because = f"{hit} of its {needed} required columns found"
    return best, because + (f", and the file's name says {words[0]!r}" if words else "")


def _one_fits(kind: str, profiles: list[Profile]) -> bool:
    return any(p.filled and p.fits(kind) >= 0.9 for p in profiles)


def _score(col: Column, p: Profile, source: str, profiles: list[Profile]) -> float:
    name, _ = header_score(p.header, col.name)
    if name == 0:
        return 0.0
    fit = p.fits(col.kind)
    if name >= 1.0:
        fit = max(fit, 0.75)  # the column's own name: its bad values are the check's to report, row by row
    words = normal(p.header).split()
    if col.name in ("school_name", "network") and p.filled and p.letters < 0.5:
        fit = 0.2  # names hold letters
    if col.name == "school_id" and p.filled and p.letters > 0.5 and any(" " in v for v in p.sample):
        fit = 0.4  # an id is a code, not a name
    if col.name == "mean_score" and (p.percent_sign > 0.5 or (p.high is not None and p.high > 10)):
        fit = 0.0  # a mean on an item scale, not a percent
    if col.name == "school_year" and p.number >= 0.97 and p.lone_year < 0.95:
        fit = 0.0
    if col.kind == "choice" and p.values:
        known = sum(1 for v in p.values if _choice(col, v) is not None)
        fit = 1.0 if known == len(p.values) else 0.0
    score = name * fit
    if source in _MEASURES and col.name in _MEASURES[source] and source in words:
        score += 0.1  # a trust file's trust measure, among the other measures of a survey
    if col.name == "response_rate":
        groups = {g for w, g in vocabulary().respondents.items() if any(t.startswith(w) for t in words)}
        score += 0.1 if groups == {"staff"} else -0.25 if groups else 0
    return score


def _assign(wanted: list[Column], profiles: list[Profile], scores: dict[str, dict[str, float]]) -> dict[str, Match]:
    """Each column its best header, best pairs first; a header feeds one column."""
    pairs = sorted(
        ((score, col.name, header) for col in wanted for header, score in scores[col.name].items()),
        key=lambda t: (-t[0], [c.name for c in wanted].index(t[1])),
    )
    matches: dict[str, Match] = {}
    used: set[str] = set()
    for score, canonical, header in pairs:
        if score < THRESHOLD or canonical in matches or header in used:
            continue
        _, how = header_score(header, canonical)
        matches[canonical] = Match(canonical, header, min(score, 1.0), how)
        used.add(header)
    return matches


def _by_values(s: Suggestion, wanted: list[Column], profiles: list[Profile], frame: pl.DataFrame) -> None:
    """Required columns no header names, found by their values: the one free column of dates, of school years, or
    a pair of whole-number columns of which one is never above the other (proficient and tested)."""
    used = set(s.columns.values())
    free = [p for p in profiles if p.header not in used and p.filled]
    for col in wanted:
        if col.name in s.matches or not col.required or col.kind not in ("date", "school_year"):
            continue
        fitting = [p for p in free if p.fits(col.kind) >= 0.9 and "timestamp" not in normal(p.header)]
        if len(fitting) == 1:
            s.matches[col.name] = Match(col.name, fitting[0].header, 0.55, f"its values are all {col.kind}s")
            free.remove(fitting[0])
    names = [c.name for c in wanted]
    if "n_tested" in names and "n_tested" not in s.matches:
        counts = [p for p in free if p.fits("int") >= 1 and p.filled]
        proficient = s.matches.get("n_proficient")
        small = next((p for p in profiles if proficient and p.header == proficient.header), None)
        for p in counts:
            if small and never_above(frame, small.column, p.column):
                s.matches["n_tested"] = Match("n_tested", p.header, 0.55, f"never below {small.header!r}")
                break


def _schools_by_name(s: Suggestion) -> None:
    """No column of school ids, but one of school names (a form's dropdown of the district's schools): the names
    are looked up among the stored schools (``schools_by_name``), and no school is created from them."""
    if "school_id" in s.matches or "school_name" not in s.matches or s.source == "schools":
        return
    named = s.matches.pop("school_name")
    s.matches["school_id"] = Match("school_id", named.header, 0.7, "names of schools, looked up among the stored ones")
    s.flags["schools_by_name"] = True
    s.notes.append(f"{named.header!r} names the schools: each name is looked up among the stored schools")


def _respondents(s: Suggestion, profiles: list[Profile]) -> None:
    """A survey summary giving response rates of parents or students besides staff pools its respondents: its
    measures are the school community's, not the staff's."""
    if s.source != "trust" or "respondent_group" in s.matches:
        return
    groups = set()
    for p in profiles:
        words = normal(p.header).split()
        if any(w.startswith("respon") for w in words):
            groups |= {g for w, g in vocabulary().respondents.items() if any(t.startswith(w) for t in words)}
    if len(groups) >= 2:
        s.constants["respondent_group"] = "school_community"
        s.notes.append(
            "the file gives response rates of " + " and ".join(sorted(groups)) + ": its results are taken as the "
            "school community's (respondent_group = school_community), the staff response rate as the one kept"
        )


def _choice(col: Column, value: str) -> str | None:
    lowered = re.sub(r"[\s-]+", "_", value.strip().lower())
    aliases = {k.replace(" ", "_").replace("-", "_"): v for k, v in col.aliases.items()}
    lowered = aliases.get(lowered, lowered)
    if lowered in col.choices:
        return lowered
    folded = normal(value).replace(" ", "_")
    for choice in col.choices:
        if folded in (choice, choice.replace("_", "")) or folded.startswith(choice + "_"):
            return choice
    return None


def _translations(col: Column, p: Profile, s: Suggestion) -> dict[str, str]:
    words = vocabulary()
    table: dict[str, str] = {}
    if col.name == "subject":
        canonical = set(words.subjects.values())
        table = {v: t for v in p.values if (t := translate(v, words.subjects, canonical)) is not None}
    elif col.name == "student_group":
        canonical = set(words.student_groups.values())
        table = {v: t for v in p.values if (t := translate(v, words.student_groups, canonical)) is not None}
    elif col.name == "grade":
        table = {v: "All" for v in p.values if normal(v) in ("all", "all grade", "all grades", "total")}
    elif col.name == "school_year" and p.lone_year >= 0.95:
        table = {v: _spring(int(float(v))) for v in p.values if re.match(r"^\d{4}(\.0)?$", v)}
        s.notes.append(f"{p.header!r} holds lone years: each is the spring of its school year (2019 is 2018-19)")
    elif col.kind == "choice":
        table = {v: c for v in p.values if (c := _choice(col, v)) is not None and c != v}
    return table


def _spring(end: int) -> str:
    return f"{end - 1}-{end % 100:02d}"


def year_from_file_name(file_name: str) -> tuple[str, str] | None:
    """(school year, the mapping's ``from_file_name`` pattern) read from a file's name: '2018-19', '2018-2019',
    '1819' (two years running), else a lone year, the spring of its school year ('survey_2019' is 2018-19)."""
    stem = Path(file_name).stem
    tries = (
        (r"(?<!\d)((?:19|20)\d{2})[-_ ]((?:19|20)\d{2})(?!\d)", r"(?P<start>\d{4})[-_ ](?P<end>\d{4})", 4, 4),
        (r"(?<!\d)((?:19|20)\d{2})[-_ ](\d{2})(?!\d)", r"(?P<start>\d{4})[-_ ](?P<end>\d{2})", 4, 2),
        (r"(?<!\d)([1-4]\d)([1-4]\d)(?!\d)", r"(?P<start>\d{2})(?P<end>\d{2})", 2, 2),
    )
    for find, group, *_ in tries:
        for m in re.finditer(find, stem):
            start, end = int(m.group(1)), int(m.group(2))
            start = start + 2000 if start < 100 else start
            if end % 100 == (start + 1) % 100:
                return _spring(start + 1), _pattern(stem, m, group)
    lone = list(re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", stem))
    if len(lone) == 1:
        m = lone[0]
        return _spring(int(m.group(1))), _pattern(stem, m, r"(?P<end>\d{4})")
    return None


def _pattern(stem: str, m: re.Match, group: str) -> str:
    """The year's group after the letters of the name that precede it ('school_survey_' then the year)."""
    before = re.search(r"[A-Za-z][A-Za-z _-]*$", stem[: m.start()])
    prefix = re.escape(before.group(0)) if before else r"(?<!\d)"
    return prefix + group + r"(?!\d)"


def _missing(source: str, s: Suggestion) -> list[str]:
    spec = SOURCES[source]
    missing = [c.name for c in spec.columns if c.required and c.name not in s.columns and c.name not in s.constants]
    if source == "trust" and not {"mean_score", "pct_favorable"} & set(s.columns):
        missing.append("mean_score or pct_favorable")
    if source == "achievement" and not {"n_proficient", "pct_proficient"} & set(s.columns):
        missing.append("n_proficient or pct_proficient")
    return missing
