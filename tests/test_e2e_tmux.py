"""End to end: the installed ``palace`` in a real terminal (tmux), typed at and read back."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from palace.savefiles import SaveFolder
from tmux import Tmux


TINY = Path(__file__).parent / "stories" / "tiny"

pytestmark = pytest.mark.skipif(not Tmux.available(),
                                reason="tmux is not installed (.ci/run installs it)")


def palace_command() -> list[str]:
    installed = shutil.which("palace")
    return [installed] if installed else [sys.executable, "-m", "palace"]


@pytest.fixture
def game(tmp_path: Path) -> Iterator[Tmux]:
    env = {"TERM": "xterm-256color", "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    env.update({k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")})
    session = Tmux([*palace_command(), "--story", str(TINY)], cwd=str(tmp_path), env=env)
    try:
        yield session
    finally:
        session.close()


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
    game.wait_for_prompt()
    game.send("Up")
    game.wait_for_prompt("look")
    game.send("Enter")
    game.wait_for("AT THE GATE", count=3)


def test_tab_completes_commands(game: Tmux) -> None:
    game.wait_for("Who are you tonight?")
    game.type("1")
    game.send("Enter")
    game.wait_for("3. Walk in by a side door")
    game.wait_for_prompt()
    game.type("reco")
    game.send("Tab")
    game.wait_for("> record")
    game.send("Enter")
    screen = game.screen()
    if "Your record is empty" not in screen:  # the first Enter may only close the menu
        game.send("Enter")
    game.wait_for("Your record is empty")


def test_ctrl_c_leaves_cleanly(game: Tmux) -> None:
    game.wait_for("Who are you tonight?")
    game.type("1")
    game.send("Enter")
    game.wait_for_prompt()
    game.send("C-c")
    game.wait_for("Interrupted")
    assert game.wait_for_exit() == 130
    assert "Traceback" not in game.screen()


def test_closing_the_terminal_saves_the_game(tmp_path: Path) -> None:
    """The window closes: the game hears SIGHUP, or finds its terminal gone, and either
    way saves what changed since the last choice and exits 130. (The inner shell
    outlives the hangup to record how the game ended.)"""
    record = 'trap : HUP; "$@" 2>stderr.txt; echo $? >status.txt'
    env = {"TERM": "xterm-256color", "PYTHONPATH": str(Path(__file__).parent.parent / "src"),
           "PALACE_SAVES": str(tmp_path / "saves")}
    env.update({k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")})
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
    assert ("Your game is saved in its autosave; 'palace play --continue' resumes it."
            in (tmp_path / "stderr.txt").read_text())
    state = SaveFolder(tmp_path / "saves").read("autosave-tiny").save.state
    assert (state.scene, state.read) == ("hall", {"memoir"})
