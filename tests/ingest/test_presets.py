"""The presets of mappings/ for the files districts really have, each on a realistic file made here in the layout
of its public source (named in each test): a Google Forms meeting log, a Microsoft Forms readiness vote, an
item-level staff trust survey from a Forms grid question, and California's CAASPP research file with its entities
file. Expected figures are worked out here from the rows written, not by the loader's code."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import ROOT, SAMPLE

from dashboard.ingest.loader import FileToLoad, load_files
from dashboard.store import schema

PRESETS = ROOT / "mappings"
TODAY = dt.date(2025, 7, 1)
SCHOOLS = {"S001": "Crystal Valley K-8 School", "S002": "East Crest Elementary", "S003": "Mill Terrace Elementary"}


def load(engine, path: Path, mapping: Path):
    return load_files(engine, [FileToLoad(path, mapping=mapping)], user="t", today=TODAY)


@pytest.fixture
def district(engine):
    """The sample district's schools, stored (the forms name schools by their names)."""
    result = load_files(engine, [FileToLoad(SAMPLE / "schools.csv")], user="t", today=TODAY)
    assert result.ok, result.problems
    return engine


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def with_staff(preset: Path, staff: dict[str, int], out: Path) -> Path:
    """The preset with each school's staff entered once (as the Data page keeps them with the saved mapping)."""
    lines = "\n".join(f'"{name}" = {n}' for name, n in staff.items())
    out.write_text(preset.read_text(encoding="utf-8").replace("[staff]\n", f"[staff]\n{lines}\n"), encoding="utf-8")
    return out


def every_text(engine) -> str:
    """Every value stored anywhere, as one text (to show what was never stored)."""
    chunks = []
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            chunks += [repr(tuple(r)) for r in conn.execute(sa.select(table)).all()]
    return "\n".join(chunks)


# --------------------------------------------------------------------------------------------------- CPL meeting log
def test_a_google_forms_meeting_log_loads_with_no_name_or_email_stored(district, tmp_path):
    # Layout: Google Forms, Responses > Download responses (.csv): "Timestamp" (M/D/YYYY H:MM:SS), then "Email
    # Address" when the form collects it, then one column per question titled as the question (Google Docs Editors
    # Help, "View & manage form responses"); a date question exports as M/D/YYYY.
    header = [
        "Timestamp", "Email Address", "Your name", "School", "Date of meeting", "Team name", "Type of team",
        "How many minutes did the team meet?", "How many team members attended?",
        "How many members does the team have?", "Protocol used", "Focus or inquiry question",
    ]  # fmt: skip
    rows = [
        ["9/12/2024 15:41:22", "jlee@district.example", "Jordan Lee", SCHOOLS["S001"], "9/12/2024", "Grade 3 Team",
         "Grade-level team", "45", "5", "6", "Tuning", "How might we give feedback students use?"],
        ["9/19/2024 16:02:10", "jlee@district.example", "Jordan Lee", SCHOOLS["S001"], "9/19/2024", "Grade 3 Team",
         "Grade-level team", "50", "6", "6", "Consultancy", ""],
        ["9/20/2024 8:15:00", "mrivera@district.example", "Maria Rivera", "east crest elementary", "9/20/2024",
         "Equity CoP", "Community of practice", "60", "9", "", "", "Who is not yet belonging in advanced math?"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "CPL meeting log (Responses).csv", header, rows)
    result = load(district, path, PRESETS / "forms_cpl_meeting_log.toml")
    assert result.ok, [str(p) for p in result.problems]
    c = schema.cpl_meeting.c
    with district.connect() as conn:
        stored = conn.execute(
            sa.select(c.school_id, c.meeting_date, c.team, c.team_type, c.duration_minutes, c.attendees, c.team_size)
            .where(c.import_id == result.outcomes[0].import_id)
            .order_by(c.meeting_date)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("S001", dt.date(2024, 9, 12), "Grade 3 Team", "grade_level", 45, 5, 6),
        ("S001", dt.date(2024, 9, 19), "Grade 3 Team", "grade_level", 50, 6, 6),
        ("S002", dt.date(2024, 9, 20), "Equity CoP", "community_of_practice", 60, 9, None),
    ]
    text = every_text(district)
    for secret in ("jlee@district.example", "mrivera@district.example", "Jordan Lee", "Maria Rivera"):
        assert secret not in text


def test_a_meeting_log_naming_an_unknown_school_is_refused_with_its_row(district, tmp_path):
    header = ["Timestamp", "School", "Date of meeting", "Team name", "How many minutes did the team meet?",
              "How many team members attended?"]  # fmt: skip
    rows = [["9/12/2024 15:41:22", SCHOOLS["S001"], "9/12/2024", "Grade 3 Team", "45", "5"],
            ["9/12/2024 15:45:00", "Lincoln Elementary", "9/12/2024", "Grade 4 Team", "45", "5"]]  # fmt: skip
    path = write_csv(tmp_path / "log.csv", header, rows)
    result = load(district, path, PRESETS / "forms_cpl_meeting_log.toml")
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(3, "school_id")]
    assert "'Lincoln Elementary' is not the name of a school" in result.problems[0].message


