"""The Goals page's forms (admins and superintendents add and remove goals and timeline notes), the notes a caller
reads (never an internal one for the board role), and the School profile's brief button. Each change goes through
one service (``dashboard.services.goals`` and ``.notes``), which checks the role again, writes the audit entry and
raises the data version; the page then runs again to show it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.auth import access
from dashboard.core.school_year import school_year_label
from dashboard.core.text import markdown_literal
from dashboard.metrics import goals as goal_metrics
from dashboard.metrics import pooled
from dashboard.metrics.timeline import KINDS
from dashboard.present.common import FilterChoices
from dashboard.present.goals import goal_reads
from dashboard.services import brief, goals, notes
from dashboard.ui.cache import Data, data, view
from dashboard.ui.data import get_engine, read_data_version

FLASH_KEY = "goals_flash"  # the sentence saying what the last change did, shown after the rerun it asks for
ALL_SUBJECTS = "(all subjects)"


def notes_data(school: str | None = None) -> Data:
    """The timeline notes the signed-in caller reads, as a view's input: the district's and its schools' (or one
    school's), the internal ones for every role but the board's."""
    name = "timeline_notes_internal" if notes.sees_internal(access.current()) else "timeline_notes"
    return data(name, school=school)


def goal_data() -> list[Data | None]:
    """The Goals page's four sources (school cells, trust results, CPL cadence, readiness votes), each read only if
    a goal the caller may read needs it, and the cells only of the student groups the goals name (``goal_reads``):
    at 2,000 schools the whole of the four is 1.2 million rows, a district without goals reads none of them."""
    sources, groups = view(goal_reads, data("goals"))
    wanted = {
        "achievement": data("school_cells", groups=groups),
        "trust": data("trust_results"),
        "cpl": data("cpl_cadence"),
        "readiness": data("readiness"),
    }
    return [table if name in sources else None for name, table in wanted.items()]


def may_manage() -> bool:
    return access.current().role in goals.MANAGERS


def _done(message: str) -> None:
    read_data_version()
    st.session_state[FLASH_KEY] = (True, message)
    st.rerun()


def _refused(message: str) -> None:
    st.session_state[FLASH_KEY] = (False, message)


def _flash() -> None:
    shown = st.session_state.pop(FLASH_KEY, None)
    if shown:
        ok, message = shown
        (st.success if ok else st.error)(markdown_literal(message))


def _scopes(offered: FilterChoices) -> dict[str, str]:
    return {
        "district": "The district",
        **{f"network:{n}": f"{n} (network)" for n in offered.networks},
        **{f"school:{sid}": f"{name} ({sid})" for sid, name in offered.schools.items()},
    }


def goal_forms(offered: FilterChoices, cells: FilterChoices, goal_names: list[str]) -> None:
    """Add a goal or guardrail, and remove one (``offered``: the schools and networks; ``cells``: the subjects and
    student groups of the achievement results)."""
    caller = access.current()
    _flash()
    with st.expander("Add a goal or guardrail"), st.form("goal_add", clear_on_submit=True):
        name = st.text_input("Name", placeholder="Math proficiency to 60% by 2027-28")
        measure = st.selectbox(
            "Measure", goal_metrics.MEASURES, format_func=lambda m: pooled.MEASURES[m][0].capitalize()
        )
        scopes = _scopes(offered)
        scope = st.selectbox("For", list(scopes), format_func=lambda k: scopes[k])
        subject = st.selectbox("Subject (proficiency and gap goals)", [ALL_SUBJECTS, *cells.subjects])
        group = st.selectbox("Student group (proficiency and gap goals)", cells.groups or ["All Students"])
        baseline = st.text_input("Baseline year", placeholder="2022-23")
        kind = st.radio("Kind", ["goal", "guardrail"], horizontal=True)
        target = st.number_input("Target (a goal), or the floor or ceiling (a guardrail)", value=None, step=0.5)
        target_year = st.text_input("Target year (a goal)", placeholder="2027-28")
        bound = st.radio("A guardrail holds", ["at or above (floor)", "at or below (ceiling)"], horizontal=True)
        if st.form_submit_button("Add"):
            group_measure = measure in goal_metrics.GROUP_MEASURES
            spec = {
                "name": name,
                "measure": measure,
                "scope": scope,
                "subject": subject if group_measure and subject != ALL_SUBJECTS else None,
                "group": group if group_measure else None,
                "baseline_year": baseline,
                "guardrail": kind == "guardrail",
                "target": target if kind == "goal" else None,
                "target_year": target_year if kind == "goal" else None,
                "floor": target if kind == "guardrail" and bound.endswith("(floor)") else None,
                "ceiling": target if kind == "guardrail" and bound.endswith("(ceiling)") else None,
            }
            try:
                _done(goals.add(get_engine(), spec, caller.username, caller))
            except (goals.GoalRefused, PermissionError) as exc:
                _refused(str(exc))
                _flash()
    if goal_names:
        with st.expander("Remove a goal or guardrail"), st.form("goal_remove"):
            chosen = st.selectbox("Goal", goal_names)
            if st.form_submit_button("Remove") and chosen:
                try:
                    _done(goals.remove(get_engine(), chosen, caller.username, caller))
                except (goals.GoalRefused, PermissionError) as exc:
                    _refused(str(exc))
                    _flash()


def note_forms(offered: FilterChoices, listed: dict[int, str]) -> None:
    """Add a timeline note for the district or one school, and remove one (``listed``: id -> how it reads)."""
    caller = access.current()
    with st.expander("Add a timeline note"), st.form("note_add", clear_on_submit=True):
        day = st.date_input("Date", value=dt.date.today())
        places = {"": "The district", **{sid: f"{n} ({sid})" for sid, n in offered.schools.items()}}
        school = st.selectbox("For", list(places), format_func=lambda k: places[k])
        kind = st.selectbox("Kind", KINDS, help="A break (a new test, new cut scores) leaves no change across it")
        internal = st.checkbox("Internal (never shown to the board or in a board pack)")
        text = st.text_input("Note", placeholder="New principal")
        if st.form_submit_button("Add note"):
            try:
                note_id = notes.add(get_engine(), day, text, caller.username, school or None, kind, internal, caller)
                _done(f"Added note {note_id}.")
            except (notes.NoteRefused, PermissionError) as exc:
                _refused(str(exc))
                _flash()
    if listed:
        with st.expander("Remove a timeline note"), st.form("note_remove"):
            chosen = st.selectbox("Note", list(listed), format_func=lambda k: listed[k])
            if st.form_submit_button("Remove note") and chosen is not None:
                try:
                    _done(notes.remove(get_engine(), int(chosen), caller.username, caller))
                except (notes.NoteRefused, PermissionError) as exc:
                    _refused(str(exc))
                    _flash()


def brief_button(school_id: str, year_start: int) -> None:
    """Download the school's brief (PDF) as the signed-in caller may see it: built when clicked, recorded in the
    audit log."""
    caller = access.current()
    year = school_year_label(year_start)
    st.download_button(
        f"Download the school brief, {year} (PDF)",
        data=lambda: brief.build(get_engine(), caller, school_id, year, audit=True)[1],
        file_name=f"brief_{school_id}_{year}.pdf",
        mime="application/pdf",
        key="school_brief",
    )
