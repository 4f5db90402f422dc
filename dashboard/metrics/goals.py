"""Board goals and guardrails (CONTRACT.md, Goals), pure: a goal's baseline read from the data, the value expected
on the straight path from baseline to target, and its status; a guardrail's, holding or breached.

A goal names a measure (``pooled.MEASURES``) over a scope (``district``, ``network:NAME``, ``school:ID``), a baseline
year, a target and a target year. Its figures come from ``dashboard.metrics.pooled`` over the scope's schools, so a
district goal reads what the district figure reads. The direction is the sign of target - baseline; ``latest_year``
is the newest year after the baseline year with data of the measure's source in the scope, and a value withheld
there is ``no_data`` (never an older year instead). ``expected`` lies on the straight line from baseline to target,
and is the target after the target year. Status, computed before any rounding: ``met`` when direction x (latest -
target) >= 0; ``on_track`` when direction x (latest - expected) >= -tolerance; ``off_track`` otherwise; ``no_data``
when the baseline or latest value is missing or withheld, or no year follows the baseline. A guardrail (a floor or a
ceiling) is ``holding`` or ``breached`` by the latest value.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_label
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import pooled

c = pl.col

MEASURES = tuple(pooled.MEASURES)
GROUP_MEASURES = ("proficiency", "gap_to_all")  # the measures of a student group, in a subject (or all subjects)
GOAL, GUARDRAIL = "goal", "guardrail"
MET, ON_TRACK, OFF_TRACK, NO_DATA = "met", "on_track", "off_track", "no_data"
HOLDING, BREACHED = "holding", "breached"
FLOOR, CEILING = "floor", "ceiling"
LIST_COLUMNS = [
    "name",
    "kind",
    "measure",
    "scope",
    "subject",
    "student_group",
    "baseline_year",
    "baseline",
    "target",
    "target_year",
    "latest_year",
    "latest",
    "expected",
    "status",
]
SERIES_SCHEMA = {
    "name": pl.String,
    "year_start": pl.Int64,
    "actual": pl.Float64,
    "withheld": pl.Boolean,  # the year has data of the measure's source, and its value is withheld (or uncountable)
    "expected": pl.Float64,
}


# --- scopes ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str  # district | network | school
    name: str | None = None  # the network's name or the school's id

    @property
    def order(self) -> int:
        """District goals first, then networks', then schools'."""
        return ("district", "network", "school").index(self.kind)


def parse_scope(text: str) -> Scope:
    """``district``, ``network:NAME`` or ``school:ID``; ValueError for anything else."""
    text = (text or "").strip()
    if text == "district":
        return Scope("district")
    kind, _, name = text.partition(":")
    if kind in ("network", "school") and name.strip():
        return Scope(kind, name.strip())
    raise ValueError(f"a scope is district, network:NAME or school:ID (got {text!r})")


def scope_schools(scope: Scope, schools: pl.DataFrame) -> list[str]:
    """The ids of the schools a scope covers (``schools``: every school, with its network)."""
    if scope.kind == "district":
        return schools["school_id"].to_list()
    column = "network" if scope.kind == "network" else "school_id"
    return schools.filter(c(column) == scope.name)["school_id"].to_list()


def visible(goals: pl.DataFrame, schools: pl.DataFrame, school_ids: list[str] | None) -> pl.DataFrame:
    """The goals a caller seeing the schools ``school_ids`` (None: every school) may read: those whose every school
    it sees. A district goal is a district-wide role's; a network's, a role that sees all the network's schools."""
    if school_ids is None or goals.is_empty():
        return goals
    seen = set(school_ids)

    def sees(scope_text: str) -> bool:
        scope = parse_scope(scope_text)
        covered = scope_schools(scope, schools)
        return scope.kind != "district" and bool(covered) and set(covered) <= seen

    return goals.filter(c("scope").map_elements(sees, return_dtype=pl.Boolean))


# --- the path and the status -------------------------------------------------------------------------------------


def expected_value(baseline: float, target: float, baseline_year: int, target_year: int, year: int) -> float:
    """On the straight line from the baseline (in the baseline year) to the target (in the target year); the
    target itself after the target year."""
    if year >= target_year:
        return target
    return baseline + (target - baseline) * (year - baseline_year) / (target_year - baseline_year)


def goal_status(
    baseline: float | None, latest: float | None, target: float, expected: float | None, tolerance: float
) -> str:
    if baseline is None or latest is None or expected is None:
        return NO_DATA
    direction = (target > baseline) - (target < baseline)
    if direction * (latest - target) >= 0:
        return MET
    if direction * (latest - expected) >= -tolerance:
        return ON_TRACK
    return OFF_TRACK


def guardrail_status(latest: float | None, bound: str, value: float) -> str:
    if latest is None:
        return NO_DATA
    holds = latest >= value if bound == FLOOR else latest <= value
    return HOLDING if holds else BREACHED


# --- evaluation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluated:
    """A goal's row of ``goals list`` (``LIST_COLUMNS``, unrounded) with the schools it covers, and its series:
    the actual value of every year from the baseline year on, and the expected one on its path."""

    row: dict
    series: pl.DataFrame