# --------------------------------------------------------------------------------------------------- readiness vote
def microsoft_forms_vote(path: Path, answers: list[tuple[str, str, str]]) -> Path:
    # Layout: Microsoft Forms, Responses > Open in Excel: "ID", "Start time", "Completion time", "Email", "Name",
    # then one column per question (Microsoft Support, "Check and share your form results"); times as M/D/YY H:MM:SS
    # in the sheet's text, written here as M/D/YYYY H:MM:SS.
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    question = "Are you ready for our school to move to competency-based learning next fall?"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "School", question, "Comments"])
    for i, (when, school, answer) in enumerate(answers, start=1):
        sheet.append([i, when, when, f"staff{i}@district.example", f"Staff Member {i}", school, answer, ""])
    workbook.save(path)
    return path


def test_a_microsoft_forms_vote_is_counted_per_school(district, tmp_path):
    a, b = SCHOOLS["S001"], SCHOOLS["S002"]
    answers = [
        ("4/1/2025 9:00:00", a, "Yes"), ("4/1/2025 9:05:00", a, "Yes"), ("4/2/2025 14:00:00", a, "Not yet"),
        ("4/3/2025 7:30:00", a, "Abstain"), ("4/1/2025 10:00:00", b, "Yes"), ("4/8/2025 16:20:00", b, "No"),
        ("4/8/2025 16:25:00", b, "yes"),
    ]  # fmt: skip
    path = microsoft_forms_vote(tmp_path / "Readiness vote.xlsx", answers)
    mapping = with_staff(PRESETS / "forms_readiness_vote.toml", {a: 20, b: 12}, tmp_path / "vote.toml")
    result = load(district, path, mapping)
    assert result.ok, [str(p) for p in result.problems]
    v = schema.readiness_vote.c
    with district.connect() as conn:
        stored = conn.execute(
            sa.select(v.school_id, v.vote_date, v.votes_ready, v.votes_not_yet, v.votes_abstain, v.eligible_voters)
            .where(v.import_id == result.outcomes[0].import_id)
            .order_by(v.school_id)
        ).all()
        questions = set(
            conn.execute(sa.select(v.question).where(v.import_id == result.outcomes[0].import_id)).scalars()
        )
    # the last response's date is the vote's; 'yes' counts as 'Yes'
    assert [tuple(r) for r in stored] == [
        ("S001", dt.date(2025, 4, 3), 2, 1, 1, 20),
        ("S002", dt.date(2025, 4, 8), 2, 1, 0, 12),
    ]
    assert questions == {"Are you ready for our school to move to competency-based learning next fall?"}
    text = every_text(district)
    assert "@district.example" not in text and "Staff Member" not in text


def test_a_vote_with_an_answer_of_no_kind_or_no_staff_count_is_refused(district, tmp_path):
    a, b = SCHOOLS["S001"], SCHOOLS["S002"]
    path = microsoft_forms_vote(
        tmp_path / "vote.xlsx", [("4/1/2025 9:00:00", a, "Maybe"), ("4/1/2025 9:00:00", b, "Yes")]
    )
    result = load(
        district, path, with_staff(PRESETS / "forms_readiness_vote.toml", {a: 20, b: 12}, tmp_path / "v.toml")
    )
    [problem] = result.problems
    assert problem.row == 2 and problem.column.startswith("Are you ready for our school")
    assert "'Maybe' is not one of the answers" in problem.message
    path = microsoft_forms_vote(
        tmp_path / "vote2.xlsx", [("4/1/2025 9:00:00", a, "Yes"), ("4/1/2025 9:00:00", b, "Yes")]
    )
    result = load(district, path, with_staff(PRESETS / "forms_readiness_vote.toml", {a: 20}, tmp_path / "v2.toml"))
    assert [(p.row, p.column) for p in result.problems] == [(3, "eligible_voters")]
    assert "no staff count for 'East Crest Elementary'" in result.problems[0].message


