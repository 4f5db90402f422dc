"""What the page view models share: ``PageView``, ``ALL``, column labels, filters, formats, screened cells.

View models for the pages: pure polars functions that shape the computed tables (``dashboard.metrics.tables``) for
one page, given the shared filter values. No Streamlit here. Each returns a ``PageView``: the frames each chart
draws, their stand-alone titles, KPI tiles, notes on withheld figures and the sentences a page prints.

Withheld figures arrive blank (or flagged) from the data layer; here they stay blank and are named in words
("n<10", "≤5%"), never turned into zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard.core import privacy
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS
from dashboard.metrics.achievement import school_level_cells, weighted_rollup

c = pl.col
ALL = "All"  # the filter value meaning "no filter"


@dataclass
class PageView:
    sentence: str = ""
    empty: str | None = None  # a sentence to show instead of the page body when there is nothing to show
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str | None] = field(default_factory=dict)
    kpis: list[tuple[str, str, str | None]] = field(default_factory=list)  # label, value, delta
    extra: dict[str, object] = field(default_factory=dict)
    shared: bool = False  # cached and shared by reruns and sessions (``dashboard.ui.view``)
    # its figures, built once each by ``dashboard.ui.figure`` for a shared view (by figure function and arguments)
    figures: dict[tuple, object] = field(default_factory=dict, repr=False, compare=False)


# --- small helpers -------------------------------------------------------------------------------------------------

# What a chart's data table calls each column (the table under the chart and its CSV download), in the users' words.
# Working columns (a leading underscore) and the chart's own text helpers are left out; ``data_table`` applies it and
# a test fails for any column a page shows that is not named here.
COLUMN_LABELS = {
    "school_id": "School ID",
    "school_name": "School",
    "network": "Network",
    "level": "Level",
    "school_year": "School year",
    "prior_year": "Prior year",
    "subject": "Subject",
    "student_group": "Student group",
    "grade": "Grade",
    "n_tested": "Tested",
    "n_proficient": "Proficient",
    "pct_proficient": "% proficient",
    "ci_low": "95% low",
    "ci_high": "95% high",
    "withheld": "Withheld",
    "suppressed": "Withheld",
    "reason": "Withheld because",
    "suppression_reason": "Withheld because",
    "shown_as": "Shown as",
    "publisher_marker": "Publisher's marker",
    "label": "Shown on the chart",
    "prior_n_tested": "Tested, prior year",
    "prior_pct_proficient": "% proficient, prior year",
    "prior_gap_to_all_pp": "Gap to All Students, prior year (pp)",
    "change_pp": "Change (pp)",
    "change_relative_pct": "Relative change (%)",
    "gap_to_all_pp": "Gap to All Students (pp)",
    "gap_change_pp": "Gap change (pp)",
    "gap_status": "Gap",
    "all_students_pct_proficient": "All Students % proficient",
    "all_students_change_pp": "All Students change (pp)",
    "trust_index": "Trust index (0-100)",
    "facet": "Facet",
    "value": "Trust (as the chart shows it)",
    "schools": "Schools",
    "respondent_group": "Respondent group",
    "response_rate": "Response rate %",
    "n_respondents": "Respondents",
    "low_response": "Low response",
    "team": "Team",
    "key": "Team",
    "team_type": "Team type",
    "teams": "Teams",
    "meetings": "Meetings",
    "minutes": "Minutes",
    "consistency_pct": "Consistency %",
    "longest_gap_weeks": "Longest gap (weeks)",
    "minutes_per_month": "Minutes/month",
    "attendance_rate": "Attendance %",
    "month": "Month",
    "meetings_per_team": "Meetings per team",
    "minutes_per_team": "Minutes per team",
    "meeting_date": "Date",
    "week_start": "Week of",
    "protocol": "Protocol",
    "share": "Share %",
    "vote_date": "Vote date",
    "question": "Question",
    "votes_ready": "Ready",
    "votes_not_yet": "Not yet",
    "votes_abstain": "Abstained",
    "eligible_voters": "Eligible voters",
    "threshold_pct": "Threshold %",
    "turnout_pct": "Turnout %",
    "pct_ready_of_cast": "% ready of votes cast",
    "pct_ready_of_eligible": "% ready of eligible voters",
    "passed": "Passed",
    "vote": "Vote",
    "year_start": "School year starting",
    "month_start": "Month starting",
    "month_label": "Month",
    "minutes_label": "Minutes shown",
    "weekday": "Weekday (0 = Monday)",
    "change_ci_low": "Change, 95% low (pp)",
    "change_ci_high": "Change, 95% high (pp)",
    "change_signal": "Against noise",
    "cohort": "Grade group",
    "prior_grade": "Grade a year before",
    "q25": "25th percentile school",
    "median": "Median school",
    "q75": "75th percentile school",
    "highlight": "School drawn against the spread",
}
# the chart's helpers, shown in another column already: the year's first day beside the school year, a month's first
# day beside its name, printed labels of a figure in the next column, a weekday's number
CHART_HELPERS = {
    "year_start": "school_year",
    "month_start": "month",
    "month_label": "month",
    "minutes_label": "minutes_per_month",
    "weekday": "meeting_date",
}
# a data table shows what the chart shows: one decimal (a percent, points, minutes), two for a mean on a 1-5 scale
TABLE_DECIMALS = 1
TABLE_DECIMALS_BY_COLUMN = {"mean_score": 2}
SIGNAL_IN_WORDS = {"up": "up beyond noise", "down": "down beyond noise", "within_noise": "within noise"}
WITHHELD_BECAUSE = {
    "small_n": "too few to show",
    "complementary": "would give back a small group",
    "bottom_coded": "coded band",
    "top_coded": "coded band",
    "publisher": "withheld by the publisher",
}


def data_table(frame: pl.DataFrame) -> pl.DataFrame:
    """A chart's frame as its data table: working and helper columns left out, reasons in words, numbers rounded as
    the chart shows them, every column named as the users name it (``COLUMN_LABELS``; a column already named for
    people is kept as it is)."""
    keep = [
        n
        for n in frame.columns
        if not n.startswith("_") and not (n in CHART_HELPERS and CHART_HELPERS[n] in frame.columns)
    ]
    out = frame.select(keep).with_columns(
        *[c(n).replace_strict(WITHHELD_BECAUSE, default=c(n)) for n in ("reason", "suppression_reason") if n in keep],
        *[c(n).replace_strict(SIGNAL_IN_WORDS, default=c(n)) for n in ("change_signal",) if n in keep],
        *[c(n).round(TABLE_DECIMALS_BY_COLUMN.get(n, TABLE_DECIMALS)) for n in keep if frame.schema[n].is_float()],
    )
    names: dict[str, str] = {}
    for n in keep:
        label = COLUMN_LABELS.get(n, n)
        if label in names.values():  # two columns meaning one thing (withheld and suppressed): the first kept
            out = out.drop(n)
        else:
            names[n] = label
    return out.rename({n: label for n, label in names.items() if n in out.columns})


def year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def with_school_year(df: pl.DataFrame) -> pl.DataFrame:
    if "school_year" in df.columns or "year_start" not in df.columns:
        return df
    return df.with_columns(
        pl.concat_str(
            c("year_start").cast(pl.String), pl.lit("-"), ((c("year_start") + 1) % 100).cast(pl.String).str.zfill(2)
        ).alias("school_year")
    )


def filter_schools(
    df: pl.DataFrame, network: str | None = ALL, level: str | None = ALL, school: str | None = ALL
) -> pl.DataFrame:
    for col, value in (("network", network), ("level", level), ("school_id", school)):
        if value not in (None, ALL) and col in df.columns:
            df = df.filter(c(col) == value)
    return df


def options(df: pl.DataFrame, col: str) -> list[str]:
    """The sorted distinct non-null values of a column (filter choices)."""
    if col not in df.columns or df.is_empty():
        return []
    return sorted(str(v) for v in df[col].drop_nulls().unique().to_list())


@dataclass(frozen=True)
class FilterChoices:
    """The values a page's filters offer, read from the table the page draws: each sorted, school years newest
    first, schools as id -> name in name order, and each school's network and level (``schools_in``)."""

    networks: list[str]
    levels: list[str]
    schools: dict[str, str]
    years: list[str]
    subjects: list[str]
    groups: list[str]
    places: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def schools_in(self, network: str = ALL, level: str = ALL) -> dict[str, str]:
        """The schools of a network and level (``ALL``: any), as id -> name in name order: the school picker
        follows the network and level chosen above it."""
        if network == ALL and level == ALL:
            return self.schools

        def fits(school_id: str) -> bool:
            its_network, its_level = self.places.get(school_id, (None, None))
            return network in (ALL, its_network) and level in (ALL, its_level)

        return {sid: name for sid, name in self.schools.items() if fits(sid)}


