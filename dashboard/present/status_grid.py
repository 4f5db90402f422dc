"""The equity page's status x change grid: its versioned cut points (``status_change_grid.toml``) and its view model."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.core import paths
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import WITHIN_NOISE, gains_from_cells, school_level_cells
from dashboard.present.common import ALL, PageView, filter_schools, options
from dashboard.present.words import NOISE_NOTE, SIGNAL_WORDS, plural

c = pl.col


# --- 6b. status x change grid ---------------------------------------------------------------------------------------

GRID_FILE = paths.CONFIG / "status_change_grid.toml"


@dataclass(frozen=True)
class GridConfig:
    version: str
    status_names: tuple[str, ...]
    status_cuts: tuple[float, ...]
    change_names: tuple[str, ...]
    maintained_band_pp: float
    significant_pp: float
    performance_names: tuple[str, ...]
    performance: tuple[tuple[int, ...], ...]  # [status][change] -> 1..5

    def status_level(self, pct: float) -> int:
        """0 (Very Low) to 4 (Very High): a level runs from its cut, inclusive, to the next."""
        return sum(pct >= cut for cut in self.status_cuts)

    def change_level(self, pp: float) -> int:
        """0 (Declined Significantly) to 4 (Increased Significantly), symmetric around Maintained."""
        size = 0 if abs(pp) < self.maintained_band_pp else 1 if abs(pp) < self.significant_pp else 2
        return 2 + size if pp > 0 else 2 - size

    def describe(self) -> str:
        s, n = self.status_cuts, self.status_names
        status = ", ".join(
            [f"{n[0]} <{s[0]:g}%"]
            + [f"{n[i]} {s[i - 1]:g}-<{s[i]:g}%" for i in range(1, len(s))]
            + [f"{n[-1]} ≥{s[-1]:g}%"]
        )
        return (
            f"Cut points: status_change_grid.toml version {self.version}. Status (% proficient): {status}. "
            f"Change: Maintained within ±{self.maintained_band_pp:g} pp, Significantly at ±{self.significant_pp:g} pp "
            "or more."
        )


@cache
def load_grid(path: Path = GRID_FILE) -> GridConfig:
    doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    cfg = GridConfig(
        version=str(doc["version"]),
        status_names=tuple(doc["status"]["names"]),
        status_cuts=tuple(float(x) for x in doc["status"]["cuts"]),
        change_names=tuple(doc["change"]["names"]),
        maintained_band_pp=float(doc["change"]["maintained_band_pp"]),
        significant_pp=float(doc["change"]["significant_pp"]),
        performance_names=tuple(doc["performance"]["names"]),
        performance=tuple(tuple(int(x) for x in row) for row in doc["performance"]["grid"]),
    )
    if (
        (len(cfg.status_names), len(cfg.status_cuts), len(cfg.change_names)) != (5, 4, 5)
        or list(cfg.status_cuts) != sorted(cfg.status_cuts)
        or len(cfg.performance) != 5
        or any(len(r) != 5 or not set(r) <= {1, 2, 3, 4, 5} for r in cfg.performance)
        or not 0 < cfg.maintained_band_pp < cfg.significant_pp
    ):
        raise ValueError(
            f"{path}: five status levels (four rising cuts), five change levels, a 5x5 grid of 1-5, "
            "and 0 < maintained_band_pp < significant_pp"
        )
    return cfg


def status_change_grid(
    cells: pl.DataFrame,
    t: Thresholds,
    subject: str | None,
    grid: GridConfig,
    school: str = ALL,
    group: str = ALL,
    network: str = ALL,
    level: str = ALL,
    notes: pl.DataFrame | None = None,
) -> PageView:
    """Place each school's student group (its All Students row, or one group, per the filters) in the 5x5 status x
    change grid for the latest year with a change (none across a break among the timeline ``notes``). Withheld
    groups are not placed, and are counted."""
    base = filter_schools(cells, network, level, school)
    subjects = options(base, "subject")
    if not subjects:
        return PageView(empty="No achievement results for these schools yet.")
    subject = subject if subject in subjects else subjects[0]
    sc = school_level_cells(base.filter(c("subject") == subject)).with_columns(
        pl.lit("All").alias("grade"), pl.lit(None, pl.String).alias("publisher_marker")
    )
    gains = gains_from_cells(sc, notes)
    if group != ALL:
        gains = gains.filter(c("student_group") == group)
    if gains.is_empty():
        return PageView(empty=f"No school group has two years of {subject} results to compare yet.")
    gains = gains.filter(c("year_start") == c("year_start").max())
    year, prior = gains["school_year"][0], gains["prior_year"][0]
    placed = gains.filter(c("pct_proficient").is_not_null() & c("change_pp").is_not_null())
    left_out = gains.height - placed.height
    placed = placed.with_columns(
        c("pct_proficient").map_elements(grid.status_level, return_dtype=pl.Int64).alias("status_level"),
        c("change_pp").map_elements(grid.change_level, return_dtype=pl.Int64).alias("change_level"),
    ).with_columns(
        pl.struct("status_level", "change_level")
        .map_elements(lambda s: grid.performance[s["status_level"]][s["change_level"]], return_dtype=pl.Int64)
        .alias("performance"),
        c("status_level").replace_strict(dict(enumerate(grid.status_names)), return_dtype=pl.String).alias("status"),
        c("change_level").replace_strict(dict(enumerate(grid.change_names)), return_dtype=pl.String).alias("change"),
    )
    counts = {
        (r["status_level"], r["change_level"]): (r["len"], r["noise"])
        for r in placed.group_by("status_level", "change_level")
        .agg(pl.len(), (c("change_signal") == WITHIN_NOISE).sum().alias("noise"))
        .iter_rows(named=True)
    }
    rows = []
    for si, sname in enumerate(grid.status_names):
        for ci, cname in enumerate(grid.change_names):
            (n, noise), perf = counts.get((si, ci), (0, 0)), grid.performance[si][ci]
            # a change column of the grid is a size of change, not a verdict: a group placed in "Declined" whose
            # change is within noise is counted as such in its cell
            moved = ci != len(grid.change_names) // 2
            within = f" ({noise} within noise)" if moved and noise else ""
            rows.append(
                {
                    "status": sname,
                    "change": cname,
                    "status_level": si,
                    "change_level": ci,
                    "count": n,
                    "within_noise": noise,
                    "performance": perf,
                    "performance_name": grid.performance_names[perf - 1],
                    "label": f"<b>{n}</b>{within}<br>{sname} ·<br>{cname}",
                }
            )
    v = PageView(extra={"subject": subject, "year": year, "left_out": left_out, "version": grid.version})
    v.frames["grid"] = pl.DataFrame(rows)
    what = (
        "All Students at each school"
        if group == ALL_STUDENTS
        else (f"{group} at each school" if group != ALL else "each student group at each school")
    )
    where = (
        ("all schools" if network == ALL and level == ALL else " / ".join(x for x in (network, level) if x != ALL))
        if school == ALL
        else base["school_name"][0]
    )
    v.titles["grid"] = (
        f"{subject} status ({year} % proficient) by change since {prior}: {what}, {where}, "
        f"n = {plural(placed.height, 'group')} placed"
    )
    v.frames["placed"] = placed.sort("performance", "school_name", "student_group").select(
        c("school_name").alias("School"),
        c("student_group").alias("Student group"),
        c("n_tested").alias("Tested"),
        c("pct_proficient").round(1).alias(f"% proficient {year}"),
        c("change_pp").round(1).alias("Change (pp)"),
        c("status").alias("Status"),
        c("change").alias("Change"),
        c("change_signal").replace_strict(SIGNAL_WORDS, default=None).alias("Against noise"),
        c("performance").alias("Performance level (1-5)"),
    )
    noise = int(placed.filter(c("change_signal") == WITHIN_NOISE).height)
    v.notes["grid_chart"] = (
        f"In brackets: groups whose change is within noise (95% interval holds zero). Cut points version {grid.version}."
    )
    v.notes["grid"] = (
        f"{grid.describe()} "
        + (
            f"{plural(left_out, 'withheld group')} (small or coded, this year or last) {'is' if left_out == 1 else 'are'} "
            "not placed. "
            if left_out
            else "No group was withheld. "
        )
        + f"{noise} of {plural(placed.height, 'placed group')} changed within noise: the cell counts them in "
        f"brackets; such a group is placed by the size of its change, which may be chance. {NOISE_NOTE}"
    )
    return v
