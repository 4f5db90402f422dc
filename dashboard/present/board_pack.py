"""The board pack a board can read: for the district (or one school) and a school year, slides in the order a board
meets them (its goals, then the district overview with the schools flagged for attention, then the gaps between
student groups, then the four strands), each with a large title that says what, where, when and n, a footnote of
its own (source, and what is withheld on that slide and why), alt text on every chart and speaker notes that define
each measure in plain words; type no smaller than 18 pt, the text inside each chart's image included at the size
it is placed (``slide_style``). Written as a PPTX, a PDF of the same, and each chart's PNG.

Every figure comes from the same views and figures as the pages, computed through ``dashboard.metrics`` (and so
through ``dashboard.core.privacy``): a withheld value cannot reach a slide, a note or an image. An internal timeline
note never reaches a pack.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import cast

import polars as pl
import sqlalchemy as sa

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_start
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics import goal_tables, goals, tables
from dashboard.metrics.summary import school_summary_from
from dashboard.present import figures, images, slide_style
from dashboard.present.common import PageView, options, year_label
from dashboard.present.cpl import cpl
from dashboard.present.culture import culture
from dashboard.present.equity import equity
from dashboard.present.overview import overview
from dashboard.present.pack_slides import Slide, footnote, goal_slides, overview_slides, pages_of, withheld_on
from dashboard.present.pack_writers import write_pdf, write_pptx
from dashboard.present.readiness import readiness
from dashboard.present.school import school_profile
from dashboard.present.trust import INDEX, trust
from dashboard.store import settings
from dashboard.store.schema import import_log

c = pl.col
LINES_PER_CHART = 6  # student groups one slide's chart names at 18 pt (All Students on each, for reference)
__all__ = ["MEASURES", "BoardPackError", "Slide", "build", "district_slides", "school_slides"]

MEASURES = {
    "proficiency": "Percent proficient is the share of tested students who scored at or above the proficient level. "
    "District figures add up students across schools (proficient over tested), so a large school "
    "counts for more than a small one.",
    "change": "Change is in percentage points: 45% to 50% is a gain of 5 points. The relative change (here 11%) is a "
    "different number and is shown beside it, named, never instead. A small group's rate swings by chance, "
    "so each rate carries a 95% interval, and each change its own: a change whose interval holds zero is marked "
    "within noise (hatched), never called a rise or a decline.",
    "trust": "Relational trust is measured by the staff survey, facet by facet: benevolence, honesty, openness, "
    "reliability and competence. The trust index puts the mean score on 0 to 100 (1 on a 1-5 scale is 0, 5 is "
    "100); results from fewer than five respondents are withheld, and results with under half of staff "
    "responding are marked.",
    "cpl": "Collective professional learning is teachers meeting in teams to learn together. Consistency is the share "
    "of team-weeks with a meeting (each team's school weeks, all teams pooled); predictable, steady time is itself "
    "a driver of trust.",
    "readiness": "Before a school moves to a new model, staff vote on whether they are ready. Ready is the share of "
    "votes cast; a school goes forward when it reaches its threshold. Turnout counts abstentions too.",
    "overview": "The headline figures pool the schools by what each counts: students for proficiency (proficient "
    "over tested), respondents for the trust index, team-weeks for CPL consistency. A school is flagged for "
    "attention where a figure passes one of the district's thresholds; the reason is given in words.",
    "culture": "Each point is one school: a culture measure against its change in achievement. It shows which "
    "schools moved together; it does not show that one caused the other.",
}


class BoardPackError(Exception):
    """The pack cannot be built as asked (no such school or year); the message says why."""


def _year_start(year: str) -> int:
    start = school_year_start(year)
    if start is None:
        raise BoardPackError(f"--year must be a school year such as 2025-26 (got {year!r})")
    return start


def _file_stem(text: str) -> str:
    """A file name from a school ID (data: it may hold ``/``, ``..`` or anything): letters, digits, ``-`` and ``_``
    kept, every other character ``_``, so the pack's files land in the folder asked for and nowhere else."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def _alt(title: str, sentence: str) -> str:
    return f"Chart: {title}. {sentence}".strip()


