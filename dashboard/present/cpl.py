"""The CPL page's view models: meeting cadence per school or team, the meeting detail, and two teams compared."""

from __future__ import annotations

import polars as pl

from dashboard.metrics.cpl import cpl_meeting_days, cpl_protocols, cpl_team_months
from dashboard.present.common import ALL, PageView, filter_schools, options, with_school_year
from dashboard.present.words import plural, team_type_words

c = pl.col


# --- 4. CPL -------------------------------------------------------------------------------------------------------


def cpl(cadence: pl.DataFrame, year: str | None, network: str = ALL, level: str = ALL, school: str = ALL) -> PageView:
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
    attendance = ATTENDANCE if "seats" in d.columns else c("attendance_rate").mean()
    per = (
        d.group_by(unit)
        .agg(
            TEAM_WEEKS.alias("consistency_pct"),
            c("longest_gap_weeks").max(),
            c("minutes_per_month").mean() if not by_school else c("minutes_per_month").sum(),
            attendance.alias("attendance_rate"),
            c("team").n_unique().alias("teams"),
            c("meetings").sum(),
        )
        .sort("consistency_pct", descending=True)
        .with_columns(
            pl.format("{}% · gap {} wk", c("consistency_pct").round(0).cast(pl.Int64), c("longest_gap_weeks")).alias(
                "label"
            ),
            pl.format("{} min", c("minutes_per_month").round(0).cast(pl.Int64)).alias("minutes_label"),
        )
    )
    v.frames["consistency"] = per
    noun = f"{plural(per.height, 'school')}, all teams pooled" if by_school else plural(per.height, "team")
    v.titles["consistency"] = f"CPL consistency: share of team-weeks with a meeting, {where}, {year} ({noun})"
    v.frames["minutes"] = per.sort("minutes_per_month", descending=True)
    v.titles["minutes"] = (
        f"CPL minutes per month ({'all teams summed' if by_school else 'per team'}), {where}, "
        f"{year}, {plural(per.height, 'school' if by_school else 'team')}"
    )
    types = (
        d.group_by("team_type")
        .agg(
            TEAM_WEEKS.alias("consistency_pct"),
            c("minutes_per_month").mean(),
            attendance.alias("attendance_rate"),
            pl.len().alias("teams"),
        )
        .with_columns(team_type_words(c("team_type")).alias("team_type"))
        .sort("consistency_pct", descending=True)
        .with_columns(
            pl.format(
                "{}% ({} {})",
                c("consistency_pct").round(0).cast(pl.Int64),
                c("teams"),
                pl.when(c("teams") == 1).then(pl.lit("team")).otherwise(pl.lit("teams")),
            ).alias("label")
        )
    )
    v.frames["types"] = types
    v.titles["types"] = (
        f"CPL consistency by team type: share of team-weeks with a meeting, {where}, {year}, {plural(d.height, 'team')}"
    )
    v.frames["table"] = d.select(
        c("school_name").alias("School"),
        c("team").alias("Team"),
        team_type_words(c("team_type")).alias("Type"),
        c("meetings").alias("Meetings"),
        c("minutes_per_month").round(0).alias("Minutes/month"),
        c("attendance_rate").round(0).alias("Attendance %"),
        c("consistency_pct").round(0).alias("Consistency %"),
        c("longest_gap_weeks").alias("Longest gap (weeks)"),
    ).sort("School", "Team")
    worst = d.sort("longest_gap_weeks", descending=True).row(0, named=True)
    pooled_row = d.select(TEAM_WEEKS.alias("consistency"), attendance.alias("attendance")).row(0, named=True)
    attended = (
        f" (attendance {pooled_row['attendance']:.0f}% of team seats)" if pooled_row["attendance"] is not None else ""
    )
    v.sentence = (
        f"In {year}, {plural(d.height, 'team')} met in {pooled_row['consistency']:.0f}% of team-weeks, all teams "
        f"pooled{attended}; the longest gap was {plural(worst['longest_gap_weeks'], 'week')} "
        f"({worst['team']}, {worst['school_name']})."
    )
    return v


# The one CPL statistic of every page (CONTRACT.md, Goals: pooled by team-weeks): the weeks with a meeting of all the
# teams counted over their school weeks; and attendance pooled the same way, attendees over seats.
TEAM_WEEKS = 100.0 * c("weeks_with_meeting").sum() / c("school_weeks").sum()
ATTENDANCE = pl.when(c("seats").sum() > 0).then(100.0 * c("attendees_with_size").sum() / c("seats").sum())


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


