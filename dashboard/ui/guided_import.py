"""The Data page's guided import: drop a file, and the page guesses its source (never a default), suggests which of
its headers feeds each canonical column (a table of dropdowns with a sample of each header's values), with the value
translations, suppression markers, constants and staff counts editable; shows the first rows in canonical form and
every problem as a load would report it; saves the mapping (stored, and downloadable as TOML) and loads the file
with the progress bar. A mapping saved for files with the same headers is used again at once; a preset of
``mappings/`` that fits the file is offered beside the suggestion.

Widget state: every widget of one file's import is keyed by that file's token (its name and a hash of its bytes),
seeded once when the file arrives (or when the source or a preset is chosen), so a second file starts afresh."""

from __future__ import annotations

import copy
import hashlib
import tomllib
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.auth import access
from dashboard.core.school_year import school_year_label
from dashboard.core.sources import SCHOOL_ATTRIBUTES, SOURCES
from dashboard.core.text import markdown_literal
from dashboard.ingest import presets
from dashboard.ingest.mapping_toml import MappingSpec, from_suggestion, spec_from_toml, write
from dashboard.services import mappings
from dashboard.ui.actions import handle_upload, show_upload_result
from dashboard.ui.data import get_engine, settings_values
from dashboard.ui.render import show_table

NOT_IN_FILE = "(not in the file)"
_TRANSLATED = ("subject", "student_group", "grade")
S = st.session_state


def _token(name: str, data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16] + ":" + name


def _k(name: str) -> str:
    return f"gi_{name}_{S['gi_token']}"


def _begin(token: str, name: str, data: bytes, source: str | None = None) -> None:
    """Read the file once: the suggestion (for ``source`` when given), the saved mapping for its headers."""
    S["gi_token"] = token
    start = mappings.start(get_engine(), settings_values(), name, data, source=source)
    S["gi_start"] = start
    S.pop("gi_checked", None)
    S.pop("gi_result", None)
    if start.suggestion is None:
        return
    spec = from_suggestion(start.suggestion) if start.suggestion.source else None
    if start.saved is not None and source in (None, start.saved.source):
        spec = spec_from_toml(start.saved.toml, start.suggestion.headers)
        S["gi_origin"] = f"the mapping '{start.saved.name}' saved by {start.saved.saved_by}"
    else:
        S["gi_origin"] = "the suggestion"
    _seed(spec, start.suggestion.source if spec is None else spec.source)


def _seed(spec: MappingSpec | None, source: str | None) -> None:
    """Every widget of this import set from a mapping (None: nothing chosen yet)."""
    S["data_source"] = source
    S["gi_spec"] = spec
    if spec is None:
        return
    for canonical in [*SOURCES[spec.source].column_names, *SCHOOL_ATTRIBUTES]:
        S[_k(f"col_{canonical}")] = spec.columns.get(canonical, NOT_IN_FILE)
    S[_k("markers")] = ", ".join(spec.markers)
    for canonical, value in spec.constants.items():
        S[_k(f"const_{canonical}")] = _constant_text(value)


def _constant_text(value) -> str:
    if isinstance(value, dict):
        start = S["gi_start"]
        from dashboard.ingest.suggest import year_from_file_name

        year = year_from_file_name(start.file_name)
        return year[0] if year else ""
    return str(value)


def guided_import(upload, others: list) -> None:
    """The whole import of one dropped file (``st.file_uploader`` value), with any files its mapping reads."""
    data = upload.getvalue()
    token = _token(upload.name, data)
    if S.get("gi_token") != token:
        _begin(token, upload.name, data)
    start: mappings.Start = S["gi_start"]
    if start.suggestion is None:
        st.error(markdown_literal(f"{start.file_name} cannot be read: nothing was written."))
        show_table(start.problems, "load_problems")
        return
    s = start.suggestion
    _offer_presets(s.headers, upload.name, data)
    source = st.selectbox(
        "Source",
        list(SOURCES),
        key="data_source",
        index=None,
        placeholder="Choose the source: the file does not say",
        format_func=lambda name: f"{name}: {SOURCES[name].help}",
        on_change=_source_changed,
        args=(upload.name, data),
    )
    if source is None:
        st.warning(
            markdown_literal(
                f"The page cannot tell what this file holds ({s.source_reason}): choose its source to go on."
            )
        )
        return
    spec = copy.deepcopy(S.get("gi_spec"))  # the seeded mapping stays as seeded: the editors hold the changes
    st.caption(
        markdown_literal(f"From {S.get('gi_origin', 'the suggestion')}: the source is {source} ({s.source_reason}).")
    )
    spec = _edit(spec, s, source)
    toml = write(spec)
    extra_files = {o.name: o.getvalue() for o in others}
    checked = _checked(start.file_name, data, toml, extra_files)
    _show_check(checked)
    _save_and_download(s.headers, toml, Path(start.file_name).stem)
    if st.button("Validate and load", type="primary", key="data_load"):
        bar = st.progress(0.0, text="Starting")
        S["gi_result"] = handle_upload(
            start.file_name,
            data,
            source,
            "mapping.toml",
            toml.encode("utf-8"),
            progress=lambda fraction, text: bar.progress(fraction, text=text),
            others=extra_files,
        )
    if S.get("gi_result") is not None:
        show_upload_result(S["gi_result"])


