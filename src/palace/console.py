"""The two sides of a sitting: the ``Console`` the session reads from and writes to,
and the ``Command`` a player can type.

Rule: this is vocabulary only. The plain console and the prompt-toolkit console
implement ``Console``; the session and its command sets build ``Command`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from palace.layout import Menu, Status, StyledLine


class Console(Protocol):
    """Where the session writes and from where it reads the player's answers."""

    @property
    def width(self) -> int: ...

    @property
    def plain(self) -> bool:
        """True for plain text: no symbols a screen reader would read oddly, and the
        session prints each menu itself; False when ``ask`` draws the menu."""
        ...

    @property
    def keys(self) -> Sequence[tuple[str, str]]:
        """The console's keys and what they do, for ``help``."""
        ...

    def write(self, lines: Sequence[StyledLine]) -> None: ...

    def ask(self, prompt: str, completions: Sequence[str], *, menu: Menu | None = None) -> str:
        """Read one answer; raise ``EOFError`` at end of input, ``KeyboardInterrupt`` on Ctrl-C.

        ``menu`` holds the numbered answers on offer: a console that is not plain
        draws them as a selectable list and answers with the number picked.
        """
        ...

    def show_status(self, status: Status) -> None:
        """What the status bar, if the console has one, shows from now on."""
        ...


@dataclass(frozen=True, slots=True)
class Command:
    """A command the player can type at the prompt, with its one line of help."""

    name: str
    summary: str
    run: Callable[[str], None]
    aliases: tuple[str, ...] = ()
    usage: str = ""
    arguments: Callable[[], Sequence[str]] | None = None
    """The words Tab completes after the command's name (slot names, map names)."""


def typed_number(answer: str) -> int | None:
    """A number the player typed (a choice's, a document's): ASCII digits only (``²`` is
    a digit to Python, and ``int`` refuses it), and few enough to be a choice's."""
    return int(answer) if answer.isascii() and answer.isdigit() and len(answer) <= 6 else None
