"""Write the corpus of bad input files (and EXPECTED.toml) into this folder.

Run ``python tests/bad_files/make_corpus.py`` after changing a case; the generated files are committed so the corpus
can be read and opened by hand. Every file is small and names schools of the sample district (``sample_data/``), so
each one fails for the one reason its name gives. ``tests/test_bad_corpus.py`` loads each file into a database that
holds the sample district and checks that it is rejected with the expected line and that nothing changed.

Each case: file name, source, optional mapping (a file in ``mappings/``), and the expected error line as
``prefix`` (``FILE:ROW: COLUMN: `` or ``FILE: `` exactly) and ``words`` the message must hold.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2025, 1, 1)

CPL_HEADER = "school_id,meeting_date,team,team_type,duration_minutes,attendees,team_size,protocol,focus"
CPL_ROWS = [
    "S001,2025-03-03,Corpus Team A,grade_level,45,5,6,Tuning,Fractions",
    "S001,2025-03-10,Corpus Team A,grade_level,50,6,6,Tuning,Fractions",
    "S002,2025-03-04,Corpus Team B,content,60,4,5,,Ratios",
]
SCHOOLS_HEADER = "school_id,school_name,level,network,enrollment"
SCHOOLS_ROWS = ["S101,Corpus Elementary,elementary,North Network,410", "S102,Corpus Middle,middle,North Network,620"]
TRUST_HEADER = (
    "school_id,school_year,wave,respondent_group,facet,mean_score,scale_max,pct_favorable,n_respondents,response_rate"
)
TRUST_ROWS = [
    "S001,2019-20,spring,all_staff,honesty,3.9,5,71,22,88",
    "S002,2019-20,spring,all_staff,honesty,3.5,5,60,30,75",
]
READY_HEADER = "school_id,vote_date,question,votes_ready,votes_not_yet,votes_abstain,eligible_voters,threshold_pct"
READY_ROWS = ["S001,2020-11-07,Corpus question,18,3,1,24,80", "S002,2021-02-13,Corpus question,20,9,0,31,80"]
ACH_HEADER = "school_id,school_year,subject,student_group,grade,n_tested,n_proficient"
ACH_ROWS = ["S001,2019-20,Math,All Students,All,120,66", "S002,2019-20,Math,All Students,All,200,112"]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Case:
    name: str
    source: str
    content: bytes
    prefix: str  # the error line's exact start: "FILE:ROW: COLUMN: " or "FILE: "
    words: list[str]
    mapping: str | None = None  # a file name in mappings/
    note: str = ""
    extra: dict = field(default_factory=dict)


def csv_bytes(header: str, rows: list[str], encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode(encoding)


def xlsx_bytes(rows: dict[int, list], merges: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=col, value=value)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(xlsx: bytes) -> bytes:
    """The same workbook bytes on every run: fixed zip entry times and document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def split(header: str, rows: list[str]) -> dict[int, list]:
    return {i: line.split(",") for i, line in enumerate([header, *rows], start=1)}


def numbers(row: list) -> list:
    return [int(v) if isinstance(v, str) and v.isdigit() else v for v in row]


