"""The district's one pattern of withheld achievement figures (issue 14; CONTRACT.md, Privacy; docs/privacy.md).

``decide`` takes every school's cells of some school years (all schools: the pattern is the district's, and every
account sees a subset of it) and returns which school cells (by grade and with grades combined) and which district
and network figures are withheld, and why. What it protects is the whole published system at once:

- a school's grades combined is the sum of its grades (E1); its All Students is the sum of a family's groups, per
  grade (E2), where the file's figures say so;
- a network's figure is the sum of its schools' (E3); the district's, the sum of its networks' (D).

Primary suppression is the contract's (under ``min_n_students`` tested; a band for an extreme rate only where the
band holds two or more counts; an extreme rate whose band would hold one count is withheld, with the reason
``complementary`` so the reason itself tells nothing). Secondary suppression then runs to a fixed point over all the
relations together (``dashboard.core.disclosure_solve``): no withheld count can be narrowed to fewer than three
whole counts (or every count its size allows), and no sum of withheld cells is pinned at 0% or 100%, preferring the
cheapest cell (the smallest school cell) over a network or district figure. Other rollups (level, network by level,
a limited account's own schools) are published as sums of published school figures (basis ``published school
figures``) and add nothing to what can be worked out, so they need no protection of their own.

Pure polars and numpy; the pattern is stored at load (``dashboard.ingest.summaries``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dashboard.core import disclosure_solve, privacy
from dashboard.core.privacy import Thresholds, student_group_families
from dashboard.core.sources import ALL_STUDENTS

c = pl.col
ALL = "All"
DISTRICT = "district"  # the rollup key of the district's figure
NETWORK = "network"
EVERY_SCHOOL = "every school"  # a rollup's basis: the sum of every school of its membership
PUBLISHED_SCHOOLS = "published school figures"  # the sum of its published school figures only
SCHOOL_KEY = ["school_id", "subject", "student_group", "grade", "year_start"]
ROLLUP_KEY = ["rollup", "network", "subject", "student_group", "year_start"]
# a publisher's marker that says no student was tested (Oregon's definitions: '--'): a reader knows the count is 0
NONE_TESTED_MARKERS = ("--",)
# a school's All Students with grades combined, the figure most pages show, costs more than a network's figure and
# less than the district's: withholding it loses a school's headline on every page
HEADLINE_COST = 1.5e9
NETWORK_ALL_COST = 1.8e9  # a network's All Students: its headline, dearer than a school's
ROLLUP_COST = 1e9  # a network figure costs more than any school cell; the district's more than any network's

CELL_PATTERN_SCHEMA = {
    "school_id": pl.String,
    "subject": pl.String,
    "student_group": pl.String,
    "grade": pl.String,
    "year_start": pl.Int64,
    "reason": pl.String,
}
ROLLUP_SCHEMA = {
    "rollup": pl.String,
    "network": pl.String,
    "subject": pl.String,
    "student_group": pl.String,
    "year_start": pl.Int64,
    "schools": pl.Int64,
    "n_tested": pl.Int64,
    "n_proficient": pl.Int64,
    "basis": pl.String,
    "reason": pl.String,
}


@dataclass(frozen=True)
class Pattern:
    """The withheld school cells (``CELL_PATTERN_SCHEMA``: grade ``All`` is grades combined, the file's own row or
    the sum of its grades) and every district and network figure (``ROLLUP_SCHEMA``: network '' for the district),
    with its basis and, where withheld, its reason."""

    cells: pl.DataFrame
    rollups: pl.DataFrame

    @classmethod
    def empty(cls) -> Pattern:
        return cls(pl.DataFrame(schema=CELL_PATTERN_SCHEMA), pl.DataFrame(schema=ROLLUP_SCHEMA))


def band_counts(n: pl.Expr, t: Thresholds) -> pl.Expr:
    """The whole counts a band (at or below ``coding_edge_pct``, or at or above 100 less it) holds at ``n`` tested."""
    e = t.coding_edge_pct / 100
    return (n * e + 1e-9).floor() + 1


def none_tested_as_zero(cells: pl.DataFrame) -> pl.DataFrame:
    """A cell the publisher marked as none tested (``NONE_TESTED_MARKERS``) counted as 0 tested, 0 proficient."""
    none = c("publisher_marker").is_in(list(NONE_TESTED_MARKERS)) & c("n_tested").is_null()
    return cells.with_columns(
        pl.when(none).then(0).otherwise(c("n_tested")).alias("n_tested"),
        pl.when(none).then(0).otherwise(c("n_proficient")).alias("n_proficient"),
    )


def combined_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """``cells`` with a grades-combined row (grade ``All``) for every school, subject, group and year that has grade
    rows and no row of its own: the sum of its grades (a count blank where any grade's is, a grade the publisher
    marked as none tested counting 0), ``combined`` true."""
    key = ["school_id", "subject", "student_group", "year_start"]
    key += [x for x in ("school_name", "network", "level") if x in cells.columns]
    own = cells.filter(c("grade") == ALL).select(key).unique()
    grades = none_tested_as_zero(cells.filter(c("grade") != ALL).join(own, on=key, how="anti"))
    virtual = grades.group_by(key).agg(
        pl.when(c("n_tested").is_null().any()).then(None).otherwise(c("n_tested").sum()).alias("n_tested"),
        pl.when(c("n_proficient").is_null().any()).then(None).otherwise(c("n_proficient").sum()).alias("n_proficient"),
        pl.lit(None, pl.String).alias("publisher_marker"),
    )
    virtual = virtual.with_columns(
        pl.lit(ALL).alias("grade"),
        pl.when(c("n_tested") > 0).then(100.0 * c("n_proficient") / c("n_tested")).alias("pct_proficient"),
        pl.lit(True).alias("combined"),
    )
    out = cells.with_columns(pl.lit(False).alias("combined"))
    return pl.concat([out, virtual.select([x for x in out.columns if x in virtual.columns])], how="diagonal_relaxed")


def primary_reasons(cells: pl.DataFrame, t: Thresholds) -> pl.Expr:
    """The contract's primary reason of a school cell (``publisher``, ``small_n``, a band), else null."""
    edge = t.coding_edge_pct
    pct, n = c("pct_proficient"), c("n_tested")
    coded = n < t.coding_max_n
    bandable = band_counts(n, t) >= 2
    return (
        pl.when(c("publisher_marker").is_not_null() & (n.is_null() | pct.is_null()))
        .then(pl.lit("publisher"))
        .when(n.is_null() | (n < t.min_n_students))
        .then(pl.lit("small_n"))
        .when(coded & ((pct <= edge) | (pct >= 100 - edge)) & ~bandable)
        .then(pl.lit("complementary"))  # a band of one count: withheld, and the reason tells nothing of the rate
        .when(coded & (pct <= edge))
        .then(pl.lit("bottom_coded"))
        .when(coded & (pct >= 100 - edge))
        .then(pl.lit("top_coded"))
    )


