"""Streamlit helpers shared by the pages: cached data access, the shared filters, chart and table rendering, and
footnotes. Pages call these; the shaping of data lives in ``dashboard.views`` and the figures in
``dashboard.charts``.

Caching: every cached function takes plain values only, always including the caller's scope and the data version
(the counter raised by every load), so one user's figures never reach another and a load is seen at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import sqlalchemy as sa
import streamlit as st

from dashboard import computed, db, export
from dashboard import settings as settings_mod
from dashboard.privacy import Thresholds
from dashboard.schema import import_log
from dashboard.views import ALL

# --- access control seam ---------------------------------------------------------------------------------------

def current_scope() -> tuple[str, ...] | None:
    """The schools the current user may see: None means every school. Access control (login, roles) will replace
    this; every data function below already takes the scope as part of its cache key."""
    return None


def _ids(scope: tuple[str, ...] | None) -> list[str] | None:
    return None if scope is None else list(scope)


# --- engine and data ---------------------------------------------------------------------------------------------

@st.cache_resource
def engine(url: str) -> sa.Engine:
    return db.make_engine(url)


def get_engine() -> sa.Engine:
    return engine(db.resolve_url())


def check_database() -> None:
    """Stop the run with a plain error (never a traceback) when the database is unreachable or not initialised."""
    try:
        db.require_schema(get_engine())
    except db.DatabaseUnavailable as exc:
        st.error(f"The dashboard cannot open its database: {exc}.")
        st.info("Ask your data administrator to run `district-dashboard init` (and load the district's files), "
                "or start the app with `district-dashboard serve --demo` to explore the sample district.")
        st.stop()
    except Exception as exc:  # a malformed URL or a missing driver: still a sentence, not a traceback
        st.error(f"The dashboard cannot open its database ({type(exc).__name__}: {exc}).")
        st.info("Check the database address in DASHBOARD_DB_URL or the --db option.")
        st.stop()


def data_version() -> int:
    with get_engine().connect() as conn:
        return db.data_version(conn)


@st.cache_data(max_entries=64, ttl=3600)
def _settings(url: str, version: int) -> dict[str, float]:
    with engine(url).connect() as conn:
        return settings_mod.load(conn)


def settings_values() -> dict[str, float]:
    return _settings(db.resolve_url(), data_version())


def thresholds() -> Thresholds:
    return Thresholds.from_settings(settings_values())


TABLES = ("school_summary", "achievement_cells", "trust_results", "cpl_cadence", "readiness")


@st.cache_data(max_entries=64, ttl=3600, show_spinner="Reading the district's data ...")
def _table(url: str, name: str, scope: tuple[str, ...] | None, version: int) -> pl.DataFrame:
    with engine(url).connect() as conn:
        values = settings_mod.load(conn)
        t = Thresholds.from_settings(values)
        ids = _ids(scope)
        if name == "school_summary":
            return computed.school_summary(conn, values, ids)
        if name == "achievement_cells":
            return computed.achievement_cells(conn, t, ids)
        if name == "trust_results":
            return computed.trust_results(conn, t, ids)
        if name == "cpl_cadence":
            return computed.cpl_cadence(conn, ids)
        if name == "readiness":
            return computed.readiness(conn, t, ids)
    raise ValueError(f"unknown table {name}")


def table(name: str) -> pl.DataFrame:
    """A computed table for the current user's scope at the current data version."""
    return _table(db.resolve_url(), name, current_scope(), data_version())


@st.cache_data(max_entries=16, ttl=3600)
def _import_log(url: str, version: int) -> pl.DataFrame:
    with engine(url).connect() as conn:
        rows = conn.execute(sa.select(import_log).order_by(import_log.c.id)).mappings().all()
    schema = {c.name: pl.String for c in import_log.columns}
    schema.update({"id": pl.Int64, "rows_in_file": pl.Int64, "rows_inserted": pl.Int64, "rows_replaced": pl.Int64,
                   "rows_removed": pl.Int64, "schools_created": pl.Int64})
    return pl.DataFrame([{k: (str(v) if schema[k] == pl.String and v is not None else v) for k, v in r.items()}
                         for r in rows], schema=schema)


