"""What a condition could ever evaluate to: abstract interpretation for ``palace check``.

A condition is evaluated here not over one game state but over ``Facts``: every
value each variable can take (its initial value and every value an effect sets,
widened to an open interval when an effect adds to it), the earliest the clock
can be, and which scenes can be visited and which documents unlocked. The result
is the set of truth values the condition could have.

Rule: the analysis is sound. A value set only ever over-approximates what play
can produce, so "True is not possible" is a proof that the condition never holds;
anything the analysis cannot decide it reports as possibly true and possibly false.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from palace.clock import ClockConfig
from palace.expr.tree import Binary, Call, Literal, Name, Negate, Node, Not, TimeOfDay
from palace.state import Value


MAX_PAIRS = 256
"""Above this many value pairs, numbers are compared as intervals instead."""

BOTH = frozenset({True, False})


@dataclass(frozen=True, slots=True)
class Interval:
    """Whole numbers from ``low`` to ``high``, inclusive; None is unbounded."""

    low: int | None
    high: int | None

    def contains(self, value: int) -> bool:
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))


Abstract = frozenset[Value] | Interval
"""A finite set of the values an expression can take, or (numbers and times) a range."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What play can produce, as far as the analysis can tell, for one role."""

    role: str
    variables: Mapping[str, Abstract]
    visitable: frozenset[str]
    """Scenes that may have been visited."""
    unlockable: frozenset[str]
    """Documents that may have been unlocked."""
    beat_count: int
    clock: ClockConfig


def possible_values(node: Node, facts: Facts, *, clock_floor: int) -> Abstract:
    """Every value ``node`` could take where the clock is at least ``clock_floor``."""
    return _Evaluator(facts, clock_floor).value(node)


def truth_values(node: Node, facts: Facts, *, clock_floor: int) -> frozenset[bool]:
    """Whether the condition ``node`` could be true, false, or both."""
    result = possible_values(node, facts, clock_floor=clock_floor)
    if isinstance(result, Interval):
        return BOTH
    return frozenset(bool(v) for v in result)


def number_domain(bases: Iterable[int], increments: Iterable[int]) -> Abstract:
    """The values of a number that starts from one of ``bases`` and may have any of
    ``increments`` added any number of times."""
    values = frozenset(bases)
    steps = list(increments)
    if not any(steps):
        return frozenset[Value](values)
    low = None if any(s < 0 for s in steps) else min(values)
    high = None if any(s > 0 for s in steps) else max(values)
    return Interval(low, high)


class _Evaluator:
    def __init__(self, facts: Facts, clock_floor: int) -> None:
        self.facts = facts
        self.clock_floor = clock_floor

    def value(self, node: Node) -> Abstract:
        match node:
            case Literal(value=value):
                return frozenset({value})
            case TimeOfDay(hour=hour, minute=minute):
                return frozenset({self.facts.clock.resolve_time_of_day(hour, minute)})
            case Name(name="role"):
                return frozenset({self.facts.role})
            case Name(name="clock"):
                return Interval(self.clock_floor, None)
            case Name(name=name):
                return self.facts.variables[name]
            case Call():
                return self.call(node)
            case Not(operand=operand):
                return frozenset(not v for v in self.truths(operand))
            case Negate(operand=operand):
                return _negate(self.value(operand))
            case Binary():
                return self.binary(node)
        raise AssertionError(node)  # pragma: no cover

    def truths(self, node: Node) -> frozenset[bool]:
        result = self.value(node)
        return BOTH if isinstance(result, Interval) else frozenset(bool(v) for v in result)

    def call(self, node: Call) -> Abstract:
        facts, name = self.facts, node.argument
        match node.function:
            case "visited":
                return BOTH if name in facts.visitable else frozenset({False})
            case "visits":
                return Interval(0, None) if name in facts.visitable else frozenset({0})
            case "seen" | "read":
                return BOTH if name in facts.unlockable else frozenset({False})
            case "beats":
                return Interval(0, facts.beat_count)
        return frozenset({"none", "myth", "archive"})

    def binary(self, node: Binary) -> Abstract:
        if node.operator in ("and", "or"):
            return _logic(node.operator, self.truths(node.left), self.truths(node.right))
        left, right = self.value(node.left), self.value(node.right)
        if node.operator in ("+", "-"):
            return _arithmetic(node.operator, left, right)
        return _compare(node.operator, left, right)


