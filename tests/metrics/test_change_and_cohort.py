"""The change interval and signal (CONTRACT.md, ``gains``: Newcombe's hybrid score method from the two Wilson
intervals) against Newcombe's own worked examples and against statsmodels as an independent oracle; and cohort
growth (``export cohort_growth``) from hand-made rows, every figure worked out here."""

from __future__ import annotations

import math

import polars as pl
import pytest
from district_files import approx, load, one, table
from test_computed import newcombe

from dashboard.metrics.achievement import change_interval, with_change_interval
from dashboard.metrics.cohort import grade_number

# Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II, method 10:
# (x1, n1, x0, n0) -> the 95% interval of p1 - p0, as a proportion, to four decimals
NEWCOMBE_TABLE_II = {
    (56, 70, 48, 80): (0.0524, 0.3339),
    (9, 10, 3, 10): (0.1705, 0.8090),
    (6, 7, 2, 7): (0.0582, 0.8062),
    (5, 56, 0, 29): (-0.0381, 0.1926),
    (0, 10, 0, 20): (-0.1611, 0.2775),
    (10, 10, 0, 20): (0.6791, 1.0000),
}


def _frame(cases) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "pct_proficient": [100 * x1 / n1 for x1, n1, _, _ in cases],
            "n_tested": [n1 for _, n1, _, _ in cases],
            "prior_pct_proficient": [100 * x0 / n0 for _, _, x0, n0 in cases],
            "prior_n_tested": [n0 for _, _, _, n0 in cases],
        }
    )


def test_change_interval_matches_newcombes_worked_examples():
    cases = list(NEWCOMBE_TABLE_II)
    out = with_change_interval(_frame(cases))
    for case, row in zip(cases, out.iter_rows(named=True), strict=True):
        low, high = NEWCOMBE_TABLE_II[case]
        assert row["change_ci_low"] == pytest.approx(100 * low, abs=0.006), case
        assert row["change_ci_high"] == pytest.approx(100 * high, abs=0.006), case
        # the signal: up iff the interval lies above zero
        assert row["change_signal"] == ("up" if low > 0 else "within_noise"), case


def test_change_interval_matches_statsmodels_and_the_hand_formula():
    statsmodels = pytest.importorskip("statsmodels.stats.proportion")  # the test extra installs it
    cases = [(45, 100, 38, 90), (7, 12, 3, 11), (0, 15, 2, 14), (300, 1000, 340, 1000), (2280, 4000, 2400, 4000)]
    out = with_change_interval(_frame(cases))
    for (x1, n1, x0, n0), row in zip(cases, out.iter_rows(named=True), strict=True):
        low, high = statsmodels.confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
        assert row["change_ci_low"] == pytest.approx(100 * low, abs=1e-6)
        assert row["change_ci_high"] == pytest.approx(100 * high, abs=1e-6)
        assert (row["change_ci_low"], row["change_ci_high"]) == pytest.approx(newcombe(x1, n1, x0, n0), abs=1e-4)
    # 30% -> 34% of 1000 each year: the interval (-8.1, 0.1) holds zero; 60% -> 57% of 4000: it does not
    assert out["change_signal"].to_list() == ["within_noise", "within_noise", "within_noise", "within_noise", "down"]


def test_change_interval_is_blank_without_a_count():
    low, high, signal = change_interval(pl.col("p"), pl.col("n"), pl.col("q"), pl.col("m"))
    frame = pl.DataFrame({"p": [50.0, None], "n": [None, 10], "q": [40.0, 40.0], "m": [20, 20]})
    out = frame.select(low.alias("low"), high.alias("high"), signal.alias("signal"))
    assert out.to_dicts() == [{"low": None, "high": None, "signal": None}] * 2


def test_gains_carry_the_change_interval_and_signal(engine, tmp_path):
    load(
        engine,
        tmp_path / "in",
        achievement="""
        school_id,school_year,subject,student_group,grade,n_tested,n_proficient
        S1,2023-24,Math,All Students,All,400,240
        S1,2024-25,Math,All Students,All,400,200
        S1,2023-24,Math,Gifted,All,20,10
        S1,2024-25,Math,Gifted,All,20,13
        S1,2023-24,Math,Foster Care,All,8,4
        S1,2024-25,Math,Foster Care,All,12,6
    """,
    )
    rows = table(engine, "gains")
    everyone = one(rows, student_group="All Students")
    low, high = newcombe(200, 400, 240, 400)  # 60% -> 50%: -10 pp, interval about (-16.8, -3.1)
    assert (everyone["change_ci_low"], everyone["change_ci_high"]) == (approx(low), approx(high))
    assert high < 0 and everyone["change_signal"] == "down"
    gifted = one(rows, student_group="Gifted")  # 50% -> 65% of 20: +15 pp, but the interval holds zero
    assert gifted["change_pp"] == approx(15.0) and gifted["change_signal"] == "within_noise"
    white = one(rows, student_group="Foster Care")  # 8 tested last year: withheld, and so is all of the change
    assert white["suppressed"] is True
    assert (white["change_ci_low"], white["change_ci_high"], white["change_signal"]) == (None, None, None)