def _as_of(conn: sa.Connection) -> str:
    latest = conn.execute(
        sa.select(sa.func.max(import_log.c.loaded_at)).where(import_log.c.status == "loaded")
    ).scalar_one()  # as the pages' footnote: the latest import in force (not an undone one, not a purge)
    return str(latest)[:10] if latest else "no data loaded"


def _chart(key: str, fig, title: str, foot: str, sentence: str, measure: str) -> Slide:
    """A chart slide: the figure lettered for the slide (``slide_style.for_slide``), its title on the slide."""
    return Slide(key, slide_style.for_slide(fig), title, foot, _alt(title, sentence), MEASURES[measure])


def _paged(
    v: PageView,
    key: str,
    unit: str,
    build,
    name: str,
    foot,
    measure: str,
    rows: int = slide_style.ROWS_PER_CHART,
    every: str | None = None,
) -> list[Slide]:
    """One chart slide per run of ``rows`` of ``unit`` that a slide can letter (``pack_slides.pages_of``; ``every``:
    a unit drawn on each, All Students for reference); ``foot(frame)``: the footnote of a slide showing those rows
    of the frame ``key`` (what it withholds is what that slide withholds)."""
    pages = pages_of(v, key, unit, rows, every)
    return [
        _chart(
            f"{name}_{i}" if len(pages) > 1 else name,
            build(page),
            page.titles[key],
            foot(page.frames[key]),
            v.sentence,
            measure,
        )
        for i, page in enumerate(pages, start=1)
    ]


def _not_drawn(summary: pl.DataFrame) -> str | None:
    """The schools the proficiency-by-school chart leaves out: their All Students figure withheld or not reported."""
    missing = summary.filter(c("all_students_pct_proficient").is_null())["school_name"].to_list()
    return f"Not drawn, withheld or not reported: {', '.join(missing)}" if missing else None


def _small_votes(rows: pl.DataFrame, t: Thresholds) -> str | None:
    small = rows.filter(c("suppressed").fill_null(False))["school_name"].to_list()
    if not small:
        return None
    return (
        f"Withheld on this slide: the shares of {', '.join(small)} (fewer than {t.readiness_min_eligible} eligible "
        "voters: shown only as passed or not)"
    )


def _low_response(rows: pl.DataFrame, t: Thresholds) -> str:
    low = sorted(set(rows.filter(c("low_response") & c("reason").is_null())["school_name"]))
    return f"† low response (under {t.low_response_pct:g}% of staff): {', '.join(low)}." if low else ""


WITHHELD_BY = {  # a chart's frame -> the columns naming a withheld figure and the column saying why
    "levels": (["student_group", "school_year"], "reason"),
    "change": (["student_group"], "suppression_reason"),
}


