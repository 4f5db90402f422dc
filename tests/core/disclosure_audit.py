"""An independent audit of what the dashboard publishes about student achievement (issue 14; CONTRACT.md, Privacy).

It reads only what the product publishes (the ``levels`` and ``rollups`` exports, one frame per account, every cell
as text) and the raw input files (the truth), never the disclosure engine. From them it builds the linear system an
attacker knows, per subject and school year:

- unknowns: the proficient count of every cell not published exactly: withheld school cells (grades and the combined
  ``All`` row), withheld rollups whose ``basis`` is ``every school``, coded cells (their band as bounds), rates
  published without a count (the interval the rounding allows), publisher-withheld cells, and, in a limited
  account's view, the school cells it is not shown (they still sit inside the district's figures);
- bounds: 0 <= x <= n_tested, n_tested taken from the truth even where it is blank (the attacker is assumed to know
  it: conservative); ``top_coded``: x >= 0.95 n; ``bottom_coded``: x <= 0.05 n; a rate to d decimals with its n:
  n (p - h) / 100 <= x <= n (p + h) / 100, h half a unit of the last decimal;
- relations: (E1) a school's combined row is the sum of its grade rows (where the raw file has grade rows and no
  ``All`` row of its own, or its own ``All`` row agrees with their sums); (E2) per school and grade, All Students is
  the sum of a family's groups (dashboard/config/student_group_families.toml), where the raw data says so; (E3) an
  ``every school`` rollup is the sum of its member schools' cells (district: every school; network, level,
  network x level by schools.csv; ``scope`` and every rollup of a limited account: its own schools).

With HiGHS (scipy.optimize.linprog) it computes each unknown's feasible interval. A cell fails when the whole counts
in its interval are fewer than three and fewer than its size allows (n + 1); a coded cell when they are fewer than
its band holds (and a band must hold two counts). A relation fails when the sum of its withheld parts is pinned at
0% or 100%. Checks beside the LP: the truth satisfies every bound and relation (a check of the system itself), the
published figures agree with the truth, ``published school figures`` rollups equal the sum of the published school
rows of their membership, and a withheld row shows no figure (count, rate, interval, change, gap).

``determined_cells`` is the exact-determination check (rank of the published system, by a null space per
connected component), for files too large for the LP audit and for unknown tested counts (publisher markers).
"""

from __future__ import annotations

import math
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from scipy.linalg import null_space
from scipy.optimize import linprog

ALL_STUDENTS = "All Students"
ALL_GRADES = "All"
FAMILIES_FILE = Path(__file__).resolve().parents[2] / "dashboard" / "config" / "student_group_families.toml"
EVERY_SCHOOL = "every school"
PUBLISHED_SCHOOLS = "published school figures"
EPS = 1e-9
TOL = 1e-6  # published figures against the truth, and the truth against the system
# a withheld row must leave these blank (where the table has them)
WITHHELD_BLANK = (
    "n_proficient",
    "pct_proficient",
    "ci_low",
    "ci_high",
    "change_pp",
    "change_ci_low",
    "change_ci_high",
    "gap_to_all_pp",
    "gap_change_pp",
)
CODED = {"top_coded", "bottom_coded"}


