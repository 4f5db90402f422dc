"""The app's data, read once per data version: the engine, the start of every run (schema check, data version,
accounts and settings), the settings and thresholds, the computed tables, the district benchmark and the import log.

Caching: every cached function takes plain values only, always including the caller's scope and the data version
(the counter raised by every load), so one user's figures never reach another and a load is seen at once. The
computed tables are polars frames, which no code changes in place, so they are kept as shared resources
(``st.cache_resource``) rather than as ``st.cache_data``'s pickled copies: that pickled every table when it was read
and unpickled the whole of it again for every view built from it (0.3 s of a cold district page at 2,000 schools,
and a table's full copy on every new filter value). The settings, a dict, stay ``st.cache_data``, copied per caller.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from dashboard.core.privacy import Thresholds
from dashboard.metrics import goal_tables, tables
from dashboard.store import db
from dashboard.store import settings as settings_mod
from dashboard.store.schema import import_log
from dashboard.ui import login
from dashboard.ui.state import current_scope
from dashboard.ui.state import ids as _ids


@st.cache_resource
def engine(url: str) -> sa.Engine:
    return db.make_engine(url)


def get_engine() -> sa.Engine:
    return engine(db.resolve_url())


def start_run() -> login.RunAccounts:
    """The start of every run (the entrypoint's first call), in one connection: the schema check, the data version
    (raised by every load and undo: read once, so every cached read of the run is keyed by the same version and a
    page never mixes data from before and after a load) and the accounts and settings as stored now. One
    connection, not three: on PostgreSQL each costs round trips of its own (a ping, BEGIN, ROLLBACK) on every run.
    Stops the run with a plain error (never a traceback) when the database is unreachable or not initialised."""
    try:
        engine = get_engine()
        try:
            with db.reading(engine) as conn:
                db.require_schema_on(conn)
                values = db.meta_values(conn)  # the data version and the demo marks: one statement
                version = db.data_version(conn, values)
                run = login.read_accounts(conn, values)
        except sa.exc.OperationalError as exc:
            raise db.unreachable(engine, exc) from exc
    except db.DatabaseUnavailable as exc:
        st.error(f"The dashboard cannot open its database: {exc}.")
        st.info(
            "Ask your data administrator to run `district-dashboard init` (and load the district's files), "
            "or start the app with `district-dashboard serve --demo` to explore the sample district."
        )
        st.stop()
    except Exception as exc:  # a malformed URL or a missing driver: still a sentence, not a traceback
        st.error(f"The dashboard cannot open its database ({type(exc).__name__}: {exc}).")
        st.info("Check the database address in DASHBOARD_DB_URL or the --db option.")
        st.stop()
    st.session_state[RUN_VERSION_KEY] = version
    return run


RUN_VERSION_KEY = "_data_version_this_run"


def read_data_version() -> int:
    """Read the data version again within a run (after this session's own load or undo), for the rest of it."""
    with db.reading(get_engine()) as conn:
        version = db.data_version(conn)
    st.session_state[RUN_VERSION_KEY] = version
    return version


def data_version() -> int:
    version = st.session_state.get(RUN_VERSION_KEY)
    return read_data_version() if version is None else version


@st.cache_data(max_entries=64, ttl=3600)
def _settings(url: str, version: int) -> dict[str, float]:
    with db.reading(engine(url)) as conn:
        return settings_mod.load(conn)


def settings_values() -> dict[str, float]:
    return _settings(db.resolve_url(), data_version())


def thresholds() -> Thresholds:
    return Thresholds.from_settings(settings_values())


BY_YEAR = ("cpl_meetings", "cpl_cadence")  # CPL tables (no figure to withhold) the CPL page reads a year at a time
TABLES = (
    "school_summary",
    "schools",
    "achievement_cells",
    "school_cells",
    "cell_groups",  # the subjects and student groups of school_cells, without its rows (a goal's choices)
    "district_rollups",  # the district's and networks' own figures, for an account that sees every school
    "trust_results",
    "readiness",
    "cpl_school_years",
    "cohort_growth",
    *BY_YEAR,
    "goals",  # the board goals the caller may read (their figures are computed by the view)
    "timeline_notes",  # the notes of the district and the caller's schools, without the internal ones
    "timeline_notes_internal",  # the same with the internal ones (every role but the board's: ``notes_data``)
)


def _read(
    conn: sa.Connection,
    name: str,
    ids: list[str] | None,
    values: dict[str, float],
    year_start: int | None = None,
    groups: tuple[str, ...] | None = None,
    subject: str | None = None,
) -> pl.DataFrame:
    """One computed table (``TABLES``) for the schools ``ids`` (None: all); ``year_start`` narrows the CPL
    tables to one school year, ``groups`` and ``subject`` the school cells to some student groups and one
    subject."""
    t = Thresholds.from_settings(values)
    if name == "school_summary":
        return tables.stored_school_summary(conn, ids)
    if name == "school_cells":
        return tables.school_cells(
            conn, ids, None if groups is None else list(groups), None if subject is None else [subject]
        )
    if name == "schools":
        return tables.schools(conn, ids)
    if name == "cell_groups":
        return tables.cell_groups(conn, ids)
    if name == "district_rollups":
        return tables.district_rollups(conn, ids)
    if name == "achievement_cells":
        return tables.achievement_cells(conn, t, ids)
    if name == "trust_results":
        return tables.trust_results(conn, t, ids)
    if name == "cpl_cadence":
        return tables.cpl_cadence(conn, ids, year_start)
    if name == "cpl_school_years":
        return tables.cpl_school_years(conn, ids)
    if name == "cohort_growth":
        return tables.cohort_growth(conn, t, ids)
    if name == "readiness":
        return tables.readiness(conn, t, ids)
    if name == "cpl_meetings":
        return tables.cpl_meetings(conn, ids, year_start)
    if name == "goals":
        return goal_tables.visible_goals(conn, ids)
    if name in ("timeline_notes", "timeline_notes_internal"):
        return goal_tables.notes(conn, ids, include_internal=name == "timeline_notes_internal")
    raise ValueError(f"unknown table {name}")


@st.cache_resource(max_entries=64, ttl=3600, show_spinner="Reading the district's data ...")
def _table(url: str, name: str, scope: tuple[str, ...] | None, version: int) -> pl.DataFrame:
    with db.reading(engine(url)) as conn:
        return _read(conn, name, _ids(scope), settings_mod.load(conn))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner="Reading the data ...")
def _narrowed(
    url: str,
    name: str,
    scope: tuple[str, ...] | None,
    version: int,
    year: str | None,
    school: str | None,
    groups: tuple[str, ...] | None = None,
    subject: str | None = None,
) -> pl.DataFrame:
    """A table read for one school year (the CPL page's meetings), one school (the school profile), or
    some student groups or one subject (the school cells), within the caller's scope, instead of filtered out of
    the whole district's rows."""
    if (
        (year is not None and name not in BY_YEAR)
        or (school is not None and name == "school_summary")
        or ((groups is not None or subject is not None) and name != "school_cells")
    ):
        raise ValueError(f"{name} is not read by {'year' if year else 'school' if school else 'group or subject'}")
    ids = _ids(scope)
    if school is not None:
        ids = [school] if ids is None or school in ids else []
    with db.reading(engine(url)) as conn:
        return _read(conn, name, ids, settings_mod.load(conn), None if year is None else int(year[:4]), groups, subject)


@st.cache_resource(max_entries=16, ttl=3600)
def _benchmark(url: str, version: int) -> pl.DataFrame:
    """District totals only (no school figure or name): the same for every caller, so not keyed by scope."""
    with db.reading(engine(url)) as conn:
        return tables.district_benchmark(conn, Thresholds.from_settings(settings_mod.load(conn)))


BENCHMARK_MIN_OTHER_SCHOOLS = 2


def _benchmark_for(url: str, scope: tuple[str, ...] | None, version: int, subject: str = "All") -> pl.DataFrame | None:
    """For a scoped user, the whole district's All Students proficiency by year (the benchmark beside their own
    rollup); None for a district-wide role, or where the schools outside the user's scope are too few for the
    district total to stay anonymous (fewer than two: the difference would be one school's figure)."""
    if scope is None:
        return None
    frame = _benchmark(url, version)
    if frame.is_empty() or frame["district_schools"][0] - len(scope) < BENCHMARK_MIN_OTHER_SCHOOLS:
        return None
    return frame.filter(pl.col("subject") == subject)


def benchmark(subject: str = "All") -> pl.DataFrame | None:
    return _benchmark_for(db.resolve_url(), current_scope(), data_version(), subject)


@st.cache_resource(max_entries=16, ttl=3600)
def _import_log(url: str, version: int) -> pl.DataFrame:
    with db.reading(engine(url)) as conn:
        rows = conn.execute(sa.select(import_log).order_by(import_log.c.id)).mappings().all()
    schema: dict[str, type[pl.DataType]] = {c.name: pl.String for c in import_log.columns}
    schema.update(
        {
            "id": pl.Int64,
            "rows_in_file": pl.Int64,
            "rows_inserted": pl.Int64,
            "rows_replaced": pl.Int64,
            "rows_removed": pl.Int64,
            "schools_created": pl.Int64,
        }
    )
    return pl.DataFrame(
        [{k: (str(v) if schema[k] == pl.String and v is not None else v) for k, v in r.items()} for r in rows],
        schema=schema,
    )


def import_history() -> pl.DataFrame:
    return _import_log(db.resolve_url(), data_version())


def latest_import_date() -> str | None:
    log = import_history()
    loaded = log.filter(pl.col("status") == "loaded") if log.height else log
    return None if loaded.is_empty() else str(loaded["loaded_at"].max())[:10]