def import_history() -> pl.DataFrame:
    return _import_log(db.resolve_url(), data_version())


def latest_import_date() -> str | None:
    log = import_history()
    loaded = log.filter(pl.col("status") == "loaded") if log.height else log
    return None if loaded.is_empty() else str(loaded["loaded_at"].max())[:10]


# --- shared filters ----------------------------------------------------------------------------------------------
# Each value lives under a plain session key (``filter_<name>``), is re-seeded into its widget key every run,
# written to the URL every run, and seeded from the URL only when the session key is absent (NOTES.md).

FILTER_NAMES = ("year", "network", "level", "school", "subject", "group")


def _session_key(name: str) -> str:
    return f"filter_{name}"


def select_filter(name: str, label: str, choices: Sequence[str], *, default: str | None = None,
                  labels: dict[str, str] | None = None, sidebar: bool = True) -> str | None:
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

    place = st.sidebar if sidebar else st
    place.selectbox(label, choices, key=widget, on_change=_changed,
                    format_func=(lambda v: labels.get(v, v)) if labels else str)
    st.query_params[name] = st.session_state[key]
    return st.session_state[key]


def sync_query_params() -> None:
    """Write every shared filter held in the session to the URL (navigation links drop the query string)."""
    for name in FILTER_NAMES:
        value = st.session_state.get(_session_key(name))
        if value is not None:
            st.query_params[name] = value


def network_level_filters(frame: pl.DataFrame) -> tuple[str, str]:
    from dashboard.views import options
    network = select_filter("network", "Network", [ALL, *options(frame, "network")],
                            labels={ALL: "All networks"})
    level = select_filter("level", "Level", [ALL, *options(frame, "level")], labels={ALL: "All levels"})
    return network or ALL, level or ALL


def school_filter(frame: pl.DataFrame, *, allow_all: bool = True) -> str | None:
    names = dict(frame.select("school_id", "school_name").unique().sort("school_name").iter_rows()) \
        if frame.height else {}
    choices = ([ALL] if allow_all else []) + list(names)
    return select_filter("school", "School", choices, labels={ALL: "All schools", **names})


# --- rendering ---------------------------------------------------------------------------------------------------

def show_chart(fig: go.Figure, data_frame: pl.DataFrame | None, key: str, note: str | None = None) -> None:
    """The chart, then its data in an expander with a CSV download (the same withheld blanks as the chart)."""
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key=f"chart_{key}")
    if note:
        st.caption(note)
    if data_frame is not None and data_frame.height:
        with st.expander("Data table"):
            show_table(data_frame, key)


def show_table(frame: pl.DataFrame, key: str) -> None:
    st.dataframe(frame, width="stretch", hide_index=True)
    st.download_button("Download CSV", data=export.to_csv_bytes(frame), file_name=f"{key}.csv", mime="text/csv",
                       key=f"download_{key}")


def footnote(extra: str | None = None) -> None:
    """Privacy rule and source line under every page."""
    latest = latest_import_date()
    source = (f"Source: district files loaded through {latest}." if latest
              else "Source: no district files loaded yet.")
    st.caption(" ".join(x for x in (extra, thresholds().footnote(), source) if x))


def page_header(title: str, intro: str) -> None:
    st.title(title)
    st.caption(intro)


# --- loading -----------------------------------------------------------------------------------------------------

def load_upload(upload, source: str, mapping_upload=None):
    """Validate and load one uploaded file (and optional mapping) through the loader, under the upload's name."""
    import tempfile
    from pathlib import Path

    from dashboard.loader import FileToLoad, load_files

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        mapping_path = None
        if mapping_upload is not None:
            mapping_path = Path(tmp) / Path(mapping_upload.name).name
            mapping_path.write_bytes(mapping_upload.getvalue())
        return load_files(get_engine(), [FileToLoad(path, source, mapping_path, display_name=upload.name)],
                          user="app upload")
