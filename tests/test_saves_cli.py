"""Saves from the command line: ``palace saves``, ``palace play --continue/--load/--saves``,
resuming in a second process, and an autosave that survives ``kill -9``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gamepipe import read_until_prompts
from palace import engine
from palace.loader import load_story
from palace.savefiles import SaveFolder
from savehelpers import typed


ROOT = Path(__file__).resolve().parent.parent
STORIES = Path(__file__).parent / "stories"
TINY = STORIES / "tiny"


def palace(*arguments: str, answers: str = "", cwd: Path,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m palace`` from this checkout in ``cwd``, answers piped in."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PALACE_DEBUG", "PALACE_SAVES")}
    environment.update({"PYTHONPATH": str(ROOT / "src"), **(env or {})})
    return subprocess.run([sys.executable, "-m", "palace", *arguments], input=answers,
                          capture_output=True, text=True, timeout=60, cwd=cwd,
                          env=environment, check=False)


def state_after(story_folder: Path, role: str, choices: list[str]):
    story = load_story(story_folder)
    state = engine.start(story, role)
    for choice in choices:
        state = engine.choose(story, state, choice)
    return state


class TestWhereSavesLive:
    def test_saves_go_to_saves_here_created_when_first_needed(self, tmp_path):
        listed = palace("saves", cwd=tmp_path)
        assert (listed.returncode, listed.stdout) == (0, "No saves in saves.\n")
        assert not (tmp_path / "saves").exists()
        palace("--story", str(TINY), "--role", "guard", answers="1\n", cwd=tmp_path)
        assert sorted(p.name for p in (tmp_path / "saves").iterdir()) == [
            "autosave-tiny.json", "autosave-tiny.json.bak"]

    def test_the_environment_and_the_option_choose_another_folder(self, tmp_path):
        env = {"PALACE_SAVES": str(tmp_path / "from-env")}
        palace("--story", str(TINY), "--role", "guard", cwd=tmp_path, env=env)
        assert (tmp_path / "from-env" / "autosave-tiny.json").is_file()
        palace("--story", str(TINY), "--role", "guard", "--saves", "opt", cwd=tmp_path, env=env)
        assert (tmp_path / "opt" / "autosave-tiny.json").is_file()
        listed = palace("saves", "--saves", "opt", cwd=tmp_path, env=env)
        assert listed.stdout.startswith("slot")
        assert not (tmp_path / "saves").exists()

    def test_an_unwritable_folder_does_not_stop_the_game(self, tmp_path):
        (tmp_path / "saves").write_text("a file, not a folder")
        result = palace("--story", str(TINY), "--role", "guard", answers="1\n2\n", cwd=tmp_path)
        assert result.returncode == 0
        assert result.stdout.count("Autosave failed: cannot create the saves folder") == 1
        assert "THE GREAT HALL" in result.stdout


class TestSavesCommand:
    @pytest.fixture
    def played(self, tmp_path) -> Path:
        palace("--story", str(TINY), "--role", "guard", answers="1\nsave armed\n2\n",
               cwd=tmp_path)
        return tmp_path

    def test_list_is_a_table(self, played):
        result = palace("saves", "list", cwd=played)
        heading, first, second = result.stdout.splitlines()
        assert heading.split() == ["slot", "role", "scene", "clock", "saved", "version"]
        assert first.startswith("autosave-tiny  Red Guard  The Great Hall  25 Oct 21:40 "
                                "(7 Nov)  ")
        assert first.endswith("  1.0")
        assert second.startswith("armed          Red Guard  At the gate     25 Oct 20:10 "
                                 "(7 Nov)  ")
        assert palace("saves", cwd=played).stdout == result.stdout

    def test_show_describes_one_save(self, played):
        result = palace("saves", "show", "armed", cwd=played)
        assert result.returncode == 0
        lines = result.stdout.splitlines()
        assert lines[0] == f"Save 'armed': {Path('saves') / 'armed.json'}"
        assert "  story      A Tiny Night (tiny), version 1.0" in lines
        assert "  scene      At the gate (gate)" in lines
        assert "  undo       1 step back" in lines
        assert '  variables  courage = 2, has_rifle = true, companion = "nobody"' in lines
        assert "  backup     none" in lines

    def test_delete_removes_a_save(self, played):
        result = palace("saves", "delete", "armed", cwd=played)
        assert result.returncode == 0
        assert result.stdout == f"Deleted the save 'armed': {Path('saves') / 'armed.json'}\n"
        missing = palace("saves", "show", "armed", cwd=played)
        assert missing.returncode == 1
        assert missing.stderr == ("palace: there is no save named 'armed' in saves (saves: "
                                  "autosave-tiny)\n")

    def test_autosave_names_the_autosave_of_the_one_story_played_here(self, played):
        shown = palace("saves", "show", "autosave", cwd=played)
        assert shown.stdout.splitlines()[0] == (
            f"Save 'autosave-tiny': {Path('saves') / 'autosave-tiny.json'}")
        (played / "saves" / "autosave-other.json").write_text("{}")
        refused = palace("saves", "delete", "autosave", cwd=played)
        assert refused.returncode == 2
        assert refused.stderr == ("palace: there is an autosave for each story played here: "
                                  "autosave-other, autosave-tiny; name the one to delete\n")
        assert palace("saves", "delete", "autosave-tiny", cwd=played).returncode == 0

    def test_a_damaged_save_is_reported_with_its_file(self, played):
        (played / "saves" / "armed.json").write_text('{"palace_save": 1, "sto')
        result = palace("saves", "show", "armed", cwd=played)
        assert result.returncode == 1
        assert result.stderr == (f"palace: {Path('saves') / 'armed.json'}: the file stops in "
                                 "the middle (23 bytes): it was cut short\n")
        listed = palace("saves", cwd=played).stdout
        assert "armed    " in listed and "(cannot be read)" in listed
        assert listed.rstrip().endswith("armed: saves/armed.json: the file stops in the middle "
                                        "(23 bytes): it was cut short")

    @pytest.mark.parametrize(("arguments", "message"), [
        (["show", "../x"], "palace: '../x' cannot name a save: it contains '/'"),
        (["delete", "con"], "palace: 'con' cannot name a save: it is a reserved device name"),
        (["show"], "palace: 'palace saves show' needs the name of a save: palace saves show "
                   "SLOT"),
        (["list", "x"], "palace: 'palace saves list' takes no save name"),
    ])
    def test_usage_errors(self, tmp_path, arguments, message):
        result = palace("saves", *arguments, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith(message)


class TestPlayOptions:
    def test_continue_with_nothing_to_continue_begins_a_new_night(self, tmp_path):
        result = palace("--story", str(TINY), "--continue", answers="1\n", cwd=tmp_path)
        assert result.returncode == 0
        assert ("There is no saved game of A Tiny Night in saves to continue: a new night "
                "begins.") in " ".join(result.stdout.split())
        assert "Who are you tonight?" in result.stdout

    @pytest.mark.parametrize(("arguments", "code", "message"), [
        (["--load", "nothing"], 1, "palace: there is no save named 'nothing' in saves (there "
                                   "are no saves there yet)"),
        (["--load", "/etc/passwd"], 2, "palace: '/etc/passwd' cannot name a save"),
        (["--load", "x" * 10_000], 2, "palace: 'xxxxxxxxxxxxxxxxxxxxxxxx'… cannot name a "
                                      "save: it is 10000 characters long"),
        (["--role", "guard", "--continue"], 2, "palace: --role begins a new night, and a saved "
                                               "game has its own role"),
        (["--continue", "--load", "x"], 2, "usage: palace play"),
    ])
    def test_refusals(self, tmp_path, arguments, code, message):
        result = palace("--story", str(TINY), *arguments, cwd=tmp_path)
        assert result.returncode == code
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr

    def test_a_save_of_another_story_is_refused_naming_both(self, tmp_path):
        palace("--story", str(STORIES / "loop"), answers="save waiting\n", cwd=tmp_path)
        result = palace("--story", str(TINY), "--load", "waiting", cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr == (f"palace: {Path('saves') / 'waiting.json'} is a save of "
                                 "\u201cThe Long Wait\u201d (story 'loop'), not of \u201cA Tiny "
                                 "Night\u201d (story 'tiny'); play it with --story and the "
                                 "folder of that story\n")

    def test_continue_picks_the_latest_save_of_this_story(self, tmp_path):
        palace("--story", str(TINY), "--role", "guard", answers="save early\n1\n",
               cwd=tmp_path)
        palace("--story", str(STORIES / "loop"), answers="1\n1\n", cwd=tmp_path)
        result = palace("--story", str(TINY), "--continue", cwd=tmp_path)
        assert "Resuming your autosave" in result.stdout  # not 'early', and not the loop's
        assert "Courage: 2." in result.stdout
        assert sorted(p.name for p in (tmp_path / "saves").glob("*.json")) == [
            "autosave-loop.json", "autosave-tiny.json", "early.json"]

    def test_load_autosave_finds_this_storys_autosave(self, tmp_path):
        palace("--story", str(TINY), "--role", "cadet", cwd=tmp_path)
        result = palace("--story", str(TINY), "--load", "autosave", cwd=tmp_path)
        assert result.returncode == 0
        assert "Resuming your autosave" in result.stdout
        assert "THE GREAT HALL" in result.stdout

    def test_a_story_update_resumes_through_its_rules(self, tmp_path):
        palace("--story", str(TINY), "--role", "guard", answers="1\n", cwd=tmp_path)
        result = palace("--story", str(STORIES / "tiny_v2"), "--continue", answers="2\n",
                        cwd=tmp_path)
        assert result.returncode == 0
        assert "The story's rules carry it over: scene `gate` is now" in \
            " ".join(result.stdout.split())
        assert "THE COURTYARD" in result.stdout


def test_a_game_resumes_in_a_second_process_exactly(tmp_path):
    first = palace("--story", str(TINY), "--role", "guard", "--plain", answers="1\n2\n",
                   cwd=tmp_path)
    assert first.returncode == 0
    expected = state_after(TINY, "guard", ["gate.gate", "gate.hall.2"])
    second = palace("--story", str(TINY), "--continue", "--plain", answers="save after\n",
                    cwd=tmp_path)
    assert second.returncode == 0
    folder = SaveFolder(tmp_path / "saves")
    assert typed(folder.read("after").save.state) == typed(expected)
    last_scene_of_first = first.stdout.split("\n> 2\n")[1].split("\n> ")[0]
    first_scene_of_second = second.stdout.split("saved ")[1].split("\n", 1)[1].split("\n> ")[0]
    assert first_scene_of_second == last_scene_of_first
    assert "THE GREAT HALL" in first_scene_of_second
    undo = folder.read("after").save.undo
    assert [s.scene for s in undo] == ["gate", "gate"]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9 (POSIX)")
def test_the_autosave_survives_kill_9_right_after_a_choice(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PALACE_SAVES"}
    env["PYTHONPATH"] = str(ROOT / "src")
    game = subprocess.Popen([sys.executable, "-m", "palace", "--plain", "--story", str(TINY),
                             "--role", "guard"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=tmp_path, env=env)
    assert game.stdin is not None and game.stdout is not None
    try:
        read_until_prompts(game.stdout, 1)
        game.stdin.write(b"1\n")
        game.stdin.flush()
        shown = read_until_prompts(game.stdout, 1)  # the next scene: the choice is saved
        os.kill(game.pid, signal.SIGKILL)
        assert game.wait(timeout=60) == -signal.SIGKILL
    finally:
        if game.poll() is None:
            game.kill()
            game.wait()
    assert "1. Charge the gate" in shown
    loaded = SaveFolder(tmp_path / "saves").read("autosave-tiny")
    assert loaded.notices == ()
    expected = state_after(TINY, "guard", ["gate.gate"])
    assert typed(loaded.save.state) == typed(expected)
    resumed = palace("--story", str(TINY), "--continue", answers="1\n", cwd=tmp_path)
    assert "Resuming your autosave" in resumed.stdout
    assert "THE GREAT HALL" in resumed.stdout
