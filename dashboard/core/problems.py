"""What is wrong with a file, in the contract's words: ``FILE:ROW: COLUMN: message`` or ``FILE: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.file}: {self.column + ': ' if self.column else ''}{self.message}"
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


class FileRejected(Exception):
    """A file cannot be read at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
