"""The independent disclosure audit (issue 14; CONTRACT.md, Privacy), ``disclosure_audit.py`` beside this file.

(a) The auditor itself, on tiny hand-made published tables, each expected interval worked out by hand.
(b) The audit of the sample district as published (``export levels`` and ``export rollups``, each demo account's
    view with ``--as`` and all of them together), at the default seed and two others: nothing withheld can be worked
    out, no sum of withheld cells is pinned, and secondary cells are not wasted.
(c) Utility, from the same exports: the district's and each network's figures for large groups are published.
(d) The real Oregon files: the exact-determination check (rank), the state's own recoverable cells listed apart.

The audit never imports the disclosure engine: it reads the exports the product writes and the raw files.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from disclosure_audit import (
    accounts_from_users_list,
    audit,
    build_system,
    determined_cells,
    releasing_breaks,
    truth_from_canonical,
)
from helpers import REAL_DATA, ROOT, SAMPLE

# --------------------------------------------------------------------------------------------------- (a) by hand
LEVEL_COLUMNS = [
    "school_id",
    "school_name",
    "network",
    "level",
    "subject",
    "student_group",
    "grade",
    "school_year",
    "n_tested",
    "n_proficient",
    "pct_proficient",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
]
ROLLUP_COLUMNS = [
    "rollup",
    "network",
    "level",
    "subject",
    "student_group",
    "grade",
    "school_year",
    "schools",
    "n_tested",
    "n_proficient",
    "pct_proficient",
    "suppressed",
    "suppression_reason",
    "basis",
]
SCHOOLS = pl.DataFrame(
    {
        "school_id": ["A", "B", "C"],
        "network": ["East", "East", "West"],
        "level": ["elementary", "middle", "elementary"],
    }
)
YEAR, SUBJECT = "2024-25", "Math"


def cell(school, group, n, p, reason="", grade="All", shown=None):
    """(truth key, truth, published levels row): withheld rows have blank figures; ``shown`` overrides the
    published pct (a rate without a count)."""
    withheld = bool(reason)
    row = dict.fromkeys(LEVEL_COLUMNS, "")
    row.update(
        school_id=school,
        subject=SUBJECT,
        student_group=group,
        grade=grade,
        school_year=YEAR,
        suppressed="true" if withheld else "false",
        suppression_reason=reason,
    )
    if not withheld:
        row.update(n_tested=str(n), n_proficient=str(p), pct_proficient=f"{100 * p / n:.1f}")
    if shown is not None:
        row.update(n_proficient="", pct_proficient=shown)
    return (school, SUBJECT, group, grade, YEAR), (n, p), row


def rollup(kind, group, n, p, network="", level="", reason="", basis="every school", pct=None, schools=""):
    row = dict.fromkeys(ROLLUP_COLUMNS, "")
    row.update(
        rollup=kind,
        network=network,
        level=level,
        subject=SUBJECT,
        student_group=group,
        grade="All",
        school_year=YEAR,
        schools=schools,
        suppressed="true" if reason else "false",
        suppression_reason=reason,
        basis=basis,
    )
    if not reason:
        row.update(n_tested=str(n), n_proficient=str(p) if pct is None else "", pct_proficient=pct or "")
    return row


def run(cells, rollups=(), accounts=None, view="supt"):
    truth = {k: t for k, t, _ in cells if k is not None}
    levels = pl.DataFrame([r for _, _, r in cells], schema=dict.fromkeys(LEVEL_COLUMNS, pl.Utf8))
    roll = pl.DataFrame(list(rollups), schema=dict.fromkeys(ROLLUP_COLUMNS, pl.Utf8)) if rollups else None
    system = build_system({view: (levels, roll)}, truth, SCHOOLS, accounts or {view: None})
    return system, audit(system)


def result(report, label_start):
    found = [r for r in report.cells if r.cell.label.startswith(label_start)]
    assert len(found) == 1, [r.cell.label for r in report.cells]
    return found[0]


def test_family_subtraction_two_small_cells():
    # All Students 20 of 40, White 18 of 30 published; Asian (1 tested) and Black (9 tested) withheld: together
    # 2 of 10. Asian lies in [0, 1], every count its size allows: OK. Black lies in [1, 2]: two counts of ten: FAIL.
    _, report = run(
        [
            cell("A", "All Students", 40, 20),
            cell("A", "White", 30, 18),
            cell("A", "Asian", 1, 1, "small_n"),
            cell("A", "Black/African American", 9, 1, "complementary"),
        ]
    )
    asian, black = result(report, "A Math 2024-25 Asian"), result(report, "A Math 2024-25 Black")
    assert (asian.lo, asian.hi, asian.counts, asian.ok) == (0, 1, 2, True)
    assert (round(black.lo, 6), round(black.hi, 6), black.counts, black.ok) == (1, 2, 2, False)
    assert report.by_reason() == {"complementary": 1}
    assert not report.pinned and not report.truth_outside and not report.inconsistencies


def test_family_subtraction_pinned_at_zero():
    # All Students 18 of 40, White 18 of 30: the two withheld cells hold 0 of 10 together, each pinned at 0
    _, report = run(
        [
            cell("A", "All Students", 40, 18),
            cell("A", "White", 30, 18),
            cell("A", "Asian", 1, 0, "small_n"),
            cell("A", "Black/African American", 9, 0, "complementary"),
        ]
    )
    assert {(r.cell.label.split()[3], r.lo, r.hi, r.ok) for r in report.cells} == {
        ("Asian", 0, 0, False),
        ("Black/African", 0, 0, False),
    }
    assert len(report.pinned) == 1 and "pinned at 0%" in report.pinned[0]


def test_three_withheld_cells_stand():
    # All 60 of 100, White 50 of 80 published; Asian 6 (3), Black 8 (4), Hispanic 6 (3) withheld: 10 of 20 among
    # them, so Asian ranges over [0, 6]... within 10 - (8 + 6) = -4: [0, 6]; each spans every count it allows
    _, report = run(
        [
            cell("A", "All Students", 100, 60),
            cell("A", "White", 80, 50),
            cell("A", "Asian", 6, 3, "small_n"),
            cell("A", "Black/African American", 8, 4, "small_n"),
            cell("A", "Hispanic/Latino", 6, 3, "small_n"),
        ]
    )
    assert report.ok, report.summary()
    assert {(r.cell.n, r.lo, r.hi) for r in report.cells} == {(6, 0, 6), (8, 0, 8)}


def test_network_rollup_gives_a_withheld_cell_exactly():
    # East = A + B. A's Asian (5 tested) is withheld, B's (12 tested, 6) published, East's Asian 17 / 8 published:
    # A's Asian is 2 exactly: FAIL; withholding East's figure too leaves A's Asian [0, 5]: OK
    school_cells = [
        cell("A", "Asian", 5, 2, "small_n"),
        cell("B", "Asian", 12, 6),
        cell("C", "Asian", 15, 9),
    ]
    _, report = run(school_cells, [rollup("network", "Asian", 17, 8, network="East")])
    a = result(report, "A Math 2024-25 Asian")
    assert (a.lo, a.hi, a.ok) == (2, 2, False)
    assert report.by_reason() == {"small_n": 1}

    _, report = run(school_cells, [rollup("network", "Asian", 17, 8, network="East", reason="complementary")])
    a = result(report, "A Math 2024-25 Asian")
    rollup_cell = result(report, "rollup[2 schools: A,B]")
    assert (a.lo, a.hi, a.ok) == (0, 5, True)
    assert (rollup_cell.lo, rollup_cell.hi, rollup_cell.ok) == (6, 11, True)
    assert report.ok, report.summary()


def test_two_rollups_differ_by_one_cell():
    # the example: a network and its network x level rollup differ by one school's withheld cell
    school_cells = [cell("A", "Asian", 5, 2, "small_n"), cell("B", "Asian", 3, 1, "small_n")]
    rollups = [
        rollup("network", "Asian", 8, 3, network="East", reason="small_n"),
        rollup("district", "Asian", 8, 3, reason="small_n"),
    ]
    _, report = run(school_cells, rollups)
    assert report.ok, report.summary()
    rollups[1] = rollup("district", "Asian", 8, 3)  # the district (A + B + C, C having no Asian cell) published
    _, report = run(school_cells, rollups)
    network = result(report, "rollup[2 schools: A,B]")
    assert (network.lo, network.hi, network.ok) == (3, 3, False)
    # each school's cell is still not pinned: A in [0, 3], B in [0, 3]
    assert result(report, "A Math").ok and result(report, "B Math").ok


def test_rounded_rate_without_count_is_an_interval():
    # East's Asian published as 41.2% of 17 without a count: 17 x 41.15% = 6.9955 to 17 x 41.25% = 7.0125, so 7
    # exactly; with B's 6 published, A's Asian is 1 exactly: FAIL
    school_cells = [cell("A", "Asian", 5, 1, "small_n"), cell("B", "Asian", 12, 6)]
    _, report = run(school_cells, [rollup("network", "Asian", 17, None, network="East", pct="41.2")])
    a = result(report, "A Math 2024-25 Asian")
    assert (round(a.lo, 4), round(a.hi, 4), a.counts, a.ok) == (0.9955, 1.0125, 1, False)
    # to whole percent (41%: 6.885 to 7.055) it still pins 7, at no decimals the half unit is 0.5
    _, report = run(school_cells, [rollup("network", "Asian", 17, None, network="East", pct="41")])
    assert not result(report, "A Math 2024-25 Asian").ok


def test_bands():
    # top-coded at 20 tested: >= 95% is 19 or 20, two counts, all the band holds: OK. At 14 tested the band holds
    # one count (14 of 14): FAIL. Bottom-coded at 30: <= 1.5, so 0 or 1: OK.
    _, report = run(
        [
            cell("A", "Asian", 20, 20, "top_coded"),
            cell("B", "Asian", 14, 14, "top_coded"),
            cell("C", "Asian", 30, 1, "bottom_coded"),
        ]
    )
    a, b, c = (result(report, f"{s} Math") for s in "ABC")
    assert (a.lo, a.hi, a.counts, a.required, a.ok) == (19, 20, 2, 2, True)
    assert (round(b.lo, 6), b.hi, b.counts, b.ok) == (13.3, 14, 1, False)
    assert (c.lo, round(c.hi, 6), c.counts, c.ok) == (0, 1.5, 2, True)
    assert report.by_reason() == {"top_coded": 1}


def test_grades_sum_to_the_combined_row():
    # no All row in the file: the product's All is grade 3 + grade 4. Grade 3 withheld (5 tested), grade 4 published
    # 10 of 20, All published 12 of 25: grade 3 is 2 exactly: FAIL
    _, report = run(
        [
            cell("A", "All Students", 5, 2, "small_n", grade="3"),
            cell("A", "All Students", 20, 10, grade="4"),
            (None, None, cell("A", "All Students", 25, 12)[2]),  # the product's All row: no row of the file
        ]
    )
    g3 = result(report, "A Math 2024-25 All Students grade 3")
    assert (g3.lo, g3.hi, g3.ok) == (2, 2, False)


def test_published_school_figures_basis_is_checked():
    # a rollup over the published school cells only adds nothing, if it is what it says
    school_cells = [cell("A", "Asian", 5, 2, "small_n"), cell("B", "Asian", 12, 6)]
    _, report = run(school_cells, [rollup("network", "Asian", 12, 6, network="East", basis="published school figures")])
    assert report.ok, report.summary()
    _, report = run(school_cells, [rollup("network", "Asian", 17, 8, network="East", basis="published school figures")])
    assert len(report.inconsistencies) == 2 and "published school rows 12" in report.inconsistencies[0]


def test_a_withheld_row_shows_no_figure():
    key, truth, row = cell("A", "Asian", 5, 2, "small_n")
    row["ci_low"] = "11.8"
    _, report = run([(key, truth, row), cell("B", "Asian", 12, 6)])
    assert len(report.leaks) == 1 and "ci_low" in report.leaks[0]


def test_published_figures_against_the_truth():
    # a rollup whose tested count is not its membership's (a wrong membership or basis) is reported, not trusted
    _, report = run(
        [cell("A", "Asian", 5, 2, "small_n"), cell("B", "Asian", 12, 6)], [rollup("district", "Asian", 18, 8)]
    )
    assert any("n_tested 18, sum over its 3 member schools 17" in p for p in report.inconsistencies)


def test_limited_account_rollups_cover_its_schools():
    # a coach of A and C: their rollups (network East, scope) cover A (and C) only, so East's Asian for the coach is
    # A's own cell (withheld there too); the district benchmark covers every school
    school_cells = [cell("A", "Asian", 5, 2, "small_n"), cell("C", "Asian", 12, 6)]
    _, report = run(
        school_cells,
        [rollup("network", "Asian", 5, 2, network="East"), rollup("scope", "Asian", 17, 8)],
        accounts={"coach": frozenset({"A", "C"})},
        view="coach",
    )
    assert not report.inconsistencies, report.inconsistencies
    a = result(report, "A Math 2024-25 Asian")
    assert (a.lo, a.hi, a.ok) == (2, 2, False)


def test_union_of_views():
    # each view alone is safe; together (the principal's school cell and the board's network figure) they are not
    truth_cells = [cell("A", "Asian", 5, 2), cell("B", "Asian", 12, 6, "small_n")]
    withheld_a = cell("A", "Asian", 5, 2, "small_n")
    board_levels = pl.DataFrame([withheld_a[2], truth_cells[1][2]], schema=dict.fromkeys(LEVEL_COLUMNS, pl.Utf8))
    principal_levels = pl.DataFrame([truth_cells[0][2]], schema=dict.fromkeys(LEVEL_COLUMNS, pl.Utf8))
    board_rollups = pl.DataFrame(
        [rollup("network", "Asian", 17, 8, network="East")], schema=dict.fromkeys(ROLLUP_COLUMNS, pl.Utf8)
    )
    truth = {k: t for k, t, _ in truth_cells}
    accounts = {"board": None, "principal": frozenset({"A"})}
    views = {"board": (board_levels, board_rollups), "principal": (principal_levels, None)}
    board = audit(build_system({"board": views["board"]}, truth, SCHOOLS, accounts))
    assert board.ok, board.summary()  # A and B withheld beside a published East: A + B = 8, A in [0, 5]
    union = audit(build_system(views, truth, SCHOOLS, accounts))
    b = result(union, "B Math 2024-25 Asian")
    assert (b.lo, b.hi, b.ok) == (6, 6, False)


def test_releasing_a_secondary_cell_breaks_the_audit():
    # Asian (small n) and Black (its complementary cell) withheld beside All Students and White: releasing Black
    # gives Asian by subtraction, so Black's suppression was needed; a third withheld cell (Hispanic 12) released
    # leaves Asian and Black ranging: that one was spare
    system, report = run(
        [
            cell("A", "All Students", 100, 50),
            cell("A", "White", 60, 30),
            cell("A", "Asian", 6, 3, "small_n"),
            cell("A", "Black/African American", 22, 11, "complementary"),
            cell("A", "Hispanic/Latino", 12, 6, "complementary"),
        ]
    )
    assert report.ok, report.summary()
    broke, tried, spare = releasing_breaks(system)
    assert (broke, tried) == (0, 2)  # either alone leaves two withheld cells: both are spare here
    system, _ = run(
        [
            cell("A", "All Students", 100, 50),
            cell("A", "White", 72, 36),
            cell("A", "Asian", 6, 3, "small_n"),
            cell("A", "Black/African American", 22, 11, "complementary"),
        ]
    )
    broke, tried, spare = releasing_breaks(system)
    assert (broke, tried, spare) == (1, 1, [])


def test_exact_determination_by_rank():
    system, _ = run(
        [cell("A", "Asian", 5, 2, "small_n"), cell("B", "Asian", 12, 6), cell("C", "Asian", 4, 1, "small_n")],
        [rollup("network", "Asian", 17, 8, network="East")],
    )
    found = determined_cells(system)
    assert [(c.label, value) for c, value in found["proficient"]] == [("A Math 2024-25 Asian grade All", "2.0")]
    assert found["tested"] == []


# --------------------------------------------------------------------------------------------------- (b) the sample
DEMO = {  # dashboard/services/demo.py: the coach has the first three schools, the principal the fourth
    "supt": ("superintendent", slice(0, 0)),
    "coach": ("coach", slice(0, 3)),
    "principal": ("principal", slice(3, 4)),
    "board": ("board", slice(0, 0)),
    "admin": ("admin", slice(0, 0)),
}
# None: the shipped sample_data (the default seed), and two other seeds of the generator.
SEEDS = [None, 7, 31]


def cli(*args, stdin: str | None = None, allow: tuple[int, ...] = (0,)) -> str | None:
    """Run ``district-dashboard``; its output, or None when it exits with an allowed code other than 0."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=600,
    )
    if done.returncode != 0 and done.returncode in allow:
        return None
    assert done.returncode == 0, f"district-dashboard {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


