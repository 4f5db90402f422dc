"""The shared filters (year, network, level, school, subject, student group): each value lives under a plain session
key (``filter_<name>``), is re-seeded into its widget key every run, written to the URL every run, and seeded from
the URL only when the session key is absent (NOTES.md)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.present.common import ALL, filter_choices
from dashboard.ui.cache import data, view
from dashboard.ui.state import presenting

FILTER_NAMES = ("year", "network", "level", "school", "subject", "group")


def _session_key(name: str) -> str:
    return f"filter_{name}"


def select_filter(
    name: str,
    label: str,
    choices: Sequence[str],
    *,
    default: str | None = None,
    labels: dict[str, str] | None = None,
    sidebar: bool = True,
) -> str | None:
    """A shared filter as a selectbox: the same value follows the user from page to page and into the URL."""
    choices = list(choices)
    if not choices:
        return None
    key = _session_key(name)
    if key not in st.session_state:
        from_url = st.query_params.get(name)
        st.session_state[key] = from_url if from_url in choices else None
    if st.session_state[key] not in choices:
        st.session_state[key] = default if default in choices else choices[0]
    widget = f"w_{name}"
    st.session_state[widget] = st.session_state[key]

    def _changed() -> None:
        st.session_state[key] = st.session_state[widget]

    if not presenting():  # presentation mode draws no sidebar at all: the view comes from the URL
        place = st.sidebar if sidebar else st
        place.selectbox(
            label, choices, key=widget, on_change=_changed, format_func=(lambda v: labels.get(v, v)) if labels else str
        )
    st.query_params[name] = st.session_state[key]
    return st.session_state[key]


def sync_query_params() -> None:
    """Write every shared filter held in the session to the URL (navigation links drop the query string)."""
    for name in FILTER_NAMES:
        value = st.session_state.get(_session_key(name))
        if value is not None:
            st.query_params[name] = value
    if presenting():
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def choices(
    table_name: str, *, school: str | None = None, groups: tuple[str, ...] | None = None, subject: str | None = None
):
    """The filter values of a computed table (``FilterChoices``; of the rows narrowed as ``data`` narrows
    them), cached with the table."""
    return view(filter_choices, data(table_name, school=school, groups=groups, subject=subject))


def network_level_filters(offered) -> tuple[str, str]:
    network = select_filter("network", "Network", [ALL, *offered.networks], labels={ALL: "All networks"})
    level = select_filter("level", "Level", [ALL, *offered.levels], labels={ALL: "All levels"})
    return network or ALL, level or ALL


def school_filter(offered, *, allow_all: bool = True, network: str = ALL, level: str = ALL) -> str | None:
    """The school picker, listing the schools of the network and level chosen above it (a school chosen before,
    elsewhere, gives way to the first choice)."""
    names = offered.schools_in(network, level)
    options = ([ALL] if allow_all else []) + list(names)
    return select_filter("school", "School", options, labels={ALL: "All schools", **names})
