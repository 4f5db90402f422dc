"""What reading one file may cost, for the Data page's uploads and for ``district-dashboard load``.

- An upload's size, before anything else (``check_upload_size``, setting ``upload_max_mb``).
- Every read (``dashboard.ingest.readers.read_table``): the file's size once unpacked, before a parser sees it (an
  XLSX is a zip, and a few megabytes of it can unpack to gigabytes of sheet XML; the sizes its directory declares
  are summed, and Python's zipfile never inflates a member past the size it declares), then its rows and cells,
  counted while it is read, the read stopping at the bound (``Tally``). ``ReadLimits.for_upload`` holds the Data
  page's bounds (settings ``upload_max_unpacked_mb``, ``upload_max_rows``, ``upload_max_cells``),
  ``ReadLimits.for_command_line`` the command line's (``load_max_*``), larger, for a state's files.
- An upload is read once, in a process of its own (``read_in_child``, run as ``python -m dashboard.ingest.uploads``;
  an upload's workbook is opened there too, ``heads_in_child``, for the guided import's look at its sheets;
  the guided import's suggestion, check and load of the same bytes share that one read, ``RECENT_READS``):
  at a lower priority, watched for memory (``upload_read_memory_mb``) and time (``upload_read_seconds``) and killed
  past either, so the app's process neither grows with a file nor stops serving other users while one is checked.

Each refusal is one problem naming the file, the bound and its setting, in the contract's ``FILE: message``."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import threading
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.core import paths
from dashboard.core.problems import FileRejected, Problem
from dashboard.store.settings import SETTINGS

if TYPE_CHECKING:
    from dashboard.ingest.raw import RawTable

MB = 1024 * 1024  # Streamlit's server.maxUploadSize counts megabytes of 1024 * 1024 bytes too
WATCH_SECONDS = 0.05  # how often the reading process's memory is looked at


def _mb(size_bytes: int) -> str:
    size = math.ceil(10 * size_bytes / MB) / 10  # rounded up: a file just over the limit never reads as equal
    return f"{size:,.1f}" if size < 100 else f"{size:,.0f}"


def check_upload_size(name: str, size_bytes: int, settings: dict[str, float] | None = None) -> None:
    """Raise ``FileRejected`` with ``NAME: the file is N MB; the Data page accepts up to M MB (setting
    upload_max_mb)`` when an upload is larger than the ``upload_max_mb`` setting; return None otherwise.
    ``settings`` is ``dashboard.store.settings.load(conn)`` (the values in force); without it the default applies."""
    limit_mb = float((settings or {}).get("upload_max_mb", SETTINGS["upload_max_mb"].default))
    if size_bytes > limit_mb * MB:
        raise FileRejected(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"the file is {_mb(size_bytes)} MB; the Data page accepts up to {limit_mb:g} MB (setting "
                    "upload_max_mb)",
                )
            ]
        )


@dataclass(frozen=True)
class ReadLimits:
    """The bounds of one read: unpacked size (MB), data rows, cells (rows times columns), and where they come from
    (``prefix`` of their settings: ``upload`` or ``load``). ``memory_mb`` and ``seconds`` bound the separate process
    an upload is read in."""

    unpacked_mb: float
    rows: int
    cells: int
    prefix: str = "load"
    memory_mb: float | None = None
    seconds: float | None = None

    @classmethod
    def for_upload(cls, settings: dict[str, float] | None = None) -> ReadLimits:
        v = _values(settings)
        return cls(
            v["upload_max_unpacked_mb"],
            int(v["upload_max_rows"]),
            int(v["upload_max_cells"]),
            "upload",
            v["upload_read_memory_mb"],
            v["upload_read_seconds"],
        )

    @classmethod
    def for_command_line(cls, settings: dict[str, float] | None = None) -> ReadLimits:
        v = _values(settings)
        return cls(v["load_max_unpacked_mb"], int(v["load_max_rows"]), int(v["load_max_cells"]), "load")

    def refusal(self, display_name: str, what: str, bound: str, setting: str) -> FileRejected:
        reader = "the Data page" if self.prefix == "upload" else "district-dashboard load"
        advice = "; load a file this large with district-dashboard load" if self.prefix == "upload" else ""
        return FileRejected(
            [
                Problem(
                    display_name,
                    None,
                    None,
                    f"{what}; {reader} reads {bound} (setting {self.prefix}_{setting}){advice}",
                )
            ]
        )


def _values(settings: dict[str, float] | None) -> dict[str, float]:
    return {name: float((settings or {}).get(name, s.default)) for name, s in SETTINGS.items()}


def check_unpacked(path: Path, display_name: str, limits: ReadLimits) -> None:
    """``FileRejected`` when the file, once unpacked, is larger than ``limits.unpacked_mb``: a workbook by the sizes
    its zip directory declares for its members (nothing is inflated), any other file by its own size."""
    size, packed = path.stat().st_size, False
    with path.open("rb") as handle:
        packed = handle.read(4) == b"PK\x03\x04"
    if packed:
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            packed = False  # not a readable zip: the workbook reader says so
    if size > limits.unpacked_mb * MB:
        what = f"the file unpacks to {_mb(size)} MB" if packed else f"the file is {_mb(size)} MB"
        raise limits.refusal(
            display_name, what, f"files of up to {limits.unpacked_mb:g} MB unpacked", "max_unpacked_mb"
        )


class Tally:
    """The rows and cells of a file read so far: ``add`` refuses the file as soon as either passes its bound, so a
    reader stops there instead of reading on."""

    def __init__(self, limits: ReadLimits, display_name: str):
        self.limits, self.display_name = limits, display_name
        self.rows = self.cells = 0

    def add(self, cells: int, rows: int = 1) -> None:
        self.rows += rows
        self.cells += cells
        if self.rows > self.limits.rows:
            raise self.limits.refusal(
                self.display_name,
                f"the file has more than {self.limits.rows:,} data rows",
                f"up to {self.limits.rows:,}",
                "max_rows",
            )
        if self.cells > self.limits.cells:
            raise self.limits.refusal(
                self.display_name,
                f"the file has more than {self.limits.cells:,} cells (rows times columns)",
                f"up to {self.limits.cells:,}",
                "max_cells",
            )


# --- an upload read in a process of its own -----------------------------------------------------------------------


def read_in_child(path: Path, display_name: str, limits: ReadLimits, **read_args) -> RawTable:
    """``read_table(path, display_name, limits=limits, **read_args)`` run in a separate, lower-priority process,
    killed when its memory passes ``limits.memory_mb`` or its time ``limits.seconds`` (then ``FileRejected`` says
    which); the table comes back as Arrow IPC. This thread waits meanwhile without holding the interpreter, so the
    app serves its other users."""
    import polars as pl

    from dashboard.ingest.raw import RawTable, fold_header

    key = _read_key(path, display_name, limits, read_args)
    expected = {fold_header(h) for h in read_args.get("expected_headers") or []}
    with _RECENT_LOCK:
        recent = _RECENT.get(key)
    # the same bytes read the same way a moment ago (the guided import's suggestion, then its check, then the load):
    # that table again, unless the caller's expected headers ask for the header-position check the read would make
    # (a header row holding two or more of them passes it, so the table read before is the table this read gives)
    if recent is not None and (not expected or len({fold_header(h) for h in recent.headers} & expected) >= 2):
        return recent
    head, body = _in_child("table", path, display_name, limits, read_args)
    table = RawTable(pl.read_ipc(io.BytesIO(body)), head["headers"], head["header_row"], head["encoding"])
    with _RECENT_LOCK:
        _RECENT.pop(key, None)
        _RECENT[key] = table
        while len(_RECENT) > RECENT_READS:
            _RECENT.pop(next(iter(_RECENT)))
    return table


RECENT_READS = 2  # the last uploads' tables kept in the app's process: one import's file (and one more user's)
_RECENT: dict[tuple, RawTable] = {}
_RECENT_LOCK = threading.Lock()


def is_workbook(path: Path) -> bool:
    """Whether the file is read as a workbook (it opens as a zip archive does), else as text: the one test for both
    the layout's choice of reader (``sniff``) and the key of a kept read."""
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _read_key(path: Path, display_name: str, limits: ReadLimits, read_args: dict) -> tuple:
    """What a read's table depends on: the file's bytes, its name, the bounds, and the arguments that matter for its
    kind (a workbook's sheet and header row; a text file's encodings, delimiter and header row)."""
    import hashlib

    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    shape: tuple
    if is_workbook(path):
        shape = (read_args.get("sheet"), read_args.get("header_row", 1))
    else:
        encodings = read_args.get("encodings")
        shape = (
            tuple(encodings) if encodings else None,
            read_args.get("delimiter", ","),
            read_args.get("header_row", 1),
        )
    return (digest, display_name, tuple(sorted(asdict(limits).items())), shape)


