"""The early terminal console: the title printed with escape codes before prompt-toolkit
is imported, then everything handed to the prompt-toolkit console."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.output.vt100 import _256ColorCache

from palace.earlyconsole import EarlyTerminalConsole, color_depth, escaped, sgr_codes, xterm_256
from palace.layout import Status
from palace.theme import THEMES


ROOT = Path(__file__).resolve().parent.parent
_ESCAPES = re.compile(r"\x1b\[[0-9;]*m")


class RecordingConsole:
    """Stands for the prompt-toolkit console: records what reaches it."""

    def __init__(self, unread_rows: int) -> None:
        self.unread_rows = unread_rows
        self.written: list[list[list[tuple[str, str]]]] = []
        self.statuses: list[Status] = []
        self.width, self.height, self.plain = 70, 24, False
        self.keys = (("Tab", "completes"),)

    def write(self, lines):
        self.written.append(list(lines))

    def ask(self, prompt, completions, *, menu=None):
        return f"answer to {prompt}"

    def show_status(self, status):
        self.statuses.append(status)


def lines(count: int, style: str = "class:prose") -> list[list[tuple[str, str]]]:
    return [[(style, f"line {number}")] for number in range(1, count + 1)]


@pytest.fixture
def screen(monkeypatch):
    monkeypatch.setenv("LINES", "12")
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("PROMPT_TOOLKIT_COLOR_DEPTH", raising=False)
    opened: list[RecordingConsole] = []

    def open_terminal(unread_rows: int) -> RecordingConsole:
        opened.append(RecordingConsole(unread_rows))
        return opened[-1]

    output = io.StringIO()
    return EarlyTerminalConsole(open_terminal, output=output), output, opened


class TestBeforeTheFirstQuestion:
    def test_text_is_printed_at_once_with_the_themes_escape_codes(self, screen):
        console, output, opened = screen
        console.write([[("class:title", "THE NIGHT")], [], [("class:meta", "help")]])
        assert output.getvalue() == ("\x1b[0;1;38;5;167mTHE NIGHT\x1b[0m\n\n"
                                     "\x1b[0;38;5;245mhelp\x1b[0m\n")
        assert opened == []

    def test_the_width_is_the_terminals(self, screen):
        console, _output, opened = screen
        assert (console.width, console.plain) == (60, False)
        assert opened == []

    def test_the_first_question_opens_the_terminal_knowing_what_is_on_the_screen(self, screen):
        console, _output, opened = screen
        console.write(lines(4))
        console.show_status(Status("The Night"))
        assert console.ask("Who are you?", ["1"]) == "answer to Who are you?"
        assert [terminal.unread_rows for terminal in opened] == [4]
        assert opened[0].statuses == [Status("The Night")]

    def test_after_it_everything_goes_to_the_terminal(self, screen):
        console, output, opened = screen
        console.ask("Who are you?", [])
        printed = output.getvalue()
        console.write(lines(2))
        console.show_status(Status("Later"))
        assert output.getvalue() == printed
        assert opened[0].written == [lines(2)]
        assert opened[0].statuses == [Status("Later")]
        assert (console.width, console.keys) == (70, opened[0].keys)
        assert len(opened) == 1

    def test_text_that_would_need_paging_opens_the_terminal_which_pages_it(self, screen):
        console, output, opened = screen
        console.write(lines(6))
        console.write(lines(5))  # 11 rows, and 12 less the prompt and status bar fit 10
        assert _ESCAPES.sub("", output.getvalue()) == "".join(
            f"line {number}\n" for number in range(1, 7))
        assert opened[0].unread_rows == 6
        assert opened[0].written == [lines(5)]


class TestEscapeCodes:
    @pytest.mark.parametrize("theme", sorted(THEMES))
    def test_every_theme_colour_is_the_one_prompt_toolkit_would_pick(self, theme):
        prompt_toolkits = _256ColorCache()
        for style in THEMES[theme].values():
            for word in style.split():
                hex_color = word.removeprefix("bg:")
                if hex_color.startswith("#"):
                    rgb = tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
                    assert xterm_256(*rgb) == prompt_toolkits[rgb], word

    def test_depths(self):
        dark = THEMES["dark"]
        assert sgr_codes("class:title", dark, "DEPTH_8_BIT") == "1;38;5;167"
        assert sgr_codes("class:title", dark, "DEPTH_24_BIT") == "1;38;2;215;95;95"
        assert sgr_codes("class:title", dark, "DEPTH_4_BIT") == "1"
        assert sgr_codes("class:title", dark, "DEPTH_1_BIT") == ""

    def test_dotted_classes_take_their_parents_style_first_and_later_words_win(self):
        styles = {"map": "italic #000000", "map.here": "bold #ffffff"}
        assert sgr_codes("class:map.here", styles, "DEPTH_8_BIT") == "3;38;5;231;1"
        assert sgr_codes("class:map.here reverse noreverse", styles, "DEPTH_8_BIT") == (
            "3;38;5;231;1;27")

    def test_unstyled_text_has_no_codes(self):
        assert escaped([[("", "plain"), ("class:prose", " words")]], THEMES["dark"],
                       "DEPTH_8_BIT") == "plain words\n"

    @pytest.mark.parametrize(("environment", "depth"), [
        ({"TERM": "xterm-256color"}, "DEPTH_8_BIT"),
        ({"TERM": "dumb"}, "DEPTH_1_BIT"),
        ({"TERM": "linux"}, "DEPTH_4_BIT"),
        ({"TERM": "xterm", "PROMPT_TOOLKIT_COLOR_DEPTH": "DEPTH_24_BIT"}, "DEPTH_24_BIT"),
        ({"TERM": "xterm", "PROMPT_TOOLKIT_COLOR_DEPTH": "lots"}, "DEPTH_8_BIT"),
    ])
    def test_the_colour_depth_is_chosen_as_prompt_toolkit_chooses_it(self, environment, depth):
        assert color_depth(environment) == depth


def test_the_title_is_printed_before_prompt_toolkit_is_imported():
    code = ("import sys\n"
            "from palace.cli.play import _terminal_console\n"
            "console = _terminal_console('dark')\n"
            "console.write([[('class:title', 'THE TITLE')]])\n"
            "print('prompt_toolkit' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src"),
                                 "TERM": "xterm"}, check=True)
    assert result.stdout == "\x1b[0;1;38;5;167mTHE TITLE\x1b[0m\nFalse\n"
