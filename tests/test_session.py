"""The game loop in plain mode: title, roles, choices, commands and bad answers."""

from __future__ import annotations

import io
import re
from pathlib import Path

from palace.keeper import Keeper
from palace.plainconsole import PlainConsole
from palace.savefiles import SaveFolder
from palace.session import Session


class InterruptibleConsole(PlainConsole):
    """A plain console on which the answer ``^C`` is a Ctrl-C."""

    def ask(self, prompt, completions, *, menu=None):
        answer = super().ask(prompt, completions, menu=menu)
        if answer == "^C":
            raise KeyboardInterrupt
        return answer


def play(story, answers: str, *, role: str | None = None, width: int = 80,
         transcript: Path | None = None) -> tuple[int, str]:
    output = io.StringIO()
    console = InterruptibleConsole(answers=io.StringIO(answers), output=output, echo=True,
                                   width=width)
    code = Session(story, console, role=role, transcript=transcript).run()
    return code, output.getvalue()


def unwrapped(text: str) -> str:
    """``text`` with every run of spaces and newlines made one space, to read sentences
    however they were wrapped."""
    return " ".join(text.split())


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
    assert "AT THE GATE\nPalace Square. 25 October 1917, 20:00 (7 November N.S.)" in text
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
    assert "Answer with a number from 1 to 2, or type 'help'." in text
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


def test_quit_asks_first_and_says_whether_the_game_was_saved(tiny_story):
    code, text = play(tiny_story, "1\nquit\ny\nlook\n")
    assert code == 0
    assert "> quit\nLeave the night here? (y/n) y\n" in text
    assert text.rstrip().endswith("Leaving the night here. The game was not saved. Goodbye.")
    assert text.count("AT THE GATE") == 1


def test_quit_answered_no_plays_on(tiny_story):
    code, text = play(tiny_story, "1\nquit\nn\nlook\n")
    assert code == 0
    assert "Leave the night here? (y/n) n\nYou stay.\n" in text
    assert text.count("AT THE GATE") == 2


def test_quit_says_the_game_is_autosaved_when_it_is(tiny_story, tmp_path):
    output = io.StringIO()
    console = PlainConsole(answers=io.StringIO("1\nq\nyes\n"), output=output, echo=True)
    keeper = Keeper(tiny_story, SaveFolder(tmp_path))
    Session(tiny_story, console, keeper=keeper).run()
    assert unwrapped(output.getvalue()).endswith(
        "Leaving the night here. Your game is autosaved: play again with --continue to take "
        "it up where you left it. Goodbye.")


def test_quit_after_the_end_needs_no_confirmation(tiny_story):
    code, text = play(tiny_story, "2\n1\nquit\n")
    assert code == 0
    assert "Leave the night here?" not in text
    assert text.rstrip().endswith("The night is over. The game was not saved. Goodbye.")


def test_end_of_input_leaves_cleanly_without_asking(tiny_story):
    code, text = play(tiny_story, "1\n")
    assert code == 0
    assert "Leave the night here?" not in text
    assert text.rstrip().endswith(
        "End of input: leaving the night here. The game was not saved. Goodbye.")


def test_end_of_input_at_the_leaving_question_leaves(tiny_story):
    code, text = play(tiny_story, "1\nquit\n")
    assert code == 0
    assert text.rstrip().endswith("Leaving the night here. The game was not saved. Goodbye.")


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


class TestInterrupt:
    def test_ctrl_c_asks_and_no_plays_on(self, tiny_story):
        code, text = play(tiny_story, "1\n^C\nn\nlook\n")
        assert "> ^C\nLeave the night here? (y/n) n\nYou stay.\n" in text
        assert text.count("AT THE GATE") == 2
        assert code == 0

    def test_ctrl_c_then_yes_leaves_as_interrupted(self, tiny_story):
        code, text = play(tiny_story, "1\n^C\ny\n")
        assert code == 130
        assert text.rstrip().endswith("Leaving the night here. The game was not saved. Goodbye.")

    def test_second_ctrl_c_leaves_as_interrupted(self, tiny_story):
        code, _text = play(tiny_story, "1\n^C\n^C\n")
        assert code == 130

    def test_ctrl_c_at_the_role_question_asks_too(self, tiny_story):
        code, text = play(tiny_story, "^C\nn\n2\n")
        assert "You stay." in text
        assert "THE GREAT HALL" in text
        assert code == 0