def _logic(operator_: str, left: frozenset[bool], right: frozenset[bool]) -> Abstract:
    if operator_ == "and":
        return frozenset(a and b for a in left for b in right)
    return frozenset(a or b for a in left for b in right)


_ARITHMETIC: dict[str, Callable[[int, int], int]] = {"+": operator.add, "-": operator.sub}
_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _pairs(left: Abstract, right: Abstract) -> list[tuple[Value, Value]] | None:
    """Every pair of values when both sides are small finite sets, else None."""
    if isinstance(left, Interval) or isinstance(right, Interval):
        return None
    if len(left) * len(right) > MAX_PAIRS:
        return None
    return list(itertools.product(left, right))


def _arithmetic(operator_: str, left: Abstract, right: Abstract) -> Abstract:
    pairs = _pairs(left, right)
    apply = _ARITHMETIC[operator_]
    if pairs is not None:
        return frozenset(apply(int(a), int(b)) for a, b in pairs)
    a, b = _interval(left), _interval(right)
    if operator_ == "+":
        return Interval(_add(a.low, b.low), _add(a.high, b.high))
    return Interval(_sub(a.low, b.high), _sub(a.high, b.low))


def _compare(operator_: str, left: Abstract, right: Abstract) -> Abstract:
    pairs = _pairs(left, right)
    if pairs is not None:
        compare = _COMPARE[operator_]
        return frozenset(compare(a, b) for a, b in pairs)
    if not _is_numeric(left) or not _is_numeric(right):
        return BOTH
    return _compare_intervals(operator_, _interval(left), _interval(right))


def _compare_intervals(operator_: str, a: Interval, b: Interval) -> frozenset[bool]:
    flipped = {">": "<", ">=": "<="}
    if operator_ in flipped:
        return _compare_intervals(flipped[operator_], b, a)
    if operator_ == "!=":
        return frozenset(not v for v in _compare_intervals("==", a, b))
    if operator_ == "==":
        can_be_true = _below_or_at(a.low, b.high) and _below_or_at(b.low, a.high)
        single = a.low is not None and a.low == a.high == b.low == b.high
        return _outcomes(can_be_true, not single)
    strict = operator_ == "<"
    # a < b can hold when a's least is below b's greatest; fail when a's greatest reaches b's least.
    can_be_true = _below(a.low, b.high) if strict else _below_or_at(a.low, b.high)
    can_be_false = _below_or_at(b.low, a.high) if strict else _below(b.low, a.high)
    return _outcomes(can_be_true, can_be_false)


def _outcomes(can_be_true: bool, can_be_false: bool) -> frozenset[bool]:
    return frozenset(v for v, ok in ((True, can_be_true), (False, can_be_false)) if ok)


def _below(low: int | None, high: int | None) -> bool:
    return low is None or high is None or low < high


def _below_or_at(low: int | None, high: int | None) -> bool:
    return low is None or high is None or low <= high


def _is_numeric(value: Abstract) -> bool:
    return isinstance(value, Interval) or all(
        isinstance(v, int) and not isinstance(v, bool) for v in value)


def _interval(value: Abstract) -> Interval:
    if isinstance(value, Interval):
        return value
    numbers = [int(v) for v in value]
    return Interval(min(numbers), max(numbers))


def _negate(value: Abstract) -> Abstract:
    if isinstance(value, Interval):
        return Interval(_sub(0, value.high), _sub(0, value.low))
    return frozenset(-int(v) for v in value)


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _sub(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b