def district_slides(conn: sa.Connection, year: int, school_ids: list[str] | None = None) -> list[Slide]:
    """The district pack's slides (of the schools ``school_ids``; None: every school), as of ``year``."""
    values = settings.load(conn)
    t = Thresholds.from_settings(values)
    until = c("year_start") <= year
    label = year_label(year)
    as_of = _as_of(conn)
    where = "district" if school_ids is None else f"your {len(school_ids)} schools"
    notes = goal_tables.notes(conn, school_ids, include_internal=False).filter(until)
    cells = tables.achievement_cells(conn, t, school_ids).filter(until)
    school_cells = tables.school_cells(conn, school_ids).filter(until)
    trust_results = tables.trust_results(conn, t, school_ids).filter(until)
    cadence = tables.cpl_cadence(conn, school_ids).filter(until)
    votes = tables.readiness(conn, t, school_ids).filter(until)
    schools = tables.schools(conn, school_ids)
    files = f"the district's files loaded through {as_of}"
    achievement = f"the achievement files loaded through {as_of}"
    slides = goal_slides(
        goal_tables.visible_goals(conn, school_ids),
        (school_cells, trust_results, cadence, votes),
        schools,
        t,
        values["goal_tolerance"],
        year,
        label,
        where,
        files,
    )
    # the district overview, with the schools flagged for attention
    summary = school_summary_from(schools, trust_results, cadence, votes, cells, values, notes)
    v = overview(
        summary,
        school_cells.filter(c("student_group") == ALL_STUDENTS),
        t,
        scope_label=None if school_ids is None else where,
        trust_results=trust_results,
        cadence=cadence,
    )
    if not v.empty:
        slides += overview_slides(v, where, label, f"the school summary of {files}", t, MEASURES["overview"])
        missing = _not_drawn(summary)
        slides += _paged(
            v,
            "proficiency",
            "school_name",
            figures.overview_proficiency,
            "overview_proficiency",
            lambda _rows: footnote(achievement, missing, t),
            "proficiency",
        )
    # the gaps between student groups
    for subject in options(cells, "subject"):
        v = equity(cells, t, subject, notes=notes, exact=tables.district_rollups(conn, school_ids).filter(until))
        if v.empty:
            continue
        for key, build, measure in (
            ("levels", figures.equity_levels, "proficiency"),
            ("change", figures.equity_change, "change"),
        ):
            labels, reason = WITHHELD_BY[key]

            def foot(rows: pl.DataFrame, labels=labels, reason=reason) -> str:
                return footnote(achievement, withheld_on(rows, labels, reason, t), t)

            name = f"equity_{subject}_{key}".lower()
            slides += _paged(v, key, "student_group", build, name, foot, measure, LINES_PER_CHART, ALL_STUDENTS)
    # the strands
    v = trust(trust_results, t, label, notes=notes)
    if not v.empty:
        surveys = f"the staff surveys loaded through {as_of}"
        slides += _paged(
            v,
            "heatmap",
            "school_name",
            lambda p: figures.trust_heatmap(p, INDEX),
            "trust_heatmap",
            lambda rows: footnote(
                surveys, withheld_on(rows, ["school_name", "facet"], "reason", t, "staff"), t, _low_response(rows, t)
            ),
            "trust",
        )
    v = cpl(cadence, label)
    if not v.empty:
        logs = f"the CPL meeting logs loaded through {as_of}"
        slides += _paged(
            v,
            "consistency",
            "school_name",
            figures.cpl_consistency,
            "cpl_consistency",
            lambda _rows: footnote(logs, None, t, "Meeting logs hold no one's result."),
            "cpl",
        )
    v = readiness(votes, notes=notes)
    if not v.empty:
        ballots = f"the readiness votes loaded through {as_of}"
        slides += _paged(
            v,
            "latest",
            "school_name",
            figures.readiness_latest,
            "readiness_latest",
            lambda rows: footnote(ballots, _small_votes(rows, t), t),
            "readiness",
        )
    if summary.height and summary["school_year"].drop_nulls().max() == label:
        v = culture(summary, "Trust index change")
        if not v.empty:
            said = footnote(f"the school summary of {files}", v.notes.get("scatter"), t)
            fig = figures.culture_scatter(v, "Trust index change")
            slides.append(_chart("culture_scatter", fig, v.titles["scatter"], said, v.sentence, "culture"))
    return slides


