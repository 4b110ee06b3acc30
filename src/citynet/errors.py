"""Errors that citynet reports to people: each says where, what and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass
class CitynetError(Exception):
    """A problem with input that the user can fix; the CLI prints it without a traceback."""

    #: The CLI's exit code for it (a class attribute, not a field): 2, bad input or a refusal.
    exit_code: ClassVar[int] = 2

    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(CitynetError):
    """A file or argument that cannot be read or parsed (CLI exit code 2)."""


class QueryError(CitynetError):
    """A query, or a parameter for one, that cannot be run as given (CLI exit code 2)."""
