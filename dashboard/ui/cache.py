"""Cached page views and figures. A page's view (``dashboard.present``, one module per page) and its figures
(``dashboard.present.figures``) are built once per filter values, scope and data version and shared by every rerun and
session with the same key, so a rerun with the same filters repeats no work: it looks the view up and draws its
figures, built once and kept on the view. A view is a resource, shared and never copied (``st.cache_resource``): it
holds only small frames made for the page, which nothing changes in place (polars frames are immutable), as are the
computed tables it is built from (``dashboard.ui.data``). Large tables are never arguments (hashing them would cost a
scan each run): a view names them with ``data(...)`` and reads them inside the cache.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from dashboard.core.privacy import Thresholds
from dashboard.present.common import PageView
from dashboard.store import db
from dashboard.ui.data import TABLES, _benchmark_for, _narrowed, _settings, _table, data_version
from dashboard.ui.state import current_scope


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


def data(
    name: str,
    year: str | None = None,
    school: str | None = None,
    groups: tuple[str, ...] | None = None,
    subject: str | None = None,
) -> Data:
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


_PLAIN = (type(None), bool, int, float, str)


def _plain_key(value: object) -> str:
    """The cache key of a view's arguments: their ``repr``, which for plain values (None, numbers, text, tuples,
    lists and text-keyed dicts of them, and frozen dataclasses of them such as ``Data``) differs wherever the values
    do (``1``, ``1.0``, ``True`` and ``'1'`` included). Streamlit's own hasher walked each argument object by
    object, a fifth of a warm rerun; any other value (a frame, say) is refused: large tables are never arguments."""
    _check_plain(value)
    return repr(value)


def _frozen(value: object) -> bool:
    return bool(getattr(type(value), "__dataclass_params__").frozen)  # noqa: B009 (not in the stubs)


def _check_plain(value: object) -> None:
    if isinstance(value, (tuple, list)):
        for item in value:
            _check_plain(item)
    elif isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                raise TypeError(f"a view's dict argument has a key of type {type(k).__name__}")
            _check_plain(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and _frozen(value):
        for f in dataclasses.fields(value):
            _check_plain(getattr(value, f.name))
    elif not isinstance(value, _PLAIN):
        raise TypeError(f"a view's argument must be a plain value, not {type(value).__name__}")


@st.cache_resource(max_entries=VIEW_CACHE_ENTRIES, ttl=3600, show_spinner="Preparing the page ...")
def _view(
    url: str, name: str, _fn, _args: tuple, _kwargs: tuple, key: str, scope: tuple[str, ...] | None, version: int
):
    result = _fn(
        *[_resolve(url, a, scope, version) for a in _args],
        **{k: _resolve(url, v, scope, version) for k, v in _kwargs},
    )
    if isinstance(result, PageView):
        result.shared = True
    return result


def view(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, a pure view function of ``dashboard.present``, with every ``data(...)`` argument read for
    the caller; computed once per function, arguments, scope and data version (arguments are plain filter values)."""
    named = tuple(sorted(kwargs.items()))
    key = _plain_key((args, named))
    return _view(db.resolve_url(), _qualified(fn), fn, args, named, key, current_scope(), data_version())


def figure(fn, v: PageView, *args) -> go.Figure:
    """``fn(v, *args)``, a named figure of ``dashboard.present.figures``, built once per cached view and arguments and kept
    on the view (``PageView.figures``), shared (not copied) by reruns: nothing may change it in place
    (``projector.for_projector`` works on a copy). Two sessions asking at once may both build it; either copy is kept."""
    if not v.shared:  # a view not built through ``view``: nothing to keep the figure on
        return fn(v, *args)
    name = (_qualified(fn), args)
    built = v.figures.get(name)
    if built is None:
        built = fn(v, *args)
        built._shared_figure = True  # never changed from here on: ``render`` may keep its wire form on it
        v.figures[name] = built
    return built
