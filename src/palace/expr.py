"""The condition language: parsed once at load into a tree, type-checked, then compiled.

Grammar (lowest precedence first)::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := unary (("+" | "-") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | STRING | TIME | "true" | "false" | NAME
             | NAME "(" NAME ")" | "(" expr ")"

Names are story variables and the built-ins ``role`` (the player's role id) and
``clock`` (the in-game time). Functions take one bare name: ``visited(scene)``,
``visits(scene)``, ``seen(document)``, ``read(document)``, ``beats(myth)``,
``account(beat)``. A time is written ``21:40`` and means its first occurrence at
or after the story clock's start.

Rule: nothing here calls ``eval`` or ``exec``. A tree is compiled to a chain of
small Python closures over the game state, which is both safe and fast.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from palace.clock import ClockConfig, parse_time
from palace.errors import ExpressionError, suggest
from palace.state import MAX_DIGITS, Account, GameState, Value


class Type(enum.StrEnum):
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


KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
BUILTIN_NAMES = frozenset({"role", "clock"})
FUNCTIONS = frozenset({"visited", "visits", "seen", "read", "beats", "account"})
RESERVED = KEYWORDS | BUILTIN_NAMES | FUNCTIONS | {"date", "time"}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<time>[0-9]{1,2}:[0-9]{2})
  | (?P<number>[0-9]+)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\(|\)|,)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    offset: int


# --- the tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value
    type: Type
    offset: int


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    hour: int
    minute: int
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    argument: str
    offset: int
    argument_offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str
    left: Node
    right: Node
    offset: int


Node = Literal | TimeOfDay | Name | Call | Not | Negate | Binary


# --- parsing --------------------------------------------------------------------------


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise _bad_character(source, position)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _bad_character(source: str, position: int) -> ExpressionError:
    char = source[position]
    if char not in "'\"":
        return ExpressionError(f"unexpected character '{char}'", position)
    end = source.find(char, position + 1)
    if end < 0:
        return ExpressionError(f"unclosed string: add the closing {char}", position)
    # The string pattern stops at a backslash, so a string that is closed held one.
    backslash = source.find("\\", position, end)
    return ExpressionError("a text in a condition cannot hold a backslash; there are no "
                           "escapes in conditions", backslash)


MAX_NESTING = 50
"""How deep a condition may nest (brackets, ``not``, ``-``, and chains of operators, each
a level): far deeper than any story writes, and shallow enough that checking and
running it never come near Python's recursion limit."""


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text in texts)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.at(kind, text):
            raise ExpressionError(f"expected {what}, found {_describe(self.current)}",
                                  self.current.offset)
        return self.advance()

    def parse(self) -> Node:
        if self.at("end"):
            raise ExpressionError("the condition is empty", 0)
        node = self.parse_or()
        if not self.at("end"):
            raise ExpressionError(f"unexpected {_describe(self.current)}", self.current.offset)
        _check_nesting(node)
        return node

    def nested(self, parse: Callable[[], Node], offset: int) -> Node:
        """Parse a part one level deeper (the parser recurses there), refusing too many."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _too_complex(offset)
        node = parse()
        self.depth -= 1
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.at("name", "or"):
            offset = self.advance().offset
            node = Binary("or", node, self.parse_and(), offset)
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.at("name", "and"):
            offset = self.advance().offset
            node = Binary("and", node, self.parse_not(), offset)
        return node

    def parse_not(self) -> Node:
        if self.at("name", "not"):
            offset = self.advance().offset
            return Not(self.nested(self.parse_not, offset), offset)
        return self.parse_compare()

    def parse_compare(self) -> Node:
        node = self.parse_sum()
        if self.at("op", *COMPARISONS):
            token = self.advance()
            node = Binary(token.text, node, self.parse_sum(), token.offset)
            if self.at("op", *COMPARISONS):
                raise ExpressionError("comparisons cannot be chained; join them with 'and'",
                                      self.current.offset)
        return node

    def parse_sum(self) -> Node:
        node = self.parse_unary()
        while self.at("op", "+", "-"):
            token = self.advance()
            node = Binary(token.text, node, self.parse_unary(), token.offset)
        return node

    def parse_unary(self) -> Node:
        if self.at("op", "-"):
            offset = self.advance().offset
            return Negate(self.nested(self.parse_unary, offset), offset)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            if len(token.text) > MAX_DIGITS:
                raise ExpressionError(f"the number is too large: a whole number in a story has "
                                      f"at most {MAX_DIGITS} digits", token.offset)
            return Literal(int(token.text), Type.NUMBER, token.offset)
        if token.kind == "string":
            self.advance()
            return Literal(token.text[1:-1], Type.TEXT, token.offset)
        if token.kind == "time":
            self.advance()
            try:
                hour, minute = parse_time(token.text)
            except ValueError as error:
                raise ExpressionError(str(error), token.offset) from None
            return TimeOfDay(hour, minute, token.offset)
        if self.at("op", "("):
            self.advance()
            node = self.nested(self.parse_or, token.offset)
            self.expect("op", ")", "')'")
            return node
        if token.kind == "name":
            return self.parse_name()
        raise ExpressionError(f"expected a value, found {_describe(token)}", token.offset)

    def parse_name(self) -> Node:
        token = self.advance()
        if token.text in ("true", "false"):
            return Literal(token.text == "true", Type.BOOL, token.offset)
        if token.text in ("and", "or", "not"):
            raise ExpressionError(f"expected a value before '{token.text}'", token.offset)
        if not self.at("op", "("):
            if token.text in FUNCTIONS:
                raise ExpressionError(
                    f"'{token.text}' is a function; write {token.text}(name)", token.offset)
            return Name(token.text, token.offset)
        if token.text not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function '{token.text}'{suggest(token.text, FUNCTIONS)}; "
                f"known functions: {', '.join(sorted(FUNCTIONS))}", token.offset)
        self.advance()
        argument = self.current
        if argument.kind != "name" or argument.text in KEYWORDS:
            raise ExpressionError(
                f"{token.text}() takes one bare name, found {_describe(argument)}",
                argument.offset)
        self.advance()
        self.expect("op", ")", f"')' to close {token.text}(")
        return Call(token.text, argument.text, token.offset, argument.offset)


def parse(source: str) -> Node:
    """Parse a condition into a tree; raise ``ExpressionError`` with the offset of the fault."""
    return _Parser(source).parse()


def _too_complex(offset: int) -> ExpressionError:
    return ExpressionError(f"the condition is too complex: more than {MAX_NESTING} levels of "
                           "brackets, 'not', '-' and operators; split it into simpler ones",
                           offset)


def _check_nesting(root: Node) -> None:
    """Refuse a tree deeper than ``MAX_NESTING``: a long chain such as ``a + a + ...`` is
    parsed in a loop but makes a deep tree, which checking would walk recursively."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise _too_complex(node.offset)
        match node:
            case Not(operand=operand) | Negate(operand=operand):
                stack.append((operand, depth + 1))
            case Binary(left=left, right=right):
                stack += [(left, depth + 1), (right, depth + 1)]


def _describe(token: Token) -> str:
    return "the end of the condition" if token.kind == "end" else f"'{token.text}'"


# --- checking -------------------------------------------------------------------------


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


def _require(actual: Type, wanted: Type, where: str, offset: int) -> None:
    if actual != wanted:
        raise ExpressionError(f"{where} needs a {wanted}, not a {actual}", offset)


# --- compiling ------------------------------------------------------------------------

Evaluator = Callable[[GameState], Value]

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
