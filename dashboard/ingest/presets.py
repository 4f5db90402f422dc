"""The shipped mappings of ``mappings/`` (presets for the files districts really have), and which of them fit a
file: every header a preset needs for its source's required columns, the votes it counts or the items it scores,
is among the file's headers. The Data page offers a fitting preset beside its own suggestion."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from dashboard.core import paths
from dashboard.core.problems import FileRejected
from dashboard.core.sources import SOURCES
from dashboard.ingest.mapping import Mapping, load_mapping
from dashboard.ingest.raw import fold_header

PRESETS = paths.ROOT / "mappings"


@dataclass
class Preset:
    path: Path
    mapping: Mapping
    title: str  # the first line of its opening comment

    @property
    def name(self) -> str:
        return self.path.stem


def presets() -> list[Preset]:
    found = []
    for path in sorted(PRESETS.glob("*.toml")):
        try:
            mapping = load_mapping(path)
        except FileRejected:
            continue
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")), "")
        found.append(Preset(path, mapping, first.lstrip("# ").rstrip(":") or path.stem))
    return found


def _has(folded: set[str], headers: str | list[str]) -> bool:
    return any(fold_header(h) in folded for h in ([headers] if isinstance(headers, str) else headers))


def fits(mapping: Mapping, headers: list[str]) -> bool:
    folded = {fold_header(h) for h in headers}
    extras = mapping.extras
    provided = extras.provides(mapping.source)
    for column in SOURCES[mapping.source].columns:
        if not column.required or column.name in mapping.constants or column.name in provided:
            continue
        if not _has(folded, mapping.columns.get(column.name, [column.name])):
            return False
    if extras.responses is not None:
        words = [fold_header(w) for w in extras.responses.get("answer_contains", [])]
        answer = _has(folded, extras.responses["answer"]) or any(w in h for h in folded for w in words)
        if not (answer and _has(folded, extras.responses["date"])):
            return False
    if extras.survey is not None:
        items = [h for hs in extras.survey["facets"].values() for h in hs]
        if not all(fold_header(h) in folded for h in items):
            return False
    if not all(_has(folded, headers) for entry in extras.stack for headers in entry["columns"].values()):
        return False
    needed = [*extras.keep, *extras.skip, *([extras.lookup["on"]] if extras.lookup else [])]
    return all(fold_header(h) in folded for h in needed)


def fitting(headers: list[str]) -> list[Preset]:
    return [p for p in presets() if fits(p.mapping, headers)]


def extras_of(toml: str) -> tuple[dict, str]:
    """The parts of a mapping's TOML beyond columns, constants, values and markers: its top-level flags
    (``schools_by_name``) and its tables (``[rows]``, ``[lookup]``, ``[responses]``, ``[survey]``, ``[staff]``),
    written again as TOML."""
    from dashboard.ingest.mapping_extras import KEYS
    from dashboard.ingest.mapping_toml import tables

    doc = tomllib.loads(toml)
    flags = {k: doc[k] for k in KEYS if k in doc and not isinstance(doc[k], dict)}
    return flags, tables({k: doc[k] for k in KEYS if isinstance(doc.get(k), dict)})