def screen(cells: pl.DataFrame, t: Thresholds, withheld: pl.DataFrame | None = None) -> pl.DataFrame:
    """``cells`` (raw, with ``school_name``, ``network`` and ``level``) with a grades-combined row wherever the file
    gave grades only (``combined_cells``), and ``withheld``, ``reason`` and ``shown_as`` from the district's
    pattern: ``withheld``, the stored pattern's cells (``CELL_PATTERN_SCHEMA``), or None to decide it here over
    ``cells``, which must then hold every school of the district."""
    full = combined_cells(cells)
    if withheld is None:
        schools = full.select("school_id", "network").unique("school_id")
        withheld = decide(cells, schools, t).cells
    full = full.drop("reason", "withheld", "shown_as", strict=False)
    full = full.join(withheld.select([*SCHOOL_KEY, "reason"]), on=SCHOOL_KEY, how="left")
    return full.with_columns(c("reason").is_not_null().alias("withheld"), privacy.shown_as(t)).drop("combined")


def decide(cells: pl.DataFrame, schools: pl.DataFrame, t: Thresholds) -> Pattern:
    """The pattern for ``cells`` (every school of the district, some school years: ``school_id``, ``subject``,
    ``student_group``, ``grade``, ``year_start``, ``n_tested``, ``n_proficient``, ``pct_proficient``,
    ``publisher_marker``), with ``schools`` (``school_id``, ``network``). No relation crosses a school year, so
    each year is decided on its own."""
    if cells.is_empty():
        return Pattern.empty()
    cols = ["school_id", "subject", "student_group", "grade", "year_start", "n_tested", "n_proficient",
            "pct_proficient", "publisher_marker"]  # fmt: skip
    network_of = schools.select(c("school_id").cast(pl.String), c("network").cast(pl.String))
    years = cells.select(cols).sort("year_start").partition_by("year_start", maintain_order=True)
    parts = [_decide_year(year, network_of, t) for year in years]
    return Pattern(
        pl.concat([p.cells.cast(pl.Schema(CELL_PATTERN_SCHEMA)) for p in parts]).sort(SCHOOL_KEY),
        pl.concat([p.rollups.cast(pl.Schema(ROLLUP_SCHEMA)) for p in parts]).sort(ROLLUP_KEY),
    )


