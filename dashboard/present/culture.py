"""The culture and outcomes page's view model: each school's culture measure against its change in achievement."""

from __future__ import annotations

import math
from typing import cast

import polars as pl

from dashboard.present.common import ALL, PageView, filter_schools

c = pl.col


# --- 7. culture and outcomes ----------------------------------------------------------------------------------------

CULTURE_MEASURES = {
    "Trust index change (points)": "trust_index_change",
    "CPL consistency (% of team-weeks with a meeting)": "cpl_consistency_pct",
    "Readiness: % ready in latest vote": "readiness_pct_ready",
}


def culture(summary: pl.DataFrame, measure: str, network: str = ALL, level: str = ALL) -> PageView:
    col = CULTURE_MEASURES.get(measure, "trust_index_change")
    measure = next(k for k, x in CULTURE_MEASURES.items() if x == col)
    s = filter_schools(summary, network, level).filter(c(col).is_not_null() & c("all_students_change_pp").is_not_null())
    if s.height == 0:
        return PageView(empty="Not enough data yet: a school needs this measure and two years of achievement.")
    v = PageView()
    year = cast(str | None, s["school_year"].max())
    v.frames["scatter"] = s.select("school_name", col, "all_students_change_pp").rename({col: measure})
    v.extra["measure"] = measure  # the scatter's x column, named for its data table
    v.titles["scatter"] = f"{measure} against All Students change in proficiency (pp), {year}, n = {s.height} schools"
    r = None
    if s.height >= 3 and s[col].std() and s["all_students_change_pp"].std():
        r = s.select(pl.corr(col, "all_students_change_pp")).item()
    v.extra["r"] = r
    v.sentence = (
        f"Each point is one school (n = {s.height}). "
        + (f"The correlation is r = {r:.2f}. " if r is not None and not math.isnan(r) else "")
        + "This shows association, not cause: schools differ in many ways at once, and a small school's "
        "change moves by several points by chance."
    )
    return v
