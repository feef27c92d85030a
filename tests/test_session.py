"""The game loop in plain mode: title, roles, choices, commands and bad answers."""

from __future__ import annotations

import io

from palace.plainconsole import PlainConsole
from palace.session import Session


def play(story, answers: str, *, role: str | None = None, width: int = 80) -> tuple[int, str]:
    output = io.StringIO()
    console = PlainConsole(answers=io.StringIO(answers), output=output, echo=True, width=width)
    code = Session(story, console, role=role).run()
    return code, output.getvalue()


def test_title_then_role_question(tiny_story):
    _code, text = play(tiny_story, "")
    assert text.startswith("\nA TINY NIGHT\n\nA small story for tests.\n")
    assert "Who are you tonight?\n1. Red Guard\n2. Cadet\n> \n" in text


def test_role_can_be_answered_by_number_or_name(tiny_story):
    for answer in ("2", "cadet", "Cadet"):
        _code, text = play(tiny_story, answer + "\n")
        assert "THE GREAT HALL" in text


def test_a_whole_night_in_plain_text(tiny_story):
    code, text = play(tiny_story, "1\n1\n2\n1\n")
    assert code == 0
    assert "AT THE GATE\nPalace Square  ·  25 October 1917, 20:00 (7 November N.S.)" in text
    assert "1. Take a rifle\n2. Charge the gate (You need a rifle.)\n3. Walk in by a side door" \
        in text
    assert "THE END: It is over" in text
    assert "YOUR NIGHT, THE LEGEND AND THE RECORD" in text
    assert "\x1b" not in text


def test_bad_answers_get_a_hint_and_the_prompt_again(tiny_story):
    _code, text = play(tiny_story, "1\n9\ndance\n\n2\n")
    assert "There is no choice 9. Answer with a number from 1 to 3, or type 'help'." in text
    assert "'dance' is not a command or a choice." in text
    assert text.count("Answer with a number from 1 to 3") == 3
    assert "You cannot do that now: You need a rifle." in text


def test_bad_role_answer_asks_again(tiny_story):
    _code, text = play(tiny_story, "7\n1\n")
    assert "Answer with a number from 1 to 2." in text
    assert "AT THE GATE" in text


def test_help_lists_every_command(tiny_story):
    _code, text = play(tiny_story, "1\nhelp\n")
    for command in ("help", "look", "record [N]", "debrief", "restart", "quit"):
        assert f"  {command}" in text


def test_look_shows_the_scene_again(tiny_story):
    _code, text = play(tiny_story, "1\nlook\n")
    assert text.count("AT THE GATE") == 2


def test_record_lists_and_reads_documents(tiny_story):
    _code, text = play(tiny_story, "1\nrecord\n3\nrecord\nrecord 1\nrecord\nrecord 5\n")
    assert "Your record is empty" in text
    assert " 1. A memoir  (new)" in text
    assert "A MEMOIR\n\nIt was quiet.\n\nSource: Someone, Somewhere (1920)" in text
    assert text.rstrip().count(" 1. A memoir\n") == 1  # read: no longer new
    assert "No document '5'." in text


def test_restart_asks_the_role_again(tiny_story):
    _code, text = play(tiny_story, "1\nrestart\n2\n")
    assert text.count("Who are you tonight?") == 2
    assert "THE GREAT HALL" in text


def test_quit_says_goodbye(tiny_story):
    code, text = play(tiny_story, "1\nquit\nlook\n")
    assert code == 0
    assert text.rstrip().endswith("You leave A Tiny Night where it stands. Goodbye.")


def test_end_of_input_leaves_cleanly(tiny_story):
    code, text = play(tiny_story, "1\n")
    assert code == 0
    assert text.rstrip().endswith("End of input: leaving the night here. Goodbye.")


def test_choices_after_the_end_are_refused_kindly(tiny_story):
    _code, text = play(tiny_story, "2\n1\n1\n")
    assert "The night is over. Type 'restart' to play again" in text


def test_role_given_in_advance_skips_the_question(tiny_story):
    _code, text = play(tiny_story, "", role="cadet")
    assert "Who are you tonight?" not in text
    assert "THE GREAT HALL" in text


def test_text_wraps_to_the_console_width(tiny_story):
    _code, text = play(tiny_story, "1\n", width=30)
    assert max(len(line) for line in text.splitlines()) <= 29
    _code, wide = play(tiny_story, "1\n", width=200)
    assert max(len(line) for line in wide.splitlines()) <= 80
