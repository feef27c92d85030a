"""Every way the palace command ends: a documented exit code (0, 1, 2 or 130) and a
message, never a traceback, unless PALACE_DEBUG asks for one. A game that is stopped
from outside (SIGTERM, SIGHUP, a closed pipe) is saved on the way out."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gamepipe import read_until_prompts
from palace.cli import check, main
from palace.loader import load_story
from palace.savefiles import SaveFolder


ROOT = Path(__file__).resolve().parent.parent
STORIES = Path(__file__).parent / "stories"
TINY = STORIES / "tiny"
POSIX_SIGNALS = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PALACE_DEBUG", "PALACE_SAVES")}
    return {**env, "PYTHONPATH": str(ROOT / "src"), **extra}


def palace(*arguments: str, cwd: Path, **popen: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "palace", *arguments], cwd=cwd,
                            env=environment(), **popen)


class TestUnexpectedErrors:
    def test_a_bug_is_a_message_asking_for_a_report(self, monkeypatch, capsys):
        monkeypatch.setattr(check, "collect", lambda _folder, **_options: 1 / 0)
        assert main(["check", str(TINY)]) == 1
        printed = capsys.readouterr()
        assert printed.err == ("palace: an unexpected error stopped Palace (ZeroDivisionError: "
                               "division by zero). This is a bug in Palace; please report it "
                               "with the command you ran. Set PALACE_DEBUG=1 to see where it "
                               "happened.\n")

    def test_palace_debug_shows_the_traceback(self, monkeypatch, capsys):
        monkeypatch.setattr(check, "collect", lambda _folder, **_options: 1 / 0)
        monkeypatch.setenv("PALACE_DEBUG", "1")
        assert main(["check", str(TINY)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("Traceback (most recent call last):")
        assert "ZeroDivisionError: division by zero" in err

    def test_an_output_that_cannot_be_written(self, monkeypatch, capsys):
        class FullDisk:
            def write(self, _text: str) -> int:
                raise OSError(errno.ENOSPC, "No space left on device")

            def flush(self) -> None:
                pass

        monkeypatch.setattr(sys, "stdout", FullDisk())
        assert main(["check", str(TINY)]) == 1
        assert capsys.readouterr().err == "palace: No space left on device\n"


class TestInterrupted:
    def test_ctrl_c_while_loading(self, monkeypatch, capsys):
        def interrupted(_folder: Path, **_options: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(check, "load_chosen_story", interrupted)
        assert main(["check", str(TINY)]) == 130
        assert capsys.readouterr().err == "palace: interrupted\n"

    @POSIX_SIGNALS
    @pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
    def test_a_stop_signal_while_loading(self, monkeypatch, capsys, name):
        number = getattr(signal, name)

        def signalled(folder: Path, **_options: object) -> object:
            os.kill(os.getpid(), number)  # the handler raises at the next instruction
            return load_story(folder)

        monkeypatch.setattr(check, "load_chosen_story", signalled)
        assert main(["check", str(TINY)]) == 130
        assert capsys.readouterr().err == f"palace: stopped by {name}\n"
        assert signal.getsignal(number) is signal.SIG_DFL

    @POSIX_SIGNALS
    def test_a_signal_that_was_ignored_stays_ignored(self, monkeypatch):
        seen = []

        def look(folder: Path, **_options: object) -> object:
            seen.append(signal.getsignal(signal.SIGHUP))
            return load_story(folder)

        monkeypatch.setattr(check, "load_chosen_story", look)
        previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it
        try:
            main(["check", str(TINY)])
        finally:
            signal.signal(signal.SIGHUP, previous)
        assert seen == [signal.SIG_IGN]


@POSIX_SIGNALS
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_mid_game_saves_what_changed_and_exits_130(tmp_path, name):
    """After a choice (autosaved) the player reads a document (not yet saved): the
    signal's way out writes it."""
    game = palace("--plain", "--story", str(TINY), "--role", "guard", cwd=tmp_path,
                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert game.stdin is not None and game.stdout is not None and game.stderr is not None
    try:
        read_until_prompts(game.stdout)
        for answer in (b"3\n", b"record 1\n"):
            game.stdin.write(answer)
            game.stdin.flush()
            shown = read_until_prompts(game.stdout)
        game.send_signal(getattr(signal, name))
        assert game.wait(timeout=60) == 130
    finally:
        if game.poll() is None:
            game.kill()
            game.wait()
    assert "It was quiet." in shown
    assert game.stderr.read().decode() == (
        f"palace: stopped by {name}\n"
        "Your game is autosaved: play again with --continue to take it up where you left "
        "it.\n")
    saved = SaveFolder(tmp_path / "saves").read("autosave-tiny")
    assert (saved.save.state.scene, saved.save.state.read) == ("hall", {"memoir"})
    assert saved.notices == ()


def test_output_closed_early_is_a_message_and_the_game_is_saved(tmp_path):
    """``palace play --input FILE | head -1``: the reader goes; so does the game, quietly."""
    answers = tmp_path / "answers.txt"
    answers.write_text("1\n" + "look\n" * 2000)  # far more than a pipe holds
    game = palace("play", "--story", str(TINY), "--role", "guard", "--input", str(answers),
                  cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert game.stdout is not None and game.stderr is not None
    for line in game.stdout:
        if b"Courage: 2." in line:  # the choice is taken, and so autosaved
            break
    game.stdout.close()
    assert game.wait(timeout=60) == 1
    assert game.stderr.read().decode() == (
        "palace: the output was closed before everything was written (a closed pipe)\n"
        "Your game is autosaved: play again with --continue to take it up where you left "
        "it.\n")
    state = SaveFolder(tmp_path / "saves").read("autosave-tiny").save.state
    assert state.variables["has_rifle"] is True


def test_answers_that_are_not_utf8_are_answers_the_game_does_not_know(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_bytes(b"\xff\xfe\n\xc3\n1\n")
    for arguments, stdin in ((["--input", str(answers)], subprocess.DEVNULL),
                             (["--plain"], answers.open("rb"))):
        game = palace("play", "--story", str(TINY), "--role", "guard", *arguments,
                      cwd=tmp_path, stdin=stdin, stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE)
        out, err = game.communicate(timeout=60)
        assert game.returncode == 0, err.decode()
        assert out.decode().count("is not a command or a choice") == 2
        assert "Courage: 2." in out.decode()


def test_digits_python_reads_as_numbers_are_not_choices(tmp_path):
    game = palace("--plain", "--story", str(TINY), "--role", "guard", cwd=tmp_path,
                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    answers = "²\n١\n" + "9" * 5000 + "\n1\n"
    out, err = game.communicate(answers.encode(), timeout=60)
    assert (game.returncode, err) == (0, b"")
    assert out.decode().count("is not a command or a choice") == 3


def test_an_ascii_terminal_shows_question_marks_not_a_crash(tmp_path):
    game = subprocess.run([sys.executable, "-m", "palace", "--plain", "--role", "red_guard"],
                          input=b"quit\n", capture_output=True, cwd=tmp_path,
                          env=environment(PYTHONIOENCODING="ascii"), check=False)
    assert (game.returncode, game.stderr) == (0, b"")
    assert b"?" in game.stdout