def cases() -> list[Case]:
    c: list[Case] = []

    def add(name, source, content, prefix_rest, *words, mapping=None, note=""):
        c.append(Case(name, source, content, f"{name}{prefix_rest}", list(words), mapping, note))

    # ---------------------------------------------------------------------------- encodings and delimiters
    latin1_rows = [*CPL_ROWS[:2], "S002,2025-03-04,Corpus Team B,content,60,4,5,,Réunion des élèves"]
    add(
        "cpl_latin1.csv",
        "cpl",
        csv_bytes(CPL_HEADER, latin1_rows, "latin-1"),
        ": ",
        "not UTF-8",
        "0xe9",
        "line 4",
        "`encoding`",
        note="Latin-1 accents",
    )
    add(
        "schools_latin1.csv",
        "schools",
        csv_bytes(SCHOOLS_HEADER, ["S103,École Saint-Éloi,elementary,Est,300"], "latin-1"),
        ": ",
        "not UTF-8",
        "`encoding`",
    )
    add("cpl_utf16_bom.csv", "cpl", csv_bytes(CPL_HEADER, CPL_ROWS, "utf-16"), ": ", "UTF-16", "`encoding`")
    add(
        "cpl_utf16le_no_bom.csv",
        "cpl",
        csv_bytes(CPL_HEADER, CPL_ROWS, "utf-16-le"),
        ": ",
        "UTF-16",
        "`encoding`",
        note="no byte-order mark: every other byte is NUL",
    )
    add(
        "achievement_utf16be_no_bom.csv",
        "achievement",
        csv_bytes(ACH_HEADER, ACH_ROWS, "utf-16-be"),
        ": ",
        "UTF-16",
        "`encoding`",
    )
    add(
        "trust_latin1_declared_utf8.csv",
        "trust",
        csv_bytes(TRUST_HEADER, [TRUST_ROWS[0], "S002,2019-20,spring,Équipe,honesty,3.5,5,60,30,75"], "latin-1"),
        ": encoding: ",
        "could not be read as utf-8",
        mapping="trust_utf8.toml",
        note="the mapping declares UTF-8 but the file is Latin-1",
    )
    add(
        "cpl_semicolon.csv",
        "cpl",
        csv_bytes(CPL_HEADER.replace(",", ";"), [r.replace(",", ";") for r in CPL_ROWS]),
        ":1: (header): ",
        "';'",
        "delimiter",
    )
    add(
        "schools_tab.csv",
        "schools",
        csv_bytes(SCHOOLS_HEADER.replace(",", "\t"), [r.replace(",", "\t") for r in SCHOOLS_ROWS]),
        ":1: (header): ",
        "delimiter",
    )
    add(
        "achievement_decimal_comma.csv",
        "achievement",
        b"school_id;school_year;subject;student_group;grade;n_tested;pct_proficient\n"
        b"S001;2019-20;Math;All Students;All;120;55,0\nS002;2019-20;Math;All Students;All;200;56,5\n",
        ":2: pct_proficient: ",
        "'55,0'",
        "not a number",
        mapping="achievement_semicolon.toml",
        note="semicolons declared, but decimal commas in a percent",
    )
    add(
        "cpl_crlf_semicolon_utf8_bom.csv",
        "cpl",
        codecs.BOM_UTF8
        + csv_bytes(CPL_HEADER.replace(",", ";"), [r.replace(",", ";") for r in CPL_ROWS], newline="\r\n"),
        ":1: (header): ",
        "';'",
        "delimiter",
    )

    # ---------------------------------------------------------------------------- not a table at all
    add("cpl_image.csv", "cpl", PNG, ": ", "not a CSV or XLSX", "PNG")
    add("cpl_image.xlsx", "cpl", JPEG, ": ", "not a CSV or XLSX", "JPEG")
    add("schools_gif.csv", "schools", GIF, ": ", "not a CSV or XLSX", "GIF")
    add("trust_pdf.xlsx", "trust", PDF, ": ", "not a CSV or XLSX", "PDF")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", date_time=(2025, 1, 1, 0, 0, 0)), "not a workbook\n")
    add("cpl_zip_not_xlsx.xlsx", "cpl", archive.getvalue(), ": ", "not a readable XLSX")
    add("achievement_zip_named_csv.csv", "achievement", archive.getvalue(), ": ", "not a readable XLSX")
    add(
        "cpl_truncated.xlsx",
        "cpl",
        xlsx_bytes(split(CPL_HEADER, CPL_ROWS))[:700],
        ": ",
        "not a readable XLSX",
        note="a workbook cut short (an interrupted download)",
    )
    add("cpl_empty.csv", "cpl", b"", ": ", "empty")
    add("schools_blank_lines_only.csv", "schools", b"\r\n\n   \n\t\n", ": ", "empty")
    add("cpl_header_only.csv", "cpl", csv_bytes(CPL_HEADER, []), ": ", "header but no data rows")
    add(
        "achievement_header_only.xlsx",
        "achievement",
        xlsx_bytes(split(ACH_HEADER, [])),
        ": ",
        "header but no data rows",
    )
    nul_rows = [CPL_ROWS[0], "S001,2025-03-10,Corpus\x00Team A,grade_level,50,6,6,Tuning,Fractions", CPL_ROWS[2]]
    add("cpl_nul_byte.csv", "cpl", csv_bytes(CPL_HEADER, nul_rows), ":3: (row): ", "NUL")
    late_nul = [
        f"S001,2024-{1 + i // 28:02d}-{1 + i % 28:02d},Corpus Team A,grade_level,45,5,6,Tuning,x" for i in range(200)
    ]
    late_nul[150] = late_nul[150].replace("Tuning", "Tun\x00ing")
    add(
        "cpl_nul_byte_late.csv",
        "cpl",
        csv_bytes(CPL_HEADER, late_nul),
        ":152: (row): ",
        "NUL",
        note="a NUL byte beyond the first 8 KB",
    )

    # ---------------------------------------------------------------------------- header shapes
    merged_header_csv = "Meeting,,,,Time and attendance,,,Notes,\n" + CPL_HEADER + "\n" + "\n".join(CPL_ROWS) + "\n"
    add(
        "cpl_two_header_rows.csv",
        "cpl",
        merged_header_csv.encode(),
        ":1: (header): ",
        "seem to be on row 2",
        "header_row = 2",
    )
    rows = {
        1: ["Meeting", None, None, None, "Time and attendance", None, None, "Notes", None],
        **{i + 1: numbers(r) for i, r in split(CPL_HEADER, CPL_ROWS).items()},
    }
    add(
        "cpl_merged_header.xlsx",
        "cpl",
        xlsx_bytes(rows, merges=("A1:D1", "E1:G1", "H1:I1")),
        ":1: (header): ",
        "seem to be on row 2",
        "header_row = 2",
        note="a merged group header above the real one",
    )
    add(
        "achievement_merged_header_mapping.xlsx",
        "achievement",
        xlsx_bytes(
            {
                1: ["Assessment results 2019-20"] + [None] * 6,
                2: [None] * 7,
                **{i + 2: numbers(r) for i, r in split(ACH_HEADER, ACH_ROWS).items()},
                5: ["S003", "2019-20", "Math", "All Students", "All", 40, 41],
            },
            merges=("A1:G2",),
        ),
        ":5: n_proficient: ",
        "n_proficient (41)",
        "n_tested (40)",
        mapping="achievement_header3.toml",
        note="title merged over rows 1-2; the mapping sets header_row = 3; row numbers stay the sheet's",
    )
    merged_cells = {i: numbers(r) for i, r in split(CPL_HEADER, CPL_ROWS).items()}
    merged_cells[3][0] = merged_cells[4][0] = None
    add(
        "cpl_merged_cells.xlsx",
        "cpl",
        xlsx_bytes(merged_cells, merges=("A2:A4",)),
        ":3: school_id: ",
        "missing value",
        note="school_id merged down rows 2-4: only the first row holds it",
    )
    add(
        "cpl_missing_columns.csv",
        "cpl",
        csv_bytes("school_id,meeting_date,team", ["S001,2025-03-03,A"]),
        ": ",
        "missing required columns",
        "duration_minutes",
        "attendees",
    )
    add(
        "cpl_ragged_row.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], CPL_ROWS[1] + ",extra,cells,here"]),
        ":3: (row): ",
        "12 cells",
        "9 columns",
    )
    add(
        "trust_unclosed_quote.csv",
        "trust",
        csv_bytes(
            TRUST_HEADER,
            [
                TRUST_ROWS[0],
                'S002,2019-20,spring,"all_staff,honesty,3.5,5,60,30,75',
                "S003,2019-20,spring,all_staff,honesty,3.5,5,60,30,75",
            ],
        ),
        ":3: ",
        "missing value",
        note="an unclosed quote swallows the rest of the file",
    )

    # ---------------------------------------------------------------------------- formulas
    formula_rows = {i: numbers(r) for i, r in split(CPL_HEADER, CPL_ROWS).items()}
    formula_rows[2][2] = '=HYPERLINK("http://example.com/x","Grade 1 Team")'
    add(
        "cpl_formula_hyperlink.xlsx",
        "cpl",
        xlsx_bytes(formula_rows),
        ":2: team: ",
        "formula",
        "=HYPERLINK",
        "paste values",
    )
    ach_formula = {i: numbers(r) for i, r in split(ACH_HEADER, ACH_ROWS).items()}
    ach_formula[3][6] = "=F3*0.56"
    add("achievement_formula.xlsx", "achievement", xlsx_bytes(ach_formula), ":3: n_proficient: ", "formula", "=F3*0.56")
    add(
        "cpl_formula_text_in_number.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,2025-03-10,Corpus Team A,grade_level,=30+15,6,6,Tuning,Fractions"]),
        ":3: duration_minutes: ",
        "'=30+15'",
        "not a whole number",
    )

    # ---------------------------------------------------------------------------- values
    add(
        "cpl_date_31_02.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,31/02/2025,Corpus Team A,grade_level,50,6,6,Tuning,Fractions"]),
        ":3: meeting_date: ",
        "'31/02/2025'",
        "not a date",
    )
    add(
        "cpl_date_2025_02_29.csv",
        "cpl",
        csv_bytes(CPL_HEADER, ["S001,2025-02-29,Corpus Team A,grade_level,50,6,6,Tuning,Fractions"]),
        ":2: meeting_date: ",
        "'2025-02-29'",
        "not a date",
    )
    add(
        "readiness_date_02_31.csv",
        "readiness",
        csv_bytes(READY_HEADER, [READY_ROWS[0], "S002,02/31/2021,Corpus question,20,9,0,31,80"]),
        ":3: vote_date: ",
        "'02/31/2021'",
        "not a date",
    )
    add(
        "cpl_future_date.csv",
        "cpl",
        csv_bytes(CPL_HEADER, ["S001,2099-09-14,Corpus Team A,grade_level,50,6,6,Tuning,Fractions", CPL_ROWS[1]]),
        ":2: meeting_date: ",
        "'2099-09-14'",
        "in the future",
    )
    ready_future = {i: numbers(r) for i, r in split(READY_HEADER, READY_ROWS).items()}
    ready_future[3][1] = dt.datetime(2099, 5, 1)
    add(
        "readiness_future_date.xlsx",
        "readiness",
        xlsx_bytes(ready_future),
        ":3: vote_date: ",
        "2099-05-01",
        "in the future",
        note="a real date cell",
    )
    add(
        "cpl_negative_minutes.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [*CPL_ROWS[:2], "S002,2025-03-04,Corpus Team B,content,-30,4,5,,Ratios"]),
        ":4: duration_minutes: ",
        "'-30'",
        "below 1",
    )
    add(
        "cpl_minutes_overflow.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,2025-03-10,Corpus Team A,grade_level,99999999999999999999,6,6,,"]),
        ":3: duration_minutes: ",
        "99999999999999999999",
        "too large",
    )
    add(
        "cpl_attendees_exponent.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,2025-03-10,Corpus Team A,grade_level,45,1e400,6,,"]),
        ":3: attendees: ",
        "'1e400'",
        "not a whole number",
    )
    schools_overflow = {i: numbers(r) for i, r in split(SCHOOLS_HEADER, SCHOOLS_ROWS).items()}
    schools_overflow[3][4] = 99999999999999999999
    add(
        "schools_enrollment_overflow.xlsx",
        "schools",
        xlsx_bytes(schools_overflow),
        ":3: enrollment: ",
        "too large",
        note="a number cell of 1e20",
    )
    add(
        "readiness_overflow.csv",
        "readiness",
        csv_bytes(READY_HEADER, [READY_ROWS[0], "S002,2021-02-13,Corpus question,20,9,0,99999999999999999999,80"]),
        ":3: eligible_voters: ",
        "too large",
    )
    add(
        "trust_nan.csv",
        "trust",
        csv_bytes(TRUST_HEADER, [TRUST_ROWS[0], "S002,2019-20,spring,all_staff,honesty,NaN,5,60,30,75"]),
        ":3: mean_score: ",
        "'NaN'",
        "not a number",
    )
    add(
        "trust_infinite.csv",
        "trust",
        csv_bytes(TRUST_HEADER, [TRUST_ROWS[0], "S002,2019-20,spring,all_staff,honesty,3.5,5,inf,30,75"]),
        ":3: pct_favorable: ",
        "'inf'",
        "not a number",
    )
    add(
        "trust_mean_above_scale.csv",
        "trust",
        csv_bytes(TRUST_HEADER, [TRUST_ROWS[0], "S002,2019-20,spring,all_staff,honesty,6.5,5,60,30,75"]),
        ":3: mean_score: ",
        "above scale_max",
    )
    trust_pct = {i: numbers(r) for i, r in split(TRUST_HEADER, TRUST_ROWS).items()}
    trust_pct[2][7] = "104%"
    add("trust_pct_over_100.xlsx", "trust", xlsx_bytes(trust_pct), ":2: pct_favorable: ", "'104%'", "above 100 percent")
    add(
        "trust_bad_school_year.csv",
        "trust",
        csv_bytes(TRUST_HEADER, [TRUST_ROWS[0], "S002,2019-21,spring,all_staff,honesty,3.5,5,60,30,75"]),
        ":3: school_year: ",
        "'2019-21'",
        "not a school year",
    )
    add(
        "trust_bad_facet.csv",
        "trust",
        csv_bytes(TRUST_HEADER, ["S001,2019-20,spring,all_staff,kindness,3.9,5,71,22,88"]),
        ":2: facet: ",
        "'kindness'",
        "not one of",
    )
    add(
        "schools_negative_enrollment.csv",
        "schools",
        csv_bytes(SCHOOLS_HEADER, [SCHOOLS_ROWS[0], "S102,Corpus Middle,middle,North Network,-5"]),
        ":3: enrollment: ",
        "'-5'",
        "negative",
    )
    add(
        "schools_bad_level.xlsx",
        "schools",
        xlsx_bytes(
            {
                i: numbers(r)
                for i, r in split(SCHOOLS_HEADER, [SCHOOLS_ROWS[0], "S102,Corpus College,college,North,620"]).items()
            }
        ),
        ":3: level: ",
        "'college'",
        "not one of",
    )
    add(
        "schools_missing_name.csv",
        "schools",
        csv_bytes(SCHOOLS_HEADER, [SCHOOLS_ROWS[0], "S102,,middle,North Network,620"]),
        ":3: school_name: ",
        "missing value",
    )
    add(
        "schools_id_too_long.csv",
        "schools",
        csv_bytes(SCHOOLS_HEADER, [f"S{'9' * 70},Long Id Elementary,elementary,,1"]),
        ":2: school_id: ",
        "longer than 64",
    )
    add(
        "cpl_long_team.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [f"S001,2025-03-03,{'Team ' * 60},grade_level,45,5,6,Tuning,Fractions"]),
        ":2: team: ",
        "longer than 255",
    )
    add(
        "cpl_long_focus.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [f"S001,2025-03-03,Corpus Team A,grade_level,45,5,6,Tuning,{'why ' * 1200}"]),
        ":2: focus: ",
        "longer than 4000",
    )
    add(
        "cpl_cell_over_csv_limit.csv",
        "cpl",
        csv_bytes(
            CPL_HEADER, [CPL_ROWS[0], f"S001,2025-03-10,Corpus Team A,grade_level,45,5,6,Tuning,{'x' * 140_000}"]
        ),
        ":3: (row): ",
        "cannot be read as CSV",
        "field larger than field limit",
        note="one cell of 140,000 characters (beyond Python's CSV field limit)",
    )
    add(
        "cpl_attendees_over_team_size.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,2025-03-10,Corpus Team A,grade_level,45,9,6,,"]),
        ":3: attendees: ",
        "attendees (9) is more than team_size (6)",
    )
    add(
        "cpl_unknown_school.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S999,2025-03-10,Corpus Team A,grade_level,45,5,6,,"]),
        ":3: school_id: ",
        "unknown school 'S999'",
    )
    add(
        "readiness_votes_over_eligible.csv",
        "readiness",
        csv_bytes(READY_HEADER, [READY_ROWS[0], "S002,2021-02-13,Corpus question,30,9,0,31,80"]),
        ":3: eligible_voters: ",
        "votes (39) are more than eligible_voters (31)",
    )
    add(
        "readiness_negative_votes.csv",
        "readiness",
        csv_bytes(READY_HEADER, ["S001,2020-11-07,Corpus question,18,-3,1,24,80"]),
        ":2: votes_not_yet: ",
        "negative",
    )
    add(
        "achievement_proficient_over_tested.csv",
        "achievement",
        csv_bytes(ACH_HEADER, [ACH_ROWS[0], "S002,2019-20,Math,All Students,All,200,212"]),
        ":3: n_proficient: ",
        "n_proficient (212) is more than n_tested (200)",
    )
    add(
        "achievement_fractional_count.csv",
        "achievement",
        csv_bytes(ACH_HEADER, [ACH_ROWS[0], "S002,2019-20,Math,All Students,All,200.5,112"]),
        ":3: n_tested: ",
        "'200.5'",
        "not a whole number",
    )
    ach_overflow = {i: numbers(r) for i, r in split(ACH_HEADER, ACH_ROWS).items()}
    ach_overflow[2][5] = 1e20
    add("achievement_overflow.xlsx", "achievement", xlsx_bytes(ach_overflow), ":2: n_tested: ", "too large")
    add(
        "trust_missing_year_mapping.csv",
        "trust",
        csv_bytes("School,Score", ["S001,3.5"]),
        ": ",
        "missing required column",
        "school_year",
        mapping="trust_renamed.toml",
        note="a mapping whose year column the file lacks",
    )

    # ---------------------------------------------------------------------------- duplicate keys
    add(
        "cpl_duplicate_keys.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [*CPL_ROWS, CPL_ROWS[0].replace(",45,", ",55,")]),
        ":5: school_id, meeting_date, team: ",
        "duplicate of row 2",
    )
    add(
        "cpl_duplicate_key_two_date_spellings.csv",
        "cpl",
        csv_bytes(CPL_HEADER, [CPL_ROWS[0], "S001,03/03/2025,Corpus Team A,grade_level,50,6,6,Tuning,Fractions"]),
        ":3: school_id, meeting_date, team: ",
        "duplicate of row 2",
        note="2025-03-03 and 03/03/2025 are one day",
    )
    dup_schools = {
        i: numbers(r)
        for i, r in split(SCHOOLS_HEADER, [*SCHOOLS_ROWS, "S101,Corpus Elementary Two,elementary,,1"]).items()
    }
    add("schools_duplicate_ids.xlsx", "schools", xlsx_bytes(dup_schools), ":4: school_id: ", "duplicate of row 2")
    add(
        "trust_duplicate_by_defaults.csv",
        "trust",
        csv_bytes("school_id,school_year,mean_score", ["S001,2019-20,3.9", "S001,2019-20,4.0"]),
        ":3: school_id, school_year, wave, respondent_group, facet: ",
        "duplicate of row 2",
        note="wave, group and facet take their defaults, so the two rows share one key",
    )
    add(
        "achievement_duplicate_keys.csv",
        "achievement",
        csv_bytes(ACH_HEADER, [*ACH_ROWS, "S001,2019-2020,Math,All Students,All,121,60"]),
        ":4: school_id, school_year, subject, student_group, grade: ",
        "duplicate of row 2",
        note="2019-2020 is 2019-20",
    )
    add(
        "readiness_duplicate_keys.csv",
        "readiness",
        csv_bytes(READY_HEADER, [*READY_ROWS, READY_ROWS[1]]),
        ":4: school_id, vote_date, question: ",
        "duplicate of row 3",
    )
    return c