def _decide_year(cells: pl.DataFrame, network_of: pl.DataFrame, t: Thresholds) -> Pattern:
    units = combined_cells(none_tested_as_zero(cells))
    units = units.with_columns(
        # a rate without a count counts as round(rate x tested), as the levels export does
        pl.coalesce(c("n_proficient"), (c("pct_proficient") * c("n_tested") / 100).round()).alias("_p"),
        primary_reasons(units, t).alias("reason"),
        pl.lit("school").alias("_unit"),
    )
    units = units.join(network_of, on="school_id", how="left")
    combined = units.filter(c("grade") == ALL)
    rollups = _rollup_units(combined, t)
    # in a fixed order (the pattern is the same for the same figures, whatever order the rows came in)
    frame = pl.concat([units, rollups], how="diagonal_relaxed").sort("_unit", *SCHOOL_KEY).with_row_index("_i")
    members = _relations(frame)
    n = frame["n_tested"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    p = frame["_p"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    reason = frame["reason"].to_list()
    coded = np.array([r in ("top_coded", "bottom_coded") for r in reason])
    top = np.array([r == "top_coded" for r in reason])
    edge = t.coding_edge_pct / 100
    lo = np.where(coded & top, n * (1 - edge), 0.0)
    hi = np.where(coded & ~top, n * edge, np.where(np.isnan(n), np.inf, n))
    withheld = np.array([r is not None for r in reason]) & ~(n == 0)  # none tested is known: none proficient
    publisher = np.array([r == "publisher" for r in reason])
    is_school = (frame["_unit"] == "school").to_numpy()
    headline = ((frame["student_group"] == ALL_STUDENTS) & (frame["grade"] == ALL)).to_numpy() & is_school
    everyone = (frame["student_group"] == ALL_STUDENTS).to_numpy()
    rollup_cost = np.where(
        frame["_unit"] == DISTRICT, 2 * ROLLUP_COST, np.where(everyone, NETWORK_ALL_COST, ROLLUP_COST)
    )
    size = np.nan_to_num(n, nan=0.0)  # a publisher's cell with no count is withheld already: it costs nothing more
    cost = np.where(is_school, np.where(headline, HEADLINE_COST, 0) + size, rollup_cost + size)
    cost = _same_figure_same_cost(cost, members, is_school)
    candidate = ~withheld & (n > 0) & ~np.isnan(p)
    need = np.minimum(3, np.where(np.isnan(n), 3, n + 1))
    band = np.floor(n * edge + 1e-9) + 1
    need = np.where(coded, np.minimum(need, np.maximum(2, band)), need)
    problem = disclosure_solve.Problem(
        value=np.where(n == 0, 0.0, p), lo=lo, hi=hi, size=n, need=need, audited=~publisher, cost=cost,
        candidate=candidate, banded=coded.copy(), rel=members["_rel"].to_numpy(),
        cell=members["_i"].to_numpy().astype(np.int64), coef=members["_coef"].to_numpy().astype(np.float64),
    )  # fmt: skip
    added = disclosure_solve.protect(problem, withheld)
    reasons = pl.Series("reason", [("complementary" if a else r) for r, a in zip(reason, added, strict=True)])
    frame = frame.with_columns(reasons)
    school = frame.filter(c("_unit") == "school")
    return Pattern(
        school.filter(c("reason").is_not_null()).select(list(CELL_PATTERN_SCHEMA)),
        _rollup_figures(frame.filter(c("_unit") != "school"), school.filter(c("grade") == ALL), t),
    )


def _same_figure_same_cost(cost: np.ndarray, members: pl.DataFrame, is_school: np.ndarray) -> np.ndarray:
    """A relation of one part between two school cells says they are the same figure (a school's only grade and its
    grades combined; a group that is all of All Students): withholding either withholds both, so each costs what
    the dearer does. (A network of one school is left out: its figure is priced as a network's.)"""
    size = members.group_by("_rel").agg(pl.len().alias("_m"))
    pairs = members.join(size.filter(c("_m") == 2), on="_rel").sort("_rel", "_coef")
    if pairs.is_empty():
        return cost
    cells = pairs["_i"].to_numpy().reshape(-1, 2)
    cells = cells[is_school[cells[:, 0]] & is_school[cells[:, 1]]]
    cost = cost.copy()
    for _ in range(4):  # chains: All Students by grade = the group = its grades combined = All Students combined
        dearer = np.maximum(cost[cells[:, 0]], cost[cells[:, 1]])
        np.maximum.at(cost, cells[:, 0], dearer)
        np.maximum.at(cost, cells[:, 1], dearer)
    return cost


def _rollup_figures(roll: pl.DataFrame, combined: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """Each rollup's figures: the sum over every member school where each has a count (its reason as decided),
    else the sum of its published school figures (withheld only under ``min_n_students``)."""
    key = ["subject", "student_group", "year_start"]
    shown = combined.filter(c("reason").is_null() & c("_p").is_not_null())
    agg = [c("n_tested").sum().alias("_pn"), c("_p").sum().alias("_pp"), pl.len().alias("_ps")]
    by_net = shown.filter(c("network").is_not_null()).group_by("network", *key).agg(agg)
    by_net = by_net.with_columns(pl.lit(NETWORK).alias("rollup"))
    whole = shown.group_by(key).agg(agg).with_columns(pl.lit(DISTRICT).alias("rollup"), pl.lit("").alias("network"))
    sums = pl.concat([by_net, whole], how="diagonal_relaxed")
    every = c("_p").is_not_null()
    out = roll.join(sums, on=["rollup", "network", *key], how="left").with_columns(
        pl.when(every).then(c("schools")).otherwise(c("_ps").fill_null(0)).alias("schools"),
        pl.when(every).then(c("n_tested")).otherwise(c("_pn").fill_null(0)).alias("n_tested"),
        pl.when(every).then(c("_p")).otherwise(c("_pp").fill_null(0)).alias("n_proficient"),
        pl.when(every).then(pl.lit(EVERY_SCHOOL)).otherwise(pl.lit(PUBLISHED_SCHOOLS)).alias("basis"),
    )
    out = out.with_columns(
        pl.when(every).then(c("reason")).when(c("n_tested") < t.min_n_students).then(pl.lit("small_n")).alias("reason")
    )
    return out.select(list(ROLLUP_SCHEMA)).cast(pl.Schema(ROLLUP_SCHEMA)).sort(ROLLUP_KEY)


def _rollup_units(combined: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """One unit per network and for the district, by subject, group and year: tested and proficient summed over
    every member school (proficient blank where any member's count is: then the rollup is published as the sum of
    published school figures, and it is no relation here)."""
    key = ["subject", "student_group", "year_start"]

    def total(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        return frame.group_by(by).agg(
            pl.when(c("n_tested").is_null().any()).then(None).otherwise(c("n_tested").sum()).alias("n_tested"),
            pl.when(c("_p").is_null().any() | c("n_tested").is_null().any())
            .then(None)
            .otherwise(c("_p").sum())
            .alias("_p"),
            pl.len().alias("schools"),
        )

    networks = total(combined.filter(c("network").is_not_null()), ["network", *key]).with_columns(
        pl.lit(NETWORK).alias("_unit"), pl.lit(NETWORK).alias("rollup")
    )
    district = total(combined, key).with_columns(
        pl.lit(DISTRICT).alias("_unit"), pl.lit(DISTRICT).alias("rollup"), pl.lit("").alias("network")
    )
    out = pl.concat([networks, district], how="diagonal_relaxed")
    return out.with_columns(
        pl.when(c("n_tested").is_null() | (c("n_tested") < t.min_n_students)).then(pl.lit("small_n")).alias("reason"),
        pl.lit(ALL).alias("grade"),
        pl.when(c("_unit") == DISTRICT).then(pl.lit("\x00district")).otherwise(pl.lit("\x00") + c("network"))
        .alias("school_id"),
    )  # fmt: skip


def _holds(total: pl.Expr, parts: pl.Expr) -> pl.Expr:
    """Whether total = sum(parts) holds, or could where some parts are unknown (the attacker is assumed to know
    it: conservative)."""
    return (
        pl.when(total.is_null())
        .then(True)
        .when(parts.is_null().any())
        .then(parts.drop_nulls().sum() <= total)
        .otherwise(parts.sum() == total)
    )


def _relations(frame: pl.DataFrame) -> pl.DataFrame:
    """The relations of the published system, as members (``_rel``, ``_i`` the unit, ``_coef`` +1 for the total
    and -1 for a part): E1, E2, E3 and D of the module's docstring."""
    out = []
    schools = frame.filter(c("_unit") == "school")
    # E1: grades combined = the sum of the grades (the file's own All row only where its grades add up to it)
    key = ["school_id", "subject", "student_group", "year_start"]
    totals = schools.filter(c("grade") == ALL).select(*key, c("_i").alias("_t"), c("n_tested").alias("_tn"),
                                                      c("_p").alias("_tp"), "combined")  # fmt: skip
    grades = schools.filter(c("grade") != ALL).join(totals, on=key, how="inner")
    ok = grades.group_by("_t").agg(
        (c("combined").first() | (_holds(c("_tn").first(), c("n_tested")) & _holds(c("_tp").first(), c("_p")))).alias(
            "_ok"
        )
    )
    grades = grades.join(ok.filter("_ok"), on="_t", how="semi")
    out.append(_members(grades, "_t", "E1"))
    # E2: All Students = the sum of a family's groups, per school, subject, grade and year, where the file says so
    _, family_of = student_group_families()
    unit = ["school_id", "subject", "grade", "year_start"]
    alls = schools.filter(c("student_group") == ALL_STUDENTS).select(
        *unit, c("_i").alias("_t"), c("n_tested").alias("_tn"), c("_p").alias("_tp")
    )
    fam = schools.with_columns(c("student_group").replace_strict(family_of, default=None).alias("_family"))
    fam = fam.filter(c("_family").is_not_null()).join(alls, on=unit, how="inner")
    ok = fam.group_by("_t", "_family").agg(
        (_holds(c("_tn").first(), c("n_tested")) & _holds(c("_tp").first(), c("_p"))).alias("_ok")
    )
    fam = fam.join(ok.filter("_ok"), on=["_t", "_family"], how="semi")
    out.append(_members(fam, ["_t", "_family"], "E2"))
    # E3: a network = the sum of its schools' grades combined; D: the district = the sum of its networks (and of
    # any school outside a network); only rollups whose every member has a count
    key = ["subject", "student_group", "year_start"]
    roll = frame.filter(c("_unit") != "school")
    nets = roll.filter((c("_unit") == NETWORK) & c("_p").is_not_null()).select("network", *key, c("_i").alias("_t"))
    combined = schools.filter(c("grade") == ALL)
    out.append(_members(combined.join(nets, on=["network", *key], how="inner"), "_t", "E3"))
    dist = roll.filter((c("_unit") == DISTRICT) & c("_p").is_not_null()).select(*key, c("_i").alias("_t"))
    parts = pl.concat(
        [
            roll.filter(c("_unit") == NETWORK).select("_i", *key),
            combined.filter(c("network").is_null()).select("_i", *key),
        ]
    )
    out.append(_members(parts.join(dist, on=key, how="inner"), "_t", "D"))
    rel = pl.concat(out).sort("_kind", "_key", "_coef", "_i", descending=[False, False, True, False])
    ids = rel.select("_kind", "_key").unique(maintain_order=True).with_row_index("_rel")
    return rel.join(ids, on=["_kind", "_key"], maintain_order="left").select(
        c("_rel").cast(pl.Int64), c("_i").cast(pl.Int64), "_coef"
    )


def _members(parts: pl.DataFrame, total: str | list[str], kind: str) -> pl.DataFrame:
    """The members of relations whose parts are the rows of ``parts`` and whose total is the unit ``_t``."""
    by = [total] if isinstance(total, str) else total
    key = pl.concat_str([c(b).cast(pl.String) for b in by], separator="|")
    part_rows = parts.select(pl.lit(kind).alias("_kind"), key.alias("_key"), "_i", pl.lit(-1.0).alias("_coef"))
    totals = parts.select(pl.lit(kind).alias("_kind"), key.alias("_key"), c("_t").alias("_i"),
                          pl.lit(1.0).alias("_coef")).unique()  # fmt: skip
    return pl.concat([totals, part_rows])
