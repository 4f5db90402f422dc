"""Board goals and guardrails as the command line and the Goals page manage them (CONTRACT.md, Goals): add one
(checked, and refused when it names no data), remove one, and the list as a caller may read it. Admins and
superintendents add and remove goals; every role reads those whose scope it sees. Each change is one transaction
with its audit entry and a new data version (every page shows it at once). Figures are computed when read, from
the screened tables: a withheld value is ``no_data`` and is never shown."""

from __future__ import annotations

from typing import cast

import polars as pl
import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.core.privacy import Thresholds
from dashboard.core.safe_csv import to_csv_bytes
from dashboard.core.school_year import school_year_label, school_year_start
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import goal_tables, goals, pooled, tables
from dashboard.store import board_records, db
from dashboard.store import settings as settings_mod

MANAGERS = ("superintendent", "admin")
FIGURES = ("baseline", "target", "latest", "expected")
RANGES = {"gap_to_all": (-100.0, 100.0)}  # every other measure is a percent or an index on 0-100


class GoalRefused(ValueError):
    """The goal was not added or removed; the message says why. ``exit_code``: 2 (usage) or 1 (names no data)."""

    exit_code = 2


class GoalNamesNoData(GoalRefused):
    exit_code = 1


def may_manage(caller: access.Caller | None) -> bool:
    """None: the command line, run by whoever runs the database."""
    return caller is None or caller.role in MANAGERS


def _year(text: str | None, what: str) -> int:
    start = school_year_start(text or "")
    if start is None:
        raise GoalRefused(f"{what} must be a school year such as 2025-26 (got {text!r})")
    return start


def _check(spec: dict) -> dict:
    """The goal as stored (``board_records.GOAL_SCHEMA``), from what was asked for; GoalRefused when it cannot be."""
    name = " ".join(str(spec.get("name") or "").split())
    if not name or len(name) > 120 or not name.isprintable():
        raise GoalRefused("a goal needs a name of 1 to 120 printable characters")
    measure = spec.get("measure")
    if measure not in goals.MEASURES:
        raise GoalRefused(f"--measure must be one of {', '.join(goals.MEASURES)} (got {measure!r})")
    try:
        scope = goals.parse_scope(spec.get("scope") or "")
    except ValueError as exc:
        raise GoalRefused(str(exc)) from None
    subject, group = spec.get("subject") or None, spec.get("group") or None
    if measure not in goals.GROUP_MEASURES and (subject or group):
        raise GoalRefused(f"--subject and --group belong to {' and '.join(goals.GROUP_MEASURES)} goals only")
    if measure == "proficiency":
        group = group or ALL_STUDENTS
    if measure == "gap_to_all" and (group is None or group.casefold() == ALL_STUDENTS.casefold()):
        raise GoalRefused("a gap_to_all goal names a student group other than All Students (--group)")
    baseline_year = _year(spec.get("baseline_year"), "--baseline-year")
    low, high = RANGES.get(measure, (0.0, 100.0))
    floor, ceiling = spec.get("floor"), spec.get("ceiling")
    if spec.get("guardrail"):
        if spec.get("target") is not None or spec.get("target_year"):
            raise GoalRefused("a guardrail has a --floor or a --ceiling, not a --target or --target-year")
        if (floor is None) == (ceiling is None):
            raise GoalRefused("a guardrail has exactly one of --floor and --ceiling")
        kind, target, target_year = goals.GUARDRAIL, float(cast(float, floor if floor is not None else ceiling)), None
        bound = goals.FLOOR if floor is not None else goals.CEILING
    else:
        if floor is not None or ceiling is not None:
            raise GoalRefused("--floor and --ceiling belong to a --guardrail")
        if spec.get("target") is None or not spec.get("target_year"):
            raise GoalRefused("a goal has a --target and a --target-year (or is a --guardrail)")
        kind, target, bound = goals.GOAL, float(spec["target"]), None
        target_year = _year(spec.get("target_year"), "--target-year")
        if target_year <= baseline_year:
            raise GoalRefused("the target year must come after the baseline year")
    if not low <= target <= high:
        raise GoalRefused(f"a {measure} value lies between {low:g} and {high:g} (got {target:g})")
    return {
        "name": name,
        "kind": kind,
        "measure": measure,
        "scope": spec["scope"].strip() if scope.kind == "district" else f"{scope.kind}:{scope.name}",
        "subject": subject,
        "student_group": group,
        "baseline_year": baseline_year,
        "target": target,
        "target_year": target_year,
        "bound": bound,
    }