def read_text_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema_length=0)


def published(directory: Path, work: Path) -> dict:
    """Load a district directory into a database of its own, add the demo accounts through ``users add``, and write
    every account's ``levels`` and ``rollups`` (``--as``). Returns the audit's inputs."""
    db = f"sqlite:///{work / 'district.db'}"
    cli("init", "--db", db)
    cli("load", str(directory), "--db", db)
    schools = read_text_csv(directory / "schools.csv")
    ids = sorted(schools["school_id"].to_list())
    for name, (role, chosen) in DEMO.items():
        extra = ["--schools", ",".join(ids[chosen])] if ids[chosen] else []
        cli("users", "add", name, "--role", role, *extra, "--password-stdin", "--db", db, stdin="demo-password-1\n")
    accounts = accounts_from_users_list(
        pl.read_csv(io.StringIO(cli("users", "list", "--db", db)), infer_schema_length=0)
    )
    help_text = cli("export", "--help")
    assert "levels" in help_text and "rollups" in help_text, (
        "`district-dashboard export levels/rollups` (CONTRACT.md) do not exist yet: nothing to audit"
    )

    def export(name: str, table: str) -> pl.DataFrame | None:
        out = work / f"{table}_{name}.csv"
        done = cli("export", table, "--out", str(out), "--as", name, "--db", db, allow=(2,))
        return read_text_csv(out) if done is not None else None  # exit 2: the account has no such view

    with ThreadPoolExecutor(max_workers=2) as pool:  # the two cores: the exports are separate processes
        frames = {(n, t): pool.submit(export, n, t) for n in DEMO for t in ("levels", "rollups")}
    views = {}
    for name in DEMO:
        levels, rollups = frames[(name, "levels")].result(), frames[(name, "rollups")].result()
        if levels is not None:
            views[name] = (levels, rollups)
    truth = truth_from_canonical(pl.read_csv(directory / "achievement.csv", infer_schema_length=0))
    return {"views": views, "truth": truth, "schools": schools, "accounts": accounts}


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: "default-seed" if s is None else f"seed-{s}")
def district(request, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"audit_{request.param}")
    if request.param is None:
        directory = SAMPLE
    else:
        directory = work / "district"
        cli("sample", "--out", str(directory), "--seed", str(request.param))
    started = time.perf_counter()
    data = published(directory, work)
    data["export_seconds"] = time.perf_counter() - started
    data["seed"] = request.param
    return data


