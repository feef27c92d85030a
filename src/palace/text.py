"""Text templates: story prose with ``{name}`` interpolations, parsed once at load.

``{courage}`` shows a variable's value, ``{clock}`` the in-game time (``21:40``),
``{date}`` the full date with its Gregorian equivalent, and ``{role}`` the player's
role name. ``{{`` and ``}}`` write literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from palace.clock import ClockConfig, format_hhmm
from palace.errors import ExpressionError
from palace.state import GameState


TEXT_BUILTINS = frozenset({"clock", "date", "role"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Named(Protocol):
    """Anything with a name to show: a story's roles."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Slot:
    """A ``{name}`` in a template, with its offset for error messages."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Template:
    """Prose with ``{slots}``, split at load into literal text and the slots to fill."""

    source: str
    parts: tuple[str | Slot, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return ()  # most prose: asked of every template at load, so kept cheap
        return tuple(part for part in self.parts if isinstance(part, Slot))

    def render(self, state: GameState, *, clock: ClockConfig,
               roles: Mapping[str, Named]) -> str:
        """The text for ``state``; ``roles`` names each role id (``{role}``)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        pieces: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(_value_of(part.name, state, clock, roles))
        return "".join(pieces)


_PIECE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def parse_template(source: str) -> Template:
    """Split text into literal runs and ``{name}`` slots; raise ``ExpressionError`` if malformed."""
    if "{" not in source and "}" not in source:
        return Template(source, (source,))
    parts: list[str | Slot] = []
    literal: list[str] = []
    position = 0
    for match in _PIECE.finditer(source):
        literal.append(source[position:match.start()])
        position = match.end()
        piece = match.group()
        if piece in ("{{", "}}"):
            literal.append(piece[0])
        elif piece == "{":
            raise ExpressionError("'{' is never closed; write '{{' for a literal brace",
                                  match.start(), code="bad-text")
        elif piece == "}":
            raise ExpressionError("'}' has no matching '{'; write '}}' for a literal brace",
                                  match.start(), code="bad-text")
        else:
            name = match.group(1).strip()
            if not _NAME.fullmatch(name):
                raise ExpressionError(
                    f"'{{{name}}}' is not a variable name; write '{{{{' for a literal brace",
                    match.start(), code="bad-text")
            if any(literal):
                parts.append("".join(literal))
            literal = []
            parts.append(Slot(name, match.start()))
    literal.append(source[position:])
    if any(literal) or not parts:
        parts.append("".join(literal))
    return Template(source, tuple(parts))


def _value_of(name: str, state: GameState, clock: ClockConfig,
              roles: Mapping[str, Named]) -> str:
    if name == "clock":
        return format_hhmm(state.clock)
    if name == "date":
        return clock.describe(state.clock)
    if name == "role":
        role = roles.get(state.role)
        return role.name if role is not None else state.role
    value = state.variables[name]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
