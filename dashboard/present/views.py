"""View models for the pages: pure polars functions that shape the computed tables (``dashboard.metrics.computed``) for
one page, given the shared filter values. No Streamlit here. Each returns a ``PageView``: the frames each chart
draws, their stand-alone titles, KPI tiles, notes on withheld figures and the sentences a page prints.

Withheld figures arrive blank (or flagged) from the data layer; here they stay blank and are named in words
("n<10", "≤5%"), never turned into zeros.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.metrics import computed
from dashboard.core import privacy
from dashboard.core.privacy import Thresholds
from dashboard.core.sources import ALL_STUDENTS, SOURCES
from dashboard.core import paths

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
    "school_id": "School ID", "school_name": "School", "network": "Network", "level": "Level",
    "school_year": "School year", "prior_year": "Prior year", "subject": "Subject", "student_group": "Student group",
    "grade": "Grade", "n_tested": "Tested", "n_proficient": "Proficient", "pct_proficient": "% proficient",
    "ci_low": "95% low", "ci_high": "95% high", "withheld": "Withheld", "suppressed": "Withheld",
    "reason": "Withheld because", "suppression_reason": "Withheld because", "shown_as": "Shown as",
    "publisher_marker": "Publisher's marker", "label": "Shown on the chart",
    "prior_n_tested": "Tested, prior year", "prior_pct_proficient": "% proficient, prior year",
    "prior_gap_to_all_pp": "Gap to All Students, prior year (pp)", "change_pp": "Change (pp)",
    "change_relative_pct": "Relative change (%)", "gap_to_all_pp": "Gap to All Students (pp)",
    "gap_change_pp": "Gap change (pp)", "gap_status": "Gap",
    "all_students_pct_proficient": "All Students % proficient", "all_students_change_pp": "All Students change (pp)",
    "trust_index": "Trust index (0-100)", "facet": "Facet", "value": "Mean score", "schools": "Schools",
    "respondent_group": "Respondent group", "response_rate": "Response rate %", "n_respondents": "Respondents",
    "low_response": "Low response", "team": "Team", "key": "Team", "team_type": "Team type", "teams": "Teams",
    "meetings": "Meetings", "minutes": "Minutes", "consistency_pct": "Consistency %",
    "longest_gap_weeks": "Longest gap (weeks)", "minutes_per_month": "Minutes/month", "attendance_rate": "Attendance %",
    "month": "Month", "meetings_per_team": "Meetings per team", "minutes_per_team": "Minutes per team",
    "meeting_date": "Date", "week_start": "Week of", "protocol": "Protocol", "share": "Share %",
    "vote_date": "Vote date", "question": "Question", "votes_ready": "Ready", "votes_not_yet": "Not yet",
    "votes_abstain": "Abstained", "eligible_voters": "Eligible voters", "threshold_pct": "Threshold %",
    "turnout_pct": "Turnout %", "pct_ready_of_cast": "% ready of votes cast",
    "pct_ready_of_eligible": "% ready of eligible voters", "passed": "Passed", "vote": "Vote",
    "year_start": "School year starting", "month_start": "Month starting", "month_label": "Month",
    "minutes_label": "Minutes shown", "weekday": "Weekday (0 = Monday)",
}
# the chart's helpers, shown in another column already: the year's first day beside the school year, a month's first
# day beside its name, printed labels of a figure in the next column, a weekday's number
CHART_HELPERS = {"year_start": "school_year", "month_start": "month", "month_label": "month",
                 "minutes_label": "minutes_per_month", "weekday": "meeting_date"}
# a data table shows what the chart shows: one decimal (a percent, points, minutes), two for a mean on a 1-5 scale
TABLE_DECIMALS = 1
TABLE_DECIMALS_BY_COLUMN = {"value": 2, "mean_score": 2}
WITHHELD_BECAUSE = {"small_n": "too few to show", "complementary": "would give back a small group",
                    "bottom_coded": "coded band", "top_coded": "coded band", "publisher": "withheld by the publisher"}


def data_table(frame: pl.DataFrame) -> pl.DataFrame:
    """A chart's frame as its data table: working and helper columns left out, reasons in words, numbers rounded as
    the chart shows them, every column named as the users name it (``COLUMN_LABELS``; a column already named for
    people is kept as it is)."""
    keep = [n for n in frame.columns
            if not n.startswith("_") and not (n in CHART_HELPERS and CHART_HELPERS[n] in frame.columns)]
    out = frame.select(keep).with_columns(
        *[c(n).replace_strict(WITHHELD_BECAUSE, default=c(n)) for n in ("reason", "suppression_reason") if n in keep],
        *[c(n).round(TABLE_DECIMALS_BY_COLUMN.get(n, TABLE_DECIMALS)) for n in keep if frame.schema[n].is_float()])
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
    return df.with_columns(pl.concat_str(c("year_start").cast(pl.String), pl.lit("-"),
                                         ((c("year_start") + 1) % 100).cast(pl.String).str.zfill(2))
                           .alias("school_year"))


def filter_schools(df: pl.DataFrame, network: str | None = ALL, level: str | None = ALL,
                   school: str | None = ALL) -> pl.DataFrame:
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
    schools = (dict(frame.select("school_id", "school_name").unique().sort("school_name", "school_id").iter_rows())
               if named else {})
    places = ({sid: (net, lvl) for sid, net, lvl in frame.select(
                   "school_id", *[c(n) if n in frame.columns else pl.lit(None, pl.String).alias(n)
                                  for n in ("network", "level")]).unique("school_id").iter_rows()}
              if named else {})
    return FilterChoices(options(frame, "network"), options(frame, "level"), schools,
                         sorted(options(with_school_year(frame), "school_year"), reverse=True),
                         options(frame, "subject"), options(frame, "student_group"), places)


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
    return {None: None, "small_n": f"n<{n}", "complementary": "* withheld so a small group cannot be worked out",
            "bottom_coded": f"≤{t.coding_edge_pct:g}%", "top_coded": f"≥{100 - t.coding_edge_pct:g}%",
            "publisher": "withheld by publisher"}.get(reason, "withheld")


def withheld_note(df: pl.DataFrame, label: str, reason: str, t: Thresholds, what: str = "students",
                  limit: int = 12) -> str | None:
    rows = df.filter(c(reason).is_not_null())
    if rows.is_empty():
        return None
    items = [f"{r[label]} ({shown_as(r[reason], t, what)})" for r in rows.iter_rows(named=True)]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "Withheld, not drawn: " + "; ".join(items[:limit]) + more


def weighted_mean(value: str, weight: str) -> pl.Expr:
    return ((c(value) * c(weight)).sum() / c(weight).filter(c(value).is_not_null()).sum())


def screened_school_cells(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """School-level cells (grades combined) with every figure of a withheld cell blanked and its label in
    ``shown_as``, plus the school year label and the 95% Wilson interval."""
    if cells.is_empty():
        return cells.with_columns(pl.lit(None, pl.String).alias("shown_as"), pl.lit(None, pl.String).alias("school_year"),
                                  pl.lit(None, pl.Float64).alias("ci_low"), pl.lit(None, pl.Float64).alias("ci_high"))
    sc = computed.school_level_cells(cells)
    lo, hi = privacy.wilson_interval(c("n_proficient").cast(pl.Float64), c("n_tested").cast(pl.Float64))
    sc = sc.with_columns(lo.alias("ci_low"), hi.alias("ci_high"))
    sc = privacy.blank_withheld(sc, ["n_tested", "n_proficient", "pct_proficient", "ci_low", "ci_high"], flag="withheld")
    labels = {r: shown_as(r, t) for r in ("small_n", "complementary", "bottom_coded", "top_coded", "publisher")}
    return with_school_year(sc.with_columns(c("reason").replace_strict(labels, default=None).alias("shown_as")))


def district_all_students(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """District (or filtered) All Students proficiency per year, all subjects, weighted by counts."""
    sc = computed.school_level_cells(cells).filter(c("student_group") == ALL_STUDENTS) if not cells.is_empty() else cells
    if sc.is_empty():
        return pl.DataFrame(schema={"year_start": pl.Int64, "n_tested": pl.Int64, "pct_proficient": pl.Float64})
    return with_school_year(computed.weighted_rollup(sc, ["year_start"], t))


# --- 1. overview ---------------------------------------------------------------------------------------------------

SUMMARY_LABELS = {"school_name": "School", "network": "Network", "level": "Level", "school_year": "Year",
                  "trust_index": "Trust index (0-100)", "trust_index_change": "Trust change",
                  "cpl_consistency_pct": "CPL consistency %", "cpl_minutes_per_month": "CPL minutes/month",
                  "readiness_pct_ready": "Ready % (latest vote)", "readiness_passed": "Vote passed",
                  "all_students_pct_proficient": "All Students % proficient",
                  "all_students_change_pp": "Change (pp)", "groups_declined": "Groups declined",
                  "attention": "Attention"}


def overview(summary: pl.DataFrame, cells: pl.DataFrame, t: Thresholds, network: str = ALL,
             level: str = ALL, scope_label: str | None = None,
             benchmark: pl.DataFrame | None = None) -> PageView:
    """``scope_label`` ("your 3 schools") names a scoped user's rollups; ``benchmark`` (the whole district's All
    Students rate by year, from ``computed.district_benchmark``) is shown beside them."""
    s = filter_schools(summary, network, level)
    if s.is_empty():
        return PageView(empty="No schools match these filters yet. Load a schools file on the Data page, "
                              "or choose another network or level.")
    v = PageView()
    where = "district" if network == ALL and level == ALL else " / ".join(x for x in (network, level) if x != ALL)
    if scope_label:
        where = scope_label if where == "district" else f"{scope_label}, {where}"
    trust = s["trust_index"].drop_nulls()
    cpl = s["cpl_consistency_pct"].drop_nulls()
    voted = s.filter(c("readiness_passed").is_not_null())
    v.kpis = [
        ("Schools", str(s.height), None),
        ("Median trust index", f"{trust.median():.0f} / 100" if trust.len() else "no data", None),
        ("Mean CPL consistency", f"{cpl.mean():.0f}% of weeks" if cpl.len() else "no data", None),
        ("Latest readiness vote passed", f"{voted['readiness_passed'].sum()} of {voted.height}" if voted.height
         else "no votes", None),
    ]
    roll = district_all_students(filter_schools(cells, network, level), t)
    latest_year = None
    if roll.height and roll["pct_proficient"].drop_nulls().len():
        roll = roll.filter(c("pct_proficient").is_not_null()).sort("year_start")
        last = roll.row(-1, named=True)
        prior = roll.filter(c("year_start") == last["year_start"] - 1)
        delta = f"{last['pct_proficient'] - prior['pct_proficient'][0]:+.1f} pp" if prior.height else None
        latest_year = last["school_year"]
        label = f"All Students proficient, {scope_label + ', ' if scope_label else ''}{latest_year}"
        v.kpis.append((label, f"{last['pct_proficient']:.1f}%", delta))
        v.extra["district_pct"] = last["pct_proficient"]
        bench = (benchmark.filter((c("year_start") == last["year_start"]) & c("pct_proficient").is_not_null())
                 if benchmark is not None and benchmark.height else None)
        if bench is not None and bench.height:
            b = bench.row(0, named=True)
            v.kpis.append((f"District benchmark, all {b['district_schools']} schools, {latest_year}",
                           f"{b['pct_proficient']:.1f}%", None))
    table = s.select([k for k in SUMMARY_LABELS if k in s.columns]).with_columns(
        pl.col(pl.Float64).round(1)).rename(SUMMARY_LABELS)
    v.frames["table"] = table
    flagged = s.filter(c("attention").is_not_null()).select(
        c("school_name").alias("School"), c("attention").alias("Why it needs attention"))
    v.frames["attention"] = flagged
    chart = (s.select("school_name", "all_students_pct_proficient", "all_students_change_pp")
             .filter(c("all_students_pct_proficient").is_not_null())
             .sort("all_students_pct_proficient", descending=True)
             .with_columns(pl.format("{}% ({})", c("all_students_pct_proficient").round(1),
                                     pl.when(c("all_students_change_pp").is_null()).then(pl.lit("no prior year"))
                                     .otherwise(pl.format("{} pp", c("all_students_change_pp").round(1))))
                           .alias("label")))
    v.frames["proficiency"] = chart
    year = latest_year or (s["school_year"].drop_nulls().max() or "latest year")
    v.titles["proficiency"] = (f"All Students proficiency by school, {where}, {year} "
                               f"({chart.height} schools, all subjects)")
    v.sentence = (f"{flagged.height} of {s.height} schools are flagged for attention."
                  if flagged.height else f"None of the {s.height} schools is flagged for attention.")
    return v


# --- 2. school profile ---------------------------------------------------------------------------------------------

def _direction(change: float | None, unit: str, digits: int = 1) -> str:
    if change is None:
        return "had no prior year to compare"
    if abs(change) < 10 ** -digits / 2:
        return "held steady"
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.{digits}f}{unit}"


def school_profile(school_id: str, cells: pl.DataFrame, trust: pl.DataFrame, cpl: pl.DataFrame,
                   votes: pl.DataFrame, t: Thresholds, subject: str = ALL) -> PageView:
    name_source = next((f for f in (cells, trust, cpl, votes) if "school_id" in f.columns
                        and f.filter(c("school_id") == school_id).height), None)
    if name_source is None:
        return PageView(empty="No data for this school yet.")
    name = name_source.filter(c("school_id") == school_id)["school_name"][0]
    v = PageView(extra={"school_name": name})
    parts = []
    # trust index by year
    index = with_school_year(computed.trust_index(trust.filter(c("school_id") == school_id))).sort("year_start")
    v.frames["trust"] = index
    v.titles["trust"] = f"Trust index (0-100) by year, {name}, {index.height} survey years"
    if index.height:
        last = index.row(-1, named=True)
        prev = index.filter(c("year_start") == last["year_start"] - 1)
        ch = last["trust_index"] - prev["trust_index"][0] if prev.height else None
        parts.append(f"the trust index {_direction(ch, ' points')} to {last['trust_index']:.0f} in {last['school_year']}")
    # CPL consistency by year
    team_years = cpl.filter(c("school_id") == school_id)
    by_year = (team_years.group_by("year_start").agg(c("consistency_pct").mean(), c("minutes_per_month").mean(),
                                                     c("team").n_unique().alias("teams"))
               .pipe(with_school_year).sort("year_start")) if team_years.height else pl.DataFrame()
    v.frames["cpl"] = by_year
    v.titles["cpl"] = f"CPL consistency: mean share of school weeks with a team meeting, {name}, by year"
    if by_year.height:
        last = by_year.row(-1, named=True)
        parts.append(f"its {last['teams']} teams met in {last['consistency_pct']:.0f}% of school weeks")
    # readiness votes
    mine = votes.filter(c("school_id") == school_id).sort("vote_date")
    vf = mine.with_columns(c("vote_date").cast(pl.String).alias("vote"),
                           pl.when(c("suppressed")).then(pl.when(c("passed")).then(pl.lit("passed"))
                                                         .otherwise(pl.lit("not passed")))
                           .otherwise(pl.format("{}% ready: {}", c("pct_ready_of_cast").round(0).cast(pl.Int64),
                                                pl.when(c("passed")).then(pl.lit("passed"))
                                                .otherwise(pl.lit("not yet"))))
                           .alias("label")) if mine.height else mine
    v.frames["readiness"] = vf
    v.titles["readiness"] = f"Readiness votes, % ready of votes cast, {name}, {mine.height} votes"
    if mine.height:
        last = mine.row(-1, named=True)
        pct = "" if last["pct_ready_of_cast"] is None else f"{last['pct_ready_of_cast']:.0f}% voted ready, "
        parts.append(f"{pct}{'passing' if last['passed'] else 'short of'} the {last['threshold_pct']:.0f}% threshold"
                     f" ({last['vote_date']})")
    # proficiency by group
    sc = screened_school_cells(cells.filter(c("school_id") == school_id), t)
    subjects = options(sc, "subject")
    subj = subject if subject in subjects else (subjects[0] if subjects else None)
    prof = sc.filter(c("subject") == subj).sort("student_group", "year_start") if subj else sc
    v.extra["subject"] = subj
    v.frames["proficiency"] = prof
    groups = prof["student_group"].n_unique() if prof.height else 0
    v.titles["proficiency"] = f"{subj or ''} proficiency by student group, {name}, by year ({groups} groups)"
    v.notes["proficiency"] = withheld_note(
        prof.with_columns(pl.format("{} {}", c("student_group"), c("school_year")).alias("_l")), "_l", "reason", t)
    alls = prof.filter(c("student_group") == ALL_STUDENTS).sort("year_start")
    if alls.height >= 2 and alls["pct_proficient"][-1] is not None and alls["pct_proficient"][-2] is not None:
        parts.append(f"All Students proficiency in {subj} moved {fmt_pp(alls['pct_proficient'][-1] - alls['pct_proficient'][-2])} "
                     f"to {alls['pct_proficient'][-1]:.1f}%")
    v.sentence = (f"At {name}, " + "; ".join(parts) + ".") if parts else f"No results for {name} yet."
    return v


# --- 3. trust -----------------------------------------------------------------------------------------------------

METRICS = {"Mean score": "mean_score", "Percent favourable": "pct_favorable"}


def _latest_wave(df: pl.DataFrame) -> pl.DataFrame:
    w = c("wave").str.to_lowercase().replace_strict(computed.WAVE_ORDER, default=9)
    return df.with_columns(w.alias("_w")).filter(c("_w") == c("_w").max().over("school_id", "year_start")).drop("_w")


def trust(results: pl.DataFrame, t: Thresholds, year: str | None, metric: str = "Mean score",
          network: str = ALL, level: str = ALL) -> PageView:
    r = with_school_year(filter_schools(results, network, level))
    years = options(r, "school_year")
    if not years:
        return PageView(empty="No staff survey results for these schools yet. Load trust_scores.csv on the Data page.")
    year = year if year in years else years[-1]
    col = METRICS.get(metric, "mean_score")
    v = PageView(extra={"year": year, "years": years})
    facet_rows = r.filter(c("facet") != "overall")
    r = facet_rows if facet_rows.height else r
    staff = _latest_wave(r.filter(c("respondent_group") == "all_staff"))
    if staff.is_empty():
        staff = _latest_wave(r)
    cur = staff.filter(c("school_year") == year)
    scale_max = cur["scale_max"].max() if cur.height else 5
    fmt = "{:.2f}" if col == "mean_score" else "{:.0f}%"
    heat = cur.with_columns(
        pl.when(c("withheld")).then(None).otherwise(c(col)).alias("value"),
    ).with_columns(
        pl.struct("value", "reason", "low_response").map_elements(
            lambda s: shown_as(s["reason"], t, "staff") if s["reason"] else
            ("no data" if s["value"] is None else fmt.format(s["value"]) + (" †" if s["low_response"] else "")),
            return_dtype=pl.String).alias("label"))
    v.frames["heatmap"] = heat.select("school_name", "facet", "value", "label", "reason", "low_response")
    v.extra["z_range"] = (1.0, float(scale_max or 5)) if col == "mean_score" else (0.0, 100.0)
    n_schools = heat["school_id"].n_unique()
    v.titles["heatmap"] = f"Staff trust by facet and school ({metric.lower()}), all staff, {year}, {n_schools} schools"
    low = heat.filter(c("low_response") & c("reason").is_null())["school_name"].unique().to_list()
    v.notes["heatmap"] = ("† low response (below {:g}%): shown, left out of indices and rollups: {}".format(
        t.low_response_pct, ", ".join(sorted(low))) if low else None)
    usable = staff.filter(~c("withheld") & ~c("low_response") & c(col).is_not_null())
    trends = (usable.group_by("facet", "year_start", "school_year")
              .agg(weighted_mean(col, "n_respondents").alias("value"), c("school_id").n_unique().alias("schools"))
              .sort("facet", "year_start"))
    v.frames["trends"] = trends
    v.titles["trends"] = f"District trust by facet over time ({metric.lower()}, weighted by respondents), all staff"
    groups = (_latest_wave(r).filter((c("school_year") == year) & ~c("withheld") & ~c("low_response")
                                     & c(col).is_not_null())
              .group_by("respondent_group", "facet").agg(weighted_mean(col, "n_respondents").alias("value"))
              .sort("respondent_group", "facet")
              .with_columns(c("value").map_elements(lambda x: fmt.format(x), return_dtype=pl.String).alias("label"),
                            # the legend in words: "all_staff" -> "All staff"
                            (c("respondent_group").str.slice(0, 1).str.to_uppercase()
                             + c("respondent_group").str.slice(1).str.replace_all("_", " ")).alias("respondent_group")))
    v.frames["groups"] = groups
    v.titles["groups"] = f"Trust by respondent group and facet ({metric.lower()}), {year}, {n_schools} schools"
    rates = (cur.group_by("school_name").agg(c("response_rate").max(), c("low_response").any(),
                                             c("n_respondents").max())
             .sort("response_rate", descending=True, nulls_last=True)
             .with_columns(pl.when(c("response_rate").is_null()).then(pl.lit("not given"))
                           .otherwise(pl.format("{}%{}", c("response_rate").round(0).cast(pl.Int64),
                                                pl.when(c("low_response")).then(pl.lit(" (low response)"))
                                                .otherwise(pl.lit(""))))
                           .alias("label")))
    v.frames["rates"] = rates
    v.titles["rates"] = f"Staff survey response rate by school, all staff, {year}, {rates.height} schools"
    weakest = (heat.filter(c("value").is_not_null() & ~c("low_response")).sort("value")
               .group_by("school_name", maintain_order=True).first()
               .select(c("school_name").alias("School"), c("facet").alias("Weakest facet"),
                       c("value").round(2).alias(metric)).sort("School"))
    v.frames["weakest"] = weakest
    # sentence: district change per facet against the prior year
    prior_year = year_label(int(year[:4]) - 1)
    now = trends.filter(c("school_year") == year).select("facet", "value")
    before = trends.filter(c("school_year") == prior_year).select("facet", c("value").alias("prior"))
    both = now.join(before, on="facet").with_columns((c("value") - c("prior")).alias("change")).sort("change")
    bits = []
    if both.height:
        hi, lo = both.row(-1, named=True), both.row(0, named=True)
        unit = "" if col == "mean_score" else " points"
        bits.append(f"Across the district, trust in {hi['facet']} {_direction(hi['change'], unit, 2 if not unit else 1)}"
                    f" since {prior_year}")
        if lo["facet"] != hi["facet"]:
            bits.append(f"{lo['facet']} {_direction(lo['change'], unit, 2 if not unit else 1)}")
    if weakest.height:
        common = weakest["Weakest facet"].value_counts().sort("count", descending=True).row(0)
        bits.append(f"{common[0]} is the weakest facet at {common[1]} of {weakest.height} schools")
    v.sentence = ("; ".join(bits) + ".") if bits else f"No comparable results for {year}."
    return v


# --- 4. CPL -------------------------------------------------------------------------------------------------------

def cpl(cadence: pl.DataFrame, year: str | None, network: str = ALL, level: str = ALL,
        school: str = ALL) -> PageView:
    d = with_school_year(filter_schools(cadence, network, level, school))
    years = options(d, "school_year")
    if not years:
        return PageView(empty="No meeting records for these schools yet. Load cpl_meetings.csv on the Data page.")
    year = year if year in years else years[-1]
    d = d.filter(c("school_year") == year)
    v = PageView(extra={"year": year, "years": years})
    by_school = school == ALL
    unit = "school_name" if by_school else "team"
    where = "all schools" if by_school else d["school_name"][0]
    per = (d.group_by(unit).agg(c("consistency_pct").mean(), c("longest_gap_weeks").max(),
                                c("minutes_per_month").mean() if not by_school else c("minutes_per_month").sum(),
                                c("attendance_rate").mean(), c("team").n_unique().alias("teams"),
                                c("meetings").sum())
           .sort("consistency_pct", descending=True)
           .with_columns(pl.format("{}% · gap {} wk", c("consistency_pct").round(0).cast(pl.Int64),
                                   c("longest_gap_weeks")).alias("label"),
                         pl.format("{} min", c("minutes_per_month").round(0).cast(pl.Int64)).alias("minutes_label")))
    v.frames["consistency"] = per
    noun = "schools (mean over teams)" if by_school else "teams"
    v.titles["consistency"] = (f"CPL consistency: % of school weeks with a meeting, {where}, {year}, "
                               f"{per.height} {noun}")
    v.frames["minutes"] = per.sort("minutes_per_month", descending=True)
    v.titles["minutes"] = (f"CPL minutes per month ({'all teams summed' if by_school else 'per team'}), {where}, "
                           f"{year}, {per.height} {'schools' if by_school else 'teams'}")
    types = (d.group_by("team_type").agg(c("consistency_pct").mean(), c("minutes_per_month").mean(),
                                         c("attendance_rate").mean(), pl.len().alias("teams"))
             .with_columns(c("team_type").fill_null("not given").str.replace_all("_", " "))
             .sort("consistency_pct", descending=True)
             .with_columns(pl.format("{}% ({} teams)", c("consistency_pct").round(0).cast(pl.Int64), c("teams"))
                           .alias("label")))
    v.frames["types"] = types
    v.titles["types"] = f"CPL consistency by team type, {where}, {year}, {d.height} teams"
    v.frames["table"] = d.select(
        c("school_name").alias("School"), c("team").alias("Team"), c("team_type").alias("Type"),
        c("meetings").alias("Meetings"), c("minutes_per_month").round(0).alias("Minutes/month"),
        c("attendance_rate").round(0).alias("Attendance %"), c("consistency_pct").round(0).alias("Consistency %"),
        c("longest_gap_weeks").alias("Longest gap (weeks)")).sort("School", "Team")
    worst = d.sort("longest_gap_weeks", descending=True).row(0, named=True)
    v.sentence = (f"In {year}, {d.height} teams met in a median {d['consistency_pct'].median():.0f}% of school weeks "
                  f"(median attendance {d['attendance_rate'].median() or 0:.0f}%); the longest gap was "
                  f"{worst['longest_gap_weeks']} weeks ({worst['team']}, {worst['school_name']}).")
    return v


def team_key() -> pl.Expr:
    """A team as the pickers and the pair chart name it: "Team (School)"."""
    return pl.format("{} ({})", c("team"), c("school_name"))


TEAM_PICK_MAX = 500  # teams the comparison's pickers list at most


def default_teams(keys: list[str]) -> tuple[str | None, str | None]:
    """The pair compared by default: a grade 3 team against a grade 9 one where both exist, else the first two."""
    def first(word: str) -> str | None:
        return next((k for k in keys if k.lower().startswith(word)), None)
    a, b = first("grade 3"), first("grade 9")
    if a and b:
        return a, b
    return (keys[0] if keys else None), (keys[1] if len(keys) > 1 else None)


def _team_years(cadence: pl.DataFrame, year: str, network: str, level: str, school: str) -> pl.DataFrame:
    """The teams of a school year, each keyed "Team (School)" (the team pickers' choices)."""
    cad = with_school_year(filter_schools(cadence, network, level, school)).filter(c("school_year") == year)
    return cad.with_columns(team_key().alias("key"))


def cpl_detail(meetings: pl.DataFrame, cadence: pl.DataFrame, year: str | None, network: str = ALL,
               level: str = ALL, school: str = ALL) -> PageView:
    """Meetings and minutes per team per month, protocols used, a calendar of meeting days and the teams to compare
    (``extra``: ``team_keys`` and the default ``team_a``, ``team_b``), for one school year (``meetings``: one row
    per meeting, ``computed.cpl_meetings``). The two chosen teams are ``cpl_pair``'s, so a choice rebuilds only
    them."""
    meetings = filter_schools(meetings, network, level, school)
    m = computed.cpl_team_months(meetings)
    years = options(m, "school_year")
    if not years:
        return PageView(empty="No meeting records for these schools yet.")
    year = year if year in years else years[-1]
    m = m.filter(c("school_year") == year)
    by_school = school == ALL
    where = "all schools" if by_school else m["school_name"][0]
    v = PageView(extra={"year": year})
    # 1. per team per month: each team (one school), or per school the mean over its teams (all schools)
    unit = "school_name" if by_school else "team"
    teams = m.group_by(unit).agg(c("team").n_unique().alias("teams"))
    monthly = (m.group_by(unit, "month", "month_start").agg(c("meetings").sum(), c("minutes").sum())
               .join(teams, on=unit)
               .with_columns((c("meetings") / c("teams")).alias("meetings_per_team"),
                             (c("minutes") / c("teams")).alias("minutes_per_team"))
               .sort("month_start", unit)
               .with_columns(c("month_start").dt.strftime("%b %Y").alias("month_label"),
                             pl.format("{} mtg<br>{} min", c("meetings_per_team").round(1),
                                       c("minutes_per_team").round(0).cast(pl.Int64)).alias("label")))
    v.frames["monthly"] = monthly
    noun = f"{teams.height} schools, mean per team" if by_school else f"{teams.height} teams"
    v.titles["monthly"] = f"CPL meetings and minutes per team per month, {where}, {year} ({noun})"
    # 2. protocols
    p = computed.cpl_protocols(meetings).filter(c("school_year") == year)
    prot = (p.group_by("protocol").agg(c("meetings").sum(), c("minutes").sum())
            .with_columns((100 * c("meetings") / c("meetings").sum()).alias("share"))
            .sort("meetings", descending=True)
            .with_columns(pl.format("{} meetings ({}%)", c("meetings"), c("share").round(0).cast(pl.Int64))
                          .alias("label")))
    v.frames["protocols"] = prot
    v.titles["protocols"] = (f"Protocols used in CPL meetings, {where}, {year} "
                             f"({int(prot['meetings'].sum()) if prot.height else 0} meetings)")
    # 3. calendar: meetings per day, weeks (Monday) by weekday
    d = computed.cpl_meeting_days(meetings).filter(c("school_year") == year)
    cal = (d.group_by("meeting_date").agg(c("meetings").sum())
           .with_columns(c("meeting_date").dt.truncate("1w").alias("week_start"),
                         (c("meeting_date").dt.weekday() - 1).alias("weekday"))
           .sort("meeting_date"))
    v.frames["calendar"] = cal
    busiest = cal.sort("meetings", descending=True).head(1)
    v.titles["calendar"] = (f"Calendar of CPL meetings per day, {where}, {year} "
                            f"({int(cal['meetings'].sum()) if cal.height else 0} meetings on {cal.height} days)")
    if busiest.height:
        v.notes["calendar"] = (f"Busiest day: {busiest['meeting_date'][0]:%a %d %b %Y}, {busiest['meetings'][0]} "
                               "meetings. Blank days had no meeting recorded.")
    # 4. the teams to compare, and a first pair; a list of thousands of teams is no choice at all: past
    # TEAM_PICK_MAX the page asks for a school or a network first
    keys = sorted(_team_years(cadence, year, network, level, school)["key"].to_list())
    if len(keys) > TEAM_PICK_MAX:
        v.notes["pair"] = (f"{len(keys):,} teams met in {year} in {where}: choose a school or a network in the "
                           "sidebar to compare two of their teams.")
        keys = []
    team_a, team_b = default_teams(keys)
    v.extra.update(team_keys=keys, team_a=team_a, team_b=team_b if team_b != team_a else None)
    return v


def cpl_pair(meetings: pl.DataFrame, cadence: pl.DataFrame, year: str, team_a: str | None,
             team_b: str | None) -> PageView:
    """Two chosen teams (keys "Team (School)" of ``cpl_detail``) side by side for one school year: minutes and
    meetings per month, and their cadence figures."""
    v = PageView()
    chosen = [k for k in dict.fromkeys((team_a, team_b)) if k]
    keyed = _team_years(cadence, year, ALL, ALL, ALL).filter(c("key").is_in(chosen))
    mine = meetings.join(keyed.select("school_id", "team"), on=["school_id", "team"], how="semi")
    m = computed.cpl_team_months(mine).filter(c("school_year") == year).with_columns(team_key().alias("key"))
    pair = (m.sort("month_start")
            .with_columns(c("month_start").dt.strftime("%b %Y").alias("month_label"),
                          pl.format("{}", c("meetings")).alias("label")))
    v.frames["pair"] = pair.select("key", "team_type", "month_label", "meetings", "minutes", "label")
    v.titles["pair"] = f"CPL minutes per month (meetings on each bar), {' against '.join(chosen)}, {year}"
    v.frames["pair_table"] = keyed.select(
        c("key").alias("Team"), c("team_type").str.replace_all("_", " ").alias("Type"), c("meetings").alias("Meetings"),
        c("minutes_per_month").round(0).alias("Minutes/month"), c("attendance_rate").round(0).alias("Attendance %"),
        c("consistency_pct").round(0).alias("Consistency %"), c("longest_gap_weeks").alias("Longest gap (weeks)"))
    return v


# --- 5. readiness -------------------------------------------------------------------------------------------------

def _vote_label() -> pl.Expr:
    verdict = pl.when(c("passed")).then(pl.lit("passed")).otherwise(pl.lit("not yet"))
    return (pl.when(c("suppressed")).then(pl.format("{} (small staff: figures withheld)", verdict))
            .otherwise(pl.format("{}% ready: {}", c("pct_ready_of_cast").round(0).cast(pl.Int64), verdict)))


TREND_LINES_MAX = 30  # schools drawn as a line each; beyond it the trend shows their spread


def readiness_spread(votes: pl.DataFrame) -> pl.DataFrame:
    """Per school year, the 25th, 50th and 75th percentile of the schools' last vote that year (% ready of votes
    cast), as three named series, in the trend chart's columns."""
    last = (votes.sort("vote_date").group_by("school_id", "school_year").agg(c("pct_ready_of_cast").last())
            .drop_nulls("pct_ready_of_cast"))
    names = {0.75: "75th percentile school", 0.5: "Median school", 0.25: "25th percentile school"}
    parts = [last.group_by("school_year").agg(c("pct_ready_of_cast").quantile(q, "linear"))
             .with_columns(pl.lit(name).alias("school_name")) for q, name in names.items()]
    return pl.concat(parts).select("school_name", "school_year", "pct_ready_of_cast").sort("school_name", "school_year")


def readiness(votes: pl.DataFrame, network: str = ALL, level: str = ALL) -> PageView:
    r = with_school_year(filter_schools(votes, network, level)).sort("school_id", "vote_date", "question")
    if r.is_empty():
        return PageView(empty="No readiness votes for these schools yet. Load readiness_votes.csv on the Data page.")
    v = PageView()
    latest = (computed.latest_votes(r).with_columns(_vote_label().alias("label"))
              .sort("pct_ready_of_cast", "school_name", descending=[True, False], nulls_last=True))
    same_day = r.join(latest.select("school_id", "vote_date"), on=["school_id", "vote_date"]).group_by(
        "school_id").len().filter(c("len") > 1).height
    same_day_note = (f"{same_day} {'school' if same_day == 1 else 'schools'} voted on more than one question on "
                     "its latest date: the question first in alphabetical order is shown; the trend below has every "
                     "vote." if same_day else None)
    v.frames["latest"] = latest
    passed = int(latest["passed"].sum())
    v.titles["latest"] = (f"Latest readiness vote by school against its threshold, {latest.height} schools "
                          f"({passed} passed)")
    hidden = latest.filter(c("suppressed"))
    hidden_note = ("Fewer than the minimum eligible voters, shown only as passed or not: "
                   + "; ".join(f"{a}: {b}" for a, b in hidden.select("school_name", "label").iter_rows())
                   + "." if hidden.height else None)
    v.notes["latest"] = " ".join(x for x in (hidden_note, same_day_note) if x) or None
    v.frames["turnout"] = latest.filter(~c("suppressed")).sort("turnout_pct", descending=True).with_columns(
        pl.format("{}% ({} of {})", c("turnout_pct").round(0).cast(pl.Int64),
                  c("votes_ready") + c("votes_not_yet") + c("votes_abstain").fill_null(0),
                  c("eligible_voters")).alias("label"))
    v.titles["turnout"] = f"Turnout in the latest readiness vote, % of eligible staff, {v.frames['turnout'].height} schools"
    shown = r.filter(~c("suppressed"))
    schools = shown["school_id"].n_unique()
    if schools <= TREND_LINES_MAX:
        v.frames["trend"] = shown.select("school_name", "school_year", "vote_date", "pct_ready_of_cast", "threshold_pct")
        v.titles["trend"] = f"Readiness over voting rounds: % ready of votes cast by school year, {schools} schools"
    else:  # one line per school would be a tangle (and thousands of traces): the spread of schools, year by year
        v.frames["trend"] = readiness_spread(shown)
        v.titles["trend"] = (f"Readiness by school year: the middle school and the middle half of {schools} schools "
                             "(each school's last vote of the year, % ready of votes cast)")
    common = r["threshold_pct"].mode()
    v.extra["threshold"] = float(common[0]) if common.len() else 80.0
    prev = c("passed").shift(1).over("school_id")
    crossed = (r.filter(c("passed") & (prev == False))  # noqa: E712 (a first vote has no previous one)
               .group_by("school_id", maintain_order=True).first()
               .select(c("school_name").alias("School"), c("vote_date").alias("Crossed on"),
                       c("pct_ready_of_cast").round(0).alias("% ready"), c("threshold_pct").alias("Threshold %"),
                       c("question").alias("Question")))
    v.frames["crossed"] = crossed
    v.sentence = (f"{passed} of {latest.height} schools passed their latest vote; {crossed.height} crossed the "
                  "threshold after an earlier vote fell short. Ready is counted among votes cast; abstentions "
                  "count in turnout only.")
    return v


# --- 6. equity ----------------------------------------------------------------------------------------------------

def _district_cells(cells: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    sc = computed.school_level_cells(cells)
    roll = computed.weighted_rollup(sc, ["subject", "student_group", "year_start"], t)
    return roll.with_columns(pl.lit("district").alias("school_id"), pl.lit("All schools").alias("school_name"),
                             pl.lit("All").alias("grade"),
                             pl.when(c("withheld")).then(c("reason")).alias("reason"))


def equity(cells: pl.DataFrame, t: Thresholds, subject: str | None, school: str = ALL, group: str = ALL,
           network: str = ALL, level: str = ALL, scope_label: str | None = None) -> PageView:
    base = filter_schools(cells, network, level, school)
    subjects = options(base, "subject")
    if not subjects:
        return PageView(empty="No achievement results for these schools yet. Load achievement.csv on the Data page.")
    subject = subject if subject in subjects else subjects[0]
    base = base.filter(c("subject") == subject)
    v = PageView(extra={"subject": subject, "subjects": subjects})
    if school == ALL:
        levels_raw = _district_cells(base, t)
        where = "all schools" if network == ALL and level == ALL else " / ".join(
            x for x in (network, level) if x != ALL)
        if scope_label:  # a scoped user's rollup is over their schools only, and says so
            where = scope_label if where == "all schools" else f"{scope_label}, {where}"
    else:
        levels_raw = computed.school_level_cells(base).with_columns(pl.lit("All").alias("grade"))
        where = base["school_name"][0]
    lo, hi = privacy.wilson_interval(c("n_proficient").cast(pl.Float64), c("n_tested").cast(pl.Float64))
    levels = levels_raw.with_columns(lo.alias("ci_low"), hi.alias("ci_high"))
    levels = with_school_year(privacy.blank_withheld(
        levels, ["n_tested", "n_proficient", "pct_proficient", "ci_low", "ci_high"], flag="withheld"))
    levels = levels.with_columns(c("reason").map_elements(lambda r: shown_as(r, t), return_dtype=pl.String)
                                 .alias("shown_as"))
    gains = computed.gains_from_cells(levels_raw.with_columns(pl.lit(None, pl.String).alias("publisher_marker")))
    if group != ALL:
        keep = [group, ALL_STUDENTS]
        levels, gains = levels.filter(c("student_group").is_in(keep)), gains.filter(c("student_group").is_in(keep))
    levels = levels.sort("student_group", "year_start")
    if school == ALL:  # the rollup's rows carry a placeholder school ID ("district"): no reader needs it
        levels = levels.drop("school_id")
    v.frames["levels"] = levels
    v.titles["levels"] = (f"{subject} proficiency by student group, {where}, by year, with 95% intervals "
                          f"({levels['student_group'].n_unique()} groups)")
    v.notes["levels"] = withheld_note(
        levels.with_columns(pl.format("{} {}", c("student_group"), c("school_year")).alias("_l")), "_l", "reason", t)
    latest = gains["year_start"].max() if gains.height else None
    g = gains.filter(c("year_start") == latest) if latest is not None else gains
    g = g.with_columns(
        pl.struct("change_pp", "change_relative_pct").map_elements(
            lambda s: fmt_change(s["change_pp"], s["change_relative_pct"]), return_dtype=pl.String).alias("label"),
        pl.when(c("gap_change_pp").is_null()).then(pl.lit(""))
        .when(c("student_group") == ALL_STUDENTS).then(pl.lit("reference group"))
        .when((c("prior_gap_to_all_pp") < 0) & (c("gap_change_pp") > 0)).then(pl.lit("gap narrowed"))
        .when((c("prior_gap_to_all_pp") < 0) & (c("gap_change_pp") < 0)).then(pl.lit("gap widened"))
        .when(c("gap_change_pp") == 0).then(pl.lit("gap unchanged"))
        .when(c("gap_to_all_pp") >= 0).then(pl.lit("at or above All Students"))
        .otherwise(pl.lit("now below All Students")).alias("gap_status"),
    ).sort("change_pp", descending=True, nulls_last=True)
    year = g["school_year"][0] if g.height else "latest year"
    prior = g["prior_year"][0] if g.height else ""
    v.frames["change"] = g.drop("school_id") if school == ALL else g  # the rollup's placeholder ID, as above
    v.titles["change"] = (f"Change in {subject} proficiency by student group, {where}, {prior} to {year} "
                          f"(percentage points; relative change beside)")
    v.notes["change"] = withheld_note(g, "student_group", "suppression_reason", t)
    v.frames["table"] = g.select(
        c("student_group").alias("Student group"), c("n_tested").alias("Tested"),
        c("pct_proficient").round(1).alias(f"% proficient {year}"),
        c("prior_pct_proficient").round(1).alias(f"% proficient {prior}"),
        c("label").alias("Change"), c("gap_to_all_pp").round(1).alias("Gap to All Students (pp)"),
        c("gap_change_pp").round(1).alias("Gap change (pp)"), c("gap_status").alias("Gap"),
        c("ci_low").round(1).alias("95% low"), c("ci_high").round(1).alias("95% high"),
        pl.when(c("suppressed")).then(
            c("suppression_reason").map_elements(lambda r: shown_as(r, t), return_dtype=pl.String))
        .alias("Withheld"))
    shown = g.filter(c("change_pp").is_not_null() & (c("student_group") != ALL_STUDENTS))
    bits = []
    if shown.height:
        top = shown.row(0, named=True)
        bits.append(f"{top['student_group']} proficiency in {subject} {fmt_change(top['change_pp'], top['change_relative_pct'])}")
        bottom = shown.row(-1, named=True)
        if bottom["student_group"] != top["student_group"]:
            bits.append(f"{bottom['student_group']} {fmt_change(bottom['change_pp'], bottom['change_relative_pct'])}")
        narrowed = shown.filter(c("gap_status") == "gap narrowed").height
        widened = shown.filter(c("gap_status") == "gap widened").height
        bits.append(f"the gap to All Students narrowed for {narrowed} groups and widened for {widened}")
    v.sentence = (f"{where.capitalize() if where == 'all schools' else where}, {prior} to {year}: " + "; ".join(bits) + "."
                  if bits else "No year-over-year change can be shown for these filters.")
    return v


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
        status = ", ".join([f"{n[0]} <{s[0]:g}%"] + [f"{n[i]} {s[i - 1]:g}-<{s[i]:g}%" for i in range(1, len(s))]
                           + [f"{n[-1]} ≥{s[-1]:g}%"])
        return (f"Cut points: status_change_grid.toml version {self.version}. Status (% proficient): {status}. "
                f"Change: Maintained within ±{self.maintained_band_pp:g} pp, Significantly at ±{self.significant_pp:g} pp "
                "or more.")


@cache
def load_grid(path: Path = GRID_FILE) -> GridConfig:
    doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    cfg = GridConfig(version=str(doc["version"]), status_names=tuple(doc["status"]["names"]),
                     status_cuts=tuple(float(x) for x in doc["status"]["cuts"]),
                     change_names=tuple(doc["change"]["names"]),
                     maintained_band_pp=float(doc["change"]["maintained_band_pp"]),
                     significant_pp=float(doc["change"]["significant_pp"]),
                     performance_names=tuple(doc["performance"]["names"]),
                     performance=tuple(tuple(int(x) for x in row) for row in doc["performance"]["grid"]))
    if (len(cfg.status_names), len(cfg.status_cuts), len(cfg.change_names)) != (5, 4, 5) \
            or list(cfg.status_cuts) != sorted(cfg.status_cuts) or len(cfg.performance) != 5 \
            or any(len(r) != 5 or not set(r) <= {1, 2, 3, 4, 5} for r in cfg.performance) \
            or not 0 < cfg.maintained_band_pp < cfg.significant_pp:
        raise ValueError(f"{path}: five status levels (four rising cuts), five change levels, a 5x5 grid of 1-5, "
                         "and 0 < maintained_band_pp < significant_pp")
    return cfg


def status_change_grid(cells: pl.DataFrame, t: Thresholds, subject: str | None, grid: GridConfig,
                       school: str = ALL, group: str = ALL, network: str = ALL, level: str = ALL) -> PageView:
    """Place each school's student group (its All Students row, or one group, per the filters) in the 5x5 status x
    change grid for the latest year with a change. Withheld groups are not placed, and are counted."""
    base = filter_schools(cells, network, level, school)
    subjects = options(base, "subject")
    if not subjects:
        return PageView(empty="No achievement results for these schools yet.")
    subject = subject if subject in subjects else subjects[0]
    sc = computed.school_level_cells(base.filter(c("subject") == subject)).with_columns(
        pl.lit("All").alias("grade"), pl.lit(None, pl.String).alias("publisher_marker"))
    gains = computed.gains_from_cells(sc)
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
        pl.struct("status_level", "change_level").map_elements(
            lambda s: grid.performance[s["status_level"]][s["change_level"]], return_dtype=pl.Int64)
        .alias("performance"),
        c("status_level").replace_strict(dict(enumerate(grid.status_names)), return_dtype=pl.String).alias("status"),
        c("change_level").replace_strict(dict(enumerate(grid.change_names)), return_dtype=pl.String).alias("change"),
    )
    counts = {(r["status_level"], r["change_level"]): r["len"]
              for r in placed.group_by("status_level", "change_level").len().iter_rows(named=True)}
    rows = []
    for si, sname in enumerate(grid.status_names):
        for ci, cname in enumerate(grid.change_names):
            n, perf = counts.get((si, ci), 0), grid.performance[si][ci]
            rows.append({"status": sname, "change": cname, "status_level": si, "change_level": ci, "count": n,
                         "performance": perf, "performance_name": grid.performance_names[perf - 1],
                         "label": f"<b>{n}</b><br>{sname} ·<br>{cname}"})
    v = PageView(extra={"subject": subject, "year": year, "left_out": left_out, "version": grid.version})
    v.frames["grid"] = pl.DataFrame(rows)
    what = "All Students at each school" if group == ALL_STUDENTS else (
        f"{group} at each school" if group != ALL else "each student group at each school")
    where = ("all schools" if network == ALL and level == ALL else " / ".join(x for x in (network, level) if x != ALL)) \
        if school == ALL else base["school_name"][0]
    v.titles["grid"] = (f"{subject} status ({year} % proficient) by change since {prior}: {what}, {where}, "
                        f"n = {placed.height} placed")
    v.frames["placed"] = placed.sort("performance", "school_name", "student_group").select(
        c("school_name").alias("School"), c("student_group").alias("Student group"),
        c("n_tested").alias("Tested"), c("pct_proficient").round(1).alias(f"% proficient {year}"),
        c("change_pp").round(1).alias("Change (pp)"), c("status").alias("Status"), c("change").alias("Change"),
        c("performance").alias("Performance level (1-5)"))
    v.notes["grid"] = (f"{grid.describe()} "
                       + (f"{left_out} withheld groups (small or coded, this year or last) are not placed."
                          if left_out else "No group was withheld."))
    return v


# --- 7. culture and outcomes ----------------------------------------------------------------------------------------

CULTURE_MEASURES = {"Trust index change (points)": "trust_index_change",
                    "CPL consistency (% of school weeks)": "cpl_consistency_pct",
                    "Readiness: % ready in latest vote": "readiness_pct_ready"}


def culture(summary: pl.DataFrame, measure: str, network: str = ALL, level: str = ALL) -> PageView:
    col = CULTURE_MEASURES.get(measure, "trust_index_change")
    measure = next(k for k, x in CULTURE_MEASURES.items() if x == col)
    s = filter_schools(summary, network, level).filter(c(col).is_not_null() & c("all_students_change_pp").is_not_null())
    if s.height == 0:
        return PageView(empty="Not enough data yet: a school needs this measure and two years of achievement.")
    v = PageView()
    year = s["school_year"].max()
    v.frames["scatter"] = s.select("school_name", col, "all_students_change_pp").rename({col: measure})
    v.extra["measure"] = measure  # the scatter's x column, named for its data table
    v.titles["scatter"] = (f"{measure} against All Students change in proficiency (pp), {year}, "
                           f"n = {s.height} schools")
    r = None
    if s.height >= 3 and s[col].std() and s["all_students_change_pp"].std():
        r = s.select(pl.corr(col, "all_students_change_pp")).item()
    v.extra["r"] = r
    v.sentence = (f"Each point is one school (n = {s.height}). "
                  + (f"The correlation is r = {r:.2f}. " if r is not None and not math.isnan(r) else "")
                  + "This shows association, not cause: schools differ in many ways at once, and a small school's "
                    "change moves by several points by chance.")
    return v


# --- 8. data -------------------------------------------------------------------------------------------------------

def template_csv(source: str) -> bytes:
    """The canonical header of a source, as a CSV file with no rows."""
    return (",".join(SOURCES[source].column_names) + "\n").encode("utf-8")


def problems_frame(problems: list) -> pl.DataFrame:
    return pl.DataFrame({"file": [p.file for p in problems], "row": [p.row for p in problems],
                         "column": [p.column for p in problems], "message": [p.message for p in problems]},
                        schema={"file": pl.String, "row": pl.Int64, "column": pl.String, "message": pl.String})


def import_history(log: pl.DataFrame) -> pl.DataFrame:
    if log.is_empty():
        return log
    return log.sort("id", descending=True).select(
        "id", "loaded_at", "user", "source", c("file_name").alias("file"), "rows_in_file", "rows_inserted",
        "rows_replaced", "rows_removed", "status")


def last_loaded(log: pl.DataFrame) -> pl.DataFrame:
    """One row per source: the date and file of its latest import still in force ("never" where none)."""
    loaded = log.filter(c("status") == "loaded") if log.height else log
    latest = (loaded.sort("id").group_by("source").last()
              .select("source", c("loaded_at").cast(pl.String).str.slice(0, 10).alias("last loaded"),
                      c("file_name").alias("file"), c("user").alias("by"))) if loaded.height else None
    rows = pl.DataFrame({"source": list(SOURCES)})
    if latest is None:
        return rows.with_columns(pl.lit("never").alias("last loaded"), pl.lit(None, pl.String).alias("file"),
                                 pl.lit(None, pl.String).alias("by"))
    return rows.join(latest, on="source", how="left").with_columns(c("last loaded").fill_null("never"))


def accounts_table(people: list) -> pl.DataFrame:
    """One row per account (``accounts.Account``) for the admin page: never a password hash."""
    return pl.DataFrame(
        [(a.username, a.display_name, a.role, ";".join(a.schools), a.active, "locked" if a.locked() else "",
          a.failed_attempts) for a in people],
        schema={"username": pl.String, "name": pl.String, "role": pl.String, "schools": pl.String,
                "active": pl.Boolean, "lock": pl.String, "failed attempts": pl.Int64}, orient="row")
