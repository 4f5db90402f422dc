"""The parts of a mapping for files that are not one row per canonical row (the presets of ``mappings/``):

- ``[rows]``: ``keep`` and ``skip`` rows by a header's values (a state file's district and county rows, another
  test's rows);
- ``[lookup]``: names from a second file beside the first (California's CAASPP entities file): ``file`` (a name,
  ``{year}`` standing for the four digits of the data file's name), ``on`` (the header both files share),
  ``delimiter``, ``encoding`` and ``[lookup.columns]`` (canonical = the second file's header);
- ``[responses]``: a form's export of a vote, one row per response, counted per school and vote (``answer``, the
  header of the vote; ``date``, the response's date or timestamp: a vote's date is its last response's; the
  answers that count ``ready``, ``not_yet`` and ``abstain``; ``question``, default the answer header);
- ``[survey]``: an item-level staff survey, one row per respondent (``scale_max``, ``favorable_from``, ``reverse``
  items, ``labels`` of text answers, ``[survey.facets]`` facet = item headers), scored per school into facet means,
  percent favourable and respondents (``dashboard.ingest.survey``);
- ``[[stack]]``: a wide file, one row per school and a column per subject and group, stacked into one row per
  school, subject and group (``dashboard.ingest.wide``);
- ``[staff]``: staff per school (school id or name = count), entered once: a vote's eligible voters, a survey's
  response rate.

A respondent's row is never kept: only the counts and means per school reach validation. Names and e-mail
addresses in a form's export are never picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.core.problems import FileRejected, Problem
from dashboard.ingest.raw import ROW, RawTable, fold_header

KEYS = ("rows", "lookup", "responses", "survey", "staff", "schools_by_name", "stack")


@dataclass
class Extras:
    keep: dict[str, list[str]] = field(default_factory=dict)
    skip: dict[str, list[str]] = field(default_factory=dict)
    lookup: dict | None = None
    responses: dict | None = None
    survey: dict | None = None
    staff: dict[str, int] = field(default_factory=dict)
    stack: list[dict] = field(default_factory=list)  # a wide file's column sets (``dashboard.ingest.wide``)

    def provides(self, source: str) -> set[str]:
        """Canonical columns these parts fill (exempt from the file's required headers)."""
        if self.responses is not None:
            return {"vote_date", "votes_ready", "votes_not_yet", "votes_abstain", "eligible_voters", "question"}
        if self.survey is not None:
            dated = {"school_year", "wave"} if "date" in self.survey else set()
            return {"facet", "mean_score", "pct_favorable", "n_respondents", "response_rate", "scale_max", *dated}
        from dashboard.ingest import wide

        return (set(self.lookup.get("columns", {})) if self.lookup else set()) | wide.provides(self.stack)


def _fail(name: str, message: str, key: str) -> FileRejected:
    return FileRejected([Problem(name, None, key, message)])


def parse(doc: dict, name: str) -> Extras:
    rows = doc.get("rows", {})
    extras = Extras(
        keep={k: [str(v) for v in vs] for k, vs in rows.get("keep", {}).items()},
        skip={k: [str(v) for v in vs] for k, vs in rows.get("skip", {}).items()},
        lookup=doc.get("lookup"),
        responses=doc.get("responses"),
        survey=doc.get("survey"),
    )
    for school, count in doc.get("staff", {}).items():
        if not isinstance(count, int) or count < 1:
            raise _fail(name, f"staff.{school} must be a whole number of staff, 1 or more", "staff")
        extras.staff[fold_header(school)] = count
    if extras.lookup is not None and not {"file", "on", "columns"} <= set(extras.lookup):
        raise _fail(name, "[lookup] needs file, on and [lookup.columns]", "lookup")
    if extras.responses is not None and not {"answer", "date", "ready", "not_yet"} <= set(extras.responses):
        raise _fail(name, "[responses] needs answer, date, ready and not_yet", "responses")
    if extras.survey is not None and not {"scale_max", "facets"} <= set(extras.survey):
        raise _fail(name, "[survey] needs scale_max and [survey.facets]", "survey")
    return extras


def column_index(raw: RawTable, header: str, display_name: str, key: str) -> str:
    folded = [fold_header(h) for h in raw.headers]
    if fold_header(header) not in folded:
        raise _fail(display_name, f"the mapping's {key} names {header!r}, which is not a header of the file", key)
    return f"c{folded.index(fold_header(header))}"


def response_dates(text: pl.Series) -> pl.Series:
    """A form's timestamps or dates as dates: '2024-09-12 15:41:22', '9/12/2024 15:41:22', '2024/09/12 3:41:22 PM'."""
    frame = pl.DataFrame({"t": text})
    return frame.select(
        pl.coalesce(
            pl.col("t").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
            pl.col("t").str.slice(0, 10).str.to_date("%Y/%m/%d", strict=False),
            pl.col("t").str.extract(r"^(\d{1,2}/\d{1,2}/\d{4})").str.to_date("%m/%d/%Y", strict=False),
        )
    ).to_series()


def pick_header(raw: RawTable, headers: str | list[str], contains: list[str], display_name: str, key: str) -> str:
    """The first of ``headers`` the file has, else the first header holding one of the words ``contains``."""
    folded = {fold_header(h): h for h in raw.headers}
    for header in [headers] if isinstance(headers, str) else headers:
        if fold_header(header) in folded:
            return folded[fold_header(header)]
    for header in raw.headers:
        if any(fold_header(w) in fold_header(header) for w in contains):
            return header
    raise _fail(display_name, f"the mapping's {key} names {headers!r}, which is not a header of the file", key)


def filter_rows(raw: RawTable, extras: Extras, display_name: str) -> RawTable:
    frame = raw.frame
    for header, values in extras.keep.items():
        col = column_index(raw, header, display_name, "rows.keep")
        frame = frame.filter(pl.col(col).str.strip_chars().is_in(values))
    for header, values in extras.skip.items():
        col = column_index(raw, header, display_name, "rows.skip")
        frame = frame.filter(~pl.col(col).str.strip_chars().is_in(values).fill_null(False))
    return RawTable(frame, raw.headers, raw.header_row, raw.encoding)


def lookup(
    frame: pl.DataFrame, raw: RawTable, extras: Extras, display_name: str, file_name: str, folder: Path | None
) -> pl.DataFrame:
    """The lookup file's columns joined on the shared header (rows it lacks keep blanks)."""
    from dashboard.ingest.readers import read_table

    spec = extras.lookup or {}
    year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", file_name)
    other = str(spec["file"]).replace("{year}", year.group(1) if year else "")
    path = (folder or Path(".")) / other
    if not path.is_file():
        raise _fail(display_name, f"the mapping looks names up in {other}, which is not beside the file", "lookup")
    encoding = spec.get("encoding")
    table = read_table(path, other, encodings=[encoding] if encoding else None, delimiter=spec.get("delimiter", ","))
    key = column_index(table, spec["on"], other, "lookup.on")
    wanted = {canonical: column_index(table, h, other, "lookup.columns") for canonical, h in spec["columns"].items()}
    names = table.frame.select(
        pl.col(key).str.strip_chars().alias("_key"), *[pl.col(c).alias(n) for n, c in wanted.items()]
    ).unique("_key", keep="first")
    mine = column_index(raw, spec["on"], display_name, "lookup.on")
    keyed = frame.with_columns(raw.frame[mine].str.strip_chars().alias("_key"))
    return keyed.drop([n for n in wanted if n in keyed.columns]).join(names, on="_key", how="left").drop("_key")


def staff_for(frame: pl.DataFrame, extras: Extras) -> pl.Expr:
    """Each row's staff count from ``[staff]`` (keyed by school id or name, folded), or null."""
    table = {k: str(v) for k, v in extras.staff.items()}
    by_id = (
        pl.col("school_id")
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .replace_strict(table, default=None)
    )
    if "school_name" in frame.columns:
        by_name = pl.col("school_name").str.strip_chars().str.to_lowercase().replace_strict(table, default=None)
        return pl.coalesce(by_id, by_name)
    return by_id


def count_responses(frame: pl.DataFrame, raw: RawTable, extras: Extras, display_name: str) -> pl.DataFrame:
    """One row per school (and question) from one row per response: the answers counted, the last response's
    date as the vote's, eligible voters from ``[staff]``. An answer of no kind is a problem of its row."""
    spec = extras.responses or {}
    answer_header = pick_header(raw, spec["answer"], spec.get("answer_contains", []), display_name, "responses.answer")
    date_header = pick_header(raw, spec["date"], [], display_name, "responses.date")
    answer = raw.frame[column_index(raw, answer_header, display_name, "responses.answer")].str.strip_chars()
    when = raw.frame[column_index(raw, date_header, display_name, "responses.date")].str.strip_chars()
    kinds = {fold_header(a): kind for kind in ("ready", "not_yet", "abstain") for a in spec.get(kind, [])}
    kind = answer.str.to_lowercase().str.replace_all(r"\s+", " ").replace_strict(kinds, default=None)
    bad = frame.select(ROW).with_columns(answer=answer, kind=kind).filter(pl.col("kind").is_null())
    problems = [
        Problem(display_name, row, answer_header, f"{text!r} is not one of the answers the mapping counts")
        for row, text, _ in bad.head(1000).iter_rows()
    ]
    date = response_dates(when)
    bad_dates = frame.select(ROW).with_columns(text=when, date=date).filter(pl.col("date").is_null())
    problems += [
        Problem(display_name, row, date_header, f"{text!r} is not a date") for row, text, _ in bad_dates.iter_rows()
    ]
    if problems:
        raise FileRejected(problems)
    keys = ["school_id", *(c for c in ("school_name", "network", "level") if c in frame.columns)]
    question = spec.get("question") or answer_header
    counted = (
        frame.select(ROW, *keys)
        .with_columns(kind=kind, date=date)
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col(ROW).min(),
            pl.col("date").max().dt.to_string("%Y-%m-%d").alias("vote_date"),
            *[(pl.col("kind") == k).sum().cast(pl.String).alias(f"votes_{k}") for k in ("ready", "not_yet", "abstain")],
        )
        .with_columns(pl.lit(str(question)).alias("question"))
    )
    counted = counted.with_columns(staff_for(counted, extras).alias("eligible_voters")).sort(ROW)
    no_staff = counted.filter(pl.col("eligible_voters").is_null())
    if no_staff.height:
        raise FileRejected(
            [
                Problem(
                    display_name,
                    row,
                    "eligible_voters",
                    f"no staff count for {school!r}: enter each school's staff once ([staff] in the mapping)",
                )
                for row, school in no_staff.select(ROW, "school_id").iter_rows()
            ]
        )
    return counted
