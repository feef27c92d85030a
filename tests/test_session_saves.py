"""Saving in play: autosave after every choice, undo (as far back as 200 choices, and after
loading), save and load by name, the list of saves, a failing disk, and saves of a story
that has changed since."""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from palace.keeper import Keeper, Opening
from palace.loader import load_story
from palace.model import Story
from palace.plainconsole import PlainConsole
from palace.savefiles import SaveFolder
from palace.session import Session
from palace.slotnames import AUTOSAVE, autosave_slot
from palace.undo import UNDO_LIMIT


STORIES = Path(__file__).parent / "stories"


class Clock:
    """A wall clock for saves that moves one minute each time it is read."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(minutes=1)
        return self.moment


def play(story: Story, answers: str, folder: SaveFolder | None, *, role: str | None = "guard",
         opening: Opening | None = None, keeper: Keeper | None = None) -> tuple[int, str]:
    """Play ``answers``; return the exit code and the transcript with its lines joined, so
    that messages wrapped to the console's width read as one line each."""
    output = io.StringIO()
    console = PlainConsole(answers=io.StringIO(answers), output=output, echo=True, width=80)
    keeper = keeper or Keeper(story, folder, now=Clock())
    code = Session(story, console, role=role, keeper=keeper, opening=opening).run()
    return code, re.sub(r"[ \n]+", " ", output.getvalue())


def autosaved(folder: SaveFolder, story: Story):
    """The state in the story's autosave."""
    return folder.read(autosave_slot(story.id)).save.state


def resumed(story: Story, folder: SaveFolder, slot: str, answers: str) -> tuple[int, str]:
    """Play ``answers`` in a new sitting that starts from ``slot``, as --load does."""
    keeper = Keeper(story, folder, now=Clock())
    return play(story, answers, folder, role=None, opening=keeper.open(slot), keeper=keeper)


@pytest.fixture
def folder(tmp_path, monkeypatch) -> SaveFolder:
    """A saves folder given relative to the current folder, as players usually have it (and
    short enough that messages naming its files are not broken across lines)."""
    monkeypatch.chdir(tmp_path)
    return SaveFolder(Path("saves"))


@pytest.fixture(scope="module")
def loop_story() -> Story:
    return load_story(STORIES / "loop")


class TestAutosave:
    def test_after_the_start_and_after_every_choice(self, tiny_story, folder):
        play(tiny_story, "", folder)
        assert autosaved(folder, tiny_story).scene == "gate"
        play(tiny_story, "1\n", folder)
        state = autosaved(folder, tiny_story)
        assert (state.scene, state.variables["has_rifle"]) == ("gate", True)
        assert folder.slot_names()[0] == "autosave-tiny"

    def test_leaving_saves_what_changed_since_the_last_choice(self, tiny_story, folder):
        play(tiny_story, "3\nrecord 1\nquit\n", folder)
        assert autosaved(folder, tiny_story).read == {"memoir"}

    def test_without_a_folder_the_game_plays_and_saving_is_off(self, tiny_story):
        code, text = play(tiny_story, "1\nsave night\nsaves\nundo\n", None)
        assert code == 0
        assert "Not saved: saving is off in this game." in text
        assert "Saving is off in this game." in text
        assert "You take back your last choice." in text