# --- cohort growth -------------------------------------------------------------------------------------------------


def test_grade_labels_name_one_whole_grade():
    labels = ["3", "03", "Grade 3", "Grade HS (11)", "K", "All", "3-5", "13", "0", "kg", "Grade 12"]
    got = pl.DataFrame({"g": labels}).select(grade_number(pl.col("g"))).to_series().to_list()
    assert got == [3, 3, 3, 11, 0, None, None, None, None, 0, 12]


COHORT_ACHIEVEMENT = """
    school_id,school_year,subject,student_group,grade,n_tested,n_proficient
    S1,2023-24,Math,All Students,All,90,45
    S1,2023-24,Math,All Students,K,30,12
    S1,2023-24,Math,All Students,Grade 03,40,20
    S1,2023-24,Math,All Students,Grade 04,20,13
    S1,2024-25,Math,All Students,01,28,14
    S1,2024-25,Math,All Students,Grade 04,44,30
    S1,2024-25,Math,All Students,Grade 05,21,9
    S1,2024-25,Math,All Students,Grade 06,25,12
    S1,2023-24,Math,English Learners,Grade 03,12,3
    S1,2024-25,Math,English Learners,Grade 04,9,5
    S1,2023-24,ELA,All Students,Grade 03,40,16
    S1,2022-23,ELA,All Students,Grade 02,40,10
"""


def test_cohort_growth_follows_the_grade_group_a_year_later(engine, tmp_path):
    load(engine, tmp_path / "in", achievement=COHORT_ACHIEVEMENT)
    rows = table(engine, "cohort_growth")
    keyed = {(r["subject"], r["student_group"], r["school_year"], r["grade"]): r for r in rows}
    # Math 2024-25: 01 against K, Grade 04 against Grade 03, Grade 05 against Grade 04; Grade 06 has no grade 5
    # the year before; ELA 2023-24 Grade 03 against 2022-23 Grade 02; the All row is no grade
    assert set(keyed) == {
        ("Math", "All Students", "2024-25", "01"),
        ("Math", "All Students", "2024-25", "Grade 04"),
        ("Math", "All Students", "2024-25", "Grade 05"),
        ("Math", "English Learners", "2024-25", "Grade 04"),
        ("ELA", "All Students", "2023-24", "Grade 03"),
    }
    four = keyed[("Math", "All Students", "2024-25", "Grade 04")]
    assert four["prior_grade"] == "Grade 03" and (four["n_tested"], four["prior_n_tested"]) == (44, 40)
    assert four["pct_proficient"] == approx(100 * 30 / 44) and four["prior_pct_proficient"] == approx(50.0)
    assert four["change_pp"] == approx(100 * 30 / 44 - 50.0)  # +18.2 pp
    low, high = newcombe(30, 44, 20, 40)
    assert (four["change_ci_low"], four["change_ci_high"]) == (approx(low), approx(high))
    assert four["change_signal"] == ("up" if low > 0 else "within_noise")
    first = keyed[("Math", "All Students", "2024-25", "01")]
    assert first["prior_grade"] == "K" and first["change_pp"] == approx(50.0 - 40.0)
    five = keyed[("Math", "All Students", "2024-25", "Grade 05")]  # 65% of 20 -> 42.9% of 21
    assert five["change_pp"] == approx(100 * 9 / 21 - 65.0)
    ela = keyed[("ELA", "All Students", "2023-24", "Grade 03")]  # 25% -> 40% of 40 each
    low, high = newcombe(16, 40, 10, 40)
    assert ela["change_signal"] == ("up" if low > 0 else "within_noise") and math.isclose(ela["change_pp"], 15.0)
    learners = keyed[("Math", "English Learners", "2024-25", "Grade 04")]  # 9 tested this year: withheld
    assert learners["suppressed"] is True and learners["suppression_reason"] == "small_n"
    assert all(learners[f] is None for f in ("n_tested", "pct_proficient", "change_pp", "change_signal"))
    assert learners["prior_grade"] == "Grade 03"
