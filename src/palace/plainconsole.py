"""The plain console: text in, text out, no escape codes, one line read per answer.

Used when input or output is not a terminal, with ``--plain`` or when ``NO_COLOR``
is set, so the game can be piped, scripted and read by a screen reader: no
status bar, no paging, and menus printed by the session as numbered lists.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import TextIO

from palace.layout import Menu, Status, StyledLine, plain_text


class PlainConsole:
    """Reads answers line by line from ``answers`` and writes plain text to ``output``.

    With ``echo``, each answer is written after the prompt, so a transcript of a
    piped or scripted game reads as if typed.
    """

    def __init__(self, *, answers: TextIO, output: TextIO, echo: bool,
                 width: int | None = None) -> None:
        self._answers = answers
        self._output = output
        self._echo = echo
        self._width = width

    @property
    def width(self) -> int:
        if self._width is not None:
            return self._width
        return shutil.get_terminal_size((80, 24)).columns

    @property
    def plain(self) -> bool:
        return True

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        return ()

    def show_status(self, status: Status) -> None:
        """Plain text has no status bar: the scene heading carries place and time."""

    def write(self, lines: Sequence[StyledLine]) -> None:
        self._output.write(plain_text(lines) + "\n")
        self._output.flush()

    def ask(self, prompt: str, completions: Sequence[str], *, menu: Menu | None = None) -> str:
        self._output.write(prompt)
        self._output.flush()
        line = self._answers.readline()
        if not line:
            self._output.write("\n")
            raise EOFError
        answer = line.rstrip("\r\n")
        if self._echo:
            self._output.write(answer + "\n")
        return answer
