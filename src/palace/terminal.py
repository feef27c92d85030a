"""The prompt-toolkit console: styled text, a prompt with completion and history.

Rule: the only module that imports prompt-toolkit, and it is imported only when
the player is at a real terminal, so plain and scripted play never pay for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.styles import Style

from palace.layout import StyledLine


THEME = Style.from_dict({
    "title": "bold #d75f5f",
    "subtitle": "italic",
    "heading": "bold",
    "meta": "#888888",
    "prose": "",
    "number": "bold #d7af5f",
    "choice": "",
    "greyed": "#6c6c6c italic",
    "notice": "#5f87af",
    "error": "bold #d75f5f",
    "prompt": "bold #d7af5f",
})


class TerminalConsole:
    """A console for a real terminal; ``session`` may be given for tests (pipe input)."""

    def __init__(self, session: PromptSession[str] | None = None) -> None:
        self._history = InMemoryHistory()
        self._session: PromptSession[str] = session or PromptSession(history=self._history)

    @property
    def width(self) -> int:
        try:
            return self._session.output.get_size().columns
        except Exception:  # an output that cannot tell its size
            return shutil.get_terminal_size((80, 24)).columns

    def write(self, lines: Sequence[StyledLine]) -> None:
        fragments: list[tuple[str, str]] = []
        for line in lines:
            fragments.extend(line)
            fragments.append(("", "\n"))
        print_formatted_text(FormattedText(fragments), style=THEME,
                             output=self._session.output, end="")

    def ask(self, prompt: str, completions: Sequence[str]) -> str:
        return self._session.prompt(FormattedText([("class:prompt", prompt)]),
                                    completer=answer_completer(completions), style=THEME)


def answer_completer(words: Sequence[str]) -> WordCompleter:
    """Completes commands (and choice numbers) from the start of the answer."""
    return WordCompleter(list(words), ignore_case=True, sentence=True)
