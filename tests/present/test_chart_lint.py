"""The chart lint (``dashboard.present.lint``) over every figure the pages' views and the board pack build draw on
the sample district, on screen and lettered for a projector: percent axes within 0-100, a mean-score axis that shows
its scale or says it is cut, tick and text contrast, every trace named, no "None" or "nan", and on a projector no
text under 18 px. Overlapping text is the browser's to see (tests/browser)."""

from __future__ import annotations

import pytest

from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.ingest.loader import files_in_directory, load_files
from dashboard.metrics import tables
from dashboard.present import board_pack, figures, projector
from dashboard.present.cohort import cohort
from dashboard.present.common import ALL, options
from dashboard.present.cpl import cpl, cpl_detail, cpl_pair
from dashboard.present.culture import CULTURE_MEASURES, culture
from dashboard.present.equity import equity
from dashboard.present.lint import lint_figure
from dashboard.present.overview import overview
from dashboard.present.readiness import readiness
from dashboard.present.school import school_profile
from dashboard.present.status_grid import load_grid, status_change_grid
from dashboard.present.trust import METRICS, trust
from dashboard.sample.generator import write_sample
from dashboard.store import db, settings


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample district in a migrated SQLite database."""
    directory = tmp_path_factory.mktemp("lint")
    write_sample(directory / "sample")
    engine = db.make_engine(f"sqlite:///{directory / 'sample.db'}")
    db.migrate(engine)
    result = load_files(engine, files_in_directory(directory / "sample"), user="tester")
    assert result.ok, result.problems[:3]
    yield engine
    engine.dispose()


def page_figures(engine) -> dict[str, object]:
    """Every figure of every page, as the pages build them for a superintendent (all schools), with the pages'
    filters at their first choices, one school chosen where a page offers it, and every switch of a page."""
    out: dict[str, object] = {}
    with engine.connect() as conn:
        t = Thresholds.from_settings(settings.load(conn))
        summary = tables.stored_school_summary(conn)
        school_cells = tables.school_cells(conn)
        cells = tables.achievement_cells(conn, t)
        trust_results = tables.trust_results(conn, t)
        cadence = tables.cpl_cadence(conn)
        meetings = tables.cpl_meetings(conn)
        votes = tables.readiness(conn, t)
        benchmark = tables.district_benchmark(conn, t)
        growth = tables.cohort_growth(conn, t)
    year = max(options(cadence, "school_year"))
    alls = school_cells.filter(school_cells["student_group"] == ALL_STUDENTS)
    v = overview(summary, alls, t, benchmark=benchmark, trust_results=trust_results, cadence=cadence)
    out["overview_proficiency"] = figures.overview_proficiency(v)
    school = sorted(summary["school_id"].to_list())[0]
    for subject in options(school_cells, "subject"):
        mine = cells.filter(cells["school_id"] == school)
        p = school_profile(
            school,
            mine,
            trust_results.filter(trust_results["school_id"] == school),
            cadence.filter(cadence["school_id"] == school),
            votes.filter(votes["school_id"] == school),
            t,
            subject,
        )
        for name in ("school_trust", "school_cpl", "school_readiness", "school_proficiency"):
            out[f"{name}_{subject}"] = getattr(figures, name)(p)
        followed = cohort(growth, subject, school)  # the same grade group a year later, one school
        assert not followed.empty, "the sample district's grade rows give cohort growth"
        out[f"equity_cohort_{subject}"] = figures.equity_cohort(followed)
        for where in (ALL, school):
            e = equity(school_cells, t, subject, where)
            out[f"equity_levels_{subject}_{where}"] = figures.equity_levels(e)
            out[f"equity_change_{subject}_{where}"] = figures.equity_change(e)
            grid_config = load_grid()
            g = status_change_grid(school_cells, t, subject, grid_config, where)
            if not g.empty:
                out[f"equity_grid_{subject}_{where}"] = figures.equity_grid(g, grid_config.performance_names)
    for metric in METRICS:
        tv = trust(trust_results, t, None, metric)
        out[f"trust_heatmap_{metric}"] = figures.trust_heatmap(tv, metric)
        out[f"trust_trends_{metric}"] = figures.trust_trends(tv, metric)
        out[f"trust_groups_{metric}"] = figures.trust_groups(tv, metric)
        out[f"trust_rates_{metric}"] = figures.trust_rates(tv, t.low_response_pct)
    for where, unit in ((ALL, "school_name"), (school, "team")):
        cv = cpl(cadence, year, school=where)
        out[f"cpl_consistency_{where}"] = figures.cpl_consistency(cv, unit)
        out[f"cpl_minutes_{where}"] = figures.cpl_minutes(cv, unit)
        out[f"cpl_types_{where}"] = figures.cpl_types(cv)
        d = cpl_detail(meetings, cadence, year, school=where)
        out[f"cpl_monthly_{where}"] = figures.cpl_monthly(d, unit)
        out[f"cpl_calendar_{where}"] = figures.cpl_calendar(d)
        out[f"cpl_protocols_{where}"] = figures.cpl_protocols(d)
        pair = cpl_pair(meetings, cadence, year, d.extra["team_a"], d.extra["team_b"])
        out[f"cpl_pair_{where}"] = figures.cpl_pair(pair)
    rv = readiness(votes)
    out["readiness_latest"] = figures.readiness_latest(rv)
    out["readiness_turnout"] = figures.readiness_turnout(rv)
    out["readiness_trend"] = figures.readiness_trend(rv)
    for measure in CULTURE_MEASURES:
        cu = culture(summary, measure)
        if not cu.empty:
            out[f"culture_{measure}"] = figures.culture_scatter(cu, measure)
    return out


def test_every_page_figure_passes_the_lint_on_screen_and_on_a_projector(sample):
    found = page_figures(sample)
    assert len(found) > 40
    problems = {
        name: lint_figure(fig) + [f"projector: {p}" for p in lint_figure(projector.for_projector(fig), projector=True)]
        for name, fig in found.items()
    }
    assert not {k: v for k, v in problems.items() if v}


def test_every_board_pack_figure_passes_the_lint(sample):
    with sample.connect() as conn:
        slides = board_pack.district_slides(conn, 2025)
        _, school = board_pack.school_slides(conn, "S001", 2025)
    assert sum(s.figure is not None for s in slides) >= 6 and sum(s.figure is not None for s in school) >= 4
    # a slide's figure is lettered for the slide (its title on the slide, which must say what, where, when and n)
    problems = {
        slide.key: lint_figure(slide.figure, projector=True, titled=False) + ([] if slide.title else ["no title"])
        for slide in [*slides, *school]
        if slide.figure is not None  # a table slide (the board goals) draws no chart
    }
    assert not {k: v for k, v in problems.items() if v}


def test_the_lint_finds_what_it_is_for():
    """A figure built badly on purpose: each rule of the lint speaks."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=["a", "b"], y=[120, None], text=["None", "nan"]))
    fig.update_layout(xaxis=dict(tickfont=dict(color="rgb(128,132,149)")), font=dict(size=12))
    fig.update_yaxes(title_text="% proficient", range=[0, 140])
    fig.add_annotation(text="faint", font=dict(color="#BBBBBB", size=10))
    problems = " | ".join(lint_figure(fig, projector=True))
    for expected in (
        "no title",
        "percent axis yaxis ('% proficient') runs 0 to 140",
        "xaxis tick labels rgb(128,132,149) read at under 4.5:1",
        "annotation 'faint'",
        "trace 0 (bar) has no name",
        "text says None or nan",
        "at 10 px on a projector",
    ):
        assert expected in problems, (expected, problems)
    cut = go.Figure(go.Scatter(x=[1, 2], y=[3.4, 3.5], name="trust"))
    cut.update_layout(title_text="t")
    cut.update_yaxes(title_text="Mean score", range=[3.35, 3.55])
    assert lint_figure(cut) == ["mean-score axis yaxis ('Mean score') is cut without saying so"]
    cut.update_yaxes(title_text="Mean score (axis cut: 3.35 to 3.55)")
    assert lint_figure(cut) == []