# --------------------------------------------------------------------------------------------------- trust survey
LABELS = ["Strongly disagree", "Disagree", "Somewhat disagree", "Somewhat agree", "Agree", "Strongly agree"]


def test_an_item_level_trust_survey_is_scored_per_school_and_facet(district, tmp_path):
    # Layout: a Google Forms multiple-choice grid exports one column per row of the grid, headed
    # "Question [row text]" (Google Docs Editors Help, "View & manage form responses"); scoring in the manner of the
    # Omnibus T-Scale scoring key (Hoy, "Faculty trust: the Omnibus T-Scale"): reversed items 1 = 6 ... 6 = 1, item
    # means per school, a scale's score the mean of its items.
    import tomllib

    preset = PRESETS / "staff_trust_survey_items.toml"
    spec = tomllib.loads(preset.read_text(encoding="utf-8"))["survey"]
    items = [h for headers in spec["facets"].values() for h in headers]
    reverse = set(spec["reverse"])
    header = ["Timestamp", "Email Address", "School", *items]
    rows, answers = [], {}  # answers[(school, item)] = the numbers given
    for school, count in (("S001", 8), ("S002", 6)):
        for r in range(count):
            cells = []
            for i, item in enumerate(items):
                value = 1 + (r * 3 + i * (2 if school == "S001" else 1)) % 6
                answers.setdefault((school, item), []).append(value)
                cells.append(LABELS[value - 1] if (r + i) % 2 else str(value))  # labels and numbers both
            rows.append([f"3/{10 + r}/2025 8:00:00", f"t{r}@district.example", SCHOOLS[school], *cells])
    path = write_csv(tmp_path / "Staff trust survey (Responses).csv", header, rows)
    mapping = with_staff(preset, {SCHOOLS["S001"]: 10, SCHOOLS["S002"]: 12}, tmp_path / "survey.toml")
    result = load(district, path, mapping)
    assert result.ok, [str(p) for p in result.problems]
    t = schema.trust_score.c
    with district.connect() as conn:
        stored = {
            (r.school_id, r.facet): r
            for r in conn.execute(sa.select(schema.trust_score).where(t.import_id == result.outcomes[0].import_id))
        }
    assert len(stored) == 10
    for (school, facet), row in stored.items():
        assert (row.year_start, row.wave, row.respondent_group, row.scale_max) == (2024, "spring", "all_staff", 6)
        scored = {i: [7 - v if i in reverse else v for v in answers[(school, i)]] for i in spec["facets"][facet]}
        mean = statistics.mean(statistics.mean(v) for v in scored.values())
        every = [v for vs in scored.values() for v in vs]
        assert row.mean_score == pytest.approx(mean, abs=0.0005)
        assert row.pct_favorable == pytest.approx(round(100 * sum(v >= 5 for v in every) / len(every), 1))
        n = 8 if school == "S001" else 6
        assert row.n_respondents == n
        assert row.response_rate == pytest.approx(round(100 * n / (10 if school == "S001" else 12), 1))
    # Cronbach's alpha of each facet over every respondent, worked out here from the answers
    notes = " ".join(result.outcomes[0].notes)
    facet = "benevolence"
    by_respondent = list(zip(*[
        [7 - v if i in reverse else v for v in answers[("S001", i)] + answers[("S002", i)]] for i in spec["facets"][facet]
    ], strict=True))  # fmt: skip
    k = len(by_respondent[0])
    item_var = sum(statistics.variance(col) for col in zip(*by_respondent, strict=True))
    alpha = k / (k - 1) * (1 - item_var / statistics.variance([sum(r) for r in by_respondent]))
    assert f"{facet} {alpha:.2f} (n=14)" in notes
    text = every_text(district)
    assert "@district.example" not in text and "Strongly" not in text


