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
from dashboard.present import board_pack

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
    # the tiny district: ELA and Math levels and change (4), trust heatmap, CPL consistency, readiness; no culture
    # scatter, since no school has both a trust change (each has one survey year) and an achievement change
    names = [p.name for p in pngs]
    assert [n.split("_", 1)[1] for n in names] == [
        "equity_ela_levels.png",
        "equity_ela_change.png",
        "equity_math_levels.png",
        "equity_math_change.png",
        "trust_heatmap.png",
        "cpl_consistency.png",
        "readiness_latest.png",
    ]
    for png in pngs:
        assert _png_size(png.read_bytes()) == (1920, 1080)
    deck = Presentation(str(written["pptx"][0]))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(pngs)  # a title slide, then one chart per slide
    assert "District culture and equity, 2023-24" in slides[0].shapes.title.text
    for slide in slides[1:]:
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        assert pictures[0]._element.nvPicPr.cNvPr.get("descr").startswith("Chart: ")
        text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "withheld" in text and "Source: district files loaded through" in text
        assert len(slide.notes_slide.notes_text_frame.text) > 80  # a measure defined in plain words
    reader = PdfReader(str(written["pdf"][0]))
    assert len(reader.pages) == 1 + len(pngs)
    assert "District culture and equity, 2023-24" in reader.pages[0].extract_text()
    assert "withheld" in reader.pages[1].extract_text()


def test_no_withheld_figure_reaches_the_pack(district, tmp_path):
    written = board_pack.build(district, tmp_path / "pack", "2023-24")
    with district.connect() as conn:
        figures_json = "\n".join(s.figure.to_json() for s in board_pack.district_slides(conn, 2023))
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