@pytest.fixture(scope="module")
def union_system(district):
    return build_system(district["views"], district["truth"], district["schools"], district["accounts"], name="union")


@pytest.mark.slow
def test_each_view_discloses_nothing(district):
    reports = []
    for name, view in district["views"].items():
        system = build_system({name: view}, district["truth"], district["schools"], district["accounts"])
        reports.append(audit(system, exact=False))
    print("\n".join(r.summary() for r in reports))
    assert all(r.ok for r in reports), "\n".join(r.summary(10) for r in reports if not r.ok)


@pytest.mark.slow
def test_the_union_of_every_view_discloses_nothing(district, union_system):
    report = audit(union_system, exact=False)
    print(report.summary())
    assert report.cells, "nothing withheld at all: the audit audited nothing"
    assert report.ok, report.summary(20)


@pytest.mark.slow
def test_secondary_cells_are_not_wasted(district, union_system):
    # a fixed random sample of 200 complementary cells of the ~1,100-1,400 at each seed (each release is a fresh
    # audit; all of them took 20 minutes of the suite): the share is estimated within about 3 points
    broke, tried, spare = releasing_breaks(union_system, sample=200)
    assert tried, "no complementary cell to judge: the sample always needs some"
    share = broke / tried
    print(
        f"releasing one complementary cell alone breaks the audit for {broke} of {tried} ({share:.0%}); spare: {spare[:10]}"
    )
    assert share >= 0.8, f"{tried - broke} of {tried} complementary cells protect nothing: {spare[:20]}"