class TestTheLastNight:
    """A new sitting offers the night the autosave left unfinished, and a new night
    never writes over it: it is kept in a save of its own first."""

    def test_the_role_question_offers_to_continue_it(self, tiny_story, folder):
        play(tiny_story, "1\n", folder)
        _code, text = play(tiny_story, "", folder, role=None)
        assert ("Who are you tonight? 1. Continue your last night Red Guard, \u201cAt the "
                "gate\u201d, 25 Oct 20:10 (7 Nov); saved 2026-11-23 ") in text
        assert "2. Red Guard" in text and "3. Cadet" in text

    def test_continuing_resumes_it(self, tiny_story, folder):
        play(tiny_story, "1\n", folder)
        _code, text = play(tiny_story, "1\n2\n1\n", folder, role=None)
        assert "Resuming your autosave" in text
        assert autosaved(folder, tiny_story).scene == "guard_end"  # the rifle was kept
        assert [name for name in folder.slot_names() if name.startswith("night-")] == []

    def test_a_new_night_keeps_it_in_a_save_of_its_own(self, tiny_story, folder):
        play(tiny_story, "1\n", folder)
        _code, text = play(tiny_story, "3\n", folder, role=None)  # the cadet, this time
        kept = re.search(r"Your last night is kept as the save '(night-[0-9-]+)': type "
                         r"'load \1' to go back to it\.", text)
        assert kept is not None
        assert autosaved(folder, tiny_story).role == "cadet"
        earlier = folder.read(kept.group(1)).save.state
        assert (earlier.role, earlier.variables["has_rifle"]) == ("guard", True)
        _code, text = play(tiny_story, f"load {kept.group(1)}\n2\n1\n", folder, role=None)
        assert autosaved(folder, tiny_story).scene == "guard_end"

    def test_a_role_given_on_the_command_line_keeps_it_too(self, tiny_story, folder):
        play(tiny_story, "1\n", folder)
        play(tiny_story, "", folder, role="cadet")
        kept = [name for name in folder.slot_names() if name.startswith("night-")]
        assert len(kept) == 1
        assert folder.read(kept[0]).save.state.variables["has_rifle"] is True

    def test_a_finished_night_is_neither_offered_nor_kept(self, tiny_story, folder):
        play(tiny_story, "3\n1\n", folder)  # the side door, and on to the end
        assert autosaved(folder, tiny_story).scene == "guard_end"
        _code, text = play(tiny_story, "1\n", folder, role=None)
        assert "Continue your last night" not in text
        assert folder.slot_names() == ["autosave-tiny"]

    def test_help_saves_and_load_work_at_the_role_question(self, tiny_story, folder):
        play(tiny_story, "1\nsave armed\n", folder)
        _code, text = play(tiny_story, "help\nsaves\nload armed\n2\n1\n", folder,
                           role=None)
        assert "Answer with a number from 1 to 3 to choose who you are. 'load NAME' " in text
        assert "Your saves, in saves:" in text
        assert "Resuming 'armed'" in text
        assert autosaved(folder, tiny_story).scene == "guard_end"


class TestUndo:
    def test_steps_back_one_choice_at_a_time(self, tiny_story, folder):
        _code, text = play(tiny_story, "1\n2\nundo\nundo\nundo\n", folder)
        assert text.count("You take back your last choice.") == 2
        assert "There is nothing to undo: this is as far back as your game goes." in text
        assert text.rstrip().endswith("Goodbye.")
        assert autosaved(folder, tiny_story).clock == 20 * 60

    def test_the_last_two_hundred_choices_can_be_taken_back(self, loop_story, folder):
        play(loop_story, "1\n" * (UNDO_LIMIT + 30) + "undo\n" * 150, folder, role=None)
        state = autosaved(folder, loop_story)
        assert state.variables["waited"] == UNDO_LIMIT + 30 - 150
        _code, text = resumed(loop_story, folder, AUTOSAVE, "undo\n" * (UNDO_LIMIT - 150 + 1))
        assert autosaved(folder, loop_story).variables["waited"] == 30
        assert text.count("You take back your last choice.") == UNDO_LIMIT - 150
        assert text.count("There is nothing to undo") == 1

    def test_undo_works_after_loading(self, tiny_story, folder):
        play(tiny_story, "1\n2\nsave inside\n", folder)
        _code, text = resumed(tiny_story, folder, "inside", "undo\nundo\n")
        assert "Resuming 'inside', saved 2026-11-23" in text
        assert text.count("You take back your last choice.") == 2
        state = autosaved(folder, tiny_story)
        assert (state.scene, state.clock, state.variables["has_rifle"]) == ("gate", 1200, False)
        _code, text = resumed(tiny_story, folder, AUTOSAVE, "")
        assert "Resuming your autosave, saved 2026-11-23" in text

    def test_restart_can_be_undone_and_is_autosaved(self, tiny_story, folder):
        _code, text = play(tiny_story, "1\nrestart\n2\n", folder)
        assert "A new night begins. Type 'undo' to return to the one you left." in text
        assert autosaved(folder, tiny_story).role == "cadet"
        _code, text = resumed(tiny_story, folder, AUTOSAVE, "undo\n")
        state = autosaved(folder, tiny_story)
        assert (state.role, state.scene, state.variables["has_rifle"]) == ("guard", "gate", True)


