"""Reading a condition: its text into tokens, and the tokens into a tree.

Grammar (lowest precedence first)::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := unary (("+" | "-") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | STRING | TIME | "true" | "false" | NAME
             | NAME "(" NAME ")" | "(" expr ")"

A fault is an ``ExpressionError`` with the offset in the text where it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from palace.clock import parse_time
from palace.errors import ExpressionError, suggest
from palace.expr.tree import Binary, Call, Literal, Name, Negate, Node, Not, TimeOfDay, Type
from palace.state import MAX_DIGITS


KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
BUILTIN_NAMES = frozenset({"role", "clock"})
FUNCTIONS = frozenset({"visited", "visits", "seen", "read", "beats", "account"})
RESERVED = KEYWORDS | BUILTIN_NAMES | FUNCTIONS | {"date", "time"}
"""The names a story variable cannot take."""
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
    """One word, number, text, time or operator, and where it starts."""

    kind: str
    text: str
    offset: int


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


_MISTAKEN = {
    "=>": "write '>=' for 'at least'; '=>' is not an operator",
    "=<": "write '<=' for 'at most'; '=<' is not an operator",
    "=": "use '==' to compare; '=' is not an operator here",
    "!": "use 'not' to negate; '!' is not an operator here",
    "&": "use 'and'; '&' is not an operator here",
    "|": "use 'or'; '|' is not an operator here",
}
"""Characters other languages use for what a condition writes another way."""


def _bad_character(source: str, position: int) -> ExpressionError:
    char = source[position]
    for written, hint in _MISTAKEN.items():
        if source.startswith(written, position):
            return ExpressionError(f"unexpected '{written}': {hint}", position)
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
