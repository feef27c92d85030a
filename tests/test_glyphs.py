"""Plain-text equivalents of the characters map art may be drawn with."""

from __future__ import annotations

import pytest

from palace.glyphs import ascii_text, to_ascii


@pytest.mark.parametrize(("drawn", "plain"), [
    ("─━┄╌", "----"), ("═", "="), ("│┃┆║", "||||"), ("┌┐└┘╭╯├┤┬┴┼╬╔╝", "+" * 14),
    ("╱╲╳", "/\\X"), ("╴╶╵╷", "--||"), ("≈·○●░▲", "~.oO:^"),
])
def test_drawing_characters_have_ascii_equivalents(drawn, plain):
    assert "".join(to_ascii(char) or "?" for char in drawn) == plain


def test_ascii_stands_for_itself_and_other_symbols_have_none():
    assert ascii_text("+--o--+ ~ NEVA") == "+--o--+ ~ NEVA"
    assert [to_ascii(char) for char in "★é\t日"] == [None, None, None, None]