class TestSaveAndLoad:
    def test_save_and_load_a_named_slot(self, tiny_story, folder):
        _code, text = play(tiny_story, "1\nsave before the hall\n3\nload before the hall\n",
                           folder)
        path = folder.path / "before the hall.json"
        assert (f"Saved as 'before the hall' ({path}). Type 'load before the hall' to come "
                "back to this moment.") in text
        assert "Resuming 'before the hall', saved 2026-11-23 " in text
        assert autosaved(folder, tiny_story).scene == "gate"

    def test_save_and_load_without_a_name_use_the_last_slot(self, tiny_story, folder):
        _code, text = play(tiny_story, "save\n1\nload\nsave mine\n1\nload\n", folder)
        assert f"Saved as 'quicksave' ({folder.path / 'quicksave.json'})" in text
        assert text.count("Resuming 'quicksave'") == 1
        assert text.count("Resuming 'mine'") == 1
        assert autosaved(folder, tiny_story).variables["has_rifle"] is False

    def test_bad_names_and_the_autosave_slot_are_refused(self, tiny_story, folder):
        _code, text = play(tiny_story, "save ../x\nsave autosave\n1\n", folder)
        assert "Not saved: '../x' cannot name a save: it contains '/'" in text
        assert ("Not saved: 'autosave' is where the game saves itself after every choice; "
                "give your save another name.") in text
        assert "AT THE GATE" in text.split("save autosave")[1]  # the game went on

    def test_loading_a_missing_slot_says_which_exist(self, tiny_story, folder):
        _code, text = play(tiny_story, "save dawn\nload dusk\n", folder)
        assert (f"Not loaded: there is no save named 'dusk' in {folder.path} (saves: "
                "autosave-tiny, dawn).") in text

    def test_the_list_of_saves(self, tiny_story, folder):
        _code, text = play(tiny_story, "saves\n1\nsave armed\nsaves\n", folder)
        assert f"Your saves, in {folder.path}:" in text
        table = text.split(f"Your saves, in {folder.path}:")[2]
        assert table.startswith(" slot role scene clock saved armed Red Guard At the gate 25 "
                                "Oct 20:10 (7 Nov) 2026-11-23 ")
        assert " autosave Red Guard At the gate " in table
        assert "Type 'load NAME' to go back to one." in text

    def test_only_this_storys_saves_are_listed(self, tiny_story, loop_story, folder):
        play(loop_story, "save waiting\n", folder, role=None)
        _code, text = play(tiny_story, "saves\n", folder)
        assert "waiting" not in text and "autosave-loop" not in text
        assert " autosave Red Guard At the gate " in text

    def test_the_saves_folder_can_be_shown_and_changed(self, tiny_story, tmp_path):
        _code, text = play(tiny_story, "saves folder " + str(tmp_path / "new") + "\n"
                           "saves folder\n", SaveFolder(tmp_path / "old"))
        assert f"Your saves now go to {tmp_path / 'new'}." in text
        assert f"Your saves go to {tmp_path / 'new'}." in text
        assert (tmp_path / "new" / "autosave-tiny.json").is_file()

    def test_a_damaged_save_loads_its_backup_and_says_so(self, tiny_story, folder):
        play(tiny_story, "save night\n1\nsave night\n", folder)
        (folder.path / "night.json").write_text("{\"palace_save\": 1,")
        _code, text = play(tiny_story, "load night\n", folder)
        assert f"{folder.path / 'night.json'}: the file stops in the middle" in text
        assert "Loaded its backup, night.json.bak, saved 2026-11-23" in text


