"""Streamlit helpers shared by the pages: cached data access, the shared filters, chart and table rendering, and
footnotes. Pages call these; the shaping of data lives in ``dashboard.present.views`` and the figures in
``dashboard.present.charts``.

Caching: every cached function takes plain values only, always including the caller's scope and the data version
(the counter raised by every load), so one user's figures never reach another and a load is seen at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
import sqlalchemy as sa
import streamlit as st

from dashboard.auth import access
from dashboard.auth import audit
from dashboard.ui import login as auth_ui
from dashboard.present import charts
from dashboard.metrics import computed
from dashboard.store import db
from dashboard.present import export
from dashboard.present import images
from dashboard.present import views
from dashboard.store import settings as settings_mod
from dashboard.core.privacy import Thresholds
from dashboard.store.schema import import_log
from dashboard.present.views import ALL, PageView

# --- access control seam ---------------------------------------------------------------------------------------

def current_scope() -> tuple[str, ...] | None:
    """The schools the current user may see: None means every school, () none. It comes from the signed-in
    account as stored in the database, re-read each run by the entrypoint (``dashboard.auth.access``), never from the
    URL or a widget; every data function below takes it as part of its cache key."""
    return access.current().scope


def scope_label() -> str | None:
    """How a scoped user's rollups are labelled ("your 3 schools"); None for a district-wide role."""
    scope = current_scope()
    if scope is None:
        return None
    return f"your {len(scope)} school{'s' if len(scope) != 1 else ''}"


def audit_download(name: str, rows: int | None = None) -> None:
    """Record a download in the audit log (use as a download button's ``on_click`` with ``args``)."""
    caller = access.current()
    _audit_download(caller.username, name, rows)


def _audit_download(username: str, name: str, rows: int | None) -> None:
    audit.record(get_engine(), username or "?", "download", name + ("" if rows is None else f" ({rows} rows)"))


def _ids(scope: tuple[str, ...] | None) -> list[str] | None:
    return None if scope is None else list(scope)


# --- engine and data ---------------------------------------------------------------------------------------------

@st.cache_resource
def engine(url: str) -> sa.Engine:
    return db.make_engine(url)


def get_engine() -> sa.Engine:
    return engine(db.resolve_url())


def start_run() -> auth_ui.RunAccounts:
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
                run = auth_ui.read_accounts(conn, values)
        except sa.exc.OperationalError as exc:
            raise db.unreachable(engine, exc) from exc
    except db.DatabaseUnavailable as exc:
        st.error(f"The dashboard cannot open its database: {exc}.")
        st.info("Ask your data administrator to run `district-dashboard init` (and load the district's files), "
                "or start the app with `district-dashboard serve --demo` to explore the sample district.")
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
TABLES = ("school_summary", "schools", "achievement_cells", "school_cells", "trust_results", "readiness",
          "cpl_school_years", *BY_YEAR)


def _read(conn: sa.Connection, name: str, ids: list[str] | None, values: dict[str, float],
          year_start: int | None = None, groups: tuple[str, ...] | None = None,
          subject: str | None = None) -> pl.DataFrame:
    """One computed table (``TABLES``) for the schools ``ids`` (None: all); ``year_start`` narrows the CPL
    tables to one school year, ``groups`` and ``subject`` the school cells to some student groups and one
    subject."""
    t = Thresholds.from_settings(values)
    if name == "school_summary":
        return computed.stored_school_summary(conn, ids)
    if name == "school_cells":
        return computed.school_cells(conn, ids, None if groups is None else list(groups),
                                     None if subject is None else [subject])
    if name == "schools":
        return computed.schools(conn, ids)
    if name == "achievement_cells":
        return computed.achievement_cells(conn, t, ids)
    if name == "trust_results":
        return computed.trust_results(conn, t, ids)
    if name == "cpl_cadence":
        return computed.cpl_cadence(conn, ids, year_start)
    if name == "cpl_school_years":
        return computed.cpl_school_years(conn, ids)
    if name == "readiness":
        return computed.readiness(conn, t, ids)
    if name == "cpl_meetings":
        return computed.cpl_meetings(conn, ids, year_start)
    raise ValueError(f"unknown table {name}")


