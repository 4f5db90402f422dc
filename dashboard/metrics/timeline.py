"""Timeline notes, pure polars: which notes belong to a chart's scope, and the rule that a note of kind ``break``
dated in school year Y leaves no change row from Y-1 to Y for its scope (a state test changed: no "gain" across it).
A district note (no school) is in every school's scope; a school's note only in its own. Frames in, frames out."""

from __future__ import annotations

import polars as pl

c = pl.col

BREAK = "break"
# the kinds a note may have: an event (the default), a change of leadership, a programme or model begun, a break in
# comparability (a new test, new cut scores, a new survey)
KINDS = ("event", "leadership", "program", BREAK)


def in_scope(notes: pl.DataFrame, school_id: str | None) -> pl.DataFrame:
    """The notes of a chart of one school (``school_id``: its own and the district's) or of the district (None:
    the district's only)."""
    if notes.is_empty():
        return notes
    district = c("school_id").is_null()
    return notes.filter(district if school_id is None else district | (c("school_id") == school_id))


def breaks(notes: pl.DataFrame | None) -> pl.DataFrame:
    """One row per break: ``school_id`` (null: the whole district) and the ``year_start`` of the school year the
    break is dated in."""
    empty = pl.DataFrame(schema={"school_id": pl.String, "year_start": pl.Int64})
    if notes is None or notes.is_empty():
        return empty
    return notes.filter(c("kind") == BREAK).select("school_id", "year_start").unique()


def drop_across_breaks(changes: pl.DataFrame, notes: pl.DataFrame | None) -> pl.DataFrame:
    """``changes`` (one row per change from ``year_start`` - 1 to ``year_start``, keyed by ``school_id``) without
    the rows that cross a break of their school or of the district. A rollup's rows (a placeholder school id) are
    crossed by the district's breaks only."""
    cut = breaks(notes)
    if cut.is_empty() or changes.is_empty():
        return changes
    district_years = cut.filter(c("school_id").is_null())["year_start"].implode()
    school_breaks = cut.filter(c("school_id").is_not_null()).with_columns(pl.lit(True).alias("_break"))
    out = changes.filter(~c("year_start").is_in(district_years))
    if school_breaks.is_empty():
        return out
    return (
        out.join(school_breaks, on=["school_id", "year_start"], how="left").filter(c("_break").is_null()).drop("_break")
    )