class TestFailingDisk:
    def test_the_game_goes_on_and_saving_can_be_retried_elsewhere(self, tiny_story, tmp_path,
                                                                   monkeypatch):
        monkeypatch.chdir(tmp_path)
        Path("blocked").write_text("a file where the saves folder should be")
        _code, text = play(tiny_story, "1\n2\nsave night\nsaves folder ok\nsave night\n",
                           SaveFolder(Path("blocked")))
        assert text.count("Autosave failed: cannot create the saves folder") == 1
        assert ("The game goes on. Type 'save NAME' to try another name, or 'saves folder "
                "DIR' to save in another folder.") in text
        assert "THE GREAT HALL" in text
        assert "Not saved: cannot create the saves folder" in text
        assert "Autosave works again." in text
        assert "Saved as 'night'" in text
        saved = SaveFolder(Path("ok")).read("night").save.state
        assert saved.scene == "hall"


class Script:
    """Answers for a plain console, with things done to the machine between them: an
    item that is not text is called when the game reads that far."""

    def __init__(self, *items: object) -> None:
        self.items = list(items)

    def readline(self) -> str:
        while self.items:
            item = self.items.pop(0)
            if isinstance(item, str):
                return item + "\n"
            item()
        return ""


def play_script(story: Story, script: Script, folder: SaveFolder) -> str:
    output = io.StringIO()
    console = PlainConsole(answers=script, output=output, echo=True, width=80)
    Session(story, console, role="guard", keeper=Keeper(story, folder, now=Clock())).run()
    return re.sub(r"[ \n]+", " ", output.getvalue())


def _failing(monkeypatch, owner: object, name: str, number: int, message: str):
    """Two steps for a script: make ``owner.name`` fail with errno ``number``, and undo it."""
    original = getattr(owner, name)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(number, message)

    return (lambda: monkeypatch.setattr(owner, name, fail),
            lambda: monkeypatch.setattr(owner, name, original))


class TestFaultsMidGame:
    """What happens to the disk between two answers: the game goes on, the player is
    told once, the last good autosave is kept, and saving works again when it can."""

    def test_a_saves_folder_removed_mid_game_is_made_again(self, tiny_story, folder):
        text = play_script(tiny_story, Script(
            "1", lambda: shutil.rmtree(folder.path), "2", "quit"), folder)
        assert "Autosave failed" not in text
        assert autosaved(folder, tiny_story).scene == "hall"

    def test_a_saves_folder_made_read_only_mid_game(self, tiny_story, folder, monkeypatch):
        """(Simulated: permissions do not stop root, who runs the tests in CI.)"""
        create = tempfile.mkstemp

        def read_only(*args: object, **kwargs: object) -> object:
            if Path(str(kwargs["dir"])) == folder.path:
                raise OSError(errno.EROFS, "Read-only file system")
            return create(*args, **kwargs)

        text = play_script(tiny_story, Script(
            "1", lambda: monkeypatch.setattr(tempfile, "mkstemp", read_only), "restart", "1",
            "1", "save night", "saves folder elsewhere", "save night", "quit"), folder)
        assert text.count("Autosave failed:") == 1
        assert ("Autosave failed: could not keep the previous save as "
                "saves/autosave-tiny.json.bak: Read-only file system; nothing was written. "
                "The game goes on.") in text
        assert ("Not saved: could not write saves/night.json: Read-only file system; the "
                "previous save is unchanged.") in text
        assert "Your saves now go to elsewhere. Autosave works again." in text
        assert "Saved as 'night' (elsewhere/night.json)" in text
        slot = autosave_slot(tiny_story.id)
        before = folder.read(slot).save  # the rifle taken, before the folder broke
        after = SaveFolder(Path("elsewhere")).read(slot).save  # the rifle taken again
        assert before.state.history == after.state.history == ("gate.gate",)
        assert (len(before.undo), len(after.undo)) == (1, 3)  # undo goes back past restart

    def test_a_full_disk_mid_game_keeps_the_last_good_autosave(self, tiny_story, folder,
                                                               monkeypatch):
        full, space_again = _failing(monkeypatch, os, "write", errno.ENOSPC,
                                     "No space left on device")
        text = play_script(tiny_story, Script(
            "1", full, "2", "look", "undo", space_again, "2", "quit"), folder)
        assert text.count("Autosave failed:") == 1
        assert "No space left on device; nothing was written. The game goes on." in text
        assert text.count("Autosave works again.") == 1
        assert autosaved(folder, tiny_story).scene == "hall"
        assert folder.read(autosave_slot(tiny_story.id)).notices == ()

    def test_while_the_disk_is_full_the_old_autosave_is_intact(self, tiny_story, folder,
                                                               monkeypatch):
        full, _space_again = _failing(monkeypatch, os, "write", errno.ENOSPC,
                                      "No space left on device")
        seen = []
        play_script(tiny_story, Script(
            "1", full, "2", lambda: seen.append(autosaved(folder, tiny_story)), "quit"), folder)
        assert (seen[0].scene, seen[0].variables["has_rifle"]) == ("gate", True)


