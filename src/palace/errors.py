"""Every error Palace raises, and the diagnostics that story errors carry.

Rule: modules below the command line raise these; only ``cli`` turns them into
output and exit codes. A message says what is wrong, where, and what to do.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class SourceLoc:
    """A place in a story file; line and column count from 1, as editors do."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about a story: where, how bad, what, and a stable code."""

    loc: SourceLoc | None
    severity: Severity
    message: str
    code: str

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        return f"{where}{self.severity}: {self.message} [{self.code}]"

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.loc is None:
            return ("", 0, 0, self.message)
        return (self.loc.file, self.loc.line, self.loc.column, self.message)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``candidates`` to ``word``, or nothing."""
    from difflib import get_close_matches  # only when a message needs it: start-up stays lean

    close = get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class PalaceError(Exception):
    """The root of every error that is the user's or the author's to fix."""


class StoryError(PalaceError):
    """A story that cannot be loaded; carries every diagnostic found, not only the first,
    and a ``note`` when some of the story could not be checked (a file that could not be
    read hides what it declares, so references to it are not checked)."""

    def __init__(self, diagnostics: Iterable[Diagnostic], note: str | None = None) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        self.note = note
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        if self.note:
            lines.append(self.note)
        errors = sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)
        lines.append(f"{errors} error{'s' if errors != 1 else ''}: the story was not loaded.")
        return "\n".join(lines)


class ExpressionError(PalaceError):
    """A condition or text template that does not parse or type-check.

    ``offset`` is the position in the expression's source where the problem lies,
    so the loader can point at the exact column in the story file.
    """

    def __init__(self, message: str, offset: int = 0, *, code: str = "bad-condition") -> None:
        self.message = message
        self.offset = offset
        self.code = code
        super().__init__(message)


class SaveError(PalaceError):
    """A save that cannot be read or written, or a slot name that is not allowed.

    ``code`` names the kind of problem, as a diagnostic's code does; docs/errors.md
    lists every one with an example and what to do.
    """

    def __init__(self, message: str, *, code: str) -> None:
        self.code = code
        super().__init__(message)


class RuleError(PalaceError):
    """The engine was asked for a move the story does not allow: a bug in the caller."""


class TranscriptError(PalaceError):
    """A transcript that cannot be opened or written; the game goes on without it."""