@st.cache_data(max_entries=64, ttl=3600, show_spinner="Reading the district's data ...")
def _table(url: str, name: str, scope: tuple[str, ...] | None, version: int) -> pl.DataFrame:
    with db.reading(engine(url)) as conn:
        return _read(conn, name, _ids(scope), settings_mod.load(conn))


@st.cache_data(max_entries=128, ttl=3600, show_spinner="Reading the data ...")
def _narrowed(url: str, name: str, scope: tuple[str, ...] | None, version: int, year: str | None,
              school: str | None, groups: tuple[str, ...] | None = None, subject: str | None = None) -> pl.DataFrame:
    """A table read for one school year (the CPL page's meetings), one school (the school profile), or
    some student groups or one subject (the school cells), within the caller's scope, instead of filtered out of
    the whole district's rows."""
    if ((year is not None and name not in BY_YEAR) or (school is not None and name == "school_summary")
            or ((groups is not None or subject is not None) and name != "school_cells")):
        raise ValueError(f"{name} is not read by {'year' if year else 'school' if school else 'group or subject'}")
    ids = _ids(scope)
    if school is not None:
        ids = [school] if ids is None or school in ids else []
    with db.reading(engine(url)) as conn:
        return _read(conn, name, ids, settings_mod.load(conn), None if year is None else int(year[:4]), groups,
                     subject)


@st.cache_data(max_entries=16, ttl=3600)
def _benchmark(url: str, version: int) -> pl.DataFrame:
    """District totals only (no school figure or name): the same for every caller, so not keyed by scope."""
    with db.reading(engine(url)) as conn:
        return computed.district_benchmark(conn, Thresholds.from_settings(settings_mod.load(conn)))


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


def benchmark_caption(subject: str | None) -> None:
    """For a scoped user: the whole district's All Students rate in a subject, the benchmark for their rollup."""
    frame = benchmark(subject or "All")
    if frame is None or frame.is_empty():
        return
    shown = frame.filter(pl.col("pct_proficient").is_not_null()).sort("year_start")
    if shown.height:
        last = shown.row(-1, named=True)
        year = f"{last['year_start']}-{(last['year_start'] + 1) % 100:02d}"
        (st.write if presenting() else st.caption)(
            f"Figures above are for {scope_label()}. District benchmark, all {last['district_schools']} "
                   f"schools, {subject} {year}: All Students {last['pct_proficient']:.1f}% proficient.")


# --- cached page views and figures -------------------------------------------------------------------------------
# A page's view (``dashboard.present.views``) and its figures (``dashboard.present.figures``) are built once per filter values,
# scope and data version and shared by every rerun and session with the same key, so a rerun with the same filters
# repeats no work: it looks the view up and draws its figures, built once and kept on the view. A view is a
# resource, shared and never copied (``st.cache_resource``): it holds only small frames made for the page, which
# nothing changes in place (polars frames are immutable). The query results it is built from stay in
# ``st.cache_data`` (``_table``, ``_narrowed``), copied out per caller as Streamlit advises for data.
# Large tables are never arguments (hashing them would cost a scan each run): a view names them with ``data(...)``
# and reads them inside the cache.

@dataclass(frozen=True)
class Data:
    """A named input of a cached view: a computed table (``TABLES``; ``year`` narrows the CPL meetings to one school
    year, ``school`` a table to one school, ``groups`` and ``subject`` the school cells to some student groups and
    one subject), ``thresholds`` or the district ``benchmark``, read for the caller's scope and data version."""
    name: str
    year: str | None = None
    school: str | None = None
    groups: tuple[str, ...] | None = None
    subject: str | None = None