def heads_in_child(path: Path, display_name: str, limits: ReadLimits, rows: int) -> dict[str, list[list]]:
    """``dashboard.ingest.xlsx.sheet_heads`` (the first ``rows`` rows of every sheet) run as ``read_in_child`` runs a
    read: opening a workbook may parse a whole sheet (openpyxl looks for its size to the end of a sheet that does not
    state it), so an upload's workbook is opened in the bounded process too."""
    head, _ = _in_child("heads", path, display_name, limits, {"rows": rows})
    return head["heads"]


def _in_child(task: str, path: Path, display_name: str, limits: ReadLimits, args: dict) -> tuple[dict, bytes]:
    """One ``task`` of ``_child_main`` in a bounded process: its answer's first line (JSON) and the bytes after it."""
    check_unpacked(path, display_name, limits)  # here first: a zip bomb costs a look at its directory, no process
    request = json.dumps(
        {"task": task, "path": str(path), "display_name": display_name, "limits": asdict(limits), "args": args}
    ).encode()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(paths.ROOT), os.environ.get("PYTHONPATH")) if p)}
    child = subprocess.Popen(
        [sys.executable, "-m", "dashboard.ingest.uploads"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    over: list[float] = []
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(child, limits.memory_mb, over, done), daemon=True)
    watcher.start()
    try:
        out, err = child.communicate(request, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise limits.refusal(
            display_name,
            f"reading the file took longer than {limits.seconds:g} seconds, so it was stopped",
            f"for up to {limits.seconds:g} seconds",
            "read_seconds",
        ) from None
    finally:
        done.set()
        if child.poll() is None:
            child.kill()
            child.wait()
    if over:
        raise limits.refusal(
            display_name,
            f"reading the file needed more than {limits.memory_mb:g} MB of memory, so it was stopped",
            f"with up to {limits.memory_mb:g} MB",
            "read_memory_mb",
        )
    line, _, body = out.partition(b"\n")
    if child.returncode != 0 or not line:
        last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1][:300]
        raise FileRejected([Problem(display_name, None, None, f"the file could not be read ({last})")])
    head = json.loads(line)
    if "problems" in head:
        raise FileRejected([Problem(*p) for p in head["problems"]])
    return head, body


def _watch(child: subprocess.Popen, memory_mb: float | None, over: list[float], done: threading.Event) -> None:
    """Kill ``child`` once its resident memory passes ``memory_mb`` (Linux's /proc; elsewhere only the time bound
    holds)."""
    status = Path(f"/proc/{child.pid}/status")
    while memory_mb is not None and not done.wait(WATCH_SECONDS):
        try:
            rss_kb = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmRSS"))
        except (OSError, StopIteration, ValueError, IndexError):
            return  # gone, or no /proc here
        if rss_kb > memory_mb * 1024:
            over.append(rss_kb / 1024)
            child.kill()
            return


def _child_main() -> None:
    """The reading process: one request on standard input, the table (or the problems) on standard output."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)  # the app's own process comes first
    _die_with_parent()
    request = json.loads(sys.stdin.buffer.read())
    from dashboard.ingest import xlsx
    from dashboard.ingest.readers import read_table

    path, display_name, out = Path(request["path"]), request["display_name"], sys.stdout.buffer
    try:
        if request["task"] == "heads":
            heads = xlsx.sheet_heads(path, display_name, rows=request["args"]["rows"])
            out.write(json.dumps({"heads": heads}).encode() + b"\n")
            return
        raw = read_table(path, display_name, limits=ReadLimits(**request["limits"]), **request["args"])
    except FileRejected as rejected:
        out.write(json.dumps({"problems": [list(asdict(p).values()) for p in rejected.problems]}).encode() + b"\n")
        return
    out.write(json.dumps({"headers": raw.headers, "header_row": raw.header_row, "encoding": raw.encoding}).encode())
    out.write(b"\n")
    raw.frame.write_ipc(out)
    out.flush()


def _die_with_parent() -> None:
    """On Linux, ask to be killed with the app's process (PR_SET_PDEATHSIG): a stopped server leaves no reader."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


if __name__ == "__main__":  # the canonical module's classes, not a second copy of them under __main__
    from dashboard.ingest.uploads import _child_main as main

    main()
