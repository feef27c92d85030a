"""End to end: the game in a real terminal (tmux), typed at and read back from the screen,
at 60 and at 120 columns.

The game runs as ``python -m palace`` with this checkout's ``src`` first on the path,
so the tests drive this checkout's code whatever ``palace`` is installed; one test runs
the installed ``palace`` script itself, when it is this checkout's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from palace.savefiles import SaveFolder
from tmux import Tmux


STORIES = Path(__file__).parent / "stories"
TINY = STORIES / "tiny"
MAPPED = STORIES / "mapped"
SRC = Path(__file__).resolve().parent.parent / "src"

pytestmark = pytest.mark.skipif(not Tmux.available(),
                                reason="tmux is not installed (.ci/run installs it)")

Start = Callable[..., Tmux]


def palace_command() -> list[str]:
    return [sys.executable, "-m", "palace"]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start the game in tmux: ``start(*arguments, width=, height=)``."""
    sessions: list[Tmux] = []

    def launch(*arguments: str, width: int = 80, height: int = 30) -> Tmux:
        env = {"TERM": "xterm-256color", "PYTHONPATH": str(SRC), "LANG": "C.UTF-8"}
        env.update({k: v for k, v in os.environ.items() if k in ("PATH", "HOME")})
        session = Tmux([*palace_command(), *arguments], width=width, height=height,
                       cwd=str(tmp_path), env=env)
        sessions.append(session)
        return session

    try:
        yield launch
    finally:
        for session in sessions:
            session.close()


@pytest.fixture
def game(start: Start) -> Tmux:
    return start("--story", str(TINY))


def on_the_bridge(start: Start, width: int, height: int = 30) -> Tmux:
    """The mapped story at its first scene, as the Red Guard."""
    game = start("--story", str(MAPPED), "--role", "guard", width=width, height=height)
    game.wait_for("3. Wait on the bridge for the signal gun.")
    game.wait_for_prompt()
    return game


def scene_lines(scrollback: str, heading: str, *, occurrence: int = -1) -> list[str]:
    """The lines of a scene as shown: from its heading to the line before its choices."""
    shown = scrollback.split(heading)[occurrence].split("\n")
    return [line for line in shown[:next(n for n, line in enumerate(shown) if "1. " in line)]]


def test_play_in_a_real_terminal(game: Tmux) -> None:
    game.wait_for("Who are you tonight?")
    assert "\x1b[" in game.screen(escapes=True)  # styled, not plain
    game.type("1")
    game.send("Enter")
    game.wait_for("3. Walk in by a side door")
    game.wait_for_prompt()
    game.type("look")
    game.send("Enter")
    game.wait_for("AT THE GATE", count=2)


@pytest.mark.parametrize("width", [60, 120])
class TestAtTwoWidths:
    def test_status_bar_shows_role_clock_and_place(self, start: Start, width: int) -> None:
        game = on_the_bridge(start, width)
        status = game.wait_for_status("1 unread")
        assert status.startswith(" Red Guard │ 25 Oct 18:00 (7 Nov) │ Liteiny Bri")
        assert status.endswith("1 unread")
        assert len(status) <= width

    def test_text_wraps_within_the_width(self, start: Start, width: int) -> None:
        game = on_the_bridge(start, width)
        lines = scene_lines(game.scrollback(), "ON THE BRIDGE")
        assert len(lines) > 8
        assert max(len(line.rstrip()) for line in lines) <= min(width - 1, 80), lines

    def test_arrow_keys_pick_the_highlighted_choice(self, start: Start, width: int) -> None:
        game = on_the_bridge(start, width)
        game.send("Down")
        game.wait_for_screen("› 1. Cross to the square")
        game.send("Down")  # choice 2 cannot be taken: the highlight passes over it
        game.wait_for_screen("› 3. Wait on the bridge for the signal gun.")
        game.wait_for_prompt("3")
        game.send("Enter")
        game.wait_for("PALACE SQUARE")
        game.wait_for_prompt()
        game.wait_for_status("25 Oct 21:52 (7 Nov) │ Palace Square")

    def test_ctrl_c_asks_instead_of_leaving(self, start: Start, width: int) -> None:
        game = on_the_bridge(start, width)
        game.send("C-c")
        game.wait_for("Leave the night here? (y/n)")
        game.type("n")
        game.send("Enter")
        game.wait_for("You stay.")
        game.wait_for_prompt()
        assert not game.has_exited()
        game.type("look")
        game.send("Enter")
        game.wait_for("ON THE BRIDGE", count=2)
        game.wait_for_prompt()
        game.send("C-c")
        game.wait_for("Leave the night here? (y/n)", count=2)
        game.send("C-c")
        assert game.wait_for_exit() == 130
        assert "Traceback" not in game.scrollback()


def test_a_resize_rewraps_what_comes_next(start: Start) -> None:
    game = on_the_bridge(start, 120)
    game.wait_for_status("Liteiny Bridge │ 1 unread")
    game.resize(60, 30)
    game.wait_for_status("Liteiny Brid… │ 1 unread")  # the status bar is redrawn to fit
    game.type("look")
    game.send("Enter")
    game.wait_for("ON THE BRIDGE", count=2)
    game.wait_for_prompt()
    after = scene_lines(game.scrollback(), "ON THE BRIDGE", occurrence=2)
    assert len(after) > 10
    assert max(len(line.rstrip()) for line in after) <= 59
    assert all(line == line.rstrip() or not line.endswith(" ") for line in after)


def test_ctrl_d_leaves_cleanly(start: Start) -> None:
    game = on_the_bridge(start, 80)
    game.send("C-d")
    assert game.wait_for_exit() == 0
    assert "Leave the night here?" not in game.scrollback()


