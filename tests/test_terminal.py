"""The prompt-toolkit console, driven through prompt-toolkit's pipe input."""

from __future__ import annotations

import io
import re

from prompt_toolkit import PromptSession
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from palace.session import Session
from palace.terminal import TerminalConsole, answer_completer


_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def play(story, keys: str, *, columns: int = 70) -> tuple[int, str, str]:
    """Play ``story`` by typing ``keys``; return the exit code, raw and readable output."""
    buffer = io.StringIO()
    output = Vt100_Output(buffer, lambda: Size(rows=40, columns=columns), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(keys)
        pipe.close()
        console = TerminalConsole(PromptSession(input=pipe, output=output))
        code = Session(story, console).run()
    raw = buffer.getvalue()
    return code, raw, _ESCAPES.sub("", raw)


def test_numbers_and_enter_play_the_story(tiny_story):
    code, _raw, text = play(tiny_story, "1\r1\r2\r1\r")
    assert code == 0
    assert "THE GREAT HALL" in text
    assert "THE END: It is over" in text
    assert "End of input" in text


def test_output_is_styled(tiny_story):
    _code, raw, _text = play(tiny_story, "1\r")
    assert "\x1b[0;38;5;167;1mA TINY NIGHT" in raw  # the title in the theme's colour


def test_greyed_choice_shows_its_reason_and_refuses(tiny_story):
    _code, _raw, text = play(tiny_story, "1\r2\r")
    assert "2. Charge the gate (You need a rifle.)" in text
    assert "You cannot do that now: You need a rifle." in text


def test_commands_complete_from_what_is_typed():
    completer = answer_completer(["help", "look", "record", "restart", "1", "2"])
    found = completer.get_completions(Document("re"), CompleteEvent(completion_requested=True))
    assert [c.text for c in found] == ["record", "restart"]


def test_answers_go_into_the_history():
    with create_pipe_input() as pipe:
        session: PromptSession[str] = PromptSession(input=pipe, output=DummyOutput())
        console = TerminalConsole(session)
        pipe.send_text("look\r")
        assert console.ask("> ", ["look"]) == "look"
    assert list(session.history.get_strings()) == ["look"]


def test_ctrl_c_leaves_with_a_message_and_code_130(tiny_story):
    code, _raw, text = play(tiny_story, "1\r\x03")
    assert code == 130
    assert "Interrupted" in text


def test_ctrl_d_leaves_cleanly(tiny_story):
    code, _raw, text = play(tiny_story, "1\r\x04")
    assert code == 0
    assert "Goodbye" in text
