"""The board pack as the app hands it out: built for the caller's scope into memory (the PPTX, the PDF and a ZIP of
the PNGs) and recorded in the audit log as a download. The CLI writes the same pack to a folder
(``dashboard.present.board_pack.build``)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import sqlalchemy as sa

from dashboard.auth import access
from dashboard.present import board_pack
from dashboard.services import downloads


def build_files(
    engine: sa.Engine, caller: access.Caller, year: str, school_id: str | None
) -> dict[str, tuple[str, bytes]]:
    """{kind: (file name, bytes)} for the PPTX, the PDF and a ZIP of the PNGs, of the caller's schools."""
    scope = caller.scope
    with tempfile.TemporaryDirectory() as tmp:
        written = board_pack.build(
            engine, Path(tmp), year, school_id=school_id, school_ids=None if scope is None else list(scope)
        )
        files = {kind: (paths[0].name, paths[0].read_bytes()) for kind, paths in written.items() if kind != "png"}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for png in written["png"]:
                archive.write(png, png.name)
        files["png"] = (files["pptx"][0].replace(".pptx", "_charts.zip"), buffer.getvalue())
    downloads.record(engine, caller.username, f"board pack {school_id or 'district'} {year}")
    return files