class TestMapCommand:
    def test_map_marks_here_and_visited_with_a_spoken_legend(self, mapped_story):
        _code, text = play(mapped_story, "1\n3\nmap\n")
        assert "THE CITY\nYou are here: Palace Square, marked @ on the drawing.\n" \
               "Visited, marked *: Liteiny Bridge.\n\nThe drawing:\n" in text
        assert "~~~~~~~~~~~~~~~~~~~~~~~~~~==*==~~\n" in text
        assert "         @ Square\n" in text

    def test_map_by_name_says_when_the_player_is_not_on_it(self, mapped_story):
        _code, text = play(mapped_story, "1\nmap palace\n")
        assert "THE PALACE\nYou are not on this map: you are at Liteiny Bridge.\n" \
               "Not yet visited: The Great Hall; The billets.\n" in text

    def test_place_on_no_map_and_unknown_map_names(self, mapped_story):
        _code, text = play(mapped_story, "2\n2\nmap\nmap moon\n")
        assert "The cellars is on none of the maps. Type 'map NAME' for one of: city, " \
               "palace." in text
        assert "There is no map 'moon'. Maps: city, palace." in text

    def test_story_without_maps(self, tiny_story):
        _code, text = play(tiny_story, "1\nmap\n")
        assert "This story has no maps." in text


def test_timeline_lists_the_moments_witnessed_with_their_historical_times(mapped_story):
    _code, text = play(mapped_story, "1\n3\ntimeline\n")
    assert "THE NIGHT SO FAR\nFrom 18:00 to 22:00; it is now 21:52.\n\n" \
           " A  21:52  The signal gun: you lived it as the record tells it; history puts it\n" \
           "           at 21:40.\n @  21:52  Now.\n" in text


class TestTranscript:
    def test_transcript_has_everything_shown_and_typed(self, tiny_story, tmp_path):
        path = tmp_path / "night.txt"
        _code, text = play(tiny_story, f"1\ntranscript {path}\nlook\ntranscript off\nhelp\n")
        written = path.read_text(encoding="utf-8")
        assert re.match(r"\n\[A Tiny Night: transcript begun \d{4}-\d\d-\d\d \d\d:\d\d\]\n",
                        written)
        assert "> look\n\nAT THE GATE\n" in written
        assert "1. Take a rifle\n2. Charge the gate (You need a rifle.)\n" in written
        assert written.rstrip().endswith("> transcript off\n[transcript ended]")
        assert "Answer with a choice's number" not in written  # help came after 'off'
        assert f"The transcript in {path} is closed." in unwrapped(text)

    def test_transcript_from_the_start_appends(self, tiny_story, tmp_path):
        path = tmp_path / "night.txt"
        path.write_text("earlier\n", encoding="utf-8")
        play(tiny_story, "1\n", transcript=path)
        written = path.read_text(encoding="utf-8")
        assert written.startswith("earlier\n\n[A Tiny Night: transcript begun")
        assert "Who are you tonight?\n1. Red Guard\n2. Cadet\n> 1\n" in written
        assert written.rstrip().endswith("Goodbye.\n[transcript ended]")

    def test_a_bad_path_is_reported_and_play_goes_on(self, tiny_story, tmp_path):
        code, text = play(tiny_story, "1\nlook\n", transcript=tmp_path / "no" / "such.txt")
        assert f"Cannot write a transcript to {tmp_path / 'no' / 'such.txt'}: no such file " \
               "or directory. Play goes on without one." in unwrapped(text)
        assert text.count("AT THE GATE") == 2
        assert code == 0

    def test_transcript_without_a_file_says_how(self, tiny_story):
        _code, text = play(tiny_story, "1\ntranscript\ntranscript off\n")
        assert "No transcript is being written. Type 'transcript FILE' to start one." in text
        assert "No transcript is being written.\n" in text


def test_help_lists_the_new_commands_and_plain_mode_has_no_keys(tiny_story):
    _code, text = play(tiny_story, "1\nhelp\n")
    for usage in ("map [NAME]", "timeline", "transcript FILE"):
        assert f"  {usage}" in text
    assert "Keys:" not in text


def test_plain_mode_emits_no_escape_codes_and_no_drawing_symbols(mapped_story, tmp_path):
    answers = "1\nhelp\nrecord\nrecord 1\nmap\nmap palace\n3\ntimeline\nmap\n1\ndebrief\n"
    _code, text = play(mapped_story, answers)
    assert "THE END: Inside" in text
    assert "\x1b" not in text
    drawing = [c for c in text if "\u2500" <= c <= "\u259f" or c in "·▸›≈●▲│"]
    assert drawing == []
    assert "The legend: The gun launches the storming." in text
    assert "The record (your night): One blank round, and nothing follows." in text
