"""Names are data in the board pack too (issue 16, item 2): a school whose name holds Markdown, HTML, Plotly's tags
and a ``javascript:`` URL, and whose ID climbs out of a folder, gets a pack whose PPTX and PDF carry the name as its
own characters, with no hyperlink anywhere, and whose files are all written in the folder asked for; the district's
charts are given the name as text (Plotly draws its tags, it does not obey them)."""

from __future__ import annotations

import datetime as dt
import json

from pptx import Presentation
from pypdf import PdfReader

from dashboard.ingest.loader import FileToLoad, files_in_directory, load_files
from dashboard.present import board_pack

NAME = '[Click](https://evil.example/p) **bold** <a href="javascript:alert(1)">js</a> <b>B</b> Elm'
CSV_NAME = NAME.replace('"', '""')  # a CSV cell's quotes doubled
SCHOOL_ID = "../S9"


def test_a_school_pack_shows_a_hostile_name_as_text_and_stays_in_its_folder(engine, canonical_dir, tmp_path):
    result = load_files(engine, files_in_directory(canonical_dir), user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems
    school = tmp_path / "schools.csv"
    school.write_text(
        f'school_id,school_name,level,network\n{SCHOOL_ID},"{CSV_NAME}",elementary,North\n', encoding="utf-8"
    )
    rows = tmp_path / "achievement.csv"
    rows.write_text(
        "school_id,school_year,subject,student_group,grade,n_tested,n_proficient\n"
        f"{SCHOOL_ID},2022-23,Math,All Students,All,120,60\n{SCHOOL_ID},2023-24,Math,All Students,All,118,66\n",
        encoding="utf-8",
    )
    trust = tmp_path / "trust_scores.csv"
    trust.write_text(
        "school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,n_respondents,response_rate\n"
        f"{SCHOOL_ID},2023-24,spring,all_staff,overall,3.6,5,20,80\n",
        encoding="utf-8",
    )
    loads = [FileToLoad(school), FileToLoad(rows), FileToLoad(trust)]
    result = load_files(engine, loads, user="tester", today=dt.date(2026, 11, 23))
    assert result.ok, result.problems

    out = tmp_path / "pack"
    written = board_pack.build(engine, out, "2023-24", school_id=SCHOOL_ID)
    paths = [p for files in written.values() for p in files]
    assert paths and all(p.resolve().parent == out.resolve() for p in paths), paths
    assert written["pptx"][0].name == "board_pack____S9_2023-24.pptx"

    deck = Presentation(str(written["pptx"][0]))
    assert deck.slides[0].shapes.title.text == f"{NAME}: culture and equity, 2023-24"
    for slide in deck.slides:
        for shape in slide.shapes:
            assert "hlinkClick" not in shape._element.xml and "hlinkHover" not in shape._element.xml
        assert not [r for r in slide.part.rels.values() if r.reltype.endswith("/hyperlink")]
    pdf = PdfReader(str(written["pdf"][0]))
    assert not [
        a for page in pdf.pages for a in (page.get("/Annots") or []) if a.get_object().get("/Subtype") == "/Link"
    ]
    assert (
        "**bold**" in pdf.pages[0].extract_text() and "[Click](https://evil.example/p)" in pdf.pages[0].extract_text()
    )

    # the district's charts (the trust heatmap lists every school) draw the name, as text: its tags written out
    with engine.connect() as conn:
        slides = board_pack.district_slides(conn, 2023)
    drawn = [json.dumps(s.figure.to_plotly_json()) for s in slides if s.figure is not None]
    assert any("&lt;b&gt;B&lt;/b&gt; Elm" in d for d in drawn), "the name is drawn, as text"
    assert not any("<a href" in d or "<b>B</b>" in d for d in drawn)