class TestChangedStory:
    @pytest.fixture
    def renamed(self, tmp_path) -> Story:
        """The tiny story at 1.1, its gate renamed without a rule."""
        folder = tmp_path / "renamed"
        shutil.copytree(STORIES / "tiny", folder)
        edits = {"story.yaml": [('"1.0"', '"1.1"'), ("start: gate", "start: door")],
                 "scenes.yaml": [("id: gate", "id: door"), ("to: gate", "to: door")]}
        for name, changes in edits.items():
            text = (folder / name).read_text()
            for old, new in changes:
                text = text.replace(old, new)
            (folder / name).write_text(text)
        return load_story(folder)

    def test_the_player_is_told_what_is_gone_and_asked(self, tiny_story, renamed, folder):
        play(tiny_story, "1\nsave armed\n", folder)
        code, text = play(renamed, "load armed\nmaybe\nno\nload armed\nyes\n", folder)
        assert code == 0
        assert ("This save was made with version 1.0 of A Tiny Night; this is version 1.1, "
                "and some of what the save names is gone: "
                "- scene `gate`, where you were, no longer exists "
                "The nearest safe place to resume is \u201cAt the gate\u201d (door), with "
                "everything else you carry but what is gone. "
                "Resume there? (yes or no) maybe Answer yes or no. ") in text
        assert "Nothing was loaded: the game goes on where it was." in text
        state = autosaved(folder, tiny_story)
        assert (state.scene, state.variables["has_rifle"]) == ("door", True)

    def test_declining_at_the_start_leaves_the_save_alone(self, tiny_story, renamed, folder):
        play(tiny_story, "1\n", folder)
        before = (folder.path / "autosave-tiny.json").read_bytes()
        code, text = resumed(renamed, folder, AUTOSAVE, "no\n")
        assert code == 0
        assert text.rstrip().endswith("Your save is left as it was. Goodbye.")
        assert (folder.path / "autosave-tiny.json").read_bytes() == before

    def test_a_save_of_another_story_is_refused_in_play(self, tiny_story, loop_story, folder):
        play(loop_story, "save waiting\n", folder, role=None)
        _code, text = play(tiny_story, "load waiting\n1\n", folder)
        assert ("Not loaded: " + str(folder.path / "waiting.json") + " is a save of "
                "\u201cThe Long Wait\u201d (story 'loop'), not of \u201cA Tiny Night\u201d "
                "(story 'tiny')") in text
        assert autosaved(folder, tiny_story).variables["has_rifle"] is True

    def test_rules_resume_with_a_notice_and_no_question(self, tiny_story, folder):
        play(tiny_story, "1\nsave armed\n", folder)
        v2 = load_story(STORIES / "tiny_v2")
        _code, text = play(v2, "load armed\n", folder)
        assert "The story's rules carry it over: scene `gate` is now `square_gate`" in text
        assert "Resume there?" not in text
        assert "Rounds: 5." in text
