"""Compiling a checked condition into a function of the game state.

A tree becomes a chain of small Python closures, one per node: nothing calls
``eval`` or ``exec``, and evaluating a condition walks no tree.
"""

from __future__ import annotations

from collections.abc import Callable

from palace.clock import ClockConfig
from palace.expr.tree import Binary, Call, Literal, Name, Negate, Node, Not, TimeOfDay
from palace.state import GameState, Value


Evaluator = Callable[[GameState], Value]
"""A compiled condition: its value in a game state."""

_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def compile_node(node: Node, clock: ClockConfig) -> Evaluator:
    """Turn a checked tree into a function of the game state."""
    match node:
        case Literal(value=value):
            return lambda _state: value
        case TimeOfDay(hour=hour, minute=minute):
            minutes = clock.resolve_time_of_day(hour, minute)
            return lambda _state: minutes
        case Name(name="role"):
            return lambda state: state.role
        case Name(name="clock"):
            return lambda state: state.clock
        case Name(name=name):
            return lambda state: state.variables[name]
        case Call():
            return _compile_call(node)
        case Not(operand=operand):
            inner = compile_node(operand, clock)
            return lambda state: not inner(state)
        case Negate(operand=operand):
            inner = compile_node(operand, clock)
            return lambda state: -_number(inner(state))
        case Binary():
            return _compile_binary(node, clock)
    raise AssertionError(node)  # pragma: no cover


def _compile_call(node: Call) -> Evaluator:
    name = node.argument
    match node.function:
        case "visited":
            return lambda state: state.visits.get(name, 0) > 0
        case "visits":
            return lambda state: state.visits.get(name, 0)
        case "seen":
            return lambda state: name in state.documents
        case "read":
            return lambda state: name in state.read
        case "beats":
            return lambda state: sum(1 for e in state.accounts if e.account == name)
        case "account":
            return lambda state: str(state.account_of(name) or "none")
    raise AssertionError(node.function)  # pragma: no cover


def _compile_binary(node: Binary, clock: ClockConfig) -> Evaluator:
    left = compile_node(node.left, clock)
    right = compile_node(node.right, clock)
    match node.operator:
        case "and":
            return lambda state: bool(left(state)) and bool(right(state))
        case "or":
            return lambda state: bool(left(state)) or bool(right(state))
        case "+":
            return lambda state: _number(left(state)) + _number(right(state))
        case "-":
            return lambda state: _number(left(state)) - _number(right(state))
    compare = _COMPARE[node.operator]
    return lambda state: compare(left(state), right(state))


def _number(value: Value) -> int:
    # Booleans are ints to Python; the checker already refused them here.
    return int(value)