def school_slides(
    conn: sa.Connection, school_id: str, year: int, school_ids: list[str] | None = None
) -> tuple[str, list[Slide]]:
    """One school's pack: its goals, its strands against the district (or the caller's schools), its charts."""
    if school_ids is not None and school_id not in school_ids:
        raise BoardPackError(f"school {school_id} is not in your scope")
    values = settings.load(conn)
    t = Thresholds.from_settings(values)
    until = c("year_start") <= year
    label = year_label(year)
    scope = [school_id]
    notes = goal_tables.notes(conn, scope, include_internal=False).filter(until)
    comparison = None if school_ids is not None and len(school_ids) < 2 else goal_tables.frames(conn, t, school_ids)
    v = school_profile(
        school_id,
        tables.achievement_cells(conn, t, scope).filter(until),
        tables.trust_results(conn, t, scope).filter(until),
        tables.cpl_cadence(conn, scope).filter(until),
        tables.readiness(conn, t, scope).filter(until),
        t,
        notes=notes,
        comparison=None if comparison is None else comparison.until(year),
        comparison_label="the district" if school_ids is None else f"your {len(school_ids)} schools",
        values=values,
        year=year,
    )
    if v.empty:
        raise BoardPackError(f"no data for school {school_id} up to {label}")
    name = cast(str, v.extra["school_name"])
    files = f"the district's files loaded through {_as_of(conn)}"
    frames = goal_tables.frames(conn, t, school_ids).until(year)  # a district goal reads the district
    everyone = tables.schools(conn)
    mine = goal_tables.visible_goals(conn, school_ids)
    covers = [school_id in goals.scope_schools(goals.parse_scope(g), everyone) for g in mine["scope"]]
    slides = goal_slides(
        mine.filter(pl.Series(covers, dtype=pl.Boolean)) if mine.height else mine,
        (frames.cells, frames.trust, frames.cadence, frames.votes),
        everyone,
        t,
        values["goal_tolerance"],
        year,
        label,
        name,
        files,
    )
    slides.append(
        Slide(
            "school_strands",
            None,
            f"{name}: the four strands, {label} against {year_label(year - 1)} and {v.extra['comparison_label']}",
            footnote(files, None, t, str(v.extra["flag"])),
            "",
            MEASURES["overview"],
            table=v.frames["strands"],
            widths=(5.2, 1.8, 1.8, 2.1, 1.8),
        )
    )
    for key, build, measure in (
        ("trust", figures.school_trust, "trust"),
        ("cpl", figures.school_cpl, "cpl"),
        ("readiness", figures.school_readiness, "readiness"),
    ):
        slides.append(_chart(f"school_{key}", build(v), v.titles[key], footnote(files, None, t), v.sentence, measure))
    for key in cast(list[str], v.extra["subject_keys"]):

        def foot(rows: pl.DataFrame) -> str:
            return footnote(files, withheld_on(rows, ["student_group", "school_year"], "reason", t), t)

        slides += _paged(
            v,
            key,
            "student_group",
            lambda page, key=key: figures.school_proficiency(page, key),
            f"school_{key}".replace(":", "_").lower(),
            foot,
            "proficiency",
            LINES_PER_CHART,
            ALL_STUDENTS,
        )
    return name, slides


def build(
    engine: sa.Engine, out_dir: Path, year: str, school_id: str | None = None, school_ids: list[str] | None = None
) -> dict[str, list[Path]]:
    """Write the pack for the district (or one school) and a school year into ``out_dir``, as the caller seeing
    ``school_ids`` (None: every school) sees it."""
    start = _year_start(year)
    label = year_label(start)
    with engine.connect() as conn:
        if school_id:
            name, slides = school_slides(conn, school_id, start, school_ids)
            title, stem = f"{name}: culture and equity, {label}", f"board_pack_{_file_stem(school_id)}_{label}"
        else:
            slides = district_slides(conn, start, school_ids)
            title, stem = f"District culture and equity, {label}", f"board_pack_district_{label}"
        rule = Thresholds.from_settings(settings.load(conn)).footnote()
    if not any(s.figure is not None for s in slides):
        raise BoardPackError(f"there is no data up to {label} to put in a pack")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts_ = sum(s.figure is not None for s in slides)
    subtitle = (
        "Board goals, the schools flagged for attention, the gaps between student groups, and trust, collective "
        f"professional learning and readiness. Prepared {dt.date.today().isoformat()}. {len(slides)} slides, "
        f"{charts_} charts."
    )
    pngs = {}
    number = 0
    for slide in slides:
        if slide.figure is None:
            continue
        number += 1
        path = out_dir / f"{number:02d}_{slide.key}.png"
        try:
            png = images.figure_png(
                slide.figure, slide_style.IMAGE_LAYOUT_PX, slide_style.IMAGE_LAYOUT_H, slide_style.IMAGE_SCALE
            )
        except images.ImagesUnavailable as exc:
            raise BoardPackError(f"the board pack cannot be drawn: {exc}") from None
        path.write_bytes(png)
        pngs[slide.key] = path
    pptx_path, pdf_path = out_dir / f"{stem}.pptx", out_dir / f"{stem}.pdf"
    write_pptx(slides, pngs, title, subtitle, rule, pptx_path)
    write_pdf(slides, pngs, title, subtitle, rule, pdf_path)
    return {"pptx": [pptx_path], "pdf": [pdf_path], "png": list(pngs.values())}
