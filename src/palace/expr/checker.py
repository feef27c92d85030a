"""Checking a condition against the story: every name it uses is declared, every
operator has operands of the right types, and the whole has a type.

The checker also records what a condition reads (``Usage``), for the checks that
report variables never used or never set. A fault is an ``ExpressionError`` with the
offset of the part at fault and, where a fix is likely, a suggestion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from palace.clock import ClockConfig
from palace.errors import ExpressionError, suggest
from palace.expr.tree import Binary, Call, Literal, Name, Negate, Node, Not, TimeOfDay, Type
from palace.state import Account


@dataclass(frozen=True, slots=True)
class Scope:
    """What a condition may name, as the loader knows it once every file is read."""

    variables: Mapping[str, Type]
    scenes: Collection[str]
    documents: Collection[str]
    beats: Collection[str]
    roles: Collection[str]
    clock: ClockConfig


@dataclass(slots=True)
class Usage:
    """What a checked expression reads: the checks report unused and unset variables."""

    variables: set[str] = field(default_factory=set)
    scenes: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)


_CALL_TYPES = {
    "visited": Type.BOOL, "visits": Type.NUMBER, "seen": Type.BOOL,
    "read": Type.BOOL, "beats": Type.NUMBER, "account": Type.TEXT,
}


def check(node: Node, scope: Scope, usage: Usage | None = None) -> Type:
    """Type-check a tree against the story; return its type or raise ``ExpressionError``."""
    usage = usage if usage is not None else Usage()
    return _check(node, scope, usage)


def _check(node: Node, scope: Scope, usage: Usage) -> Type:
    match node:
        case Literal(type=kind):
            return kind
        case TimeOfDay():
            return Type.TIME
        case Name(name=name, offset=offset):
            return _check_name(name, offset, scope, usage)
        case Call():
            _check_call(node, scope, usage)
            return _CALL_TYPES[node.function]
        case Not(operand=operand, offset=offset):
            _require(_check(operand, scope, usage), Type.BOOL, "'not'", offset)
            return Type.BOOL
        case Negate(operand=operand, offset=offset):
            _require(_check(operand, scope, usage), Type.NUMBER, "'-'", offset)
            return Type.NUMBER
        case Binary():
            return _check_binary(node, scope, usage)
    raise AssertionError(node)  # pragma: no cover


def _check_name(name: str, offset: int, scope: Scope, usage: Usage) -> Type:
    if name == "role":
        return Type.TEXT
    if name == "clock":
        return Type.TIME
    kind = scope.variables.get(name)
    if kind is None:
        raise ExpressionError(
            f"unknown variable '{name}'{suggest(name, scope.variables)}; "
            "declare it under 'variables' in story.yaml", offset, code="undeclared-variable")
    usage.variables.add(name)
    return kind


def _check_call(node: Call, scope: Scope, usage: Usage) -> None:
    kinds: dict[str, tuple[str, Collection[str], set[str] | None]] = {
        "visited": ("scene", scope.scenes, usage.scenes),
        "visits": ("scene", scope.scenes, usage.scenes),
        "seen": ("document", scope.documents, usage.documents),
        "read": ("document", scope.documents, usage.documents),
        "beats": ("account", [a.value for a in Account], None),
        "account": ("beat", scope.beats, None),
    }
    what, known, used = kinds[node.function]
    if node.argument not in known:
        raise ExpressionError(
            f"{node.function}() names unknown {what} '{node.argument}'"
            f"{suggest(node.argument, known)}", node.argument_offset, code="missing-target")
    if used is not None:
        used.add(node.argument)


def _check_binary(node: Binary, scope: Scope, usage: Usage) -> Type:
    left = _check(node.left, scope, usage)
    right = _check(node.right, scope, usage)
    operator, offset = node.operator, node.offset
    if operator in ("and", "or"):
        _require(left, Type.BOOL, f"'{operator}'", offset)
        _require(right, Type.BOOL, f"'{operator}'", offset)
        return Type.BOOL
    if operator in ("+", "-"):
        return _arithmetic_type(operator, left, right, offset)
    if left != right:
        raise ExpressionError(f"cannot compare a {left} with a {right} using '{operator}'", offset)
    if operator not in ("==", "!=") and left not in (Type.NUMBER, Type.TIME):
        raise ExpressionError(f"'{operator}' compares numbers or times, not a {left}", offset)
    _check_role_literal(node, scope)
    _check_account_literal(node)
    return Type.BOOL


def _arithmetic_type(operator: str, left: Type, right: Type, offset: int) -> Type:
    if left == right == Type.NUMBER:
        return Type.NUMBER
    if left == Type.TIME and right == Type.NUMBER:
        return Type.TIME
    if operator == "+" and left == Type.NUMBER and right == Type.TIME:
        return Type.TIME
    if operator == "-" and left == right == Type.TIME:
        return Type.NUMBER
    raise ExpressionError(f"cannot use '{operator}' on a {left} and a {right}", offset)


def _check_role_literal(node: Binary, scope: Scope) -> None:
    for side, other in ((node.left, node.right), (node.right, node.left)):
        is_role = isinstance(side, Name) and side.name == "role"
        if is_role and isinstance(other, Literal) and other.value not in scope.roles:
            raise ExpressionError(
                f"'{other.value}' is not a role{suggest(str(other.value), scope.roles)}; "
                f"roles: {', '.join(sorted(scope.roles))}", other.offset,
                code="missing-target")


ACCOUNT_VALUES = (*(a.value for a in Account), "none")
"""What ``account(beat)`` gives: the account the beat followed, or none yet."""


def _check_account_literal(node: Binary) -> None:
    """Refuse comparing ``account(beat)`` with a text it can never be."""
    for side, other in ((node.left, node.right), (node.right, node.left)):
        is_account = isinstance(side, Call) and side.function == "account"
        if is_account and isinstance(other, Literal) and other.value not in ACCOUNT_VALUES:
            *others, last = (f"'{value}'" for value in ACCOUNT_VALUES)
            raise ExpressionError(
                f"account() gives {', '.join(others)} or {last}, never '{other.value}'"
                f"{suggest(str(other.value), ACCOUNT_VALUES)}", other.offset,
                code="wrong-value")


def _require(actual: Type, wanted: Type, where: str, offset: int) -> None:
    if actual != wanted:
        raise ExpressionError(f"{where} needs a {wanted}, not a {actual}", offset)