def filter_choices(frame: pl.DataFrame) -> FilterChoices:
    named = frame.height and "school_name" in frame.columns
    schools = (
        dict(frame.select("school_id", "school_name").unique().sort("school_name", "school_id").iter_rows())
        if named
        else {}
    )
    places = (
        {
            sid: (net, lvl)
            for sid, net, lvl in frame.select(
                "school_id",
                *[c(n) if n in frame.columns else pl.lit(None, pl.String).alias(n) for n in ("network", "level")],
            )
            .unique("school_id")
            .iter_rows()
        }
        if named
        else {}
    )
    return FilterChoices(
        options(frame, "network"),
        options(frame, "level"),
        schools,
        sorted(options(with_school_year(frame), "school_year"), reverse=True),
        options(frame, "subject"),
        options(frame, "student_group"),
        places,
    )


def fmt_pp(value: float | None) -> str:
    return "withheld" if value is None else f"{value:+.1f} pp"


def fmt_change(pp: float | None, relative: float | None) -> str:
    """'+5.0 pp (relative +11%)': the change in percentage points, the relative change beside it, named."""
    if pp is None:
        return "withheld"
    return fmt_pp(pp) + ("" if relative is None else f" (relative {relative:+.0f}%)")


def shown_as(reason: str | None, t: Thresholds, what: str = "students") -> str | None:
    """The text printed in place of a withheld figure."""
    n = t.min_n_students if what == "students" else t.min_n_staff
    return {
        None: None,
        "small_n": f"n<{n}",
        "complementary": "* withheld so a small group cannot be worked out",
        "bottom_coded": f"≤{t.coding_edge_pct:g}%",
        "top_coded": f"≥{100 - t.coding_edge_pct:g}%",
        "publisher": "withheld by publisher",
    }.get(reason, "withheld")