def test_a_survey_answer_off_the_scale_is_refused_with_its_row_and_item(district, tmp_path):
    import tomllib

    preset = PRESETS / "staff_trust_survey_items.toml"
    items = [h for hs in tomllib.loads(preset.read_text(encoding="utf-8"))["survey"]["facets"].values() for h in hs]
    rows = [["3/10/2025 8:00:00", SCHOOLS["S001"], *(["4"] * len(items))] for _ in range(3)]
    rows[1][5] = "7"
    path = write_csv(tmp_path / "survey.csv", ["Timestamp", "School", *items], rows)
    result = load(district, path, with_staff(preset, {SCHOOLS["S001"]: 10}, tmp_path / "s.toml"))
    assert [(p.row, p.column) for p in result.problems] == [(3, items[3])]
    assert "'7' is not an answer from 1 to 6" in result.problems[0].message


# --------------------------------------------------------------------------------------------------- CAASPP
CAASPP_HEADER = (
    "County Code^District Code^School Code^Filler^Test Year^Student Group ID^Test Type^Total Tested at Reporting "
    "Level^Total Tested with Scores at Reporting Level^Grade^Test ID^Students Enrolled^Students Tested^Mean Scale "
    "Score^Percentage Standard Exceeded^Percentage Standard Met^Percentage Standard Met and Above^Percentage "
    "Standard Nearly Met^Percentage Standard Not Met^Students with Scores^Area 1 Percentage Above Standard^Area 1 "
    "Percentage Near Standard^Area 1 Percentage Below Standard^Type ID"
)


def test_a_caaspp_research_file_loads_with_names_from_its_entities_file(engine, tmp_path):
    # Layout: CAASPP Smarter Balanced research files (caaspp-elpac.ets.org, Research Files, "California Statewide
    # research file, All Student Groups", caret-delimited since 2021) and the entities file of the same year
    # (sb_caYYYYentities_csv.txt: County Code^District Code^School Code^Filler^Test Year^Type ID^County Name^
    # District Name^School Name^Zip Code); '*' marks groups of 10 or fewer students.
    def row(school, group, test_type, grade, test, scored, pct, district="61259"):
        cells = ["01", district, school, "", "2023", group, test_type, "", "", grade, test, "", "", "2450.1",
                 "", "", pct, "", "", scored, "", "", "", "7"]  # fmt: skip
        return "^".join(cells)

    lines = [
        CAASPP_HEADER,
        row("0000000", "1", "B", "13", "1", "5000", "48.20"),  # the district's own row: skipped
        row("0130419", "1", "B", "13", "1", "412", "51.46"),
        row("0130419", "1", "B", "13", "2", "411", "38.93"),
        row("0130419", "74", "B", "13", "2", "44", "20.45"),
        row("0130419", "160", "B", "3", "1", "8", "*"),  # fewer than 11: withheld by the publisher
        row("0130419", "1", "C", "13", "1", "7", "*"),  # the CAA, not Smarter Balanced: skipped
        row("0130419", "6", "B", "13", "1", "300", "55.00"),  # a group the preset does not keep
        row("6090013", "78", "B", "11", "2", "120", "12.50"),
    ]
    data = tmp_path / "sb_ca2023_all_csv_v1.txt"
    data.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    entities = [
        "County Code^District Code^School Code^Filler^Test Year^Type ID^County Name^District Name^School Name^Zip Code",
        "01^61259^0000000^^2023^06^Alameda^Oakland Unified^^",
        "01^61259^0130419^^2023^07^Alameda^Oakland Unified^Acorn Woodland Elementary^94605",
        "01^61259^6090013^^2023^07^Alameda^Oakland Unified^Oakland High^94610",
    ]
    (tmp_path / "sb_ca2023entities_csv.txt").write_bytes(("\r\n".join(entities) + "\r\n").encode("cp1252"))
    result = load(engine, data, PRESETS / "caaspp_research_file.toml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.outcomes[0].rows_in_file == 5
    a = schema.achievement.c
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(
                a.school_id,
                a.year_start,
                a.subject,
                a.student_group,
                a.grade,
                a.n_tested,
                a.pct_proficient,
                a.publisher_marker,
            ).order_by(a.school_id, a.subject, a.student_group)
        ).all()
        schools = conn.execute(
            sa.select(schema.school.c.school_id, schema.school.c.school_name, schema.school.c.network)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("0130419", 2022, "ELA", "All Students", "All", 412, 51.46, None),
        ("0130419", 2022, "ELA", "English Learners", "3", 8, None, "*"),
        ("0130419", 2022, "Math", "All Students", "All", 411, 38.93, None),
        ("0130419", 2022, "Math", "Black/African American", "All", 44, 20.45, None),
        ("6090013", 2022, "Math", "Hispanic/Latino", "11", 120, 12.5, None),
    ]
    assert sorted(tuple(r) for r in schools) == [
        ("0130419", "Acorn Woodland Elementary", "Oakland Unified"),
        ("6090013", "Oakland High", "Oakland Unified"),
    ]