# --------------------------------------------------------------------------------------------------- inputs
def families(path: Path = FAMILIES_FILE) -> dict[str, list[str]]:
    """{family name: its groups}, read from the versioned file (a file, not the engine)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f["name"]: list(f["groups"]) for f in data["family"]}


def _int(cell) -> int | None:
    if cell is None:
        return None
    text = str(cell).strip()
    if text == "":
        return None
    try:
        return round(float(text))
    except ValueError:
        return None  # a marker


def _float(cell) -> float | None:
    if cell is None:
        return None
    text = str(cell).strip().removesuffix("%")
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _decimals(cell) -> int:
    text = str(cell).strip().removesuffix("%")
    return len(text.split(".")[1]) if "." in text else 0


def truth_from_canonical(achievement: pl.DataFrame) -> dict[tuple, tuple[int | None, int | None]]:
    """{(school_id, subject, group, grade, year): (n_tested, n_proficient)} from a canonical achievement frame
    (pct-only rows counted as round(pct x n / 100), as CONTRACT.md's ``levels`` does). Grade defaults to All."""
    truth: dict[tuple, tuple[int | None, int | None]] = {}
    cols = achievement.columns
    for row in achievement.iter_rows(named=True):
        grade = str(row["grade"]).strip() if "grade" in cols and row["grade"] not in (None, "") else ALL_GRADES
        n = _int(row["n_tested"])
        p = _int(row.get("n_proficient"))
        if p is None and n is not None and "pct_proficient" in cols and _float(row["pct_proficient"]) is not None:
            p = round(_float(row["pct_proficient"]) * n / 100)
        key = (str(row["school_id"]), row["subject"], row["student_group"], grade, row["school_year"])
        truth[key] = (n, p)
    return truth


def accounts_from_users_list(users: pl.DataFrame) -> dict[str, frozenset[str] | None]:
    """{username: its schools, or None for every school} from ``users list``'s CSV."""
    out: dict[str, frozenset[str] | None] = {}
    for row in users.iter_rows(named=True):
        schools = (row.get("schools") or "").strip()
        out[row["username"]] = frozenset(s for s in schools.split(";") if s) if schools else None
    return out


# --------------------------------------------------------------------------------------------------- the system
@dataclass
class Cell:
    key: tuple  # ("school", school_id, subject, group, grade, year) or ("rollup", members, subject, group, grade, year)
    n: int | None  # true tested
    truth: int | None  # true proficient (None: unknown, e.g. a publisher's marker)
    value: float | None = None  # the published count, when exact
    lo: float | None = None  # attacker's bounds when not exact
    hi: float | None = None
    reason: str = "not_shown"  # why it is not exact: small_n, complementary, top_coded, bottom_coded, publisher,
    # rounded (a rate without a count), not_shown (outside the view)
    label: str = ""
    band_counts: int | None = None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def block(self) -> tuple[str, str]:
        return (self.key[2], self.key[5])


@dataclass
class Relation:
    kind: str  # E1 grades, E2 family, E3 rollup
    total: tuple
    parts: list[tuple]


@dataclass
class CellResult:
    cell: Cell
    lo: float
    hi: float
    counts: int
    required: int
    ok: bool

    def line(self) -> str:
        c = self.cell
        return (
            f"{c.label}: {c.reason}, n={c.n}, feasible [{self.lo:.2f}, {self.hi:.2f}] = {self.counts} whole counts "
            f"(needs {self.required}), true {c.truth}"
        )


@dataclass
class Report:
    view: str
    cells: list[CellResult] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    inconsistencies: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    truth_outside: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lps: int = 0

    @property
    def failures(self) -> list[CellResult]:
        return [r for r in self.cells if not r.ok]

    @property
    def ok(self) -> bool:
        return not (self.failures or self.pinned or self.inconsistencies or self.leaks or self.truth_outside)

    def by_reason(self) -> Counter:
        return Counter(r.cell.reason for r in self.failures)

    def audited_by_reason(self) -> Counter:
        return Counter(r.cell.reason for r in self.cells)

    def summary(self, examples: int = 5) -> str:
        lines = [
            f"view {self.view}: {len(self.cells)} unknown cells audited {dict(self.audited_by_reason())}; "
            f"{len(self.failures)} fail {dict(self.by_reason())}; {len(self.pinned)} sums pinned; "
            f"{len(self.inconsistencies)} inconsistencies; {len(self.leaks)} figure leaks; "
            f"{len(self.truth_outside)} truths outside; {self.lps} LPs in {self.seconds:.1f}s"
        ]
        lines += ["  FAIL " + r.line() for r in self.failures[:examples]]
        lines += ["  PINNED " + p for p in self.pinned[:examples]]
        lines += ["  INCONSISTENT " + p for p in self.inconsistencies[:examples]]
        lines += ["  LEAK " + p for p in self.leaks[:examples]]
        lines += ["  TRUTH OUTSIDE " + p for p in self.truth_outside[:examples]]
        return "\n".join(lines)


@dataclass
class System:
    cells: dict[tuple, Cell]
    relations: list[Relation]
    inconsistencies: list[str]
    leaks: list[str]
    view: str


def _school_key(school_id, subject, group, grade, year) -> tuple:
    return ("school", str(school_id), subject, group, grade, year)


def _label(key: tuple) -> str:
    if key[0] == "school":
        return f"{key[1]} {key[2]} {key[5]} {key[3]} grade {key[4]}"
    members = key[1]
    where = "all" if len(members) > 3 else ",".join(sorted(members))
    return f"rollup[{len(members)} schools: {where}] {key[2]} {key[5]} {key[3]} grade {key[4]}"


def _school_truth(truth: Mapping[tuple, tuple]) -> dict[tuple, tuple]:
    """The truth with each school's combined row: its own All row, else the sum of its grade rows."""
    out = {_school_key(*k): v for k, v in truth.items()}
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for (school, subject, group, grade, year), (n, p) in truth.items():
        if grade == ALL_GRADES:
            continue
        s = sums[_school_key(school, subject, group, ALL_GRADES, year)]
        s[0] = None if n is None or s[0] is None else s[0] + n
        s[1] = None if p is None or s[1] is None else s[1] + p
    for key, (n, p) in sums.items():
        out.setdefault(key, (n, p))
    return out


def _apply_published(cell: Cell, row: dict) -> None:
    """Make ``cell`` as exact as this published row allows; over several views the tightest bounds win."""
    if cell.known:
        return
    suppressed = str(row.get("suppressed") or "").strip().lower() in ("true", "1", "yes")
    reason = (row.get("suppression_reason") or "").strip()
    n = cell.n if cell.n is not None else _int(row.get("n_tested"))
    p_pub = _int(row.get("n_proficient"))
    pct = _float(row.get("pct_proficient"))
    if not suppressed and p_pub is not None:
        cell.value, cell.lo, cell.hi, cell.reason = float(p_pub), None, None, ""
        return
    new: tuple[float, float | None] | None = None
    if not suppressed and pct is not None and n is not None:
        half = 0.5 * 10 ** -_decimals(row["pct_proficient"])
        new, why = (max(0.0, n * (pct - half) / 100), min(float(n), n * (pct + half) / 100)), "rounded"
    elif reason == "top_coded" and n is not None:
        new, why = (0.95 * n, float(n)), reason
    elif reason == "bottom_coded" and n is not None:
        new, why = (0.0, 0.05 * n), reason
    if new is not None:
        lo, hi = max(cell.lo or 0.0, new[0]), new[1] if cell.hi is None else min(cell.hi, new[1])
        if cell.reason in ("not_shown", "publisher", "withheld") or (hi - lo) < (cell.hi or math.inf) - (cell.lo or 0):
            cell.reason = why
        cell.lo, cell.hi = lo, hi
        if why in CODED:
            cell.band_counts = _counts(0.95 * n if why == "top_coded" else 0.0, n if why == "top_coded" else 0.05 * n)
    elif cell.reason == "not_shown":
        cell.reason = reason or "withheld"
        cell.lo = 0.0 if cell.lo is None else cell.lo
        cell.hi = float(n) if cell.hi is None and n is not None else cell.hi


def _leak_check(row: dict, where: str, leaks: list[str]) -> None:
    suppressed = str(row.get("suppressed") or "").strip().lower() in ("true", "1", "yes")
    if not suppressed:
        return
    shown = [c for c in WITHHELD_BLANK if c in row and (row[c] or "").strip() != ""]
    if shown:
        leaks.append(f"{where}: withheld ({row.get('suppression_reason')}) but shows {shown}")


def _members(row: dict, schools: pl.DataFrame, account: frozenset[str] | None) -> frozenset[str]:
    ids = schools
    network, level = (row.get("network") or "").strip(), (row.get("level") or "").strip()
    if row["rollup"] != "district":
        if network:
            ids = ids.filter(pl.col("network") == network)
        if level:
            ids = ids.filter(pl.col("level") == level)
    members = frozenset(str(s) for s in ids["school_id"].to_list())
    if account is not None and row["rollup"] != "district":
        members &= account
    return members


def build_system(
    views: Mapping[str, tuple[pl.DataFrame, pl.DataFrame | None]],
    truth: Mapping[tuple, tuple[int | None, int | None]],
    schools: pl.DataFrame,
    accounts: Mapping[str, frozenset[str] | None],
    family_groups: Mapping[str, list[str]] | None = None,
    name: str | None = None,
) -> System:
    """The attacker's system from the published frames of one or several accounts' views ({username: (levels,
    rollups)}, every cell as text) against the raw truth ({(school, subject, group, grade, year): (n, proficient)})."""
    family_groups = families() if family_groups is None else family_groups
    schools = schools.with_columns(pl.col(c).cast(pl.Utf8) for c in ("school_id", "network", "level"))
    school_truth = _school_truth(truth)
    cells: dict[tuple, Cell] = {}
    inconsistencies: list[str] = []
    leaks: list[str] = []
    blocks = {(k[2], k[5]) for k in school_truth}
    for key, (n, p) in school_truth.items():
        cells[key] = Cell(key, n, p, lo=0.0, hi=None if n is None else float(n), label=_label(key))

    # the published school rows
    for user, (levels, _) in views.items():
        for row in levels.iter_rows(named=True):
            key = _school_key(row["school_id"], row["subject"], row["student_group"], row["grade"], row["school_year"])
            where = f"{user} levels {_label(key)}"
            _leak_check(row, where, leaks)
            cell = cells.get(key)
            if cell is None:
                if _int(row.get("n_tested")):
                    inconsistencies.append(f"{where}: published but absent from the raw file")
                continue
            n_pub = _int(row.get("n_tested"))
            if n_pub is not None and cell.n is not None and n_pub != cell.n:
                inconsistencies.append(f"{where}: n_tested {n_pub}, raw {cell.n}")
            _apply_published(cell, row)
            if cell.known and cell.truth is not None and abs(cell.value - cell.truth) > TOL:
                inconsistencies.append(f"{where}: n_proficient {cell.value}, raw {cell.truth}")

    # the rollups
    relations: list[Relation] = []
    published_sums: list[tuple[str, dict, frozenset[str]]] = []
    for user, (_, rollups) in views.items():
        if rollups is None:
            continue
        account = accounts.get(user)
        for row in rollups.iter_rows(named=True):
            subject, group, grade, year = row["subject"], row["student_group"], row["grade"], row["school_year"]
            members = _members(row, schools, account)
            if account is not None and row["rollup"] != "district":
                # a limited account's rollup covers its own schools; if its tested count says the whole
                # membership, take that (the check below then holds either way or reports it)
                whole = _members(row, schools, None)
                n_pub = _int(row.get("n_tested"))
                if (
                    n_pub is not None
                    and n_pub != _members_n(members, cells, subject, group, grade, year)
                    and n_pub == _members_n(whole, cells, subject, group, grade, year)
                ):
                    members = whole
            where = f"{user} rollups {row['rollup']} {row.get('network') or ''} {row.get('level') or ''}".strip()
            _leak_check(row, f"{where} {subject} {year} {group} grade {grade}", leaks)
            basis = (row.get("basis") or EVERY_SCHOOL).strip()
            if basis == PUBLISHED_SCHOOLS:
                published_sums.append((where, row, members))
                continue
            key = ("rollup", members, subject, group, grade, year)
            n_true = _members_n(members, cells, subject, group, grade, year)
            p_true = _members_p(members, cells, subject, group, grade, year)
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Cell(key, n_true, p_true, lo=0.0, hi=n_true, label=_label(key))
                if n_true is not None:
                    cell.hi = float(n_true)
                parts = [
                    _school_key(s, subject, group, grade, year)
                    for s in sorted(members)
                    if _school_key(s, subject, group, grade, year) in cells
                ]
                relations.append(Relation("E3 rollup", key, parts))
            blocks.add((subject, year))
            n_pub = _int(row.get("n_tested"))
            if n_pub is not None and n_true is not None and n_pub != n_true:
                inconsistencies.append(
                    f"{where} {subject} {year} {group} grade {grade}: n_tested {n_pub}, sum over its "
                    f"{len(members)} member schools {n_true} (membership or basis wrong)"
                )
            _apply_published(cell, row)
            if cell.known and p_true is not None and abs(cell.value - p_true) > TOL:
                inconsistencies.append(f"{where} {subject} {year} {group}: n_proficient {cell.value}, true {p_true}")

    # "published school figures" rollups must be the sums of the published school rows of their membership
    for where, row, members in published_sums:
        subject, group, grade, year = row["subject"], row["student_group"], row["grade"], row["school_year"]
        shown = [cells[k] for s in members if (k := _school_key(s, subject, group, grade, year)) in cells]
        shown = [c for c in shown if c.known]
        n_sum = sum(c.n or 0 for c in shown)
        p_sum = sum(c.value for c in shown)
        n_pub, p_pub = _int(row.get("n_tested")), _int(row.get("n_proficient"))
        label = f"{where} {subject} {year} {group} grade {grade} ({PUBLISHED_SCHOOLS})"
        if n_pub is not None and n_pub != n_sum:
            inconsistencies.append(f"{label}: n_tested {n_pub}, published school rows {n_sum}")
        if p_pub is not None and abs(p_pub - p_sum) > TOL:
            inconsistencies.append(f"{label}: n_proficient {p_pub}, published school rows {p_sum}")
        pct = _float(row.get("pct_proficient"))
        if p_pub is None and pct is not None and n_sum:
            half = 0.5 * 10 ** -_decimals(row["pct_proficient"])
            if not (n_sum * (pct - half) / 100 - TOL <= p_sum <= n_sum * (pct + half) / 100 + TOL):
                inconsistencies.append(f"{label}: pct {pct}, published school rows {p_sum} of {n_sum}")

    # E1: combined = sum of grades
    grade_rows: dict[tuple, list[tuple]] = defaultdict(list)
    for school, subject, group, grade, year in truth:
        if grade != ALL_GRADES:
            grade_rows[_school_key(school, subject, group, ALL_GRADES, year)].append(
                _school_key(school, subject, group, grade, year)
            )
    for total, parts in grade_rows.items():
        own = (total[1], total[2], total[3], ALL_GRADES, total[5])
        if own in truth:  # the file's own All row: a relation only where the grade rows add up to it
            t = cells[total]
            ns = [cells[p].n for p in parts]
            ps = [cells[p].truth for p in parts]
            if None in ns or None in ps or t.n is None or t.truth is None:
                continue
            if sum(ns) != t.n or sum(ps) != t.truth:
                continue
        relations.append(Relation("E1 grades", total, parts))

    # E2: All Students = the family's groups, per school and grade, where the raw data says so
    by_unit: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for key in school_truth:
        by_unit[(key[1], key[2], key[4], key[5])][key[3]] = key
    for groups in by_unit.values():
        if ALL_STUDENTS not in groups:
            continue
        total = cells[groups[ALL_STUDENTS]]
        for members in family_groups.values():
            parts = [groups[g] for g in members if g in groups]
            if not parts:
                continue
            if not (
                _can_hold(total.n, [cells[p].n for p in parts])
                and _can_hold(total.truth, [cells[p].truth for p in parts])
            ):
                continue  # the raw data says the family does not add up here: not a relation to rely on
            relations.append(Relation("E2 family", total.key, parts))

    return System(cells, relations, inconsistencies, leaks, name or "+".join(views))


def _can_hold(total: int | None, parts: list[int | None]) -> bool:
    """Whether total = sum(parts) holds in the raw data, or, where a publisher's marker hides some of them (truth
    unknown), could hold (the attacker is then assumed to know it: conservative)."""
    known = [p for p in parts if p is not None]
    if total is None:
        return True
    if len(known) == len(parts):
        return sum(known) == total
    return sum(known) <= total


def _members_n(members, cells, subject, group, grade, year):
    total = 0
    for s in members:
        c = cells.get(_school_key(s, subject, group, grade, year))
        if c is None:
            continue
        if c.n is None:
            return None
        total += c.n
    return total


def _members_p(members, cells, subject, group, grade, year):
    total = 0
    for s in members:
        c = cells.get(_school_key(s, subject, group, grade, year))
        if c is None:
            continue
        if c.truth is None:
            return None
        total += c.truth
    return total


# --------------------------------------------------------------------------------------------------- the LP
class _Component:
    """The unknowns linked by relations, with their rows: A x = b, lo <= x <= hi."""

    def __init__(self, unknowns: list[Cell], rows: list[tuple[Relation, dict[int, float], float]]):
        self.unknowns = unknowns
        self.rows = rows
        self.index = {c.key: i for i, c in enumerate(unknowns)}
        data, ri, ci, b = [], [], [], []
        for r, (_, coeffs, rhs) in enumerate(rows):
            for j, a in coeffs.items():
                ri.append(r)
                ci.append(j)
                data.append(a)
            b.append(rhs)
        self.A = sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), len(unknowns))) if rows else None
        self.b = np.array(b, dtype=float)
        self.bounds = [(c.lo if c.lo is not None else 0.0, c.hi) for c in unknowns]
        self.lps = 0
        self.seen_lo = np.full(len(unknowns), np.inf)
        self.seen_hi = np.full(len(unknowns), -np.inf)
        self.points: list[np.ndarray] = []

    def optimise(self, objective: np.ndarray) -> tuple[float, np.ndarray] | None:
        self.lps += 1
        if self.A is None:
            x = np.array(
                [
                    lo if o >= 0 else (hi if hi is not None else np.inf)
                    for o, (lo, hi) in zip(objective, self.bounds, strict=True)
                ]
            )
            return float(objective @ x), x
        res = linprog(objective, A_eq=self.A, b_eq=self.b, bounds=self.bounds, method="highs")
        if res.status == 3:  # unbounded (an unknown without a known size)
            return None
        if res.status != 0:
            raise RuntimeError(f"LP failed ({res.message}) on {[c.label for c in self.unknowns[:3]]}")
        self.points.append(res.x)
        self.seen_lo = np.minimum(self.seen_lo, res.x)
        self.seen_hi = np.maximum(self.seen_hi, res.x)
        return float(res.fun), res.x

    def interval(self, i: int) -> tuple[float, float]:
        c = np.zeros(len(self.unknowns))
        c[i] = 1.0
        low = self.optimise(c)
        high = self.optimise(-c)
        return (low[0] if low else -math.inf, -high[0] if high else math.inf)

    def sum_range(self, idx: list[int]) -> tuple[float, float]:
        c = np.zeros(len(self.unknowns))
        c[idx] = 1.0
        low = self.optimise(c)
        high = self.optimise(-c)
        return (low[0] if low else -math.inf, -high[0] if high else math.inf)