def _source_changed(name: str, data: bytes) -> None:
    source = S.get("data_source")
    if source is not None:
        _begin(S["gi_token"], name, data, source)
        S["data_source"] = source


def _offer_presets(headers: list[str], name: str, data: bytes) -> None:
    for preset in presets.fitting(headers):
        cols = st.columns([4, 1])
        cols[0].info(f"This file fits the preset **{preset.name}**: {preset.title}")
        if cols[1].button("Use this preset", key=f"gi_preset_{preset.name}"):
            spec = spec_from_toml(preset.path.read_text(encoding="utf-8"), headers)
            S["gi_origin"] = f"the preset {preset.name}"
            _seed(spec, spec.source)
            st.rerun()


def _edit(spec: MappingSpec | None, s, source: str) -> MappingSpec:
    """The table of dropdowns and the other parts of the mapping, read back as a mapping."""
    if spec is None or spec.source != source:
        spec = MappingSpec(source=source, encoding=s.layout.encoding, header_row=s.layout.header_row)
        spec.sheet, spec.delimiter = s.layout.sheet, s.layout.delimiter if s.layout.encoding else None
    st.markdown("**Which of the file's columns feeds each column of the dashboard**")
    options = [NOT_IN_FILE, *[h for h in s.headers if h.strip()]]
    names = [*SOURCES[source].column_names, *(a for a in SCHOOL_ATTRIBUTES if a not in SOURCES[source].column_names)]
    head = st.columns([2, 3, 4, 1])
    for col, text in zip(head, ("Dashboard column", "The file's column", "Sample of its values", "Match"), strict=True):
        col.caption(text)
    columns: dict[str, str | list[str]] = {}
    for canonical in names:
        column = SOURCES[source].column(canonical) if canonical in SOURCES[source].column_names else None
        row = st.columns([2, 3, 4, 1])
        required = bool(column and column.required)
        row[0].markdown(f"`{canonical}`" + (" (required)" if required else ""))
        key = _k(f"col_{canonical}")
        S.setdefault(key, NOT_IN_FILE)
        if S[key] not in options:
            S[key] = NOT_IN_FILE
        chosen = row[1].selectbox(canonical, options, key=key, label_visibility="collapsed")
        if chosen != NOT_IN_FILE:
            columns[canonical] = chosen
            row[2].caption(", ".join(repr(v) for v in s.samples.get(chosen, [])[:5]) or "(empty)")
        elif canonical in spec.constants:
            row[2].caption("from a constant below")
        elif column is not None and column.default:
            row[2].caption(f"default {column.default}")
        match = s.matches.get(canonical)
        row[3].caption(match.confidence if match and match.header == chosen else "")
    spec.columns = columns
    _edit_constants(spec, names)
    _edit_values(spec, columns)
    markers = st.text_input("Suppression markers (cells that mean withheld, separated by commas)", key=_k("markers"))
    spec.markers = [m.strip() for m in markers.split(",") if m.strip()]
    _edit_staff(spec)
    return spec


def _edit_constants(spec: MappingSpec, names: list[str]) -> None:
    for canonical, value in list(spec.constants.items()):
        if canonical not in names:
            continue
        label = f"{canonical} for every row"
        if isinstance(value, dict):
            label += " (read from the file's name; a lone year is the spring of its school year)"
        text = st.text_input(label, key=_k(f"const_{canonical}"))
        if isinstance(value, dict) and text.strip() == _constant_text(value):
            continue  # unchanged: the pattern serves next year's file too
        if text.strip():
            spec.constants[canonical] = text.strip()
        else:
            spec.constants.pop(canonical)
    if "school_year" in names and "school_year" not in spec.columns and "school_year" not in spec.constants:
        year = st.text_input("school_year for every row (the file has no column for it), e.g. 2024-25", key=_k("sy"))
        if year.strip():
            spec.constants["school_year"] = year.strip()


def _rows(edited) -> list[dict]:
    return edited.to_dicts() if isinstance(edited, pl.DataFrame) else edited.to_dict("records")


def _edit_values(spec: MappingSpec, columns: dict[str, str | list[str]]) -> None:
    start: mappings.Start = S["gi_start"]
    samples = start.suggestion.samples if start.suggestion else {}
    shown = [c for c in columns if c in _TRANSLATED or c in spec.values]
    for canonical in shown:
        table = spec.values.get(canonical, {})
        if not table and canonical == "grade":
            continue
        frame = pl.DataFrame(
            {"in the file": list(table), "stored as": list(table.values())},
            schema={"in the file": pl.String, "stored as": pl.String},
        )
        st.caption(
            markdown_literal(
                f"Values of {canonical} to translate (the file's values include "
                + ", ".join(repr(v) for v in samples.get(str(columns[canonical]), [])[:6])
                + ")"
            )
        )
        edited = st.data_editor(frame, num_rows="dynamic", key=_k(f"values_{canonical}"), width="stretch")
        spec.values[canonical] = {
            str(r["in the file"]): str(r["stored as"])
            for r in _rows(edited)
            if r.get("in the file") and r.get("stored as")
        }


