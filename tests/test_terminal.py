"""The prompt-toolkit console, driven through prompt-toolkit's pipe input.

Keys sent all at once arrive before anything asynchronous runs, so completion is
tested on the completer itself and timing-dependent interactions are left to the
tmux tests; key bindings, paging and the toolbar are synchronous and tested here.
"""

from __future__ import annotations

import io
import re

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from palace.session import Session
from palace.terminal import (
    MORE,
    AnswerCompleter,
    AnswerHistory,
    TerminalConsole,
    complete_answer,
)


_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
DOWN, UP, CTRL_C, CTRL_D, CTRL_P = "\x1b[B", "\x1b[A", "\x03", "\x04", "\x10"


class Screen(Vt100_Output):
    """A terminal of a fixed size that knows how many rows are free below the cursor,
    as a real one answers by a cursor position report, so the status bar is drawn."""

    def get_rows_below_cursor_position(self) -> int:
        return self.get_size().rows


def play(story, keys: str, *, columns: int = 70, rows: int = 40, theme: str = "dark",
         role: str | None = None) -> tuple[int, str, str]:
    """Play ``story`` by typing ``keys``; return the exit code, raw and readable output."""
    buffer = io.StringIO()
    output = Screen(buffer, lambda: Size(rows=rows, columns=columns), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(keys)
        pipe.close()
        session: PromptSession[str] = PromptSession(input=pipe, output=output,
                                                    history=AnswerHistory())
        console = TerminalConsole(session, theme=theme)
        code = Session(story, console, role=role).run()
    raw = buffer.getvalue()
    return code, raw, _ESCAPES.sub("", raw)


def test_numbers_and_enter_play_the_story(tiny_story):
    code, _raw, text = play(tiny_story, "1\r1\r2\r1\r")
    assert code == 0
    assert "THE GREAT HALL" in text
    assert "THE END: It is over" in text
    assert "End of input" in text


class TestStyle:
    def test_output_is_styled_from_the_dark_theme(self, tiny_story):
        _code, raw, _text = play(tiny_story, "1\r")
        assert "\x1b[0;38;5;167;1mA TINY NIGHT" in raw  # the title in the theme's colour

    def test_light_theme_has_its_own_colours(self, tiny_story):
        _code, raw, _text = play(tiny_story, "1\r", theme="light")
        assert "\x1b[0;38;5;124;1mA TINY NIGHT" in raw

    def test_scene_heading_uses_the_terminal_separator(self, tiny_story):
        _code, _raw, text = play(tiny_story, "1\r")
        assert "Palace Square  ·  25 October 1917, 20:00 (7 November N.S.)" in text


class TestChoosingWithArrows:
    def test_down_and_enter_pick_the_first_choice(self, tiny_story):
        _code, _raw, text = play(tiny_story, f"{DOWN}\r{DOWN}\r")
        assert "Who are you tonight?" in text
        assert text.count("AT THE GATE") == 2  # Red Guard, then 'Take a rifle' comes back

    def test_down_skips_a_choice_that_cannot_be_taken(self, tiny_story):
        _code, _raw, text = play(tiny_story, f"{DOWN * 2}\r", role="guard")
        assert "› 3. Walk in by a side door" in text
        assert "THE GREAT HALL" in text

    def test_up_on_an_empty_line_picks_the_last_choice(self, tiny_story):
        _code, _raw, text = play(tiny_story, f"{UP}\r", role="guard")
        assert "› 3. Walk in by a side door" in text
        assert "THE GREAT HALL" in text

    def test_the_highlight_goes_round(self, tiny_story):
        _code, _raw, text = play(tiny_story, f"{UP}{UP}\r", role="guard")  # 3, then 1
        assert "› 1. Take a rifle" in text
        assert text.count("AT THE GATE") == 2

    def test_the_menu_is_drawn_under_the_text_with_greyed_reasons(self, tiny_story):
        _code, _raw, text = play(tiny_story, "", role="guard")
        assert "  1. Take a rifle\n  2. Charge the gate (You need a rifle.)\n" \
               "  3. Walk in by a side door\n> " in text

    def test_a_typed_number_is_highlighted_too(self, tiny_story):
        _code, _raw, text = play(tiny_story, "3\r", role="guard")
        assert "› 3. Walk in by a side door" in text


class TestHistory:
    """Recalling answers is asynchronous in prompt-toolkit (the history loads in the
    background), so the keys that recall them are tested in tmux."""

    def test_choice_numbers_and_yes_no_are_kept_out_of_the_history(self):
        history = AnswerHistory()
        for answer in ("1", "look", "y", "No", "record 2"):
            history.append_string(answer)
        assert list(history.get_strings()) == ["look", "record 2"]

    def test_answers_go_into_the_history(self):
        with create_pipe_input() as pipe:
            session: PromptSession[str] = PromptSession(input=pipe, output=DummyOutput(),
                                                        history=AnswerHistory())
            console = TerminalConsole(session)
            pipe.send_text("look\r")
            assert console.ask("> ", ["look"]) == "look"
        assert list(session.history.get_strings()) == ["look"]


class TestCompletion:
    PHRASES = ("help", "look", "record", "restart", "map", "map city", "map palace",
               "transcript", "transcript off", "1", "2")

    def test_command_words_complete_from_what_is_typed(self):
        assert complete_answer(self.PHRASES, "re") == ["record", "restart"]
        assert complete_answer(self.PHRASES, "M") == ["map"]

    def test_the_word_after_a_command_completes_from_its_arguments(self):
        assert complete_answer(self.PHRASES, "map ") == ["city", "palace"]
        assert complete_answer(self.PHRASES, "map p") == ["palace"]
        assert complete_answer(self.PHRASES, "transcript o") == ["off"]
        assert complete_answer(self.PHRASES, "look ") == []

    def test_completer_replaces_only_the_last_word(self):
        completer = AnswerCompleter(self.PHRASES)
        found = completer.get_completions(Document("map pa"),
                                          CompleteEvent(completion_requested=True))
        assert [(c.text, c.start_position) for c in found] == [("palace", -2)]


class TestLeaving:
    def test_ctrl_c_asks_and_n_plays_on(self, tiny_story):
        code, _raw, text = play(tiny_story, f"1\r{CTRL_C}n\rlook\r")
        assert "Leave the night here? (y/n) n" in text
        assert text.count("AT THE GATE") == 2
        assert code == 0

    def test_ctrl_c_then_y_leaves_with_code_130(self, tiny_story):
        code, _raw, text = play(tiny_story, f"1\r{CTRL_C}y\r")
        assert code == 130
        assert "The game was not saved. Goodbye." in text

    def test_ctrl_c_twice_leaves_with_code_130(self, tiny_story):
        code, _raw, _text = play(tiny_story, f"1\r{CTRL_C}{CTRL_C}")
        assert code == 130

    def test_ctrl_d_leaves_cleanly(self, tiny_story):
        code, _raw, text = play(tiny_story, f"1\r{CTRL_D}")
        assert code == 0
        assert "Leave the night here?" not in text
        assert "Goodbye" in text


class TestStatusBar:
    def test_status_bar_shows_role_clock_place_and_unread(self, mapped_story):
        _code, _raw, text = play(mapped_story, "", role="guard")
        assert " Red Guard │ 25 Oct 18:00 (7 Nov) │ Liteiny Bridge │ 1 unread" in text

    def test_before_the_night_begins_it_shows_the_title(self, mapped_story):
        _code, _raw, text = play(mapped_story, "")
        assert " A Mapped Night" in text


def numbered(count: int) -> list[list[tuple[str, str]]]:
    return [[("", f"line {number}")] for number in range(1, count + 1)]


def write_paged(keys: str, *writes: int, rows: int = 12) -> str:
    """Write ``writes`` numbered lines each through a console ``rows`` high, with
    ``keys`` typed at the pager; return what was shown."""
    buffer = io.StringIO()
    output = Screen(buffer, lambda: Size(rows=rows, columns=40), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(keys)
        console = TerminalConsole(PromptSession(input=pipe, output=output))
        for count in writes:
            console.write(numbered(count))
    return _ESCAPES.sub("", buffer.getvalue())


class TestPaging:
    PAUSE = MORE.strip()

    def test_long_text_pauses_a_line_short_of_the_prompt_and_status_rows(self):
        text = write_paged("  ", 25)
        assert text.count(self.PAUSE) == 2
        assert text.index("line 10\n") < text.index(self.PAUSE) < text.index("line 11\n")
        assert text.rstrip().endswith("line 25")

    def test_q_shows_the_rest_without_pausing(self):
        text = write_paged("q", 25)
        assert text.count(self.PAUSE) == 1
        assert text.rstrip().endswith("line 25")

    def test_writes_since_the_last_answer_add_up(self):
        text = write_paged(" ", 6, 6)
        assert text.count(self.PAUSE) == 1
        second = text[text.index("line 6"):]  # the second write: 4 lines fit, then a pause
        assert second.index("line 4\n") < second.index(self.PAUSE) < second.index("line 5\n")

    def test_text_that_fits_never_pauses(self):
        assert self.PAUSE not in write_paged("", 10)

    def test_a_long_document_in_play_is_paged(self, mapped_story):
        keys = " " * 4 + "record 1\r" + " " * 4
        _code, _raw, text = play(mapped_story, keys, role="guard", rows=14)
        last_pause = text.rindex(self.PAUSE)
        assert "Seven. At last a gun fired" in text[:last_pause]
        assert "Twelve. Nobody stopped us." in text[last_pause:]


def test_help_lists_the_keys(tiny_story):
    _code, _raw, text = play(tiny_story, "help\r", role="guard")
    assert "Keys:" in text
    assert "Ctrl-P, Ctrl-N" in text


@pytest.mark.parametrize("columns", [60, 120])
def test_text_is_wrapped_to_the_width_and_at_most_80(mapped_story, columns):
    _code, _raw, text = play(mapped_story, "look\r", role="guard", columns=columns)
    prose = [line for line in text.splitlines() if " the " in line and "│" not in line]
    assert prose
    assert max(len(line) for line in prose) <= min(columns - 1, 80)
