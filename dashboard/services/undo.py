"""Undoing an import, written once for the CLI (``district-dashboard imports undo``) and the Data page: restore the
state before the import, then its audit entry."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.auth import access, audit
from dashboard.ingest import imports
from dashboard.ingest.imports import UndoRefused

__all__ = ["UndoRefused", "undo", "undo_for"]


def undo(engine: sa.Engine, import_id: int, *, user: str | None, audit_user: str) -> str:
    """Undo import ``import_id`` as ``user`` and record it under ``audit_user``; returns what was done. Raises
    ``UndoRefused`` (nothing written, nothing recorded) when a later import changed what it wrote."""
    message = imports.undo(engine, import_id, user=user)
    audit.record(engine, audit_user, "undo", f"import {import_id}")
    return message


def undo_for(engine: sa.Engine, caller: access.Caller, import_id: int) -> tuple[bool, str]:
    """Undo one import for an admin: (done, what happened or why it was refused), recorded in the audit log."""
    if not caller.may_open("data"):  # undo is an admin's; fail closed whatever the page showed
        raise PermissionError("only an admin may undo an import")
    try:
        return True, undo(engine, import_id, user=caller.username, audit_user=caller.username)
    except UndoRefused as refused:
        return False, str(refused)
