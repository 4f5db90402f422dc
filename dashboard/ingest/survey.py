"""An item-level staff survey (one row per respondent, one column per item) scored into the trust source, in the
manner of the public Omnibus T-Scale scoring key (Hoy and Tschannen-Moran): reverse-scored items turned round
(on a six-point scale 1 = 6 ... 6 = 1), each item averaged over a school's respondents, and a facet's score the mean
of its items' averages. Beside it: percent favourable (answers at or above ``favorable_from``, default the top two
points), respondents per facet, the response rate over the school's staff (``[staff]``) and Cronbach's alpha of
each facet over every respondent who answered all its items (in the load's notes: the trust table keeps no alpha).

No respondent's row is kept: only the figures per school, wave and facet reach validation, where a result of
fewer than five respondents is withheld like any other (CONTRACT.md, Privacy)."""

from __future__ import annotations

import polars as pl

from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest.mapping_extras import Extras, column_index, pick_header, response_dates, staff_for
from dashboard.ingest.raw import ROW, RawTable, fold_header

GROUP_COLUMNS = ("school_id", "school_name", "network", "level", "school_year", "wave", "respondent_group")


def _items(raw: RawTable, spec: dict, frame: pl.DataFrame, display_name: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Every item's answer as a number on the scale (text labels read through ``labels``), reversed items turned."""
    top = float(spec["scale_max"])
    labels = {fold_header(k): float(v) for k, v in spec.get("labels", {}).items()}
    reverse = {fold_header(h) for h in spec.get("reverse", [])}
    problems: list[Problem] = []
    columns = {}
    for facet, headers in spec["facets"].items():
        for i, header in enumerate(headers):
            text = raw.frame[column_index(raw, header, display_name, f"survey.facets.{facet}")].str.strip_chars()
            folded = text.str.to_lowercase().str.replace_all(r"\s+", " ")
            number = folded.replace_strict(labels, default=None, return_dtype=pl.Float64) if labels else None
            value = text.cast(pl.Float64, strict=False)
            value = value if number is None else pl.Series(number).fill_null(value)
            bad = text.is_not_null() & (text != "") & (value.is_null() | (value < 1) | (value > top))
            for row, cell in frame.select(ROW).with_columns(cell=text).filter(bad).head(1000).iter_rows():
                problems.append(Problem(display_name, row, header, f"{cell!r} is not an answer from 1 to {top:g}"))
            if fold_header(header) in reverse:
                value = top + 1 - value
            columns[f"_{facet}_{i}"] = value
    return pl.DataFrame(columns), problems


def score(frame: pl.DataFrame, raw: RawTable, extras: Extras, display_name: str) -> tuple[pl.DataFrame, list[str]]:
    spec = extras.survey or {}
    items, problems = _items(raw, spec, frame, display_name)
    if problems:
        raise FileRejected(problems)
    top = float(spec["scale_max"])
    favorable = float(spec.get("favorable_from", top - 1))
    frame = _dated(frame, raw, spec, display_name)
    keys = [c for c in GROUP_COLUMNS if c in frame.columns]
    both = pl.concat([frame, items], how="horizontal")
    parts = []
    for facet, headers in spec["facets"].items():
        names = [f"_{facet}_{i}" for i in range(len(headers))]
        answered = pl.any_horizontal(pl.col(n).is_not_null() for n in names)
        agg = (
            both.filter(answered)
            .group_by(keys, maintain_order=True)
            .agg(
                pl.col(ROW).min(),
                pl.len().alias("n"),
                pl.mean_horizontal(*[pl.col(n).mean() for n in names]).alias("mean"),
                (
                    100
                    * pl.sum_horizontal(*[(pl.col(n) >= favorable).sum() for n in names])
                    / pl.sum_horizontal(*[pl.col(n).count() for n in names])
                ).alias("favorable"),
            )
        )
        parts.append(agg.with_columns(pl.lit(facet).alias("facet")))
    scored = pl.concat(parts).sort(ROW, "facet")
    scored = scored.with_columns(staff_for(scored, extras).cast(pl.Float64).alias("_staff"))
    out = scored.select(
        ROW,
        *keys,
        "facet",
        pl.col("mean").round(3).cast(pl.String).alias("mean_score"),
        pl.col("favorable").round(1).cast(pl.String).alias("pct_favorable"),
        pl.col("n").cast(pl.String).alias("n_respondents"),
        (100 * pl.col("n") / pl.col("_staff")).round(1).cast(pl.String).alias("response_rate"),
        pl.lit(f"{top:g}").alias("scale_max"),
    )
    notes = [f"{both.height} responses scored into {out.height} results (no respondent's answers are kept)"]
    alphas = [f"{facet} {a:.2f} (n={n})" for facet, (a, n) in alpha_by_facet(items, spec).items() if a is not None]
    if alphas:
        notes.append("Cronbach's alpha over respondents who answered every item of a facet: " + ", ".join(alphas))
    return out, notes


def _dated(frame: pl.DataFrame, raw: RawTable, spec: dict, display_name: str) -> pl.DataFrame:
    """With ``date`` (a form's timestamp): the school year of each response (years start on 1 July) where the
    mapping gives none, and its wave (July to December fall, January to June spring) where it gives none."""
    if "date" not in spec:
        return frame
    header = pick_header(raw, spec["date"], [], display_name, "survey.date")
    text = raw.frame[column_index(raw, header, display_name, "survey.date")].str.strip_chars()
    dates = response_dates(text)
    bad = frame.select(ROW).with_columns(text=text, date=dates).filter(pl.col("date").is_null())
    if bad.height:
        raise FileRejected(
            [Problem(display_name, row, header, f"{t!r} is not a date") for row, t, _ in bad.head(1000).iter_rows()]
        )
    start = dates.dt.year() - (dates.dt.month() < 7).cast(pl.Int32)
    added = []
    if "school_year" not in frame.columns:
        added.append(
            (start.cast(pl.String) + "-" + ((start + 1) % 100).cast(pl.String).str.zfill(2)).alias("school_year")
        )
    if "wave" not in frame.columns:
        added.append(pl.Series("wave", ["fall" if m >= 7 else "spring" for m in dates.dt.month().to_list()]))
    return frame.with_columns(added) if added else frame


def cronbach_alpha(items: pl.DataFrame) -> float | None:
    """k / (k - 1) x (1 - sum of the item variances / variance of the total), over complete rows; None below two
    items or two rows, or for a total that does not vary."""
    complete = items.drop_nulls()
    k = complete.width
    if k < 2 or complete.height < 2:
        return None
    item_var = sum(complete[c].var() or 0.0 for c in complete.columns)  # type: ignore[misc]
    total_var = complete.sum_horizontal().var()
    if not total_var:
        return None
    return k / (k - 1) * (1 - item_var / total_var)  # type: ignore[operator]


def alpha_by_facet(items: pl.DataFrame, spec: dict) -> dict[str, tuple[float | None, int]]:
    out = {}
    for facet, headers in spec["facets"].items():
        names = [f"_{facet}_{i}" for i in range(len(headers))]
        out[facet] = (cronbach_alpha(items.select(names)), items.select(names).drop_nulls().height)
    return out
