"""The condition language: parsing, type-checking against the story, evaluating."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palace import expr
from palace.clock import Calendar, parse_start
from palace.errors import ExpressionError
from palace.state import Account, AccountEntry, GameState


CLOCK = parse_start("1917-10-25 18:00", Calendar.JULIAN)
SCOPE = expr.Scope(
    variables={"courage": expr.Type.NUMBER, "armed": expr.Type.BOOL,
               "companion": expr.Type.TEXT},
    scenes={"square", "hall"}, documents={"memoir"}, beats={"shot"},
    roles={"guard", "cadet"}, clock=CLOCK,
)


def _state(**changes: object) -> GameState:
    values: dict[str, object] = {
        "role": "guard", "scene": "square", "clock": 20 * 60,
        "variables": {"courage": 2, "armed": True, "companion": "sailor"},
        "visits": {"square": 1},
    }
    values.update(changes)
    return GameState(**values)  # type: ignore[arg-type]


def evaluate(source: str, state: GameState | None = None) -> object:
    tree = expr.parse(source)
    expr.check(tree, SCOPE)
    return expr.compile_node(tree, CLOCK)(state or _state())


class TestEvaluate:
    @pytest.mark.parametrize(("source", "expected"), [
        ("courage >= 2", True),
        ("courage + 1 == 3", True),
        ("courage - 3 < 0", True),
        ("-courage == 0 - 2", True),
        ("armed and courage > 5", False),
        ("armed or courage > 5", True),
        ("not armed", False),
        ("not not armed", True),
        ("armed and (courage == 1 or companion == \"sailor\")", True),
        ("companion != 'sailor'", False),
        ("role == \"guard\"", True),
        ("clock < 21:40", True),
        ("clock + 100 >= 21:40", True),
        ("21:40 - clock == 100", True),
        ("visited(square) and not visited(hall)", True),
        ("visits(square) == 1", True),
        ("seen(memoir)", False),
        ("read(memoir)", False),
        ("beats(myth) == 0", True),
        ("account(shot) == \"none\"", True),
        ("true and not false", True),
    ])
    def test_expression(self, source, expected):
        assert evaluate(source) == expected

    def test_precedence_not_binds_tighter_than_and_than_or(self):
        assert evaluate("not armed or armed and courage == 2") is True
        assert evaluate("not (armed or armed) and courage == 2") is False

    def test_time_after_midnight_is_the_next_day(self):
        late = _state(clock=24 * 60 + 2 * 60 + 10)
        assert evaluate("clock == 02:10", late) is True
        assert evaluate("clock > 23:59", late) is True

    @pytest.mark.parametrize("source", [
        "account(shot) == \"myth\"", "account(shot) != \"archive\"",
        "\"none\" == account(shot)", "account(shot) == account(shot)",
        "account(shot) == companion"])
    def test_account_compares_with_what_it_can_give(self, source):
        assert isinstance(evaluate(source), bool)

    def test_equals_inside_a_text_is_text(self):
        assert evaluate("companion != \"a = b\"") is True

    def test_documents_and_accounts(self):
        state = _state(documents=("memoir",), read=frozenset({"memoir"}),
                       accounts=(AccountEntry("shot", Account.MYTH, "square", 0),))
        assert evaluate("seen(memoir) and read(memoir)", state) is True
        assert evaluate("beats(myth) == 1 and beats(archive) == 0", state) is True
        assert evaluate("account(shot) == \"myth\"", state) is True


class TestErrors:
    @pytest.mark.parametrize(("source", "offset", "message"), [
        ("", 0, "the condition is empty"),
        ("courage >=", 10, "expected a value, found the end of the condition"),
        ("courage > 1 > 0", 12, "comparisons cannot be chained"),
        ("(armed", 6, "expected ')'"),
        ("armed)", 5, "unexpected ')'"),
        ("courage ? 1", 8, "unexpected character '?'"),
        ("courage = 1", 8, "unexpected '=': use '==' to compare; '=' is not an operator here"),
        ("courage=1", 7, "use '==' to compare"),
        ("courage => 1", 8, "write '>=' for 'at least'"),
        ("courage =< 1", 8, "write '<=' for 'at most'"),
        ("!armed", 0, "use 'not' to negate"),
        ("armed && armed", 6, "use 'and'"),
        ("armed || armed", 6, "use 'or'"),
        ("companion == \"sail", 13, "unclosed string"),
        ("visted(square)", 0, "unknown function 'visted' (did you mean 'visited'?)"),
        ("visited(\"square\")", 8, "visited() takes one bare name"),
        ("visited", 0, "'visited' is a function"),
        ("clock > 25:00", 8, "is not a time of day"),
        ("and armed", 0, "expected a value before 'and'"),
    ])
    def test_parse_error_names_the_offset(self, source, offset, message):
        with pytest.raises(ExpressionError) as caught:
            expr.parse(source)
        assert caught.value.offset == offset
        assert message in caught.value.message

    @pytest.mark.parametrize(("source", "offset", "message", "code"), [
        ("curage > 1", 0, "unknown variable 'curage' (did you mean 'courage'?)",
         "undeclared-variable"),
        ("courage == \"two\"", 8, "cannot compare a number with a text", "bad-condition"),
        ("companion < \"z\"", 10, "'<' compares numbers or times, not a text", "bad-condition"),
        ("armed + 1 > 0", 6, "cannot use '+' on a flag and a number", "bad-condition"),
        ("not courage", 0, "'not' needs a flag, not a number", "bad-condition"),
        ("courage and armed", 8, "'and' needs a flag, not a number", "bad-condition"),
        ("visited(hal)", 8, "unknown scene 'hal' (did you mean 'hall'?)", "missing-target"),
        ("seen(memior)", 5, "unknown document 'memior'", "missing-target"),
        ("account(shoot) == \"myth\"", 8, "unknown beat 'shoot'", "missing-target"),
        ("beats(legend) > 0", 6, "unknown account 'legend'", "missing-target"),
        ("role == \"kadet\"", 8, "'kadet' is not a role (did you mean 'cadet'?)",
         "missing-target"),
        ("account(shot) == \"legend\"", 17, "account() gives 'myth', 'archive' or 'none', "
         "never 'legend'", "wrong-value"),
        ("\"mith\" != account(shot)", 0, "never 'mith' (did you mean 'myth'?)", "wrong-value"),
        ("armed and account(shot) == 'Myth'", 27, "never 'Myth' (did you mean 'myth'?)",
         "wrong-value"),
    ])
    def test_check_error_names_offset_and_code(self, source, offset, message, code):
        with pytest.raises(ExpressionError) as caught:
            expr.check(expr.parse(source), SCOPE)
        assert (caught.value.offset, caught.value.code) == (offset, code)
        assert message in caught.value.message


class TestUsage:
    def test_check_collects_what_the_expression_reads(self):
        usage = expr.Usage()
        expr.check(expr.parse("courage > 1 and visited(hall) or seen(memoir)"), SCOPE, usage)
        assert (usage.variables, usage.scenes, usage.documents) == ({"courage"}, {"hall"},
                                                                     {"memoir"})


@given(st.text(max_size=60))
def test_parser_raises_only_its_own_error(source):
    try:
        tree = expr.parse(source)
        expr.check(tree, SCOPE)
    except ExpressionError as error:
        assert error.message
        assert 0 <= error.offset <= len(source)


_ATOMS = st.sampled_from(["courage", "armed", "companion", "clock", "role", "1", "21:40",
                          "\"sailor\"", "true", "visited(hall)", "visits(square)"])
_OPERATORS = st.sampled_from(["and", "or", "==", "!=", "<", ">=", "+", "-"])


@given(st.lists(st.tuples(_ATOMS, _OPERATORS), min_size=1, max_size=6), _ATOMS)
def test_well_typed_expressions_evaluate_without_error(pairs, last):
    source = " ".join(f"{atom} {operator}" for atom, operator in pairs) + f" {last}"
    try:
        tree = expr.parse(source)
        kind = expr.check(tree, SCOPE)
    except ExpressionError:
        return
    value = expr.compile_node(tree, CLOCK)(_state())
    expected = {expr.Type.BOOL: bool, expr.Type.NUMBER: int, expr.Type.TIME: int,
                expr.Type.TEXT: str}[kind]
    assert isinstance(value, expected)


_TOKENS = st.sampled_from([
    "courage", "armed", "companion", "clock", "role", "nobody", "visited", "visits", "seen",
    "read", "beats", "account", "square", "memoir", "shot", "myth", "(", ")", "not", "and",
    "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "0", "7", "1234567890123456",
    "21:40", "02:10", "25:61", "\"sailor\"", "'guard'", "\"a\\b\"", "\"open", "true",
    "false", ",", "?", "é", "", "=", "=>", "!", "&&", "\"legend\"", "\"none\"",
])


@given(st.lists(_TOKENS, max_size=30), st.sampled_from([" ", ""]))
def test_token_soup_parses_checks_and_runs_or_raises_its_own_error(tokens, glue):
    """Sequences of the language's own tokens reach far deeper than random text."""
    source = glue.join(tokens)
    try:
        tree = expr.parse(source)
        kind = expr.check(tree, SCOPE)
    except ExpressionError as error:
        assert error.message
        assert 0 <= error.offset <= len(source)
        return
    value = expr.compile_node(tree, CLOCK)(_state())
    assert isinstance(value, str if kind is expr.Type.TEXT else int)


_DEEP = st.integers(min_value=0, max_value=400)


@given(_DEEP, st.sampled_from(["(", "not ", "- ", "not (", "-("]))
def test_nesting_of_any_depth_is_refused_or_run_never_overflows(depth, opener):
    source = opener * depth + "courage" + ")" * (depth * opener.count("("))
    try:
        tree = expr.parse(source)
        expr.check(tree, SCOPE)
    except ExpressionError as error:
        assert error.offset <= len(source)
        return
    assert depth <= expr.MAX_NESTING


@given(_DEEP, st.sampled_from([" and armed", " or armed", " + 1", " - courage"]))
def test_long_chains_are_refused_or_run_never_overflow(length, link):
    start = "armed" if "armed" in link else "courage"
    source = start + link * length
    try:
        tree = expr.parse(source)
        expr.check(tree, SCOPE)
    except ExpressionError as error:
        assert "too complex" in error.message or "needs a" in error.message
        return
    expr.compile_node(tree, CLOCK)(_state())