MAPPINGS = {
    "trust_utf8.toml": 'source = "trust"\nencoding = "utf-8"\n',
    "achievement_semicolon.toml": 'source = "achievement"\ndelimiter = ";"\n',
    "achievement_header3.toml": 'source = "achievement"\nheader_row = 3\n',
    "trust_renamed.toml": 'source = "trust"\n[columns]\nschool_id = "School"\nmean_score = "Score"\nschool_year = "Year"\n',
}


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    all_cases = cases()
    names = [case.name for case in all_cases]
    assert len(names) == len(set(names)), "case names must be unique"
    for old in HERE.iterdir():
        if old.is_file() and old.name not in ("make_corpus.py", "EXPECTED.toml"):
            old.unlink()
    (HERE / "mappings").mkdir(exist_ok=True)
    for name, text in MAPPINGS.items():
        (HERE / "mappings" / name).write_text(text, encoding="utf-8")
    lines = [
        "# Generated by make_corpus.py: one entry per bad file. `prefix` is the start of the expected error line",
        "# (FILE:ROW: COLUMN: or FILE:), `words` what its message must say.",
        "",
    ]
    for case in all_cases:
        (HERE / case.name).write_bytes(case.content)
        lines.append("[[file]]")
        lines.append(f"name = {_toml_str(case.name)}")
        lines.append(f"source = {_toml_str(case.source)}")
        if case.mapping:
            lines.append(f"mapping = {_toml_str('mappings/' + case.mapping)}")
        lines.append(f"prefix = {_toml_str(case.prefix)}")
        lines.append("words = [" + ", ".join(_toml_str(w) for w in case.words) + "]")
        if case.note:
            lines.append(f"note = {_toml_str(case.note)}")
        lines.append("")
    (HERE / "EXPECTED.toml").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {len(all_cases)} files and EXPECTED.toml into {HERE}")


if __name__ == "__main__":
    main()
