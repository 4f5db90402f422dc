"""How long a download stays at its media URL (SECURITY.md, Downloads).

Every download that holds school data is handed to ``st.download_button`` as a callable (a table's CSV, a chart's
PNG, the board pack's files), so nothing is stored at a ``/media/...`` URL until the user clicks; the click reaches
the server over the session's own WebSocket, and the file it makes is named by a 128-bit digest of its content.
Streamlit serves that URL without a login and drops the file at the second clean-up after it was made, a clean-up
running at the end of every script run of any session. On a quiet server that could be hours, so ``start_sweeper``
also runs the same clean-up every ``SWEEP_SECONDS``: a downloaded file answers at its URL for at most twice that.
"""

from __future__ import annotations

import threading
import time

from streamlit import runtime

SWEEP_SECONDS = 20.0
_lock = threading.Lock()
_started: list[threading.Thread] = []


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        if runtime.exists():  # Streamlit's own clean-up, which it documents as safe from any thread
            runtime.get_instance().media_file_mgr.remove_orphaned_files()


def start_sweeper() -> None:
    """Start the process's clean-up thread once (the entrypoint calls this on every run)."""
    with _lock:
        if not _started:
            thread = threading.Thread(target=_sweep_forever, name="media-sweeper", daemon=True)
            thread.start()
            _started.append(thread)