def _counts(lo: float, hi: float) -> int:
    if lo > hi:
        return 0
    if hi == math.inf:
        return 10**9
    return max(0, math.floor(hi + EPS) - math.ceil(lo - EPS) + 1)


def _required(cell: Cell) -> int:
    n = cell.n if cell.n is not None else 10**9
    need = min(3, n + 1)
    if cell.reason in CODED:
        need = min(need, max(2, cell.band_counts or 0))
    return need


def _components(system: System, extra_known: Mapping[tuple, float] | None = None) -> tuple[list[_Component], list[str]]:
    extra_known = extra_known or {}

    def value(c: Cell) -> float | None:
        return extra_known.get(c.key, c.value)

    unknown = [c for c in system.cells.values() if value(c) is None and c.n != 0]
    for c in system.cells.values():  # a size of zero is a count of zero
        if value(c) is None and c.n == 0:
            extra_known = {**extra_known, c.key: 0.0}
    position = {c.key: i for i, c in enumerate(unknown)}
    parent = list(range(len(unknown)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    problems: list[str] = []
    rows = []
    for rel in system.relations:
        coeffs: dict[int, float] = defaultdict(float)
        rhs = 0.0
        for key, sign in [(rel.total, 1.0)] + [(p, -1.0) for p in rel.parts]:
            c = system.cells[key]
            v = extra_known.get(key, c.value)
            if v is None:
                coeffs[position[key]] += sign
            else:
                rhs -= sign * v
        if not coeffs:
            if abs(rhs) > TOL:
                problems.append(f"{rel.kind} {system.cells[rel.total].label}: published figures disagree by {rhs}")
            continue
        ids = list(coeffs)
        for j in ids[1:]:
            parent[find(j)] = find(ids[0])
        rows.append((rel, dict(coeffs), rhs))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(unknown)):
        groups[find(i)].append(i)
    comp_rows: dict[int, list] = defaultdict(list)
    for rel, coeffs, rhs in rows:
        comp_rows[find(next(iter(coeffs)))].append((rel, coeffs, rhs))
    comps = []
    for root, members in groups.items():
        local = {g: k for k, g in enumerate(members)}
        local_rows = [(rel, {local[j]: a for j, a in co.items()}, rhs) for rel, co, rhs in comp_rows[root]]
        comps.append(_Component([unknown[g] for g in members], local_rows))
    return comps, problems


def _withheld_parts(comp: _Component, rel: Relation) -> list[int]:
    return [comp.index[p] for p in rel.parts if p in comp.index]


NOT_AUDITED = {"publisher", "rounded"}  # the publisher's own cells, and rates published on purpose


def _audit_component(comp: _Component, report: Report | None, exact: bool = True, stop_early: bool = False) -> bool:
    """Intervals and pinned sums of one component; True when it passes. Without ``exact`` a cell (or a sum) is
    settled as soon as the LP solutions seen already span what it needs (its interval contains them: the verdict is
    the same, the interval shown is then only what was seen); ``stop_early`` ends at the first failure."""
    ok = True
    audited = [i for i, c in enumerate(comp.unknowns) if c.reason not in NOT_AUDITED]
    if not exact and comp.A is not None and audited:
        every = np.zeros(len(comp.unknowns))
        every[audited] = 1.0
        comp.optimise(every)  # two extreme points first: most cells are settled by them
        comp.optimise(-every)
    for i in audited:
        cell = comp.unknowns[i]
        need = _required(cell)
        if not exact and comp.A is not None and _counts(comp.seen_lo[i], comp.seen_hi[i]) >= need:
            lo, hi = float(comp.seen_lo[i]), float(comp.seen_hi[i])
        else:
            lo, hi = comp.interval(i)
        counts = _counts(lo, hi)
        passed = counts >= need
        if report is not None:
            if cell.truth is not None and not (lo - TOL <= cell.truth <= hi + TOL) and (exact or not passed):
                report.truth_outside.append(f"{cell.label}: true {cell.truth} outside [{lo}, {hi}]")
            report.cells.append(CellResult(cell, lo, hi, counts, need, passed))
        if not passed:
            ok = False
            if stop_early:
                return False
    seen_sets = set()
    for rel, _, _ in comp.rows:
        idx = [i for i in _withheld_parts(comp, rel) if comp.unknowns[i].reason not in NOT_AUDITED]
        if len(idx) < 2 or tuple(sorted(idx)) in seen_sets:
            continue
        seen_sets.add(tuple(sorted(idx)))
        n = [comp.unknowns[i].n for i in idx]
        if None in n:
            continue
        total_n = sum(n)
        if not exact and comp.A is not None and comp.seen_hi[idx].sum() > EPS:
            # a seen point with the sum above 0 and one below the total (per cell: some point had it below its n)
            sums = [p[idx].sum() for p in comp.points]
            if max(sums) > EPS and min(sums) < total_n - EPS:
                continue
        lo, hi = comp.sum_range(idx)
        if hi <= EPS or lo >= total_n - EPS:
            ok = False
            if report is not None:
                names = ", ".join(
                    f"{comp.unknowns[i].label} ({comp.unknowns[i].reason}, n={comp.unknowns[i].n})" for i in idx
                )
                report.pinned.append(f"{rel.kind}: sum of [{names}] pinned at {'0%' if hi <= EPS else '100%'}")
            if stop_early:
                return False
    return ok


def audit(system: System, exact: bool = True) -> Report:
    """Every unknown's feasible interval, every relation's pinned sums, and the checks beside them. Without
    ``exact`` the verdicts are the same but an interval is computed only where the LP points seen do not settle it."""
    start = time.perf_counter()
    report = Report(system.view, inconsistencies=list(system.inconsistencies), leaks=list(system.leaks))
    comps, problems = _components(system)
    report.inconsistencies += problems
    report.truth_outside += truth_check(system)
    for comp in comps:
        _audit_component(comp, report, exact=exact)
        report.lps += comp.lps
    report.seconds = time.perf_counter() - start
    return report


def truth_check(system: System) -> list[str]:
    """The truth satisfies every bound and every relation (else the system, not the product, is wrong)."""
    out = []
    for c in system.cells.values():
        if c.truth is None or c.known:
            continue
        if (c.lo is not None and c.truth < c.lo - TOL) or (c.hi is not None and c.truth > c.hi + TOL):
            out.append(f"{c.label}: true {c.truth} outside its bounds [{c.lo}, {c.hi}] ({c.reason})")
    for rel in system.relations:
        t = system.cells[rel.total].truth
        ps = [system.cells[p].truth for p in rel.parts]
        if t is not None and None not in ps and sum(ps) != t:
            out.append(f"{rel.kind} {system.cells[rel.total].label}: true {t} != sum of parts {sum(ps)}")
    return out


def releasing_breaks(
    system: System, reasons: Iterable[str] = ("complementary",), sample: int | None = None
) -> tuple[int, int, list[str]]:
    """The "not wasteful" check: for each cell withheld for ``reasons``, publish it alone (its true count becomes
    known) and re-audit its component. Returns (cells whose release breaks the audit, cells tried, examples of
    cells whose release breaks nothing). A cell whose component fails already is not tried (nothing to break).
    ``sample``: try only that many of them, drawn at random with a fixed seed from the cells in key order (each
    release is a fresh audit of its component, about 0.3 s on the sample district; 200 of ~1,200 estimate the share
    within about 3 points)."""
    reasons = set(reasons)
    baseline, _ = _components(system)
    failing = {
        u.key
        for comp in baseline
        if not _audit_component(comp, None, exact=False, stop_early=True)
        for u in comp.unknowns
    }
    tried = broke = 0
    spare = []
    eligible = sorted(
        (
            c
            for c in system.cells.values()
            if not c.known and c.reason in reasons and c.truth is not None and c.key not in failing
        ),
        key=lambda c: repr(c.key),
    )
    if sample is not None and len(eligible) > sample:
        picked = np.random.default_rng(14).choice(len(eligible), size=sample, replace=False)
        eligible = [eligible[i] for i in sorted(picked)]
    for cell in eligible:
        tried += 1
        comps, _ = _components(system, {cell.key: float(cell.truth)})
        linked = {k for rel in system.relations if cell.key in (rel.total, *rel.parts) for k in (rel.total, *rel.parts)}
        if any(
            not _audit_component(comp, None, exact=False, stop_early=True)
            for comp in comps
            if any(u.key in linked for u in comp.unknowns)
        ):
            broke += 1
        else:
            spare.append(f"{cell.label} (n={cell.n})")
    return broke, tried, spare


# --------------------------------------------------------------------------------------------------- exact rank
def determined_cells(system: System, max_columns: int = 6000) -> dict[str, list[tuple[Cell, str]]]:
    """The exact-determination check: a withheld figure is determined when its unit vector lies in the row space of
    the published system (a zero row of the null space of its component). Both the proficient counts and, where the
    file leaves them unknown (publisher markers), the tested counts. Returns {"proficient": [(cell, value)],
    "tested": [...]} of determined unknowns; intervals are not computed."""
    out: dict[str, list[tuple[Cell, str]]] = {"proficient": [], "tested": []}
    comps, _ = _components(system)
    for comp in comps:
        out["proficient"] += _determined(comp, max_columns)
    # the tested counts: the same relations over the cells whose n is unknown
    tested = System(
        {
            k: Cell(c.key, None, None, value=None if c.n is None else float(c.n), reason=c.reason, label=c.label)
            for k, c in system.cells.items()
        },
        system.relations,
        [],
        [],
        system.view,
    )
    comps, _ = _components(tested)
    for comp in comps:
        comp.bounds = [(0.0, None)] * len(comp.unknowns)
        out["tested"] += _determined(comp, max_columns)
    return out


def _determined(comp: _Component, max_columns: int) -> list[tuple[Cell, str]]:
    if comp.A is None:
        return []
    if len(comp.unknowns) > max_columns:
        return _determined_sparse(comp)
    dense = comp.A.toarray()
    basis = null_space(dense) if dense.size else np.eye(len(comp.unknowns))
    free = np.abs(basis).max(axis=1) > 1e-8 if basis.size else np.zeros(len(comp.unknowns), dtype=bool)
    out = []
    fixed = np.where(~free)[0]
    if len(fixed):
        x, *_ = np.linalg.lstsq(dense, comp.b, rcond=None)
        out = [(comp.unknowns[i], f"{x[i]:.1f}") for i in fixed]
    return out


def _determined_sparse(comp: _Component, trials: int = 3, tol: float = 1e-6) -> list[tuple[Cell, str]]:
    """For a component too large for a dense null space: random vectors of the null space, each r less its
    projection on the row space (LSQR's least-norm solution of A z = A r); an unknown that is zero in every one is
    determined (almost surely, up to LSQR's tolerance). Its value is read from LSQR's least-norm solution of A x = b."""
    from scipy.sparse.linalg import lsqr

    rng = np.random.default_rng(14)
    a = comp.A.tocsr()
    free = np.zeros(a.shape[1], dtype=bool)
    for _ in range(trials):
        r = rng.standard_normal(a.shape[1])
        z = lsqr(a, a @ r, atol=1e-14, btol=1e-14, iter_lim=20 * a.shape[1])[0]
        free |= np.abs(r - z) > tol
    fixed = np.where(~free)[0]
    if not len(fixed):
        return []
    x = lsqr(a, comp.b, atol=1e-14, btol=1e-14, iter_lim=20 * a.shape[1])[0]
    return [(comp.unknowns[i], f"{x[i]:.1f}") for i in fixed]
