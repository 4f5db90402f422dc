"""Checks on a file uploaded through the Data page before it is read (the command line has no size limit)."""

from __future__ import annotations

import math

from dashboard.core.problems import FileRejected, Problem
from dashboard.store.settings import SETTINGS

MB = 1024 * 1024  # Streamlit's server.maxUploadSize counts megabytes of 1024 * 1024 bytes too


def check_upload_size(name: str, size_bytes: int, settings: dict[str, float] | None = None) -> None:
    """Raise ``FileRejected`` with ``NAME: the file is N MB; the Data page accepts up to M MB (setting
    upload_max_mb)`` when an upload is larger than the ``upload_max_mb`` setting; return None otherwise.
    ``settings`` is ``dashboard.store.settings.load(conn)`` (the values in force); without it the default applies."""
    limit_mb = float((settings or {}).get("upload_max_mb", SETTINGS["upload_max_mb"].default))
    if size_bytes > limit_mb * MB:
        size = math.ceil(10 * size_bytes / MB) / 10  # rounded up: a file just over the limit never reads as equal
        shown = f"{size:.1f}" if size < 100 else f"{size:.0f}"
        raise FileRejected(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"the file is {shown} MB; the Data page accepts up to {limit_mb:g} MB (setting upload_max_mb)",
                )
            ]
        )
