"""Text templates: interpolation of variables and built-ins, literal braces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palace.clock import Calendar, parse_start
from palace.errors import ExpressionError
from palace.model import Role
from palace.state import GameState
from palace.text import Slot, parse_template


CLOCK = parse_start("1917-10-25 18:00", Calendar.JULIAN)
STATE = GameState(role="guard", scene="s", clock=21 * 60 + 40,
                  variables={"courage": 3, "armed": False, "friend": "Vasya"}, visits={})


def render(source: str) -> str:
    return parse_template(source).render(STATE, clock=CLOCK,
                                         roles={"guard": Role("guard", "Red Guard", "s")})


def test_variables_and_builtins_are_shown():
    assert render("{friend} has {courage} rounds; armed: {armed}.") == \
        "Vasya has 3 rounds; armed: no."
    assert render("At {clock}, a {role}.") == "At 21:40, a Red Guard."
    assert render("{date}") == "25 October 1917, 21:40 (7 November N.S.)"


def test_double_braces_are_literal():
    assert render("{{not a slot}} {friend}") == "{not a slot} Vasya"


def test_slots_remember_their_offsets():
    assert parse_template("ab {friend} {clock}").slots == (Slot("friend", 3), Slot("clock", 12))


@pytest.mark.parametrize(("source", "offset", "message"), [
    ("an { open", 3, "'{' is never closed"),
    ("a } stray", 2, "'}' has no matching '{'"),
    ("{two words}", 0, "is not a variable name"),
])
def test_malformed_templates(source, offset, message):
    with pytest.raises(ExpressionError) as caught:
        parse_template(source)
    assert caught.value.offset == offset
    assert message in caught.value.message
    assert caught.value.code == "bad-text"


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=80))
def test_text_without_braces_renders_unchanged(source):
    assert render(source) == source
