"""How a loading process asks polars' memory allocator to hand freed memory back to the system at once.

polars allocates through jemalloc, and sets it (polars/__init__.py) to keep freed pages for half a second and then
a second more before the system has them back, any ``_RJEM_MALLOC_CONF`` of the process appended (the later setting
wins). A load makes several passes over a large file, each freeing what the one before built: the file's text once every
row is typed, the typed pieces once they are one table, each written chunk. Kept pages stack up across the passes,
so the process's peak is far above what it holds at any moment. Measured on the 2,000-school CPL file (2.5 M
meetings, one load on SQLite, 2026-12-04): peak 1,757 MB with polars' setting, 1,372-1,376 MB returning at once;
the load took 11.1 s and 12.5 s.

The server keeps the default: its pages reuse what they free, and returning memory at once made cold pages slower
(the equity page 0.53 to 0.83 s at 2,000 schools). jemalloc reads its settings once, when polars is first imported,
so this must run before that; an operator's own ``_RJEM_MALLOC_CONF`` is kept as it is.
"""

from __future__ import annotations

import os
import sys

SETTING = "_RJEM_MALLOC_CONF"  # jemalloc's settings as polars builds it (symbols prefixed _rjem_)
RETURN_AT_ONCE = "dirty_decay_ms:0,muzzy_decay_ms:0"


def for_loading() -> bool:
    """Ask for freed memory to be returned at once, if polars is not yet loaded in this process and the operator
    set nothing; True when the setting is in force."""
    if "polars" not in sys.modules:
        os.environ.setdefault(SETTING, RETURN_AT_ONCE)
    return os.environ.get(SETTING, "").endswith(RETURN_AT_ONCE)  # polars puts its own ahead of it
