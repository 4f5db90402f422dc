"""The coach's school brief: one school's profile (``dashboard.present.school.school_profile``, the same view the School
profile page shows) as a printable PDF, one page for a school of usual size and two at most. fpdf2, text written as
text; every figure is the view's, so a withheld one prints as the page prints it ("n<10", "withheld")."""

from __future__ import annotations

import datetime as dt
from typing import cast

import polars as pl
from fpdf import FPDF

from dashboard.core.school_year import school_year_label
from dashboard.present import school_tables
from dashboard.present.common import PageView
from dashboard.present.pdf_text import use_fonts

PAGE_W, PAGE_H, MARGIN = 215.9, 279.4, 11.0  # US Letter, portrait, mm
WIDTH = PAGE_W - 2 * MARGIN
GUTTER = 5.0
BODY, SMALL, HEAD = 8.0, 7.0, 9.5  # pt
LINE = 3.9  # mm per line of a table at BODY
MAX_PAGES = 2
GREY = (90, 90, 90)


class _Brief:
    """A running page: a cursor ``y`` and the two text sizes, with a page added when a block would not fit."""

    def __init__(self) -> None:
        self.pdf = FPDF(orientation="P", unit="mm", format="Letter")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.add_page()
        self.font, self.clean = use_fonts(self.pdf)
        self.y = MARGIN

    def room(self, needed: float) -> None:
        if self.y + needed > PAGE_H - MARGIN and self.pdf.page_no() < MAX_PAGES:
            self.pdf.add_page()
            self.y = MARGIN

    def text(
        self,
        text: str,
        size: float = BODY,
        bold: bool = False,
        colour=(0, 0, 0),
        width: float = WIDTH,
        x: float = MARGIN,
        gap: float = 1.2,
    ) -> None:
        self.pdf.set_font(self.font, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)
        height = size * 0.42
        lines = cast(list, self.pdf.multi_cell(width, height, self.clean(text), dry_run=True, output="LINES"))
        self.room(height * len(lines) + gap)
        self.pdf.set_xy(x, self.y)
        self.pdf.multi_cell(width, height, self.clean(text))
        self.y += height * len(lines) + gap
        self.pdf.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        self.room(HEAD * 0.42 + 4 * LINE)  # never a heading alone at the foot of a page
        self.y += 1.2
        self.text(text, HEAD, bold=True, gap=0.6)

    def _fit(self, text: str, width: float) -> str:
        text = self.clean(text)
        if self.pdf.get_string_width(text) <= width - 1:
            return text
        while text and self.pdf.get_string_width(text + "…") > width - 1:
            text = text[:-1]
        return self.clean(text.rstrip() + "…")

    def table(self, frame: pl.DataFrame, widths: list[float], x: float = MARGIN, size: float = BODY) -> float:
        """The frame as a table at ``x`` from the cursor down (header bold, a rule under it); returns its bottom y
        without moving the cursor (two tables can stand side by side)."""
        pdf, y = self.pdf, self.y
        line = LINE * size / BODY
        for bold, row in [
            (True, frame.columns),
            *[(False, [str(v) if v is not None else "–" for v in r]) for r in frame.iter_rows()],
        ]:
            pdf.set_font(self.font, "B" if bold else "", size)
            cx = x
            for text, w in zip(row, widths, strict=True):
                pdf.set_xy(cx, y)
                pdf.cell(w, line, self._fit(str(text), w), border="B" if bold else 0)
                cx += w
            y += line
        return y


def brief_pdf(v: PageView, prepared_for: str, source: str, footnote: str, today: dt.date | None = None) -> bytes:
    """The brief of a school's view (``school_profile`` with ``values`` given), made for ``prepared_for`` (the
    account's name and role); ``source`` and ``footnote`` close it (where the figures come from, what is withheld)."""
    b = _Brief()
    font, clean = b.font, b.clean
    year, compared = cast(int, v.extra["year"]), str(v.extra["comparison_label"])
    where = " · ".join(str(x) for x in (v.extra.get("network"), v.extra.get("level")) if x)
    b.text(f"{v.extra['school_name']}: school brief, {school_year_label(year)}", 15, bold=True, gap=0.8)
    b.text(
        f"{where} · prepared for {prepared_for} on {(today or dt.date.today()).isoformat()} · {school_year_label(year)} "
        f"against {school_year_label(year - 1)} and {compared}",
        SMALL,
        colour=GREY,
    )
    b.text(str(v.extra["flag"]), HEAD, bold=True, gap=1.5)

    b.heading("The four strands")
    b.y = b.table(v.frames["strands"], [70, 22, 22, 36, WIDTH - 150]) + 1  # the last column names its schools and year

    half = (WIDTH - GUTTER) / 2
    teams, facets = v.frames["teams"], v.frames["facets"]
    b.heading(f"Teams in {school_year_label(year)} (least consistent first)   |   Trust facets, all staff")
    b.room(LINE * (max(teams.height, facets.height + 2) + 1))
    teams = teams.rename({"Meetings": "Mtgs", "Consistency": "Weeks met", "Longest gap (weeks)": "Gap (wk)"})
    left = b.table(teams, [half - 66, 26, 11, 15, 14], size=SMALL) if teams.height else b.y
    right = b.table(facets, [26, 26, 18, half - 70], x=MARGIN + half + GUTTER, size=SMALL) if facets.height else b.y
    b.pdf.set_font(font, "", SMALL)
    b.pdf.set_xy(MARGIN + half + GUTTER, right + 0.5)
    b.pdf.cell(half, LINE, clean(str(v.extra["facets_sentence"])))
    right += LINE + 0.5
    b.y = max(left, right) + 1

    groups = v.frames["groups"]
    subjects = groups["Subject"].unique(maintain_order=True).to_list()
    b.heading(f"Student groups in {school_year_label(year)}: proficiency, gap to All Students and change")
    columns = [c for c in school_tables.GROUP_COLUMNS if c != "Subject"]
    widths = [62, 20, 24, 26, 26, WIDTH - 158]
    for subject in subjects:
        part = groups.filter(pl.col("Subject") == subject).select(columns)
        b.room(LINE * (part.height + 2))
        b.text(subject, SMALL, bold=True, gap=0.2)
        b.y = b.table(part, widths, size=SMALL) + 1.2

    b.heading("Latest readiness vote")
    b.text(str(v.extra["vote_sentence"]))
    b.heading("Timeline notes")
    notes = v.frames["notes_list"]
    if notes.height:
        for row in notes.iter_rows(named=True):
            b.text(f"{row['Date']} ({row['For']}, {row['Kind'].lower()}): {row['Note']}", gap=0.4)
    else:
        b.text("No notes for this school or the district.")
    b.y += 1
    b.text(f"{source} {footnote}", SMALL, colour=GREY)
    return bytes(b.pdf.output())
