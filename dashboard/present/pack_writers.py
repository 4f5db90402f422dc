"""The board pack's files: the PPTX and a PDF of the same slides, each slide laid out as ``slide_style`` places it (a
title of 28 pt, a chart image or a table, a footnote of 18 pt), every text sized explicitly and none under 18 pt;
alt text on every chart, speaker notes on every slide. Text is written as text (python-pptx, fpdf2 without
markdown), so a name in the data prints as it is."""

from __future__ import annotations

from pathlib import Path

from dashboard.present import slide_style as s
from dashboard.present.pack_slides import Slide
from dashboard.present.pdf_text import use_fonts

COVER_PT = 40
MM = 25.4  # per inch


def title_pt(title: str) -> int:
    """The title's size: 28 pt where it fits on two lines across the slide, else the largest that does (it says
    what, where, when and n, and is never cut)."""
    for size in (s.TITLE_PT, 26, 24, 22, 20):
        if len(title) <= 2 * s.BODY_W * 72 / (size * 0.62):  # a bold character is about 0.62 em wide
            return size
    return 20


def write_pptx(slides: list[Slide], pngs: dict[str, Path], title: str, subtitle: str, rule: str, path: Path) -> None:
    """``rule``: the privacy rule in force, said once, on the cover (each slide says what it withholds)."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(s.SLIDE_W), Inches(s.SLIDE_H)

    def text_box(page, left, top, width, height, text, size, bold=False):
        box = page.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        box.text_frame.word_wrap = True
        box.text_frame.text = text
        for paragraph in box.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), bold
        return box

    def titled(text: str, size: float):
        page = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only": the slide's title is its title shape
        shape = page.shapes.title
        shape.left, shape.top = Inches(s.MARGIN), Inches(s.TITLE_TOP)
        shape.width, shape.height = Inches(s.BODY_W), Inches(s.TITLE_H)
        shape.text_frame.word_wrap = True
        shape.text_frame.text = text
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), True
        return page

    cover = titled(title, COVER_PT)
    text_box(cover, s.MARGIN, 2.2, s.BODY_W, 1.6, subtitle, s.BODY_PT)
    text_box(cover, s.MARGIN, 4.4, s.BODY_W, 2.0, rule, s.FOOT_PT)
    for slide in slides:
        page = titled(slide.title, title_pt(slide.title))
        if slide.figure is not None:
            picture = page.shapes.add_picture(
                str(pngs[slide.key]), Inches(s.MARGIN), Inches(s.BODY_TOP), width=Inches(s.IMAGE_WIDTH_IN)
            )
            picture._element.nvPicPr.cNvPr.set("descr", slide.alt_text)  # alt text, read by screen readers
        elif slide.table is not None:
            frame = slide.table
            shape = page.shapes.add_table(
                frame.height + 1,
                frame.width,
                Inches(s.MARGIN),
                Inches(s.BODY_TOP),
                Inches(s.BODY_W),
                Inches(min(s.BODY_H, 0.45 * (frame.height + 1))),
            )
            table = shape.table
            for j, width in enumerate(slide.widths):
                table.columns[j].width = Inches(width)
            for i, row in enumerate([frame.columns, *frame.iter_rows()]):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = "–" if value is None else str(value)
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            run.font.size, run.font.bold = Pt(s.TABLE_PT), i == 0
        text_box(page, s.MARGIN, s.FOOT_TOP, s.BODY_W, s.FOOT_H, slide.footnote, s.FOOT_PT)
        page.notes_slide.notes_text_frame.text = f"{slide.title}\n\n{slide.notes}"
    deck.save(str(path))


def write_pdf(slides: list[Slide], pngs: dict[str, Path], title: str, subtitle: str, rule: str, path: Path) -> None:
    """The same slides as pages of the slide's size, at the same sizes (a point is a point on both)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", unit="mm", format=(s.SLIDE_H * MM, s.SLIDE_W * MM))
    font, clean = use_fonts(pdf)
    pdf.set_auto_page_break(False)
    left, width = s.MARGIN * MM, s.BODY_W * MM

    def write(text: str, size: float, top: float, bold: bool = False) -> None:
        pdf.set_font(font, "B" if bold else "", size)
        pdf.set_xy(left, top * MM)
        pdf.multi_cell(width, size * 0.45, clean(text), align="L")

    pdf.add_page()
    write(title, COVER_PT, s.TITLE_TOP + 0.3, bold=True)
    write(subtitle, s.BODY_PT, 2.2)
    write(rule, s.FOOT_PT, 4.4)
    for slide in slides:
        pdf.add_page()
        write(slide.title, title_pt(slide.title), s.TITLE_TOP, bold=True)
        if slide.figure is not None:
            pdf.image(
                str(pngs[slide.key]), x=left, y=s.BODY_TOP * MM, w=s.IMAGE_WIDTH_IN * MM, alt_text=clean(slide.alt_text)
            )
        elif slide.table is not None:
            pdf.set_font(font, "", s.TABLE_PT)
            pdf.set_left_margin(left)
            pdf.set_right_margin(left)
            pdf.set_xy(left, s.BODY_TOP * MM)
            with pdf.table(
                col_widths=slide.widths,  # relative: the table spans the page between its margins
                line_height=s.TABLE_PT * 0.45,
                text_align="LEFT",
                headings_style=FontFace(emphasis="BOLD", size_pt=s.TABLE_PT),
            ) as table:
                for row in [slide.table.columns, *slide.table.iter_rows()]:
                    cells = table.row()
                    for value in row:
                        cells.cell(clean("–" if value is None else str(value)))
        write(slide.footnote, s.FOOT_PT, s.FOOT_TOP)
    pdf.output(str(path))