# --------------------------------------------------------------------------------------------------- (c) utility
def utility(district) -> dict[str, tuple[int, int]]:
    """{'district' or network: (published, cells of 30+ tested)} over subject x group x year, from the supt's
    rollups export, the truth summed over the schools of each."""
    schools = district["schools"]
    network_of = dict(zip(schools["school_id"], schools["network"], strict=True))
    sums: dict[tuple, int] = {}
    for (school, subject, group, grade, year), (n, _) in district["truth"].items():
        if grade != "All" or n is None:
            continue
        for scope in ("district", network_of[school]):
            sums[(scope, subject, group, year)] = sums.get((scope, subject, group, year), 0) + n
    _, rollups = district["views"]["supt"]
    shown = set()
    for row in rollups.filter(pl.col("grade") == "All").iter_rows(named=True):
        if row["rollup"] in ("district", "network") and (row["n_proficient"] or row["pct_proficient"] or "") != "":
            if (row["suppressed"] or "").lower() == "true":
                continue
            scope = "district" if row["rollup"] == "district" else row["network"]
            shown.add((scope, row["subject"], row["student_group"], row["school_year"]))
    out: dict[str, list[int]] = {}
    for key, n in sums.items():
        if n >= 30:
            tally = out.setdefault(key[0], [0, 0])
            tally[1] += 1
            tally[0] += key in shown
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.mark.slow
def test_utility(district):
    shares = utility(district)
    print({k: f"{a}/{b} = {a / b:.0%}" for k, (a, b) in sorted(shares.items())})
    published_d, large_d = shares["district"]
    assert published_d >= 0.95 * large_d, f"district: {published_d} of {large_d} large cells published"
    low = {k: v for k, v in shares.items() if k != "district" and v[0] < 0.8 * v[1]}
    assert not low, f"networks under 80%: {low}"


