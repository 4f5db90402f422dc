"""The board pack: for the district or one school and a school year, one chart per slide with its footnote, alt
text and speaker notes that define each measure in plain words, as a PPTX, a PDF of the same, and the PNGs.

Every figure comes from the same views and figures as the pages, computed through ``dashboard.metrics`` (and so
through ``dashboard.core.privacy``): a withheld value cannot reach a slide, a note or an image.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import plotly.graph_objects as go
import polars as pl
import sqlalchemy as sa

from dashboard.core.privacy import Thresholds
from dashboard.core.school_year import school_year_start
from dashboard.metrics import tables
from dashboard.present import figures, images
from dashboard.present.common import options, year_label
from dashboard.present.cpl import cpl
from dashboard.present.culture import culture
from dashboard.present.equity import equity
from dashboard.present.readiness import readiness
from dashboard.present.school import school_profile
from dashboard.present.trust import trust
from dashboard.store import settings
from dashboard.store.schema import import_log

c = pl.col

MEASURES = {
    "proficiency": "Percent proficient is the share of tested students who scored at or above the proficient level. "
    "District figures add up students across schools (proficient over tested), so a large school "
    "counts for more than a small one.",
    "change": "Change is in percentage points: 45% to 50% is a gain of 5 points. The relative change (here 11%) is a "
    "different number and is shown beside it, named, never instead. A small group's rate swings by chance, "
    "so each rate carries a 95% interval.",
    "trust": "Relational trust is measured by the staff survey, facet by facet: benevolence, honesty, openness, "
    "reliability and competence. The mean is on the survey's 1 to 5 scale; results from fewer than five "
    "respondents are withheld, and results with under half of staff responding are marked.",
    "cpl": "Collective professional learning is teachers meeting in teams to learn together. Consistency is the share "
    "of school weeks in which a team met; predictable, steady time is itself a driver of trust.",
    "readiness": "Before a school moves to a new model, staff vote on whether they are ready. Ready is the share of "
    "votes cast; a school goes forward when it reaches its threshold. Turnout counts abstentions too.",
    "culture": "Each point is one school: a culture measure against its change in achievement. It shows which "
    "schools moved together; it does not show that one caused the other.",
}


@dataclass
class Slide:
    key: str
    figure: go.Figure
    title: str
    footnote: str
    alt_text: str
    notes: str


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


def district_slides(conn: sa.Connection, year: int, school_ids: list[str] | None = None) -> list[Slide]:
    values = settings.load(conn)
    t = Thresholds.from_settings(values)
    until = c("year_start") <= year
    label = year_label(year)
    footnote = f"{t.footnote()} Source: district files loaded through {_as_of(conn)}."
    slides: list[Slide] = []
    cells = tables.achievement_cells(conn, t, school_ids).filter(until)
    for subject in options(cells, "subject"):
        v = equity(cells, t, subject)
        if v.empty:
            continue
        for key, fig in (("levels", figures.equity_levels(v)), ("change", figures.equity_change(v))):
            slides.append(
                Slide(
                    f"equity_{subject}_{key}".lower(),
                    fig,
                    v.titles[key],
                    footnote,
                    _alt(v.titles[key], v.sentence),
                    MEASURES["proficiency" if key == "levels" else "change"],
                )
            )
    trust_results = tables.trust_results(conn, t, school_ids).filter(until)
    v = trust(trust_results, t, label)
    if not v.empty:
        slides.append(
            Slide(
                "trust_heatmap",
                figures.trust_heatmap(v, "Mean score"),
                v.titles["heatmap"],
                footnote,
                _alt(v.titles["heatmap"], v.sentence),
                MEASURES["trust"],
            )
        )
    cadence = tables.cpl_cadence(conn, school_ids).filter(until)
    v = cpl(cadence, label)
    if not v.empty:
        slides.append(
            Slide(
                "cpl_consistency",
                figures.cpl_consistency(v),
                v.titles["consistency"],
                footnote,
                _alt(v.titles["consistency"], v.sentence),
                MEASURES["cpl"],
            )
        )
    votes = tables.readiness(conn, t, school_ids).filter(until)
    v = readiness(votes)
    if not v.empty:
        slides.append(
            Slide(
                "readiness_latest",
                figures.readiness_latest(v),
                v.titles["latest"],
                footnote,
                _alt(v.titles["latest"], v.sentence),
                MEASURES["readiness"],
            )
        )
    summary = tables.school_summary(conn, values, school_ids)
    if summary.height and summary["school_year"].drop_nulls().max() == label:
        v = culture(summary, "Trust index change")
        if not v.empty:
            slides.append(
                Slide(
                    "culture_scatter",
                    figures.culture_scatter(v, "Trust index change"),
                    v.titles["scatter"],
                    footnote,
                    _alt(v.titles["scatter"], v.sentence),
                    MEASURES["culture"],
                )
            )
    return slides


def school_slides(
    conn: sa.Connection, school_id: str, year: int, school_ids: list[str] | None = None
) -> tuple[str, list[Slide]]:
    if school_ids is not None and school_id not in school_ids:
        raise BoardPackError(f"school {school_id} is not in your scope")
    values = settings.load(conn)
    t = Thresholds.from_settings(values)
    until = c("year_start") <= year
    scope = [school_id]
    cells = tables.achievement_cells(conn, t, scope).filter(until)
    v = school_profile(
        school_id,
        cells,
        tables.trust_results(conn, t, scope).filter(until),
        tables.cpl_cadence(conn, scope).filter(until),
        tables.readiness(conn, t, scope).filter(until),
        t,
    )
    if v.empty:
        raise BoardPackError(f"no data for school {school_id} up to {year_label(year)}")
    footnote = f"{t.footnote()} Source: district files loaded through {_as_of(conn)}."
    charts_ = (
        ("trust", figures.school_trust(v), "trust"),
        ("cpl", figures.school_cpl(v), "cpl"),
        ("readiness", figures.school_readiness(v), "readiness"),
        ("proficiency", figures.school_proficiency(v), "proficiency"),
    )
    school_name = cast(str, v.extra["school_name"])
    return school_name, [
        Slide(f"school_{key}", fig, v.titles[key], footnote, _alt(v.titles[key], v.sentence), MEASURES[measure])
        for key, fig, measure in charts_
    ]


# --- writers -----------------------------------------------------------------------------------------------------


def _write_pptx(slides: list[Slide], pngs: dict[str, Path], title: str, subtitle: str, path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = subtitle
    for slide in slides:
        page = deck.slides.add_slide(deck.slide_layouts[6])
        picture = page.shapes.add_picture(str(pngs[slide.key]), Inches(0.4), Inches(0.25), width=Inches(12.5))
        picture._element.nvPicPr.cNvPr.set("descr", slide.alt_text)  # alt text, read by screen readers
        box = page.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.45))
        box.text_frame.word_wrap = True
        box.text_frame.text = slide.footnote
        for paragraph in box.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(10)
        page.notes_slide.notes_text_frame.text = f"{slide.title}\n\n{slide.notes}"
    deck.save(str(path))


_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _write_pdf(slides: list[Slide], pngs: dict[str, Path], title: str, subtitle: str, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(190.5, 338.67))
    if _FONT.exists():
        pdf.add_font("body", "", str(_FONT))
        font = "body"

        def clean(text: str) -> str:
            return text
    else:  # the core fonts are Latin-1 only
        font = "helvetica"

        def clean(text: str) -> str:
            text = text.replace("≤", "<=").replace("≥", ">=").replace("—", "-").replace("†", "+")
            return text.encode("latin-1", "replace").decode("latin-1")

    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font(font, size=32)
    pdf.set_xy(20, 70)
    pdf.multi_cell(298, 14, clean(title))
    pdf.set_font(font, size=18)
    pdf.set_x(20)
    pdf.multi_cell(298, 9, clean(subtitle))
    for slide in slides:
        pdf.add_page()
        pdf.image(str(pngs[slide.key]), x=24, y=6, w=290, alt_text=clean(slide.alt_text))
        pdf.set_font(font, size=9)
        pdf.set_xy(24, 172)
        pdf.multi_cell(290, 4.5, clean(slide.footnote))
    pdf.output(str(path))


def build(
    engine: sa.Engine, out_dir: Path, year: str, school_id: str | None = None, school_ids: list[str] | None = None
) -> dict[str, list[Path]]:
    """Write the pack for the district (or one school) and a school year into ``out_dir``."""
    start = _year_start(year)
    label = year_label(start)
    with engine.connect() as conn:
        if school_id:
            name, slides = school_slides(conn, school_id, start, school_ids)
            title, stem = f"{name}: culture and equity, {label}", f"board_pack_{_file_stem(school_id)}_{label}"
        else:
            slides = district_slides(conn, start, school_ids)
            title, stem = f"District culture and equity, {label}", f"board_pack_district_{label}"
    if not slides:
        raise BoardPackError(f"there is no data up to {label} to put in a pack")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    subtitle = (
        f"Trust, collective professional learning, readiness and achievement by student group. "
        f"Prepared {dt.date.today().isoformat()}. {len(slides)} charts."
    )
    pngs = {}
    for number, slide in enumerate(slides, start=1):
        path = out_dir / f"{number:02d}_{slide.key}.png"
        try:
            path.write_bytes(images.figure_png(slide.figure))
        except images.ImagesUnavailable as exc:
            raise BoardPackError(f"the board pack cannot be drawn: {exc}") from None
        pngs[slide.key] = path
    pptx_path, pdf_path = out_dir / f"{stem}.pptx", out_dir / f"{stem}.pdf"
    _write_pptx(slides, pngs, title, subtitle, pptx_path)
    _write_pdf(slides, pngs, title, subtitle, pdf_path)
    return {"pptx": [pptx_path], "pdf": [pdf_path], "png": list(pngs.values())}