def cpl_detail(
    meetings: pl.DataFrame,
    cadence: pl.DataFrame,
    year: str | None,
    network: str = ALL,
    level: str = ALL,
    school: str = ALL,
) -> PageView:
    """Meetings and minutes per team per month, protocols used, a calendar of meeting days and the teams to compare
    (``extra``: ``team_keys`` and the default ``team_a``, ``team_b``), for one school year (``meetings``: one row
    per meeting, ``tables.cpl_meetings``). The two chosen teams are ``cpl_pair``'s, so a choice rebuilds only
    them."""
    meetings = filter_schools(meetings, network, level, school)
    m = cpl_team_months(meetings)
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
    monthly = (
        m.group_by(unit, "month", "month_start")
        .agg(c("meetings").sum(), c("minutes").sum())
        .join(teams, on=unit)
        .with_columns(
            (c("meetings") / c("teams")).alias("meetings_per_team"),
            (c("minutes") / c("teams")).alias("minutes_per_team"),
        )
        .sort("month_start", unit)
        .with_columns(
            c("month_start").dt.strftime("%b %Y").alias("month_label"),
            # one line a cell: the minutes (the colour); the meetings are in the hover text and the data table
            c("minutes_per_team").round(0).cast(pl.Int64).cast(pl.String).alias("label"),
        )
    )
    v.frames["monthly"] = monthly
    noun = f"{plural(teams.height, 'school')}, mean per team" if by_school else plural(teams.height, "team")
    v.titles["monthly"] = f"CPL minutes per team per month (the number in each cell), {where}, {year} ({noun})"
    # 2. protocols
    p = cpl_protocols(meetings).filter(c("school_year") == year)
    prot = (
        p.group_by("protocol")
        .agg(c("meetings").sum(), c("minutes").sum())
        .with_columns((100 * c("meetings") / c("meetings").sum()).alias("share"))
        .sort("meetings", descending=True)
        .with_columns(pl.format("{} meetings ({}%)", c("meetings"), c("share").round(0).cast(pl.Int64)).alias("label"))
    )
    v.frames["protocols"] = prot
    v.titles["protocols"] = (
        f"Protocols used in CPL meetings, {where}, {year} "
        f"({int(prot['meetings'].sum()) if prot.height else 0} meetings)"
    )
    # 3. calendar: meetings per day, weeks (Monday) by weekday
    d = cpl_meeting_days(meetings).filter(c("school_year") == year)
    cal = (
        d.group_by("meeting_date")
        .agg(c("meetings").sum())
        .with_columns(
            c("meeting_date").dt.truncate("1w").alias("week_start"),
            (c("meeting_date").dt.weekday() - 1).alias("weekday"),
        )
        .sort("meeting_date")
    )
    v.frames["calendar"] = cal
    busiest = cal.sort("meetings", descending=True).head(1)
    v.titles["calendar"] = (
        f"Calendar of CPL meetings per day, {where}, {year} "
        f"({int(cal['meetings'].sum()) if cal.height else 0} meetings on {cal.height} days)"
    )
    if busiest.height:
        v.notes["calendar"] = (
            f"Busiest day: {busiest['meeting_date'][0]:%a %d %b %Y}, {busiest['meetings'][0]} "
            "meetings. Blank days had no meeting recorded."
        )
    # 4. the teams to compare, and a first pair; a list of thousands of teams is no choice at all: past
    # TEAM_PICK_MAX the page asks for a school or a network first
    keys = sorted(_team_years(cadence, year, network, level, school)["key"].to_list())
    if len(keys) > TEAM_PICK_MAX:
        v.notes["pair"] = (
            f"{len(keys):,} teams met in {year} in {where}: choose a school or a network in the "
            "sidebar to compare two of their teams."
        )
        keys = []
    team_a, team_b = default_teams(keys)
    v.extra.update(team_keys=keys, team_a=team_a, team_b=team_b if team_b != team_a else None)
    return v


def cpl_pair(
    meetings: pl.DataFrame, cadence: pl.DataFrame, year: str, team_a: str | None, team_b: str | None
) -> PageView:
    """Two chosen teams (keys "Team (School)" of ``cpl_detail``) side by side for one school year: minutes and
    meetings per month, and their cadence figures."""
    v = PageView()
    chosen = [k for k in dict.fromkeys((team_a, team_b)) if k]
    keyed = _team_years(cadence, year, ALL, ALL, ALL).filter(c("key").is_in(chosen))
    mine = meetings.join(keyed.select("school_id", "team"), on=["school_id", "team"], how="semi")
    m = cpl_team_months(mine).filter(c("school_year") == year).with_columns(team_key().alias("key"))
    pair = m.sort("month_start").with_columns(
        c("month_start").dt.strftime("%b %Y").alias("month_label"), pl.format("{}", c("meetings")).alias("label")
    )
    v.frames["pair"] = pair.select("key", "team_type", "month_label", "meetings", "minutes", "label")
    v.titles["pair"] = f"CPL minutes per month (meetings on each bar), {' against '.join(chosen)}, {year}"
    v.frames["pair_table"] = keyed.select(
        c("key").alias("Team"),
        team_type_words(c("team_type")).alias("Type"),
        c("meetings").alias("Meetings"),
        c("minutes_per_month").round(0).alias("Minutes/month"),
        c("attendance_rate").round(0).alias("Attendance %"),
        c("consistency_pct").round(0).alias("Consistency %"),
        c("longest_gap_weeks").alias("Longest gap (weeks)"),
    )
    return v