# --------------------------------------------------------------------------------------------------- (d) Oregon
OREGON = REAL_DATA / "oregon"
OREGON_MAPPING = ROOT / "mappings" / "oregon_assessment_group_reports.toml"
OREGON_FILE = "pagr_schools_math_tot_raceethnicity_1819.xlsx"  # the one year with All Students beside the races
MARKERS = {"*", "--", "-", "< 5.0%", "> 95.0%"}
SUBJECTS = {"Mathematics": "Math", "English Language Arts": "ELA"}
GROUPS = {
    "Total Population (All Students)": "All Students",
    "American Indian/Alaskan Native": "American Indian/Alaska Native",
}


def oregon_truth(path: Path) -> dict[tuple, tuple]:
    """The state's own file read directly (calamine, every cell as text): markers are unknowns (None), '--' is
    none tested."""
    frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0)
    proficient = next(c for c in frame.columns if c.startswith("Number Proficient"))
    truth = {}
    for row in frame.iter_rows(named=True):
        n_cell, p_cell = (row["Number of Participants"] or "").strip(), (row[proficient] or "").strip()
        n = 0 if n_cell == "--" else (None if n_cell in MARKERS else round(float(n_cell)))
        p = 0 if p_cell == "--" else (None if p_cell in MARKERS else round(float(p_cell)))
        year = row["Academic Year"][:5] + row["Academic Year"][-2:]
        group = GROUPS.get(row["Student Group"], row["Student Group"])
        truth[(row["School ID"], SUBJECTS.get(row["Subject"], row["Subject"]), group, row["Grade Level"], year)] = (
            n,
            p,
        )
    return truth


