"""The symbols the game draws with, in two sets: one for a terminal, one for plain text.

Rule: plain text is for pipes, scripts and screen readers, so its set holds no
box drawing and no decorative symbol that a screen reader would read out oddly
("black right-pointing small triangle"); where a symbol carries meaning, the
plain set says it in words. Map art drawn with box-drawing characters has an
ASCII equivalent for every character (``to_ascii``), so one drawing serves both.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Glyphs:
    """How the game marks things, for one kind of output."""

    plain: bool
    separator: str
    """Between the parts of a heading's detail line (place, then time)."""
    followed: str
    """Before the telling of a beat that the player's night followed."""
    not_followed: str
    """Before the other telling, to keep the two aligned."""
    followed_label: str
    """After the label of the followed telling ("The legend"): words, in plain text."""
    pointer: str
    """Before the highlighted choice of a menu; its width is the menu's gutter."""
    status_separator: str
    bar: tuple[str, str, str, str]
    """The timeline's bar: its start, an hour's tick, the fill and its end."""
    here: str = "@"
    visited: str = "*"


FANCY = Glyphs(
    plain=False, separator="  ·  ", followed="▸ ", not_followed="  ", followed_label="",
    pointer="› ", status_separator=" │ ", bar=("├", "┼", "─", "┤"),
)
PLAIN = Glyphs(
    plain=True, separator=". ", followed="", not_followed="", followed_label=" (your night)",
    pointer="", status_separator=" | ", bar=("|", "+", "-", "|"),
)

_DRAWING_EXTRAS = {
    "≈": "~", "∼": "~", "·": ".", "•": "o", "○": "o", "●": "O", "◦": "o", "░": ":",
    "▒": "#", "▓": "#", "█": "#", "▲": "^", "▼": "v", "◄": "<", "►": ">", "←": "<",
    "→": ">", "↑": "^", "↓": "v", "…": ".",
}


def to_ascii(char: str) -> str | None:
    """The plain-text equivalent of one character of map art, or None if it has none.

    Printable ASCII stands for itself; box-drawing lines become ``-``, ``|``, ``=``
    and ``+``; a few drawing symbols have a listed equivalent.
    """
    if " " <= char <= "~":
        return char
    if char in _DRAWING_EXTRAS:
        return _DRAWING_EXTRAS[char]
    if "\u2500" <= char <= "\u257f":
        return _box_to_ascii(unicodedata.name(char, ""))
    return None


_ACROSS = frozenset({"LEFT", "RIGHT", "HORIZONTAL"})
_DOWN = frozenset({"UP", "DOWN", "VERTICAL"})
_DIAGONALS = (("UPPER RIGHT TO LOWER LEFT", "/"), ("UPPER LEFT TO LOWER RIGHT", "\\"))


def _box_to_ascii(name: str) -> str:
    if "DIAGONAL" in name:
        return next((ascii_ for words, ascii_ in _DIAGONALS if words in name), "X")
    directions = set(name.split()) & (_ACROSS | _DOWN)
    if directions <= _ACROSS:
        return "=" if name.startswith("BOX DRAWINGS DOUBLE") else "-"
    if directions <= _DOWN:
        return "|"
    return "+"


def ascii_text(text: str) -> str:
    """``text`` with every character replaced by its plain equivalent (``?`` if none)."""
    return "".join(to_ascii(char) or "?" for char in text)