def _edit_staff(spec: MappingSpec) -> None:
    """A vote's eligible voters and a survey's response rate: each school's staff, entered once (kept with the
    saved mapping)."""
    doc = tomllib.loads(spec.extra) if spec.extra.strip() else {}
    if not ({"responses", "survey"} & set(doc)):
        return
    staff = doc.get("staff", {})
    st.markdown(
        "**Staff per school** (eligible voters, or staff asked to respond): entered once, kept with the mapping"
    )
    frame = pl.DataFrame(
        {"school": list(staff), "staff": [int(v) for v in staff.values()]},
        schema={"school": pl.String, "staff": pl.Int64},
    )
    edited = st.data_editor(frame, num_rows="dynamic", key=_k("staff"), width="stretch")
    doc["staff"] = {str(r["school"]): int(r["staff"]) for r in _rows(edited) if r.get("school") and r.get("staff")}
    from dashboard.ingest.mapping_toml import tables

    spec.extra = tables(doc)


def _checked(name: str, data: bytes, toml: str, others: dict[str, bytes]) -> mappings.Checked:
    """The check of this mapping on the file (kept while neither changes)."""
    key = (S["gi_token"], toml, tuple(sorted(others)))
    cached = S.get("gi_checked")
    if cached is None or cached[0] != key:
        with st.spinner("Checking every row as a load would (nothing is written)"):
            cached = (key, mappings.check(get_engine(), name, data, toml, others, settings=settings_values()))
        S["gi_checked"] = cached
    return cached[1]


def _show_check(checked: mappings.Checked) -> None:
    if checked.preview is not None and checked.preview.height:
        preview = checked.preview
        if "year_start" in preview.columns:
            preview = preview.with_columns(
                pl.col("year_start").map_elements(school_year_label, return_dtype=pl.String).alias("year_start")
            ).rename({"year_start": "school_year"})
        st.markdown(f"**Preview: the first {preview.height} of {checked.rows} rows, as they would be stored**")
        st.dataframe(preview, width="stretch", hide_index=True)
    for note in checked.notes:
        st.caption(note)
    if checked.ok:
        st.success(f"Every row checks out: {checked.rows} rows are ready to load.")
    else:
        n = checked.problems.height
        st.error(f"{n} problem{'' if n == 1 else 's'} as a load would report them: fix the mapping or the file.")
        show_table(checked.problems, "check_problems")


def _save_and_download(headers: list[str], toml: str, stem: str) -> None:
    cols = st.columns([3, 1, 1])
    S.setdefault(_k("name"), stem)
    name = cols[0].text_input("Name of this mapping", key=_k("name"))
    if cols[1].button("Save this mapping", key="map_save"):
        try:
            saved = mappings.save(get_engine(), access.current(), name, headers, toml)
            st.success(
                markdown_literal(f"Saved as '{saved.name}': it is used again for the next file with these headers.")
            )
        except Exception as exc:  # a mapping that is not one: say why, in a sentence
            st.error(markdown_literal(f"Not saved: {exc}"))
    cols[2].download_button(
        "Download (TOML)", data=toml, file_name=f"{stem}.toml", mime="application/toml", key="map_download"
    )


def load_with_mapping_file(upload, mapping, others: list) -> None:
    """A file and a mapping file the user has: loaded as they are (the source is the mapping's)."""
    from dashboard.services.mappings import source_of

    try:
        source = source_of(mapping.getvalue())
    except Exception as exc:
        st.error(markdown_literal(f"{mapping.name} is not a mapping: {exc}"))
        return
    st.caption(markdown_literal(f"The mapping {mapping.name} is for {source}."))
    if st.button("Validate and load", type="primary", key="data_load"):
        bar = st.progress(0.0, text="Starting")
        result = handle_upload(
            upload.name,
            upload.getvalue(),
            source,
            mapping.name,
            mapping.getvalue(),
            progress=lambda fraction, text: bar.progress(fraction, text=text),
            others={o.name: o.getvalue() for o in others},
        )
        show_upload_result(result)


def saved_mappings() -> None:
    """The mappings saved on this page: each downloadable as TOML, and deletable."""
    saved = mappings.list_saved(get_engine())
    if not saved:
        st.caption("No mapping has been saved yet: the guided import above saves one with the button beside its name.")
        return
    labels = {m.id: f"{m.name} ({m.source}, saved by {m.saved_by} on {str(m.saved_at)[:10]})" for m in saved}
    chosen = st.selectbox("Saved mapping", list(labels), format_func=lambda i: labels[i], key="saved_mapping_id")
    mapping = next(m for m in saved if m.id == chosen)
    cols = st.columns(2)
    cols[0].download_button(
        "Download (TOML)", data=mapping.toml, file_name=f"{mapping.name}.toml", mime="application/toml", key="saved_dl"
    )
    if cols[1].button("Delete this mapping", key="saved_delete"):
        mappings.delete(get_engine(), access.current(), mapping.id)
        st.rerun()
