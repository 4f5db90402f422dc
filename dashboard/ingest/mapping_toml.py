"""A mapping written as TOML (CONTRACT.md, Mapping files), from a suggestion or from the Data page's edited
table: the text ``load --mapping`` reads back as it is (``dashboard.ingest.mapping.load_mapping``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dashboard.ingest.suggest import Suggestion


@dataclass
class MappingSpec:
    """A mapping's contents as plain values (what the Data page edits)."""

    source: str
    columns: dict[str, str | list[str]] = field(default_factory=dict)
    constants: dict[str, str | dict] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | list[str] | None = None
    delimiter: str | None = None
    header_row: int = 1
    comments: dict[str, str] = field(default_factory=dict)  # canonical column -> a comment on its line
    header: list[str] = field(default_factory=list)  # comment lines at the top
    flags: dict = field(default_factory=dict)  # further top-level keys (schools_by_name = true)
    extra: str = ""  # further tables written as they are (a preset's [survey], [responses] ...)


def _s(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)  # a TOML basic string is a JSON string


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_s(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _s(value)


def tables(doc: dict, prefix: str = "") -> str:
    """Nested tables as TOML: a table's plain values first, then each table inside it as ``[a.b]``."""
    out = []
    for name, table in doc.items():
        full = f"{prefix}.{name}" if prefix else name
        plain = {k: v for k, v in table.items() if not isinstance(v, dict) or _inline(v)}
        out.append(f"[{full}]")
        out += [f"{_key(k)} = {_value(v)}" for k, v in plain.items()]
        inner = {k: v for k, v in table.items() if k not in plain}
        if inner:
            out.append(tables(inner, full))
        out.append("")
    return "\n".join(out)


def _inline(value: dict) -> bool:
    """A small table of lists (``keep = { "Test Type" = ["B"] }``) stays on its line."""
    return all(isinstance(v, list) for v in value.values()) and len(value) <= 3


def _key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _s(key)


def write(spec: MappingSpec) -> str:
    lines = [f"# {line}" if line else "#" for line in spec.header]
    lines.append(f"source = {_s(spec.source)}")
    if spec.sheet:
        lines.append(f"sheet = {_s(spec.sheet)}")
    if spec.encoding:
        lines.append(f"encoding = {_value(spec.encoding)}")
    if spec.delimiter:
        lines.append(f"delimiter = {_s(spec.delimiter)}")
    lines.append(f"header_row = {int(spec.header_row)}")
    lines += [f"{k} = {_value(v)}" for k, v in spec.flags.items()]
    lines += ["", "[columns]"]
    for canonical, header in spec.columns.items():
        comment = spec.comments.get(canonical)
        lines.append(f"{_key(canonical)} = {_value(header)}" + (f"  # {comment}" if comment else ""))
    if spec.constants:
        lines += ["", "[constants]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in spec.constants.items()]
    for canonical, table in spec.values.items():
        if table:
            lines += ["", f"[values.{canonical}]"]
            lines += [f"{_s(a)} = {_s(b)}" for a, b in table.items()]
    if spec.markers:
        lines += ["", "[suppression]", f"markers = {_value(spec.markers)}"]
    if spec.extra.strip():
        lines += ["", spec.extra.strip()]
    return "\n".join(lines) + "\n"


def from_suggestion(s: Suggestion) -> MappingSpec:
    assert s.source is not None
    layout = s.layout
    unmatched = [c for c, m in s.matches.items() if m.header is None and c not in s.constants]
    header = [
        f"Suggested by `district-dashboard mapping suggest` from {s.file_name} ({s.source}: {s.source_reason}).",
        "Each column's line says how sure the match is; check the low ones before loading.",
        *s.notes,
    ]
    if s.missing:
        header.append("Not matched (required): " + ", ".join(s.missing))
    if unmatched:
        header.append("Not matched: " + ", ".join(unmatched))
    return MappingSpec(
        source=s.source,
        columns=dict(s.columns),
        constants=dict(s.constants),
        values={k: dict(v) for k, v in s.values.items()},
        markers=list(s.markers),
        sheet=layout.sheet,
        encoding=layout.encoding,
        delimiter=layout.delimiter if layout.encoding else None,
        header_row=layout.header_row,
        comments={c: f"{m.confidence}: {m.how}" for c, m in s.matches.items() if m.header is not None},
        header=header,
        flags=dict(s.flags),
    )


def suggestion_toml(s: Suggestion) -> str:
    return write(from_suggestion(s))


def describe(s: Suggestion) -> list[str]:
    """What ``mapping suggest`` prints: the source and why, then each canonical column with the header it matched
    and how sure it is, or that it is not in the file (with its default)."""
    from dashboard.core.sources import SCHOOL_ATTRIBUTES, SOURCES

    if s.source is None:
        return [f"{s.file_name}: {s.source_reason}"]
    lines = [f"{s.file_name}: {s.source} ({s.source_reason})"]
    spec = SOURCES[s.source]
    names = [*spec.column_names, *(a for a in SCHOOL_ATTRIBUTES if a not in spec.column_names)]
    width = max(len(n) for n in names)
    for name in names:
        match = s.matches.get(name)
        column = spec.column(name) if name in spec.column_names else None
        required = bool(column and column.required)
        if match and match.header is not None:
            lines.append(f"  {name:<{width}}  <- {match.header!r}  ({match.confidence}: {match.how})")
        elif match:
            lines.append(f"  {name:<{width}}  <- {match.how}  ({match.confidence})")
        elif name in s.constants:
            lines.append(f"  {name:<{width}}  =  {s.constants[name]!r} (a constant)")
        elif required:
            lines.append(f"  {name:<{width}}  NOT MATCHED (required)")
        else:
            default = f" (default {column.default})" if column is not None and column.default else ""
            lines.append(f"  {name:<{width}}  not in the file{default}")
    for canonical, table in s.values.items():
        lines.append(f"  values of {canonical}: " + ", ".join(f"{a!r} -> {b!r}" for a, b in list(table.items())[:8]))
    if s.markers:
        lines.append("  suppression markers: " + ", ".join(repr(m) for m in s.markers))
    lines += [f"  note: {n}" for n in s.notes]
    return lines


def spec_from_toml(toml: str, headers: list[str]) -> MappingSpec:
    """A saved mapping or a preset as the Data page edits it: each column's first header the file has (a list tried
    in order becomes the one that matched), every other part kept."""
    import tomllib

    from dashboard.ingest.presets import extras_of
    from dashboard.ingest.raw import fold_header

    doc = tomllib.loads(toml)
    folded = {fold_header(h): h for h in headers}
    columns: dict[str, str | list[str]] = {}
    for canonical, listed in doc.get("columns", {}).items():
        listed = [listed] if isinstance(listed, str) else listed
        found = next((folded[fold_header(h)] for h in listed if fold_header(h) in folded), None)
        if found is not None:
            columns[canonical] = found
    flags, extra = extras_of(toml)
    return MappingSpec(
        source=doc["source"],
        columns=columns,
        constants=dict(doc.get("constants", {})),
        values={k: dict(v) for k, v in doc.get("values", {}).items()},
        markers=list(doc.get("suppression", {}).get("markers", [])),
        sheet=doc.get("sheet"),
        encoding=doc.get("encoding"),
        delimiter=doc.get("delimiter"),
        header_row=int(doc.get("header_row", 1)),
        flags=flags,
        extra=extra,
    )
