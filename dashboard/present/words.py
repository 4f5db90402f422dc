"""Words and tables for people: counts that agree in number, plain words for codes, a change said with its noise,
and tables with no "None" or "nan" in them (withheld says withheld, missing is a dash). Pure functions, no
Streamlit."""

from __future__ import annotations

import polars as pl

from dashboard.metrics.achievement import DOWN, UP, WITHIN_NOISE

c = pl.col

DASH = "–"  # a missing figure in a table; the note under the table says what it means
MISSING_NOTE = "– : no figure for this year (nothing reported, or no year before to compare)."
WITHHELD = "withheld"
NOISE_NOTE = (
    "Within noise: the change's 95% interval (Newcombe's method) holds zero, so it may be chance. About one stable "
    "group in twenty reads as up or down by chance alone."
)

TEAM_TYPES = {
    "grade_level": "Grade-level team",
    "cross_grade": "Cross-grade team",
    "content": "Content team",
    "role_alike": "Role-alike team",
    "community_of_practice": "Community of practice",
    "whole_staff": "Whole staff",
}
RESPONDENT_GROUPS = {"all_staff": "All staff", "teachers": "Teachers", "support_staff": "Support staff"}
SIGNAL_WORDS = {UP: "up beyond noise", DOWN: "down beyond noise", WITHIN_NOISE: "within noise"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 school', '3 schools' ('1 group', '2 groups'; ``many`` for an irregular plural)."""
    return f"{n:,} {noun if n == 1 else many or noun + 's'}"


def is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def team_type_words(expr: pl.Expr) -> pl.Expr:
    """A team type code in plain words ("grade_level" -> "Grade-level team"); an unknown code with its underscores
    as spaces, a missing one as "Type not given"."""
    return expr.replace_strict(TEAM_TYPES, default=expr.str.replace_all("_", " ").str.to_titlecase()).fill_null(
        "Type not given"
    )


def respondent_group_words(expr: pl.Expr) -> pl.Expr:
    return expr.replace_strict(
        RESPONDENT_GROUPS,
        default=expr.str.slice(0, 1).str.to_uppercase() + expr.str.slice(1).str.replace_all("_", " "),
    )


def change_words(pp: float | None, signal: str | None, unit: str = " pp") -> str:
    """A change in words that never calls noise a rise or a fall: "rose 5.2 pp", "fell 3.0 pp", "moved +1.1 pp,
    within noise"; "withheld" where the change is."""
    if pp is None:
        return WITHHELD
    if signal == UP:
        return f"rose {abs(pp):.1f}{unit}"
    if signal == DOWN:
        return f"fell {abs(pp):.1f}{unit}"
    return f"moved {pp:+.1f}{unit}, within noise"


def change_label(pp: float | None, relative: float | None, signal: str | None) -> str:
    """The label printed on a change bar: '+5.0 pp (relative +11%)', and ', within noise' where it is."""
    if pp is None:
        return WITHHELD
    text = f"{pp:+.1f} pp" + ("" if relative is None else f" (relative {relative:+.0f}%)")
    return text + (", within noise" if signal == WITHIN_NOISE else "")


def gap_diagnosis(group_pp: float | None, all_pp: float | None, prior_gap: float | None, gap_pp: float | None) -> str:
    """Why a gap to All Students moved, in words: closed because the group rose, because All Students fell, or
    both fell (All Students more); widened the other way round."""
    if group_pp is None or all_pp is None or prior_gap is None or gap_pp is None:
        return ""
    if abs(gap_pp) < 0.05:
        return "gap unchanged"
    closing = (prior_gap < 0 and gap_pp > 0) or (prior_gap > 0 and gap_pp < 0)
    verb = "narrowed" if closing else "widened"
    up, down = group_pp > 0, group_pp < 0
    if up and all_pp <= 0:
        why = "the group rose and All Students fell" if all_pp < 0 else "the group rose"
    elif down and all_pp >= 0:
        why = "the group fell and All Students rose" if all_pp > 0 else "the group fell"
    elif up:  # both rose
        why = "both rose, the group more" if group_pp > all_pp else "both rose, All Students more"
    elif down:  # both fell
        why = "both fell, All Students more" if group_pp > all_pp else "both fell, the group more"
    else:
        why = "All Students rose" if all_pp > 0 else "All Students fell"
    return f"gap {verb}: {why}"


WITHHELD_COLUMNS = ("withheld", "suppressed", "Withheld", "Withheld because")


def display_table(frame: pl.DataFrame, withheld: str | None = None) -> pl.DataFrame:
    """A table as people read it: numbers kept as numbers where every cell has one; a column with blanks becomes
    text, each blank a dash (or "withheld" on a row whose ``withheld`` column, by default the first of
    ``WITHHELD_COLUMNS`` it has, is true or names a reason), each true or false "yes" or "no"; never "None" or
    "nan"."""
    withheld = withheld or next((n for n in WITHHELD_COLUMNS if n in frame.columns), None)
    flag = None
    if withheld is not None and withheld in frame.columns:
        col = c(withheld)
        flag = col.fill_null(False) if frame.schema[withheld] == pl.Boolean else col.is_not_null()
    out = []
    for name, dtype in frame.schema.items():
        col = c(name)
        if dtype == pl.Boolean:
            out.append(
                pl.when(col).then(pl.lit("yes")).when(~col).then(pl.lit("no")).otherwise(pl.lit(DASH)).alias(name)
            )
            continue
        nulls = frame[name].null_count() + (frame[name].is_nan().sum() if dtype.is_float() else 0)
        if not nulls:
            out.append(col)
            continue
        text = col.round(1).cast(pl.String) if dtype.is_float() else col.cast(pl.String)
        if dtype.is_float():
            text = pl.when(col.is_nan()).then(None).otherwise(text)
        blank = pl.lit(DASH) if flag is None else pl.when(flag).then(pl.lit(WITHHELD)).otherwise(pl.lit(DASH))
        out.append(pl.coalesce(text, blank).alias(name))
    return frame.select(out)