@pytest.mark.realdata
@pytest.mark.slow
def test_oregon_exact_determination(tmp_path):
    path = OREGON / OREGON_FILE
    if not path.is_file():
        pytest.skip(f"the real Oregon file {path} is absent (shared/real_data, MANIFEST.md)")
    truth = oregon_truth(path)
    # what the state's file alone leaves recoverable: its own rows, published as they are
    state_levels = pl.DataFrame(
        [
            {
                "school_id": k[0],
                "subject": k[1],
                "student_group": k[2],
                "grade": k[3],
                "school_year": k[4],
                "n_tested": "" if n is None else str(n),
                "n_proficient": "" if p is None else str(p),
                "suppressed": "true" if p is None else "false",
                "suppression_reason": "publisher" if p is None else "",
            }
            for k, (n, p) in truth.items()
        ]
    )
    frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0, columns=["School ID", "District"])
    schools = frame.unique("School ID").select(
        pl.col("School ID").alias("school_id"),
        pl.col("District").alias("network"),
        pl.lit(None, pl.Utf8).alias("level"),
    )
    accounts = {"state": None}
    state_all = determined_cells(build_system({"state": (state_levels, None)}, truth, schools, accounts))
    # the state's withheld cells it leaves recoverable, and the grades-combined rows it never printed but its own
    # figures determine (the sum of a school's grades, where the state's file gives each of them or lets it be
    # worked out): the product publishes those rows, withheld, and they are the state's to answer for
    state = {kind: [(c, v) for c, v in found if c.reason == "publisher"] for kind, found in state_all.items()}
    state_keys = {c.key for found in state_all.values() for c, _ in found if c.reason in ("publisher", "not_shown")}
    print(
        f"the state's own file leaves {len(state['tested'])} tested and {len(state['proficient'])} proficient counts "
        f"of its withheld cells recoverable (listed, not counted against the product), e.g. "
        f"{[f'{c.label} = {v}' for c, v in state['proficient'][:5]]}"
    )
    assert len({c.key for c, _ in state["proficient"]}) >= 400  # the issue counted 422 school x grade cells

    help_text = cli("export", "--help")
    assert "levels" in help_text and "rollups" in help_text, "`export levels/rollups` do not exist yet"
    db = f"sqlite:///{tmp_path / 'oregon.db'}"
    cli("init", "--db", db)
    cli("load", str(path), "--mapping", str(OREGON_MAPPING), "--db", db)
    frames = []
    for table in ("levels", "rollups"):
        out = tmp_path / f"{table}.csv"
        cli("export", table, "--out", str(out), "--db", db)
        frames.append(read_text_csv(out))
    product = determined_cells(build_system({"supt": tuple(frames)}, truth, schools, {"supt": None}))
    ours = [
        (c, v)
        for kind in ("proficient", "tested")
        for c, v in product[kind]
        if c.key not in state_keys and c.reason != "not_shown"
    ]
    impossible = [f"{c.label} = {v}" for c, v in ours if float(v) < -0.5]
    assert not impossible, (
        f"{len(impossible)} 'determined' values are negative: the system is wrong, most likely a rollup summing only "
        f"the published school cells without saying so (basis `published school figures`): {impossible[:10]}"
    )
    print(f"the product's exports add {len(ours)} determined cells: {[c.label for c, _ in ours[:10]]}")
    assert not ours, [f"{c.label} = {v} ({c.reason})" for c, v in ours[:20]]