def withheld_note(
    df: pl.DataFrame, label: str, reason: str, t: Thresholds, what: str = "students", limit: int = 12
) -> str | None:
    rows = df.filter(c(reason).is_not_null())
    if rows.is_empty():
        return None
    items = [f"{r[label]} ({shown_as(r[reason], t, what)})" for r in rows.iter_rows(named=True)]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "Withheld, not drawn: " + "; ".join(items[:limit]) + more


def weighted_mean(value: str, weight: str) -> pl.Expr:
    return (c(value) * c(weight)).sum() / c(weight).filter(c(value).is_not_null()).sum()


def screened_school_cells(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """School-level cells (grades combined) with every figure of a withheld cell blanked and its label in
    ``shown_as``, plus the school year label and the 95% Wilson interval."""
    if cells.is_empty():
        return cells.with_columns(
            pl.lit(None, pl.String).alias("shown_as"),
            pl.lit(None, pl.String).alias("school_year"),
            pl.lit(None, pl.Float64).alias("ci_low"),
            pl.lit(None, pl.Float64).alias("ci_high"),
        )
    sc = school_level_cells(cells)
    lo, hi = privacy.wilson_interval(c("n_proficient").cast(pl.Float64), c("n_tested").cast(pl.Float64))
    sc = sc.with_columns(lo.alias("ci_low"), hi.alias("ci_high"))
    sc = privacy.blank_withheld(
        sc, ["n_tested", "n_proficient", "pct_proficient", "ci_low", "ci_high"], flag="withheld"
    )
    labels = {r: shown_as(r, t) for r in ("small_n", "complementary", "bottom_coded", "top_coded", "publisher")}
    return with_school_year(sc.with_columns(c("reason").replace_strict(labels, default=None).alias("shown_as")))


def district_all_students(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """District (or filtered) All Students proficiency per year, all subjects, weighted by counts."""
    sc = school_level_cells(cells).filter(c("student_group") == ALL_STUDENTS) if not cells.is_empty() else cells
    if sc.is_empty():
        return pl.DataFrame(schema={"year_start": pl.Int64, "n_tested": pl.Int64, "pct_proficient": pl.Float64})
    return with_school_year(weighted_rollup(sc, ["year_start"], t))


def _direction(change: float | None, unit: str, digits: int = 1) -> str:
    if change is None:
        return "had no prior year to compare"
    if abs(change) < 10**-digits / 2:
        return "held steady"
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.{digits}f}{unit}"
