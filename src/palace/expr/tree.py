"""A parsed condition: the types its values can have, and the nodes of its tree.

Every node keeps the offset in the condition's text where it starts, so that a
fault found later (by the checker, or by ``palace check``'s analyses) can point at it.

Rule: plain data. The parser builds trees, the checker types them, the compiler
turns them into functions; the analyses in ``abstract``, ``paths`` and ``checks``
walk them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from palace.state import Value


class Type(enum.StrEnum):
    """The type of a condition's value, named by the word authors see in manifests and messages."""

    BOOL = "flag"
    NUMBER = "number"
    TEXT = "text"
    TIME = "time"


def holds(kind: Type, value: Value) -> bool:
    """Whether ``value`` is of type ``kind`` (a flag is never a number, though Python's
    booleans are ints)."""
    if kind is Type.BOOL:
        return isinstance(value, bool)
    if kind is Type.NUMBER:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def literal(value: Value) -> str:
    """``value`` as a condition would write it: ``true``, ``3``, ``"sailor"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else f'"{value}"'


@dataclass(frozen=True, slots=True)
class Literal:
    """A value written out: ``true``, ``3`` or ``"sailor"``."""

    value: Value
    type: Type
    offset: int


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """A time written ``21:40``: its first occurrence at or after the clock's start."""

    hour: int
    minute: int
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    """A story variable, or the built-in ``role`` or ``clock``."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    """A function of one bare name, such as ``visited(hall)``."""

    function: str
    argument: str
    offset: int
    argument_offset: int


@dataclass(frozen=True, slots=True)
class Not:
    """``not`` a flag."""

    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Negate:
    """``-`` a number."""

    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Binary:
    """Two operands and what joins them: ``and``, ``or``, a comparison, ``+`` or ``-``."""

    operator: str
    left: Node
    right: Node
    offset: int


Node = Literal | TimeOfDay | Name | Call | Not | Negate | Binary


def names_in(node: Node) -> list[Node]:
    """Every node of a tree, parents before children (for tools that walk conditions)."""
    found: list[Node] = [node]
    match node:
        case Not(operand=operand) | Negate(operand=operand):
            found.extend(names_in(operand))
        case Binary(left=left, right=right):
            found.extend(names_in(left))
            found.extend(names_in(right))
    return found