def data(name: str, year: str | None = None, school: str | None = None, groups: tuple[str, ...] | None = None,
         subject: str | None = None) -> Data:
    if name not in (*TABLES, "thresholds", "benchmark"):
        raise ValueError(f"unknown input {name}")
    return Data(name, year, school, None if groups is None else tuple(groups), subject)


def _resolve(url: str, item: object, scope: tuple[str, ...] | None, version: int) -> object:
    if not isinstance(item, Data):
        return item
    if item.name == "thresholds":
        return Thresholds.from_settings(_settings(url, version))
    if item.name == "benchmark":
        return _benchmark_for(url, scope, version)
    if any(v is not None for v in (item.year, item.school, item.groups, item.subject)):
        return _narrowed(url, item.name, scope, version, item.year, item.school, item.groups, item.subject)
    return _table(url, item.name, scope, version)


def _qualified(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


VIEW_CACHE_ENTRIES = 512


@st.cache_resource(max_entries=VIEW_CACHE_ENTRIES, ttl=3600, show_spinner="Preparing the page ...")
def _view(url: str, name: str, _fn, args: tuple, kwargs: tuple, scope: tuple[str, ...] | None, version: int):
    result = _fn(*[_resolve(url, a, scope, version) for a in args],
                 **{k: _resolve(url, v, scope, version) for k, v in kwargs})
    if isinstance(result, PageView):
        result.shared = True
    return result


def view(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, a pure function of ``dashboard.present.views``, with every ``data(...)`` argument read for
    the caller; computed once per function, arguments, scope and data version (arguments are plain filter values)."""
    return _view(db.resolve_url(), _qualified(fn), fn, args, tuple(sorted(kwargs.items())), current_scope(),
                 data_version())


def figure(fn, v: PageView, *args) -> go.Figure:
    """``fn(v, *args)``, a named figure of ``dashboard.present.figures``, built once per cached view and arguments and kept
    on the view (``PageView.figures``), shared (not copied) by reruns: nothing may change it in place
    (``charts.for_projector`` works on a copy). Two sessions asking at once may both build it; either copy is kept."""
    if not v.shared:  # a view not built through ``view``: nothing to keep the figure on
        return fn(v, *args)
    name = (_qualified(fn), args)
    built = v.figures.get(name)
    if built is None:
        built = v.figures[name] = fn(v, *args)
    return built


@st.cache_data(max_entries=16, ttl=3600)
def _import_log(url: str, version: int) -> pl.DataFrame:
    with db.reading(engine(url)) as conn:
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

    if not presenting():  # presentation mode draws no sidebar at all: the view comes from the URL
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
    if presenting():
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


# --- presentation mode -------------------------------------------------------------------------------------------
# For board rooms and screenshots: ``?present=1`` (or the sidebar toggle) hides navigation, filters and Streamlit's
# toolbar, letters every chart for a projector and keeps each chart block within a 1920x1080 screen. Chosen per
# session; nothing is set for other sessions (NOTES.md: st.set_option at run time leaks).

PRESENT_KEY = "present_mode"


def presenting() -> bool:
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
    return bool(st.session_state[PRESENT_KEY])


def _set_presenting(value: bool) -> None:
    st.session_state[PRESENT_KEY] = value


def presentation_controls() -> None:
    """The way in (a sidebar toggle) or out (a button at the foot of the page)."""
    if presenting():  # a link in full-size text (a button's label is small type); it keeps the view's filters
        from urllib.parse import urlencode

        st.markdown(f"[Leave presentation mode](?{urlencode({**st.query_params.to_dict(), 'present': '0'})})")
    else:
        st.sidebar.button("Presentation mode", key="enter_present", on_click=_set_presenting, args=(True,),
                          help="Hide the menus and letter every chart for a projector (or add ?present=1 to a link)")


def choices(table_name: str, *, school: str | None = None, groups: tuple[str, ...] | None = None,
            subject: str | None = None):
    """The filter values of a computed table (``views.FilterChoices``; of the rows narrowed as ``data`` narrows
    them), cached with the table."""
    return view(views.filter_choices, data(table_name, school=school, groups=groups, subject=subject))


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


# --- rendering ---------------------------------------------------------------------------------------------------

def show_chart(fig: go.Figure, data_frame: pl.DataFrame | None, key: str, note: str | None = None) -> None:
    """The chart, then its data in an expander with CSV and PNG downloads (the same withheld blanks as the chart).
    While presenting: the chart lettered for a projector, its note in full-size text, no expander."""
    if presenting():
        st.plotly_chart(charts.for_projector(fig), width="stretch", config={"displayModeBar": False},
                        key=f"chart_{key}")
        if note:
            st.write(note)
        return
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key=f"chart_{key}")
    if note:
        st.caption(note)
    if data_frame is not None and data_frame.height:
        _table_on_request("Data table", data_frame, key, labelled=True)
    st.download_button("Download chart as PNG (1920x1080)", data=lambda: images.figure_png(charts.for_projector(fig)),
                       file_name=f"{key}.png", mime="image/png", key=f"png_{key}", on_click=_audit_download,
                       args=(access.current().username, f"{key}.png", None))


PRESENT_LIST_ROWS = 12  # on a projector, a short table reads as a list; a long one stays on the page's screen view
LONG_TABLE_ROWS = 500  # past this many rows a page's table is drawn only when asked for


def show_table(frame: pl.DataFrame, key: str) -> None:
    """The table with a CSV download. A long one (over ``LONG_TABLE_ROWS`` rows: every team or school of a state)
    is drawn only when asked for, so it is not sent again on every rerun of the page."""
    if presenting():
        if 0 < frame.height <= PRESENT_LIST_ROWS and frame.width <= 3:
            st.markdown("\n".join("- " + ": ".join(str(v) for v in row if v is not None) for row in frame.iter_rows()))
        return
    if frame.height > LONG_TABLE_ROWS:
        _table_on_request(f"All {frame.height:,} rows", frame, key)
    else:
        _table_and_download(frame, key)


def table_key(key: str) -> str:
    """The session-state key of the expander holding table ``key`` (a chart's data, a long table): True while open."""
    return f"table_{key}"


def _table_on_request(label: str, frame: pl.DataFrame, key: str, *, labelled: bool = False) -> None:
    """The table in an expander whose content is drawn only while it is open (Streamlit's lazy expander: opening
    it reruns the page). A closed one costs a rerun nothing; before, every table was sent on every run, open or
    not, as Arrow with its CSV button. ``labelled``: a chart's frame, shown as its data table (``views.data_table``)."""
    table = st.expander(label, key=table_key(key), on_change="rerun")
    if table.open:
        with table:
            _table_and_download(views.data_table(frame) if labelled else frame, key)


def _table_and_download(frame: pl.DataFrame, key: str) -> None:
    st.dataframe(frame.to_arrow(), width="stretch", hide_index=True)  # Arrow as it is: no pandas copy
    st.download_button("Download CSV", data=lambda: export.to_csv_bytes(frame), file_name=f"{key}.csv", mime="text/csv",
                       key=f"download_{key}", on_click=_audit_download,
                       args=(access.current().username, f"{key}.csv", frame.height))


def footnote(extra: str | None = None) -> None:
    """Privacy rule and source line under every page."""
    latest = latest_import_date()
    source = (f"Source: district files loaded through {latest}." if latest
              else "Source: no district files loaded yet.")
    text = " ".join(x for x in (extra, thresholds().footnote(), source) if x)
    if presenting():
        st.write(text)  # full-size text on a projector
        presentation_controls()
    else:
        st.caption(text)


def page_header(title: str, intro: str) -> None:
    st.title(title)
    if presenting():
        st.write(intro)
    else:
        st.caption(intro)
        presentation_controls()


def columns(n: int) -> list:
    """Side-by-side columns on screen; on a projector every chart gets the full width, one under another."""
    if presenting():
        return [st.container() for _ in range(n)]
    return list(st.columns(n))


def pick(place, label: str, options: list[str], default: str | None, key: str) -> str | None:
    """A page's own selectbox, returning its value (kept in ``st.session_state[key]``; a value no longer among the
    options falls back to ``default``); not drawn while presenting."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else None
    if not presenting():
        place.selectbox(label, options, key=key)
    return st.session_state[key]


def choice(label: str, options: list[str], key: str) -> str:
    """A page's own switch (a radio): drawn on screen; while presenting, the choice stands without a widget."""
    if presenting():
        return st.session_state.get(key, options[0])
    return st.radio(label, options, horizontal=True, key=key)


def show_kpis(kpis: list[tuple[str, str, str | None]]) -> None:
    """Headline figures: metrics on screen; on a projector, full-size sentences (metric labels are small type)."""
    if presenting():
        st.markdown("  \n".join(f"**{value}** {label}" + (f" ({delta})" if delta else "") for label, value, delta in kpis))
        return
    for col, (label, value, delta) in zip(st.columns(len(kpis)), kpis):
        col.metric(label, value, delta)


# --- loading -----------------------------------------------------------------------------------------------------

@dataclass
class UploadResult:
    """What the Data page shows after an upload: the file's first rows, every problem, or the load summary."""
    file_name: str
    ok: bool
    preview: pl.DataFrame | None
    problems: pl.DataFrame
    summary: list[str]


PREVIEW_ROWS = 10


def _preview(path, display_name: str, mapping_path) -> pl.DataFrame | None:
    """The file's first rows under its own headers (through the mapping's encoding, sheet and header row), or None
    when the file cannot be read at all (the problems table then says why)."""
    from dashboard.ingest.mapping import load_mapping
    from dashboard.ingest.readers import read_table

    try:
        m = load_mapping(mapping_path) if mapping_path else None
        raw = read_table(path, display_name, encodings=m.encodings if m else None,
                         delimiter=m.delimiter if m else ",", header_row=m.header_row if m else 1,
                         sheet=m.sheet if m else None)
    except Exception:  # FileRejected and anything unreadable: the loader reports it as a problem
        return None
    frame = raw.frame.head(PREVIEW_ROWS)
    names: dict[str, str] = {}
    for i, header in enumerate(raw.headers):  # the readers' c0, c1 ... under the file's own headers
        name = str(header or "").strip() or f"column {i + 1}"
        while name in names.values() or name == "row":
            name += " (again)"
        names[f"c{i}"] = name
    names = {k: v for k, v in names.items() if k in frame.columns}
    row = next((col for col in frame.columns if col not in names), None)  # the row number the spreadsheet shows
    return frame.rename({**names, **({row: "row"} if row else {})})


def build_board_pack(year: str, school_id: str | None) -> dict[str, tuple[str, bytes]]:
    """The board pack for the caller's scope: {kind: (file name, bytes)} for the PPTX, the PDF and a ZIP of the
    PNGs; recorded in the audit log as a download."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from dashboard.present import board_pack

    with tempfile.TemporaryDirectory() as tmp:
        written = board_pack.build(get_engine(), Path(tmp), year, school_id=school_id, school_ids=_ids(current_scope()))
        files = {kind: (paths[0].name, paths[0].read_bytes()) for kind, paths in written.items() if kind != "png"}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for png in written["png"]:
                archive.write(png, png.name)
        files["png"] = (files["pptx"][0].replace(".pptx", "_charts.zip"), buffer.getvalue())
    audit_download(f"board pack {school_id or 'district'} {year}")
    return files


def undo_import(import_id: int) -> tuple[bool, str]:
    """Undo one import for an admin: (done, what happened or why it was refused), recorded in the audit log."""
    from dashboard.ingest import imports

    caller = access.current()
    if not caller.may_open("data"):  # undo is an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may undo an import")
    try:
        message = imports.undo(get_engine(), import_id, user=caller.username)
    except imports.UndoRefused as refused:
        return False, str(refused)
    audit.record(get_engine(), caller.username, "undo", f"import {import_id}")
    read_data_version()  # the rest of this run shows the data as it now is
    return True, message


def undo_controls(history: pl.DataFrame) -> None:
    """Pick a loaded import and undo it; the result, or the reason it was refused, in a sentence."""
    loaded = history.filter(pl.col("status") == "loaded") if history.height else history
    if loaded.is_empty():
        return
    labels = {row["id"]: f"{row['id']}: {row['file_name']} ({row['source']}, {str(row['loaded_at'])[:16]})"
              for row in loaded.sort("id", descending=True).iter_rows(named=True)}
    chosen = st.selectbox("Import to undo", list(labels), format_func=labels.get, key="undo_import_id")
    if st.button("Undo this import", key="undo_import", help="Restores exactly what the database held before it; "
                 "refused when a later import changed what it wrote"):
        done, message = undo_import(int(chosen))
        (st.success if done else st.error)(message)


def handle_upload(file_name: str, data: bytes, source: str, mapping_name: str | None = None,
                  mapping_bytes: bytes | None = None, progress=None) -> UploadResult:
    """Check, preview, validate and load one uploaded file (and optional mapping) under the upload's own name.
    ``progress(fraction, text)`` is told of each step. Loading is an admin's: anyone else gets PermissionError."""
    import tempfile
    from pathlib import Path

    from dashboard.ingest.loader import FileToLoad, load_files
    from dashboard.core.problems import FileRejected
    from dashboard.ingest.uploads import check_upload_size
    from dashboard.present.views import problems_frame

    step = progress or (lambda fraction, text: None)
    caller = access.current()
    if not caller.may_open("data"):  # loading is an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may load data")
    name = Path(file_name).name
    step(0.05, f"Checking the size of {name}")
    try:
        check_upload_size(name, len(data), settings_values())
    except FileRejected as rejected:
        step(1.0, "Rejected: nothing was written")
        return UploadResult(name, False, None, problems_frame(rejected.problems), [])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        mapping_path = None
        if mapping_bytes is not None:
            mapping_path = Path(tmp) / Path(mapping_name or "mapping.toml").name
            mapping_path.write_bytes(mapping_bytes)
        step(0.2, f"Reading {name}")
        preview = _preview(path, name, mapping_path)
        step(0.45, "Checking every row (nothing is written while any row has a problem)")
        result = load_files(get_engine(), [FileToLoad(path, source, mapping_path, display_name=name)],
                            user=caller.username)
    if result.ok:  # a rejected load writes nothing, not even an audit entry (CONTRACT.md)
        audit.record(get_engine(), caller.username, "load", f"{name} as {source}: loaded")
        read_data_version()  # the rest of this run shows the data just loaded
    step(1.0, "Loaded" if result.ok else "Rejected: nothing was written")
    return UploadResult(name, result.ok, preview, problems_frame(result.problems),
                        [o.summary() for o in result.outcomes])


def load_upload(upload, source: str, mapping_upload=None):
    """An ``st.file_uploader`` upload (and optional mapping upload) through ``handle_upload``."""
    return handle_upload(upload.name, upload.getvalue(), source,
                         mapping_upload.name if mapping_upload is not None else None,
                         mapping_upload.getvalue() if mapping_upload is not None else None)


def show_upload_result(result: UploadResult) -> None:
    """The Data page's report on one upload: the preview, then the summary or every problem as a table."""
    if result.preview is not None and result.preview.height:
        st.markdown(f"**Preview: the first {result.preview.height} rows of {result.file_name}, as read**")
        st.dataframe(result.preview, width="stretch", hide_index=True)
    if result.ok:
        st.success("Loaded. " + " ".join(result.summary))
    else:
        st.error(f"{result.file_name} was rejected: {result.problems.height} problem"
                 f"{'' if result.problems.height == 1 else 's'}, nothing was written.")
        show_table(result.problems, "load_problems")