def _named_in(values: list[str], asked: str | None, what: str, where: str) -> str | None:
    """The data's own spelling of a subject or group asked for in any case; GoalNamesNoData when it has none."""
    if asked is None:
        return None
    found = next((v for v in values if v.casefold() == asked.casefold()), None)
    if found is None:
        raise GoalNamesNoData(f"there is no {what} {asked!r} in the data of {where}")
    return found


def _against_the_data(conn: sa.Connection, goal: dict) -> dict:
    """The goal with its subject and group spelled as the data spells them; GoalNamesNoData when its scope has no
    school, or its measure no rows in the baseline year."""
    scope = goals.parse_scope(goal["scope"])
    schools = tables.schools(conn)
    covered = goals.scope_schools(scope, schools)
    if not covered:
        raise GoalNamesNoData(f"{goal['scope']} names no school")
    t = Thresholds.from_settings(settings_mod.load(conn))
    frames = goal_tables.frames(conn, t, covered)
    if goal["measure"] in goals.GROUP_MEASURES:
        goal["subject"] = _named_in(
            frames.cells["subject"].unique().to_list(), goal["subject"], "subject", goal["scope"]
        )
        goal["student_group"] = _named_in(
            frames.cells["student_group"].unique().to_list(), goal["student_group"], "student group", goal["scope"]
        )
    series = pooled.measure(goal["measure"], frames, t, goal["subject"], goal["student_group"])
    if series.filter(pl.col("year_start") == goal["baseline_year"]).is_empty():
        source = pooled.SOURCE_OF[goal["measure"]]
        raise GoalNamesNoData(
            f"the goal names no data: {goal['scope']} has no {source} results"
            f"{' for ' + goal['student_group'] if goal['student_group'] else ''}"
            f"{' in ' + goal['subject'] if goal['subject'] else ''} in {school_year_label(goal['baseline_year'])}"
        )
    return goal


def add(engine: sa.Engine, spec: dict, by: str, caller: access.Caller | None = None) -> str:
    """Add a goal or guardrail (``spec``: name, measure, scope, subject, group, baseline_year, and target and
    target_year, or guardrail with floor or ceiling); returns a sentence. PermissionError for a role that may not."""
    if not may_manage(caller):
        raise PermissionError("only an admin or a superintendent adds board goals")
    goal = _check(spec)
    with engine.begin() as conn:
        if board_records.goal_exists(conn, goal["name"]):
            raise GoalRefused(f"there is a goal named {goal['name']!r} already")
        goal = _against_the_data(conn, goal)
        board_records.insert_goal(conn, goal, by)
        audit.record(conn, by, "goal_change", f"added {goal['kind']} {goal['name']}: {goal['measure']} {goal['scope']}")
        db.bump_data_version(conn)
    return f"added {goal['kind']} {goal['name']!r}"


def remove(engine: sa.Engine, name: str, by: str, caller: access.Caller | None = None) -> str:
    if not may_manage(caller):
        raise PermissionError("only an admin or a superintendent removes board goals")
    with engine.begin() as conn:
        if not board_records.delete_goal(conn, name):
            raise GoalRefused(f"there is no goal named {name!r}")
        audit.record(conn, by, "goal_change", f"removed goal {name}")
        db.bump_data_version(conn)
    return f"removed {name!r}"


def rounded(table: pl.DataFrame) -> pl.DataFrame:
    """``goals list`` as printed: ``LIST_COLUMNS``, figures to one decimal, blank where there is none."""
    return table.select(
        [
            pl.col(k).map_elements(lambda v: f"{v:.1f}", return_dtype=pl.String, skip_nulls=True).alias(k)
            if k in FIGURES
            else pl.col(k)
            for k in goals.LIST_COLUMNS
        ]
    )


def table_for(engine: sa.Engine, caller: access.Caller | None = None) -> pl.DataFrame:
    """The goals the caller may read (None: every goal, as a superintendent reads them), evaluated, unrounded."""
    scope = None if caller is None or caller.scope is None else list(caller.scope)
    with db.reading(engine) as conn:
        return goal_tables.evaluated(conn, scope)[0]


def list_csv(engine: sa.Engine, caller: access.Caller | None = None) -> bytes:
    return to_csv_bytes(rounded(table_for(engine, caller)))
