"""The sample district's board goals, guardrails and timeline notes, added with the demo (``dashboard.services.demo``)
so the Goals page, the School profile and the board pack have something to show: goals of the district, a network
and the demo coach's first school, a guardrail, and notes of each kind, one of them internal."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from dashboard.services import goals, notes

BY = "demo"
GOALS = (
    dict(name="All Students math proficiency to 60% by 2027-28", measure="proficiency", scope="district",
         subject="Math", baseline_year="2022-23", target=60, target_year="2027-28"),
    dict(name="Halve the Black/African American ELA gap by 2027-28", measure="gap_to_all", scope="district",
         subject="ELA", group="Black/African American", baseline_year="2022-23", target=-6.4, target_year="2027-28"),
    dict(name="Trust index of 70 by 2026-27", measure="trust_index", scope="district", baseline_year="2022-23",
         target=70, target_year="2026-27"),
    dict(name="Teams meet in 85% of school weeks by 2026-27", measure="cpl_consistency", scope="district",
         baseline_year="2022-23", target=85, target_year="2026-27"),
    dict(name="South Network readiness of 80% by 2026-27", measure="readiness_pct_ready",
         scope="network:South Network", baseline_year="2022-23", target=80, target_year="2026-27"),
    dict(name="Crystal Valley ELA proficiency to 70% by 2026-27", measure="proficiency", scope="school:S001",
         subject="ELA", baseline_year="2022-23", target=70, target_year="2026-27"),
    dict(name="Students with Disabilities stay at or above 30% proficient", measure="proficiency",
         scope="district", group="Students with Disabilities", baseline_year="2022-23", guardrail=True, floor=30),
)  # fmt: skip
NOTES = (
    (dt.date(2024, 8, 12), None, "event", False, "District strategic plan adopted"),
    (dt.date(2024, 8, 19), "S001", "leadership", False, "New principal"),
    (dt.date(2025, 1, 13), "S002", "program", False, "Moved to the new model after the staff vote"),
    (dt.date(2024, 10, 7), "S003", "event", True, "Coach on leave for the autumn term"),
)


def add_demo_goals(engine: sa.Engine) -> int:
    """Add the sample goals and notes (each that its data allows); returns how many were added."""
    added = 0
    for spec in GOALS:
        try:
            goals.add(engine, dict(spec), BY)
            added += 1
        except goals.GoalRefused:  # a sample of other shape (fewer years, other names): that goal is left out
            continue
    for day, school_id, kind, internal, text in NOTES:
        try:
            notes.add(engine, day, text, BY, school_id=school_id, kind=kind, internal=internal)
            added += 1
        except notes.NoteRefused:
            continue
    return added