def test_a_caaspp_file_without_its_entities_file_says_so(engine, tmp_path):
    data = tmp_path / "sb_ca2023_all_csv_v1.txt"
    data.write_text(CAASPP_HEADER + "\n" + "^".join(["01", "61259", "0130419"] + [""] * 21) + "\n", encoding="utf-8")
    result = load(engine, data, PRESETS / "caaspp_research_file.toml")
    assert not result.ok
    assert "sb_ca2023entities_csv.txt, which is not beside the file" in str(result.problems[0])


# --------------------------------------------------------------------------------------------------- the Data page's
@pytest.mark.parametrize("preset", sorted(PRESETS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_preset_comes_back_whole_through_the_data_pages_editor(preset, tmp_path):
    """The guided import edits a preset as plain parts and writes it again: the mapping read back is the same."""
    import tomllib

    from dashboard.ingest.mapping import load_mapping
    from dashboard.ingest.mapping_toml import spec_from_toml, write
    from dashboard.ingest.presets import fits

    text = preset.read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    headers = [h if isinstance(h, str) else h[0] for h in doc.get("columns", {}).values()]
    headers += [h for hs in doc.get("survey", {}).get("facets", {}).values() for h in hs]
    headers += [*doc.get("rows", {}).get("keep", {}), *doc.get("rows", {}).get("skip", {})]
    responses = doc.get("responses", {})
    headers += [responses["answer"][0], responses["date"][0]] if responses else []
    headers += [h if isinstance(h, str) else h[0] for e in doc.get("stack", []) for h in e["columns"].values()]
    again = tmp_path / "again.toml"
    again.write_text(write(spec_from_toml(text, headers)), encoding="utf-8")
    before, after = load_mapping(preset), load_mapping(again)
    assert after.source == before.source and after.extras == before.extras
    assert (after.values, after.markers, after.constants) == (before.values, before.markers, before.constants)
    assert (after.encodings, after.delimiter, after.header_row) == (
        before.encodings,
        before.delimiter,
        before.header_row,
    )
    assert after.schools_by_name == before.schools_by_name
    assert {k: v[0] for k, v in after.columns.items()} == {k: v[0] for k, v in before.columns.items()}
    assert fits(before, headers)


def test_a_meeting_log_with_no_preset_is_suggested_whole_and_loads_the_same(district, tmp_path):
    """The general suggestion reads a form's meeting log too: schools by their names, every column by its words."""
    from dashboard.ingest.mapping_toml import suggestion_toml
    from dashboard.ingest.suggest import suggest

    header = [
        "Timestamp", "Email Address", "School", "Date of meeting", "Team name", "Type of team",
        "How many minutes did the team meet?", "How many team members attended?",
        "How many members does the team have?", "Protocol used", "Focus or inquiry question",
    ]  # fmt: skip
    rows = [
        ["9/12/2024 15:41:22", "a@x.org", SCHOOLS["S001"], "9/12/2024", "Grade 3 Team", "Grade-level team", "45", "5",
         "6", "Tuning", "How might we give feedback students use?"],
        ["9/20/2024 8:15:00", "b@x.org", SCHOOLS["S002"], "9/20/2024", "Equity CoP", "Community of practice", "60",
         "9", "12", "", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "CPL meeting log (Responses).csv", header, rows)
    s = suggest(path)
    assert s.source == "cpl" and not s.missing and s.flags == {"schools_by_name": True}
    assert "Email Address" not in s.columns.values() and "Timestamp" not in s.columns.values()
    mine = tmp_path / "suggested.toml"
    mine.write_text(suggestion_toml(s), encoding="utf-8")
    result = load(district, path, mine)
    assert result.ok, [str(p) for p in result.problems]
    c = schema.cpl_meeting.c
    with district.connect() as conn:
        stored = conn.execute(
            sa.select(c.school_id, c.team, c.team_type, c.duration_minutes, c.attendees, c.team_size)
            .where(c.import_id == result.outcomes[0].import_id)
            .order_by(c.school_id)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("S001", "Grade 3 Team", "grade_level", 45, 5, 6),
        ("S002", "Equity CoP", "community_of_practice", 60, 9, 12),
    ]
