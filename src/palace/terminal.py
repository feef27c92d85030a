"""The prompt-toolkit console: styled text, paged; a prompt that draws the choices as a
selectable list, completes commands and keeps a history; a status bar.

Keys at the prompt: Up and Down move a highlight through the choices while the
line is empty or holds a choice's number (the highlight is simply the number on
the line, so typing ``2`` highlights choice 2 too), and Enter takes it. Once the
player has typed something else, Up and Down search the earlier answers that
start with it; Ctrl-P and Ctrl-N go through them at any time. Tab completes.

What prompt-toolkit draws (the choices, the status bar) is redrawn on a resize;
text already printed cannot be, but everything printed later is laid out for
the width the terminal has then, since the width is asked for each time.

Rule: the only module that imports prompt-toolkit, and it is imported only when
the player is at a real terminal, so plain and scripted play never pay for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Sequence

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import Application, get_app
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.styles import Style

from palace.glyphs import FANCY
from palace.layout import (
    PROMPT_ROWS,
    Menu,
    Status,
    StyledLine,
    menu_lines,
    next_selection,
    paginate,
    reading_width,
    selected_in,
    status_line,
)
from palace.theme import DEFAULT_THEME, THEMES


KEYS = (
    ("Up, Down", "move through the choices while the line is empty; Enter takes the "
                 "one marked"),
    ("Ctrl-P, Ctrl-N", "earlier answers (Up and Down too, once you have typed)"),
    ("Tab", "complete a command, or the word after it"),
    ("Ctrl-C", "asks whether to leave the night; twice leaves"),
    ("Ctrl-D", "leaves the night"),
    ("Space, Enter", "at '-- more --', the next page; q shows the rest at once"),
)

MORE = " -- more -- (space: next page, q: all) "

class TerminalConsole:
    """A console for a real terminal; ``session`` may be given for tests (pipe input), and
    ``unread_rows`` says how many rows were printed before it took over the screen."""

    def __init__(self, session: PromptSession[str] | None = None, *,
                 theme: str = DEFAULT_THEME, unread_rows: int = 0) -> None:
        self._session: PromptSession[str] = session or PromptSession(history=AnswerHistory())
        self._style = Style.from_dict(dict(THEMES[theme]))
        self._status: Status | None = None
        self._unread_rows = unread_rows
        """Rows printed since the player last answered: on the screen, maybe unread."""
        self._paging = True

    @property
    def width(self) -> int:
        try:
            return self._session.output.get_size().columns
        except Exception:  # an output that cannot tell its size
            return shutil.get_terminal_size((80, 24)).columns

    @property
    def height(self) -> int:
        try:
            return self._session.output.get_size().rows
        except Exception:
            return shutil.get_terminal_size((80, 24)).lines

    @property
    def plain(self) -> bool:
        return False

    @property
    def keys(self) -> Sequence[tuple[str, str]]:
        return KEYS

    def show_status(self, status: Status) -> None:
        self._status = status

    def write(self, lines: Sequence[StyledLine]) -> None:
        """Print ``lines``, pausing at '-- more --' before anything unread scrolls away."""
        page_height = self.height - PROMPT_ROWS
        pages = paginate(lines, height=page_height, used=self._unread_rows)
        for number, page in enumerate(pages):
            if number and self._paging:
                self._more()
            self._print(page)
            self._unread_rows += len(page)

    def ask(self, prompt: str, completions: Sequence[str], *, menu: Menu | None = None) -> str:
        needed = self._unread_rows + self._menu_height(menu) + PROMPT_ROWS
        if self._paging and self._unread_rows and needed > self.height:
            self._more()
        try:
            return self._session.prompt(
                self._message(prompt, menu), style=self._style,
                completer=AnswerCompleter(completions), complete_while_typing=False,
                enable_history_search=True, key_bindings=self._menu_keys(menu),
                bottom_toolbar=self._toolbar,
            )
        finally:
            self._unread_rows = 0
            self._paging = True

    # --- drawing ------------------------------------------------------------------

    def _print(self, lines: Iterable[StyledLine]) -> None:
        print_formatted_text(FormattedText(_joined(lines, end="\n")), style=self._style,
                             output=self._session.output, end="")

    def _menu_height(self, menu: Menu | None) -> int:
        return 1 + len(menu_lines(menu, reading_width(self.width))) if menu else 0

    def _message(self, prompt: str, menu: Menu | None) -> Callable[[], StyleAndTextTuples]:
        def draw() -> StyleAndTextTuples:
            lines: list[StyledLine] = []
            if menu:
                selected = selected_in(menu, get_app().current_buffer.text)
                lines = [[], *menu_lines(menu, reading_width(self.width), selected=selected,
                                         glyphs=FANCY)]
            return [*_joined(lines, end="\n"), ("class:prompt", prompt)]
        return draw

    def _toolbar(self) -> StyleAndTextTuples:
        if self._status is None:
            return []
        return list(status_line(self._status, self.width, glyphs=FANCY))

    def _more(self) -> None:
        """Wait at '-- more --' for Enter or space; q (or Ctrl-C, Ctrl-D, Escape) prints
        the rest of this output without pausing."""
        keys = KeyBindings()

        @keys.add("enter")
        @keys.add(" ")
        def _next_page(event: KeyPressEvent) -> None:
            event.app.exit()

        @keys.add("q")
        @keys.add("c-c")
        @keys.add("c-d")
        @keys.add("escape", eager=True)
        def _the_rest(event: KeyPressEvent) -> None:
            self._paging = False
            event.app.exit()

        pager: Application[None] = Application(
            layout=Layout(Window(FormattedTextControl([("class:more", MORE)]), height=1)),
            key_bindings=keys, style=self._style, erase_when_done=True,
            input=self._session.input, output=self._session.output,
        )
        pager.run()
        self._unread_rows = 0

    # --- choosing with the arrow keys --------------------------------------------

    def _menu_keys(self, menu: Menu | None) -> KeyBindings:
        keys = KeyBindings()
        if not menu:
            return keys

        @Condition
        def selecting() -> bool:
            buffer = get_app().current_buffer
            return buffer.complete_state is None and (
                not buffer.text or selected_in(menu, buffer.text) is not None)

        def move(event: KeyPressEvent, step: int) -> None:
            buffer = event.current_buffer
            number = next_selection(menu, selected_in(menu, buffer.text), step)
            if number is not None:
                buffer.text = str(number)
                buffer.cursor_position = len(buffer.text)

        keys.add("down", filter=selecting)(lambda event: move(event, 1))
        keys.add("up", filter=selecting)(lambda event: move(event, -1))
        return keys


def _joined(lines: Iterable[StyledLine], *, end: str) -> StyleAndTextTuples:
    """The fragments of ``lines`` with a newline after each, for prompt-toolkit."""
    fragments: StyleAndTextTuples = []
    for line in lines:
        fragments.extend(line)
        fragments.append(("", end))
    return fragments


class AnswerHistory(InMemoryHistory):
    """The history of typed commands; choice numbers and yes/no answers are left out,
    since the arrow keys pick choices and nobody wants to recall a 'y'."""

    def append_string(self, string: str) -> None:
        if not is_forgettable(string):
            super().append_string(string)


def is_forgettable(answer: str) -> bool:
    return answer.strip().isdigit() or answer.strip().lower() in ("y", "n", "yes", "no")


class AnswerCompleter(Completer):
    """Completes the command word, then the word after it (a slot, a map, ``off``)."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases = phrases

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        typed = document.text_before_cursor
        word = typed.rpartition(" ")[2]
        for candidate in complete_answer(self.phrases, typed):
            yield Completion(candidate, start_position=-len(word))


def complete_answer(phrases: Sequence[str], typed: str) -> list[str]:
    """The words that can complete the last word of ``typed``.

    ``phrases`` are every answer Tab knows: command names (``record``) and
    commands with their argument (``map palace``). Case is ignored.
    """
    head, space, word = typed.lstrip().rpartition(" ")
    wanted = word.lower()
    found: list[str] = []
    for phrase in phrases:
        first, _, rest = phrase.partition(" ")
        candidate = first if not space else (rest if first.lower() == head.lower() else "")
        if candidate and candidate.lower().startswith(wanted) and candidate not in found:
            found.append(candidate)
    return found
