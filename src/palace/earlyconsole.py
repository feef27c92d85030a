"""A real terminal's first moments: the title screen, printed before prompt-toolkit is
imported.

Importing prompt-toolkit takes longer than the rest of a warm start together, and
nothing it offers is needed before the player is first asked something. So a game at
a real terminal starts with this console: what is written before the first question
is printed at once, the theme's styles turned into escape codes here, and the
prompt-toolkit console is made (imported) for that question, or as soon as the text
would need paging; from then on it does everything.

The escape codes follow what prompt-toolkit itself would send: 256 colours unless
``PROMPT_TOOLKIT_COLOR_DEPTH`` asks for another depth, none for a dumb terminal, and
only bold, italic, underline and reverse where it would use the sixteen basic colours.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TextIO

from palace.console import Console
from palace.layout import PROMPT_ROWS, Menu, Status, StyledLine
from palace.theme import DEFAULT_THEME, THEMES


OpenTerminal = Callable[[int], Console]
"""Makes the prompt-toolkit console, told how many rows are already on the screen."""

_ATTRIBUTES = {"bold": "1", "italic": "3", "underline": "4", "reverse": "7",
               "noreverse": "27"}
_CUBE_LEVELS = (0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF)


class EarlyTerminalConsole:
    """A console that prints with escape codes until the first question, then hands
    everything to the console ``open_terminal`` makes."""

    def __init__(self, open_terminal: OpenTerminal, *, theme: str = DEFAULT_THEME,
                 output: TextIO | None = None) -> None:
        self._open_terminal = open_terminal
        self._styles = THEMES[theme]
        self._output = output or sys.stdout
        self._terminal: Console | None = None
        self._status: Status | None = None
        self._rows_printed = 0

    @property
    def width(self) -> int:
        if self._terminal is not None:
            return self._terminal.width
        return self._size().columns

    @property
    def height(self) -> int:
        return self._size().lines

    @property
    def plain(self) -> bool:
        return False

    @property
    def keys(self) -> Sequence[tuple[str, str]]:
        return self._opened().keys

    def show_status(self, status: Status) -> None:
        self._status = status
        if self._terminal is not None:
            self._terminal.show_status(status)

    def write(self, lines: Sequence[StyledLine]) -> None:
        if self._terminal is None and (self._rows_printed + len(lines)
                                       <= self.height - PROMPT_ROWS):
            self._output.write(escaped(lines, self._styles, color_depth()))
            self._output.flush()
            self._rows_printed += len(lines)
            return
        self._opened().write(lines)  # it pages what would not fit

    def ask(self, prompt: str, completions: Sequence[str], *, menu: Menu | None = None) -> str:
        return self._opened().ask(prompt, completions, menu=menu)

    def _size(self) -> os.terminal_size:
        # The terminal's own answer first, as prompt-toolkit asks it: $COLUMNS and $LINES
        # can be stale, left over from the shell that started the game.
        try:
            return os.get_terminal_size(self._output.fileno())
        except (AttributeError, ValueError, OSError):  # not a terminal: a test's buffer
            return shutil.get_terminal_size((80, 24))

    def _opened(self) -> Console:
        if self._terminal is None:
            self._terminal = self._open_terminal(self._rows_printed)
            if self._status is not None:
                self._terminal.show_status(self._status)
        return self._terminal


def color_depth(environment: Mapping[str, str] | None = None) -> str:
    """The colour depth prompt-toolkit would choose, by its names for them."""
    environment = os.environ if environment is None else environment
    chosen = environment.get("PROMPT_TOOLKIT_COLOR_DEPTH", "")
    if chosen in ("DEPTH_1_BIT", "DEPTH_4_BIT", "DEPTH_8_BIT", "DEPTH_24_BIT"):
        return chosen
    term = environment.get("TERM", "").lower()
    if term in ("dumb", "unknown"):
        return "DEPTH_1_BIT"
    if term in ("linux", "eterm-color"):
        return "DEPTH_4_BIT"
    return "DEPTH_8_BIT"


def escaped(lines: Iterable[StyledLine], styles: Mapping[str, str], depth: str) -> str:
    """``lines`` as text with escape codes, each line ending in a newline."""
    out: list[str] = []
    for line in lines:
        for style, text in line:
            codes = sgr_codes(style, styles, depth)
            out.append(f"\x1b[0;{codes}m{text}\x1b[0m" if codes else text)
        out.append("\n")
    return "".join(out)


def sgr_codes(style: str, styles: Mapping[str, str], depth: str) -> str:
    """The escape code parameters for a fragment's style (``class:title``, or style
    words), looked up in a theme's ``styles`` as prompt-toolkit would: the later word
    wins, and ``class:a.b`` takes the style of ``a``, then of ``a.b``."""
    if depth == "DEPTH_1_BIT":
        return ""
    words: list[str] = []
    for word in style.split():
        if word.startswith("class:"):
            parts = word.removeprefix("class:").split(".")
            for end in range(1, len(parts) + 1):
                words += styles.get(".".join(parts[:end]), "").split()
        else:
            words.append(word)
    attributes: dict[str, str] = {}
    for word in words:
        if word in _ATTRIBUTES:
            attributes["reverse" if word.endswith("reverse") else word] = _ATTRIBUTES[word]
        elif word.startswith("#") and depth != "DEPTH_4_BIT":
            attributes["fg"] = _color("38", word, depth)
        elif word.startswith("bg:#") and depth != "DEPTH_4_BIT":
            attributes["bg"] = _color("48", word.removeprefix("bg:"), depth)
    return ";".join(attributes.values())


def _color(ground: str, hex_color: str, depth: str) -> str:
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    if depth == "DEPTH_24_BIT":
        return f"{ground};2;{red};{green};{blue}"
    return f"{ground};5;{xterm_256(red, green, blue)}"


def xterm_256(red: int, green: int, blue: int) -> int:
    """The nearest of the 256-colour palette's cube and grey colours (not the sixteen
    basic ones, which each terminal's scheme changes)."""
    candidates: list[tuple[int, tuple[int, int, int]]] = [
        (16 + 36 * r + 6 * g + b, (_CUBE_LEVELS[r], _CUBE_LEVELS[g], _CUBE_LEVELS[b]))
        for r in range(6) for g in range(6) for b in range(6)
    ]
    candidates += [(232 + i, (8 + 10 * i,) * 3) for i in range(24)]

    def distance(candidate: tuple[int, tuple[int, int, int]]) -> int:
        r, g, b = candidate[1]
        return (red - r) ** 2 + (green - g) ** 2 + (blue - b) ** 2

    return min(candidates, key=distance)[0]
