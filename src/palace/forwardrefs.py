"""The ids a story declares, and the references to ids no file has declared yet.

The loader reads each file as soon as it is composed, so a scene may name a scene,
document or beat that only a later file declares. Such a reference is recorded
here with where it was made, and checked once every file is read; so are the few
checks whose outcome depends on it (a condition naming the id, a scene's choice
ids). The "did you mean ..." of a missing id is worked out then, against every id
of the story, so every message is what it would be had every id been known from
the start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from palace.errors import Diagnostic, Severity, SourceLoc, suggest


@dataclass
class DeclaredIds:
    """Every scene, document, beat and ending id declared so far, with where it first was
    (endings only to be told apart: tools count them by id)."""

    scenes: dict[str, SourceLoc] = field(default_factory=dict)
    documents: dict[str, SourceLoc] = field(default_factory=dict)
    beats: dict[str, SourceLoc] = field(default_factory=dict)
    endings: dict[str, SourceLoc] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, SourceLoc]:
        """The ids of one ``kind``: ``scene``, ``document``, ``beat`` or ``ending``."""
        if kind == "scene":
            return self.scenes
        if kind == "document":
            return self.documents
        if kind == "beat":
            return self.beats
        if kind == "ending":
            return self.endings
        raise ValueError(f"no ids of kind {kind!r}")

    def declare(self, kind: str, item_id: str, loc: SourceLoc) -> Diagnostic | None:
        """Declare ``item_id``, or say why not: the first declaration keeps it."""
        table = self.table(kind)
        first = table.get(item_id)
        if first is not None:
            return Diagnostic(loc, Severity.ERROR, f"{kind} id '{item_id}' is already used "
                              f"at {first}; ids must be unique", "duplicate-id")
        table[item_id] = loc
        return None


Place = tuple[str, int, int]
"""A file, line and column, as a ``SourceLoc`` holds them: the many references that
turn out well are noted as these, which cost a tenth as much to make."""


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a value's text starts, able to point into that text once its node is gone.

    ``shift`` is what a column within the text adds beyond the offset (1 for the
    opening quote of a quoted scalar), or None when offsets cannot be placed (the
    text runs over several lines): then every offset points at the start.
    """

    loc: SourceLoc
    shift: int | None

    def at(self, offset: int) -> SourceLoc:
        if not offset or self.shift is None:
            return self.loc
        return SourceLoc(self.loc.file, self.loc.line, self.loc.column + offset + self.shift)


class LateCheck(Protocol):
    """A check that needs every id of the story, made once every file is read.

    ``complete`` is False when some file could not be read: an id not declared may
    then be one of its, so the check takes every id as declared and reports only what
    no missing file could explain.
    """

    def problems(self, complete: bool) -> Iterable[Diagnostic]: ...


class ForwardRefs:
    """References to ids not declared yet, and the checks waiting on them."""

    def __init__(self, ids: DeclaredIds) -> None:
        self.ids = ids
        self._references: list[tuple[str, str, Place]] = []
        self._checks: list[LateCheck] = []

    def refer(self, kind: str, item_id: str, place: Place) -> None:
        """Note a reference at ``place`` to ``item_id``, which may be declared later."""
        self._references.append((kind, item_id, place))

    def defer(self, check: LateCheck) -> None:
        self._checks.append(check)

    def problems(self, *, complete: bool = True) -> list[Diagnostic]:
        """Every reference still to an unknown id, and every deferred check's findings.
        If the story is not ``complete`` (a file could not be read, and its ids with
        it), references are not checked: each unknown id might be one of the missing."""
        found: list[Diagnostic] = []
        messages: dict[tuple[str, str], str] = {}  # a suggestion takes a while: once each
        for kind, item_id, place in self._references if complete else ():
            known = self.ids.table(kind)
            if item_id in known:
                continue
            message = messages.get((kind, item_id))
            if message is None:
                message = messages[kind, item_id] = (f"unknown {kind} '{item_id}'"
                                                     f"{suggest(item_id, known)}")
            found.append(Diagnostic(SourceLoc(*place), Severity.ERROR, message,
                                    "missing-target"))
        for check in self._checks:
            found.extend(check.problems(complete))
        return found
