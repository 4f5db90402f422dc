"""The view cache's key and the figures' wire form (``dashboard.ui.cache``, ``dashboard.ui.render``): a rerun sends
what the figure itself would have sent, and two different filter values never share a view."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import polars as pl
import pytest

from dashboard.present import projector
from dashboard.present.status_grid import load_grid
from dashboard.ui import cache, render


def _bars() -> go.Figure:
    fig = go.Figure(go.Bar(x=["ELA", "Math"], y=[41.5, 38.0], text=["41.5%", "38.0%"]))
    fig.update_layout(title=dict(text="Proficiency by subject, 2025-26"), annotations=[dict(text="n = 212", x=0, y=1)])
    return fig


def _sent(fig: go.Figure) -> dict:
    """What ``st.plotly_chart`` puts on the wire for ``fig``: the same two calls it makes."""
    return json.loads(pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)))


def test_a_shared_figure_is_sent_as_the_figure_itself_would_be_and_its_form_is_made_once():
    fig = _bars()
    fig._shared_figure = True
    first = render._drawn(fig)
    assert _sent(first) == _sent(_bars())
    assert render._drawn(fig) is first
    assert _sent(first)["data"][0]["text"] == ["41.5%", "38.0%"]


def test_a_shared_figure_on_a_projector_is_sent_as_its_projector_copy():
    fig = _bars()
    fig._shared_figure = True
    screen = render._drawn(fig)
    big = render._drawn(fig, 700)
    assert _sent(big) == _sent(projector.for_projector(_bars(), 700))
    assert _sent(big)["layout"]["height"] == 700
    assert render._drawn(fig, 700) is big and render._drawn(fig) is screen  # each form kept beside the other


def test_a_figure_not_shared_is_handed_over_as_it_is():
    fig = _bars()
    assert render._drawn(fig) is fig
    fig.update_traces(y=[50.0, 20.0])  # a figure built for one run may be changed: nothing of it was kept
    assert _sent(render._drawn(fig))["data"][0]["y"] == [50.0, 20.0]


def test_view_keys_differ_wherever_the_values_do():
    values = [1, 1.0, True, "1", None, (1,), [1], {"a": 1}, cache.data("readiness"), cache.data("readiness", year="1")]
    keys = [cache._plain_key(v) for v in values]
    assert len(set(keys)) == len(values)
    assert cache._plain_key(((cache.data("school_cells", groups=("All Students",)),), ())) == cache._plain_key(
        ((cache.data("school_cells", groups=["All Students"]),), ())
    )  # ``data`` keeps groups as a tuple, however given


def test_a_frozen_config_is_a_plain_argument_and_a_frame_is_refused():
    grid = load_grid()
    assert repr(grid.status_cuts) in cache._plain_key(grid)
    with pytest.raises(TypeError, match="DataFrame"):
        cache._plain_key(("2025-26", pl.DataFrame({"x": [1]})))
    with pytest.raises(TypeError, match="key of type int"):
        cache._plain_key({1: "a"})