def test_quit_confirms_and_says_the_game_is_autosaved(start: Start) -> None:
    game = on_the_bridge(start, 80)
    game.type("quit")
    game.send("Enter")
    game.wait_for("Leave the night here? (y/n)")
    game.type("y")
    game.send("Enter")
    assert game.wait_for_exit() == 0
    assert "Your game is autosaved: play again with --continue" in game.scrollback()


def test_history_on_ctrl_p_and_on_up_after_typing(start: Start) -> None:
    game = on_the_bridge(start, 80, height=50)  # tall enough for 'help' without a pause
    for answer, shown in (("look", "ON THE BRIDGE"), ("help", "Keys:")):
        game.type(answer)
        game.send("Enter")
        game.wait_for(shown, count=2 if answer == "look" else 1)
        game.wait_for_prompt()
    game.send("C-p")
    game.wait_for_prompt("help")
    game.send("C-u")
    game.type("lo")
    game.send("Up")
    game.wait_for_prompt("look")
    game.send("Enter")
    game.wait_for("ON THE BRIDGE", count=3)


def test_tab_completes_commands_and_their_arguments(start: Start) -> None:
    game = on_the_bridge(start, 80)
    game.type("tim")
    game.send("Tab")
    game.wait_for_prompt("timeline")
    game.send("C-u")
    game.type("map pa")
    game.send("Tab")
    game.wait_for_prompt("map palace")
    game.send("Enter")
    game.wait_for("THE PALACE")


def test_long_text_waits_at_more(start: Start) -> None:
    game = on_the_bridge(start, 80)
    game.resize(80, 12)
    game.type("record 1")
    game.send("Enter")
    game.wait_for_screen("-- more --")
    assert "Twelve. Nobody stopped us." not in game.scrollback()
    game.send("q")
    game.wait_for("Twelve. Nobody stopped us.")
    game.wait_for_prompt()


def test_closing_the_terminal_saves_the_game(tmp_path: Path) -> None:
    """The window closes: the game hears SIGHUP, or finds its terminal gone, and either
    way saves what changed since the last choice and exits 130. (The inner shell
    outlives the hangup to record how the game ended.)"""
    record = 'trap : HUP; "$@" 2>stderr.txt; echo $? >status.txt'
    env = {"TERM": "xterm-256color", "PYTHONPATH": str(SRC), "LANG": "C.UTF-8",
           "PALACE_SAVES": str(tmp_path / "saves")}
    env.update({k: v for k, v in os.environ.items() if k in ("PATH", "HOME")})
    game = Tmux(["sh", "-c", record, "sh", *palace_command(), "--story", str(TINY), "--role",
                 "guard"], cwd=str(tmp_path), env=env)
    try:
        game.wait_for("3. Walk in by a side door")
        game.wait_for_prompt()
        game.type("3")
        game.send("Enter")
        game.wait_for("THE GREAT HALL")
        game.wait_for_prompt()
        game.type("record 1")
        game.send("Enter")
        game.wait_for("It was quiet.")
        game.wait_for_prompt()
    finally:
        game.close()
    status = tmp_path / "status.txt"
    deadline = time.monotonic() + 30
    while not status.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status.read_text().strip() == "130"
    assert ("Your game is autosaved: play again with --continue to take it up where you "
            "left it." in (tmp_path / "stderr.txt").read_text())
    state = SaveFolder(tmp_path / "saves").read("autosave-tiny").save.state
    assert (state.scene, state.read) == ("hall", {"memoir"})


def test_sigterm_at_the_prompt_leaves_the_terminal_usable(start: Start) -> None:
    """The prompt's event loop is cut short by the signal: the game is saved, says so,
    and the shell gets its terminal back."""
    game = start("--story", str(TINY), "--role", "guard")
    game.wait_for("3. Walk in by a side door")
    game.wait_for_prompt()
    os.kill(game.program_pid(), signal.SIGTERM)
    assert game.wait_for_exit() == 130
    screen = game.screen()
    assert "palace: stopped by SIGTERM" in screen
    assert "Your game is autosaved" in screen
    assert "Traceback" not in game.scrollback()


def installed_script() -> Path | None:
    """The ``palace`` script pip installed beside this Python, if it runs this checkout
    (the README's test command installs it, editable)."""
    script = Path(sysconfig.get_path("scripts")) / "palace"
    if not script.is_file():
        return None
    found = subprocess.run([sys.executable, "-c", "import palace; print(palace.__file__)"],
                           capture_output=True, text=True, check=False,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                           cwd="/")
    return script if Path(found.stdout.strip()).parent == SRC / "palace" else None


@pytest.mark.skipif(installed_script() is None,
                    reason="palace is not installed from this checkout (pip install -e '.[test]')")
def test_the_installed_palace_command_plays(tmp_path: Path) -> None:
    """The script a player runs, not ``python -m``: its entry point, and the shipped story
    found without --story."""
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8",
           **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}}
    game = Tmux([str(installed_script())], width=80, height=30, cwd=str(tmp_path), env=env)
    try:
        game.wait_for("THE NIGHT OF 25 OCTOBER")
        game.wait_for("Who are you tonight?")
        game.wait_for_prompt()
        game.type("2")
        game.send("Enter")
        game.wait_for("-- more --")  # the first scene is longer than the screen
        game.type("q")
        assert game.wait_for_status("Officer cadet").startswith(" Officer cadet │ 25 Oct 15:00")
        game.send("C-d")
        assert game.wait_for_exit() == 0
    finally:
        game.close()
    saves = SaveFolder(Path(os.environ["PALACE_SAVES"]))  # set for every test by conftest
    assert saves.read("autosave-winter_palace_1917").save.state.role == "cadet"
