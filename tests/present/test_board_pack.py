"""The board pack: its files open, hold the charts asked for, carry alt text, footnotes and speaker notes, and no
withheld figure reaches any of them (slides, notes, PDF text, or the figures drawn into the PNGs)."""

from __future__ import annotations

import datetime as dt
import re
import struct

import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.ingest.loader import FileToLoad, files_in_directory, load_files
from dashboard.present import board_pack, slide_style
from dashboard.services import notes

# A sentinel group: 3 of 7 proficient (42.857...%) in both years; never to be shown in any form.
SENTINEL_FORMS = ("42.9", "42.86", "43%", "0.429", "3 of 7", "42.8")
SENTINEL = """school_id,school_year,subject,student_group,grade,n_tested,n_proficient
S1,2022-23,Math,Pacific Islander,All,7,3
S1,2023-24,Math,Pacific Islander,All,7,3
S1,2022-23,Math,White,All,113,63
S1,2023-24,Math,White,All,111,68
"""


@pytest.fixture
def district(engine, canonical_dir, tmp_path):
    result = load_files(engine, files_in_directory(canonical_dir), user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    extra = tmp_path / "achievement.csv"
    extra.write_text(SENTINEL, encoding="utf-8")
    result = load_files(engine, [FileToLoad(extra)], user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    return engine


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _pptx_text(path) -> str:
    deck = Presentation(str(path))
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            parts.append(shape._element.xml)  # alt text (descr) and anything else stored with the shape
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def test_district_pack_files_open_and_hold_the_charts(district, tmp_path):
    written = board_pack.build(district, tmp_path / "pack", "2023-24")
    pngs = written["png"]
    # the tiny district: ELA and Math levels and change (4), trust heatmap, CPL consistency, readiness, and the
    # overview's proficiency by school; no culture scatter, since no school has both a trust change (each has one
    # survey year) and an achievement change
    names = [p.name for p in pngs]
    assert [n.split("_", 1)[1] for n in names] == [
        "overview_proficiency.png",
        "equity_ela_levels.png",
        "equity_ela_change.png",
        "equity_math_levels.png",
        "equity_math_change.png",
        "trust_heatmap.png",
        "cpl_consistency.png",
        "readiness_latest.png",
    ]
    for png in pngs:  # 1920 across, at the shape of the place it takes on a slide
        width, height = _png_size(png.read_bytes())
        assert width == 1920 and abs(height - 1920 * slide_style.IMAGE_LAYOUT_H / slide_style.IMAGE_LAYOUT_PX) <= 1
    deck = Presentation(str(written["pptx"][0]))
    slides = list(deck.slides)
    assert "District culture and equity, 2023-24" in slides[0].shapes.title.text
    titles = [slide.shapes.title.text for slide in slides[1:]]
    # goals first (none set: the slide says so), the overview and its flagged schools, the gaps, the strands
    assert titles[0].startswith("Board goals, district, 2023-24")
    assert titles[1].startswith("District overview, district, 2023-24 (3 schools)")
    assert titles[2].startswith("Schools flagged for attention, district, 2023-24")
    assert titles[3].startswith("All Students % proficient by school")
    assert [t.split(" ", 1)[0] for t in titles[4:8]] == ["ELA", "Change", "Math", "Change"]
    assert titles[8].startswith("Staff trust") and titles[9].startswith("CPL") and titles[10].startswith("Latest")
    for slide in slides[1:]:
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        if pictures:
            assert pictures[0]._element.nvPicPr.cNvPr.get("descr").startswith("Chart: ")
        foot = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title][-1]
        assert foot.startswith("Source: ") and ("withheld" in foot.lower())
        assert len(slide.notes_slide.notes_text_frame.text) > 80  # a measure defined in plain words
    footnotes = {[s.text_frame.text for s in sl.shapes if s.has_text_frame][-1] for sl in slides[1:]}
    assert len(footnotes) >= 5  # each slide says its own source and what it withholds, not one note for all
    reader = PdfReader(str(written["pdf"][0]))
    assert len(reader.pages) == len(slides)
    assert "District culture and equity, 2023-24" in reader.pages[0].extract_text()
    assert "Board goals, district, 2023-24" in reader.pages[1].extract_text()


def test_every_slides_type_is_18_pt_or_more_chart_images_included(district, tmp_path):
    written = board_pack.build(district, tmp_path / "pack", "2023-24")
    deck = Presentation(str(written["pptx"][0]))
    for number, slide in enumerate(deck.slides):
        runs = [
            run
            for shape in slide.shapes
            for frame in (
                [shape.text_frame]
                if shape.has_text_frame
                else [cell.text_frame for row in shape.table.rows for cell in row.cells]
                if shape.has_table
                else []
            )
            for paragraph in frame.paragraphs
            for run in paragraph.runs
        ]
        assert runs, f"slide {number} has no text"
        for run in runs:
            assert run.font.size is not None and run.font.size.pt >= 18, (number, run.text, run.font.size)
        if number:
            assert slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size.pt >= 20  # a large title
    with district.connect() as conn:
        slides = board_pack.district_slides(conn, 2023)
    for slide in slides:
        if slide.figure is None:
            continue
        assert slide.figure.layout.width == slide_style.IMAGE_LAYOUT_PX  # drawn at the size it is placed
        assert not slide.figure.layout.title.text  # the slide's title says it, larger
        for where, px in slide_style.font_sizes(slide.figure):
            assert slide_style.placed_pt(px) >= 18, (slide.key, where, px)
    # the placing: the image spans the slide's width at that many layout pixels
    assert pytest.approx(slide_style.IMAGE_WIDTH_IN * 72 / slide_style.IMAGE_LAYOUT_PX) == slide_style.PT_PER_PX


def test_no_internal_note_reaches_a_pack(district, tmp_path):
    notes.add(district, dt.date(2023, 9, 4), "Principal on leave SECRET", "tester", school_id="S1", internal=True)
    notes.add(district, dt.date(2023, 9, 5), "State test changed", "tester", kind="break")
    with district.connect() as conn:
        figures_json = "\n".join(s.figure.to_json() for s in board_pack.district_slides(conn, 2023) if s.figure)
        school_json = "\n".join(s.figure.to_json() for s in board_pack.school_slides(conn, "S1", 2023)[1] if s.figure)
    assert "State test changed" in figures_json  # the public note marks the time charts
    assert "SECRET" not in figures_json and "SECRET" not in school_json
    written = board_pack.build(district, tmp_path / "pack", "2023-24", school_id="S1")
    assert "SECRET" not in _pptx_text(written["pptx"][0])
    assert "SECRET" not in "\n".join(page.extract_text() for page in PdfReader(str(written["pdf"][0])).pages)


def test_a_pack_as_a_coach_sees_only_the_coachs_schools(district, tmp_path):
    with district.connect() as conn:
        slides = board_pack.district_slides(conn, 2023, ["S1"])
    text = "\n".join((s.figure.to_json() if s.figure else "") + s.title + s.footnote for s in slides)
    assert "Alder Elementary" in text and "Birch Middle" not in text and "Cedar High" not in text
    assert any("your 1 schools" in s.title for s in slides)


def test_no_withheld_figure_reaches_the_pack(district, tmp_path):
    written = board_pack.build(district, tmp_path / "pack", "2023-24")
    with district.connect() as conn:
        figures_json = "\n".join(  # the figures drawn, and the tables and words of every slide
            (s.figure.to_json() if s.figure else s.table.write_csv()) + s.title + s.footnote + s.notes
            for s in board_pack.district_slides(conn, 2023)
        )
    texts = {
        "pptx": _pptx_text(written["pptx"][0]),
        "pdf": "\n".join(page.extract_text() for page in PdfReader(str(written["pdf"][0])).pages),
        "figures drawn into the PNGs": figures_json,
    }
    for where, text in texts.items():
        for form in SENTINEL_FORMS:
            assert form not in text, f"{form!r} found in the {where}"
        # the complementary cell: with All Students and White visible, Pacific Islander would be recomputable, so
        # White is withheld too in Math 2023-24 (68 of 111 = 61.26%); its rate must not appear either
        assert not re.search(r"61\.2[67]?", text), f"the complementary White figure found in the {where}"


def test_school_pack_and_bad_requests(district, tmp_path):
    written = board_pack.build(district, tmp_path / "school", "2023-24", school_id="S1")
    deck = Presentation(str(written["pptx"][0]))
    assert "Alder Elementary: culture and equity, 2023-24" in deck.slides[0].shapes.title.text
    assert len(written["png"]) == 4  # trust, CPL, readiness, proficiency
    titles = [slide.shapes.title.text for slide in list(deck.slides)[1:]]
    assert titles[0].startswith("Board goals, Alder Elementary, 2023-24")
    assert titles[1].startswith("Alder Elementary: the four strands, 2023-24 against 2022-23 and the district")
    with pytest.raises(board_pack.BoardPackError, match="school year such as 2025-26"):
        board_pack.build(district, tmp_path / "x", "2023")
    with pytest.raises(board_pack.BoardPackError, match="not in your scope"):
        board_pack.build(district, tmp_path / "x", "2023-24", school_id="S1", school_ids=["S2"])
    with pytest.raises(board_pack.BoardPackError, match="no data"):
        board_pack.build(district, tmp_path / "x", "2023-24", school_id="S404")


def test_without_a_browser_the_pack_says_what_to_install_and_writes_nothing(district, tmp_path, monkeypatch):
    from dashboard.present import images

    monkeypatch.setattr(images, "_started", False)
    monkeypatch.setattr(images, "_find_browser", lambda: None)
    out = tmp_path / "pack"
    with pytest.raises(board_pack.BoardPackError, match=r"need Chromium on the server.*apt-get install chromium"):
        board_pack.build(district, out, "2023-24")
    assert not list(out.glob("*.pptx")) and not list(out.glob("*.pdf"))