def _value(series: pl.DataFrame, year: int | None) -> float | None:
    if year is None:
        return None
    hit = series.filter(c("year_start") == year)
    return None if hit.is_empty() else hit["value"][0]


def evaluate_goal(
    goal: dict, frames: pooled.Frames, schools: pl.DataFrame, t: Thresholds, tolerance: float
) -> Evaluated:
    """``goal``: a row of the stored goals (``store.board_records.GOAL_SCHEMA``); ``frames``: the screened tables,
    of at least the scope's schools; ``schools``: every school with its network."""
    covered = scope_schools(parse_scope(goal["scope"]), schools)
    series = pooled.measure(goal["measure"], frames.of_schools(covered), t, goal["subject"], goal["student_group"])
    base_year = goal["baseline_year"]
    after = series.filter(c("year_start") > base_year)
    latest_year = after["year_start"].max() if after.height else None
    baseline, latest = _value(series, base_year), _value(series, latest_year)  # type: ignore[arg-type]
    target = goal["target"]
    expected = None
    if goal["kind"] == GUARDRAIL:
        status = guardrail_status(latest, goal["bound"], target)
    else:
        if baseline is not None and latest_year is not None:
            expected = expected_value(baseline, target, base_year, goal["target_year"], latest_year)  # type: ignore[arg-type]
        status = goal_status(baseline, latest, target, expected, tolerance)
    row = {
        **{k: goal.get(k) for k in ("name", "kind", "measure", "scope", "subject", "student_group")},
        "baseline_year": school_year_label(base_year),
        "baseline": baseline,
        "target": target,
        "target_year": None if goal.get("target_year") is None else school_year_label(goal["target_year"]),
        "latest_year": None if latest_year is None else school_year_label(latest_year),  # type: ignore[arg-type]
        "latest": latest,
        "expected": expected,
        "status": status,
        "bound": goal.get("bound"),
        "schools": len(covered),
    }
    return Evaluated(row, _series(goal, series, baseline))


def _series(goal: dict, series: pl.DataFrame, baseline: float | None) -> pl.DataFrame:
    """Actual values from the baseline year on (withheld ones blank, and marked), and the path: each year from the
    baseline year to the target year (a guardrail's line is its bound, every year)."""
    base_year = goal["baseline_year"]
    actual = series.filter(c("year_start") >= base_year).select("year_start", c("value").alias("actual"), "withheld")
    last = max([*actual["year_start"].to_list(), goal.get("target_year") or base_year])
    years = pl.DataFrame({"year_start": list(range(base_year, last + 1))}, schema={"year_start": pl.Int64})
    if goal["kind"] == GUARDRAIL:
        path = [goal["target"]] * years.height
    elif baseline is None:
        path = [None] * years.height
    else:
        target_year = goal["target_year"]
        path = [
            expected_value(baseline, goal["target"], base_year, target_year, y) if y <= target_year else None
            for y in years["year_start"]
        ]
    out = years.with_columns(pl.Series("expected", path, dtype=pl.Float64)).join(actual, on="year_start", how="left")
    return out.select(
        pl.lit(goal["name"]).alias("name"), "year_start", "actual", c("withheld").fill_null(False), "expected"
    )


def reads(goals: pl.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What evaluating ``goals`` reads: the sources of their measures (``pooled.SOURCE_OF``) and the student groups
    of their achievement measures (a goal naming no group reads All Students; a gap reads All Students beside its
    group), each sorted. A measure reads its own group's rows alone, so the rest need not be read; no goal, nothing."""
    sources: set[str] = set()
    groups: set[str] = set()
    for goal in goals.iter_rows(named=True):
        sources.add(pooled.SOURCE_OF[goal["measure"]])
        if goal["measure"] in GROUP_MEASURES:
            groups.add(goal["student_group"] or ALL_STUDENTS)
        if goal["measure"] == "gap_to_all":
            groups.add(ALL_STUDENTS)
    return tuple(sorted(sources)), tuple(sorted(groups))


def evaluate(
    goals: pl.DataFrame, frames: pooled.Frames, schools: pl.DataFrame, t: Thresholds, tolerance: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every goal evaluated, district goals first (then networks', then schools', each in the order added): one
    row per goal (``LIST_COLUMNS``, unrounded, with ``bound`` and ``schools``), and one row per goal and year of
    its series (``SERIES_SCHEMA``)."""
    rows, series = [], []
    ordered = sorted(goals.iter_rows(named=True), key=lambda g: parse_scope(g["scope"]).order)
    for goal in ordered:
        done = evaluate_goal(goal, frames, schools, t, tolerance)
        rows.append(done.row)
        series.append(done.series)
    schema = {
        **dict.fromkeys(LIST_COLUMNS, pl.String),
        **dict.fromkeys(("baseline", "target", "latest", "expected"), pl.Float64),
        "bound": pl.String,
        "schools": pl.Int64,
    }
    table = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return table, (pl.concat(series) if series else pl.DataFrame(schema=SERIES_SCHEMA))
