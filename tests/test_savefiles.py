"""Save files: slot names are checked before any file is touched; writes are atomic and keep
the previous save as a backup; damaged saves fall back to the backup and are never written
over; a fault at any step of a write, or two writers at once, never leave a broken save."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from palace.errors import SaveError
from palace.savefiles import SaveFolder
from palace.saveformat import encode
from palace.savegame import make_save
from palace.slotnames import AUTOSAVE, SlotNameError, check_slot_name
from savehelpers import SAVED_AT, typed, walk


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path) -> SaveFolder:
    return SaveFolder(tmp_path / "saves")


@pytest.fixture(scope="module")
def games(tiny_story):
    """Three saves of the guard's night, one choice apart, with their undo histories."""
    saves = []
    for moves in ([], [0], [0, 1]):
        state, undo = walk(tiny_story, "guard", moves)
        saves.append(make_save(tiny_story, state, undo, saved_at=SAVED_AT))
    return saves


def files_in(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


class TestSlotNames:
    @pytest.mark.parametrize("name", ["autosave", "Before the square", "night-2", "v1.2",
                                      "A" * 64, "7", "a_b"])
    def test_good_names(self, name):
        assert check_slot_name(name) == name

    @pytest.mark.parametrize(("name", "reason"), [
        ("../x", "it contains '/', and a save name is a name, not a path"),
        ("/etc/passwd", "it contains '/', and a save name is a name, not a path"),
        ("..\\x", "it contains '\\', and a save name is a name, not a path"),
        ("..", "it contains '..'"),
        ("a..b", "it contains '..'"),
        (".", "it starts with '.', which hides a file"),
        (".hidden", "it starts with '.', which hides a file"),
        ("con", "it is a reserved device name on Windows"),
        ("CON", "it is a reserved device name on Windows"),
        ("con.txt", "it is a reserved device name on Windows"),
        ("Lpt1", "it is a reserved device name on Windows"),
        ("nul ", "it ends with a dot or a space"),
        ("night.", "it ends with a dot or a space"),
        ("", "the name is empty"),
        ("x" * 65, "it is 65 characters long"),
        ("x" * 10_000, "it is 10000 characters long"),
        ("new\nline", "it contains '\\n'"),
        ("nul\x00", "it contains '\\x00'"),
        ("résumé", "it contains 'é'"),
        ("-x", "it contains '-'"),
        ("a*b", "it contains '*'"),
    ])
    def test_bad_names_say_why(self, name, reason):
        with pytest.raises(SlotNameError) as caught:
            check_slot_name(name)
        message = str(caught.value)
        assert f"cannot name a save: {reason}; a save name has 1 to 64 letters" in message
        assert len(message) < 250

    def test_a_long_name_is_shown_cut_short(self):
        with pytest.raises(SlotNameError, match=r"^'xxxxxxxxxxxxxxxxxxxxxxxx'… cannot name"):
            check_slot_name("x" * 10_000)

    @pytest.mark.parametrize("name", ["../x", "/etc/passwd", "con", "", "x" * 10_000,
                                      "../../saves/x", "..", "sub/../../x"])
    def test_no_attack_touches_the_filesystem(self, tmp_path, games, name):
        folder = SaveFolder(tmp_path / "saves")
        with pytest.raises(SlotNameError):
            folder.write(name, games[0])
        for action in (folder.read, folder.delete, folder.file_of):
            with pytest.raises(SlotNameError):
                action(name)
        assert files_in(tmp_path) == []


class TestWriteAndRead:
    def test_the_folder_is_created_when_first_needed(self, tmp_path, games):
        folder = SaveFolder(tmp_path / "deep" / "saves")
        assert folder.slot_names() == [] and not folder.path.exists()
        assert folder.write("first", games[0]) == ()
        assert files_in(folder.path) == ["first.json"]

    def test_a_slot_reads_back_what_was_written(self, folder, games):
        folder.write("night", games[2])
        loaded = folder.read("night")
        assert typed(loaded.save) == typed(games[2])
        assert loaded.path == folder.path / "night.json" and loaded.notices == ()
        assert (folder.path / "night.json").read_text() == encode(games[2])

    def test_the_previous_save_is_kept_as_the_backup(self, folder, games):
        folder.write("night", games[0])
        folder.write("night", games[1])
        folder.write("night", games[2])
        assert files_in(folder.path) == ["night.json", "night.json.bak"]
        assert (folder.path / "night.json.bak").read_text() == encode(games[1])

    def test_a_missing_slot_names_the_folder_and_the_nearest(self, folder, games):
        folder.write("the square", games[0])
        folder.write(AUTOSAVE, games[0])
        with pytest.raises(SaveError) as caught:
            folder.read("the sqare")
        assert str(caught.value) == (f"there is no save named 'the sqare' in {folder.path} "
                                     "(did you mean 'the square'? saves: autosave, the square)")

    def test_an_empty_folder_says_so(self, folder):
        with pytest.raises(SaveError, match=r"there are no saves there yet"):
            folder.read("night")


def _truncate(data: bytes) -> bytes:
    return data[:len(data) // 3]


def _garble(data: bytes) -> bytes:
    return data.replace(b'"clock"', b'"clock" "', 1)


def _flip(data: bytes) -> bytes:
    return data.replace(b'"courage": 2', b'"courage": 9', 1)


def _mistype(data: bytes) -> bytes:
    import json

    from palace.saveformat import checksum

    document = json.loads(data)
    document["state"]["visits"] = ["gate"]
    document["checksum"] = checksum(document)
    return json.dumps(document).encode()


def _empty(_data: bytes) -> bytes:
    return b""


class TestDamagedSaves:
    @pytest.mark.parametrize(("damage", "problem"), [
        (_truncate, "it was cut short"),
        (_garble, "not valid JSON: Expecting ':' delimiter"),
        (_flip, "the checksum does not match the contents"),
        (_mistype, "expected an object, found a list @ $.state.visits"),
        (_empty, "the file is empty"),
    ])
    def test_a_damaged_save_falls_back_to_its_backup(self, folder, games, damage, problem):
        folder.write("night", games[1])
        folder.write("night", games[2])
        path = folder.path / "night.json"
        path.write_bytes(damage(path.read_bytes()))
        loaded = folder.read("night")
        assert typed(loaded.save) == typed(games[1])
        assert loaded.path == folder.path / "night.json.bak"
        [notice] = loaded.notices
        assert notice.startswith(f"{path}: ")
        assert problem in notice
        assert notice.endswith(". Loaded its backup, night.json.bak, saved "
                               f"{SAVED_AT.astimezone():%Y-%m-%d %H:%M}.")

    def test_a_missing_save_falls_back_to_its_backup(self, folder, games):
        folder.write("night", games[1])
        folder.write("night", games[2])
        (folder.path / "night.json").unlink()
        loaded = folder.read("night")
        assert typed(loaded.save) == typed(games[1])
        assert loaded.notices[0].startswith(f"{folder.path / 'night.json'} is missing. Loaded")

    def test_without_a_good_backup_the_error_names_both_files(self, folder, games):
        folder.write("night", games[1])
        folder.write("night", games[2])
        for name in ("night.json", "night.json.bak"):
            (folder.path / name).write_bytes(b'{"palace_save": 1, "story"')
        with pytest.raises(SaveError) as caught:
            folder.read("night")
        assert str(caught.value) == (
            f"{folder.path / 'night.json'}: the file stops in the middle (26 bytes): it was "
            "cut short\nIts backup cannot be read either: "
            f"{folder.path / 'night.json.bak'}: the file stops in the middle (26 bytes): it "
            "was cut short")

    def test_a_damaged_save_without_backup_is_an_error(self, folder, games):
        folder.write("night", games[0])
        path = folder.path / "night.json"
        path.write_bytes(_flip(path.read_bytes()) + b"x")
        with pytest.raises(SaveError, match=rf"^{path}: not valid JSON"):
            folder.read("night")

    def test_a_damaged_save_is_set_aside_not_written_over(self, folder, games):
        folder.write("night", games[0])
        folder.write("night", games[1])
        path = folder.path / "night.json"
        damaged = _flip(path.read_bytes())
        path.write_bytes(damaged)
        notices = folder.write("night", games[2])
        assert notices == (f"{path}: the checksum does not match the contents: the file was "
                           "damaged, or edited after it was saved. It is kept as "
                           "night.json.damaged; the new save takes its place.",)
        assert (folder.path / "night.json.damaged").read_bytes() == damaged
        assert (folder.path / "night.json.bak").read_text() == encode(games[0])
        assert typed(folder.read("night").save) == typed(games[2])
        path.write_bytes(damaged)
        folder.write("night", games[2])
        assert (folder.path / "night.json.damaged-2").read_bytes() == damaged


class TestUnwritable:
    def test_a_saves_folder_that_is_a_file(self, tmp_path, games):
        (tmp_path / "saves").write_text("not a folder")
        with pytest.raises(SaveError, match=r"^cannot create the saves folder .*saves: "):
            SaveFolder(tmp_path / "saves").write("night", games[0])

    def test_a_slot_that_is_a_folder_can_be_saved_under_another_name(self, folder, games):
        (folder.path / "night.json").mkdir(parents=True)
        with pytest.raises(SaveError, match=r"cannot read .*night\.json to keep it as a backup: "
                                            r"Is a directory; nothing was written"):
            folder.write("night", games[0])
        folder.write("night 2", games[0])
        assert typed(folder.read("night 2").save) == typed(games[0])

    def test_a_full_disk_leaves_the_old_save(self, folder, games, monkeypatch):
        folder.write("night", games[0])

        def full(_handle, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", full)
        with pytest.raises(SaveError, match=r"^could not keep the previous save as .*night"
                                            r"\.json\.bak: No space left on device; nothing "
                                            r"was written$"):
            folder.write("night", games[1])
        monkeypatch.undo()
        assert typed(folder.read("night").save) == typed(games[0])
        assert files_in(folder.path) == ["night.json"]


class _Fault(Exception):
    """Stands for a crash: raised in the middle of a write and never handled below."""


def _count_calls(monkeypatch, targets) -> Counter[str]:
    calls: Counter[str] = Counter()
    for name, (owner, attribute) in targets.items():
        original = getattr(owner, attribute)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, counted)
    return calls


_STEPS = {"create": (tempfile, "mkstemp"), "write": (os, "write"), "fsync": (os, "fsync"),
          "replace": (os, "replace")}


def _fail_at(monkeypatch, step: str, call: int, error: BaseException, *,
             half_write: bool = False) -> None:
    owner, attribute = _STEPS[step]
    original = getattr(owner, attribute)
    seen = {"calls": 0}

    def faulty(*args, **kwargs):
        seen["calls"] += 1
        if seen["calls"] == call:
            if half_write:
                handle, data = args
                original(handle, bytes(data[:len(data) // 2]))
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, faulty)


def _steps_of_one_save(tmp_path, games) -> Counter[str]:
    folder = SaveFolder(tmp_path / "probe")
    folder.write("night", games[0])
    with pytest.MonkeyPatch.context() as patch:
        calls = _count_calls(patch, _STEPS)
        folder.write("night", games[1])
    return calls


class TestFaultAtEveryStep:
    """A crash, a full disk or Ctrl-C at any step of a save leaves a loadable save: the old
    one or the new one, never a broken one, never none, and no stray temporary file."""

    @pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                       KeyboardInterrupt(), _Fault("crash")],
                             ids=["disk-full", "ctrl-c", "crash"])
    def test_every_step(self, tmp_path, games, error):
        steps = _steps_of_one_save(tmp_path, games)
        assert set(steps) == set(_STEPS) and steps["replace"] == 2  # the backup, then the save
        tried = 0
        for step, count in steps.items():
            for call in range(1, count + 1):
                for half in (False, True) if step == "write" else (False,):
                    folder = SaveFolder(tmp_path / f"{step}-{call}-{half}")
                    folder.write("night", games[0])
                    folder.write("night", games[1])
                    finished = True
                    with pytest.MonkeyPatch.context() as patch:
                        _fail_at(patch, step, call, error, half_write=half)
                        try:
                            folder.write("night", games[2])
                        except (SaveError, type(error)):
                            finished = False
                    loaded = folder.read("night")
                    assert loaded.notices == ()
                    if finished:  # only a failed sync of the folder, after the rename
                        assert (step, type(error)) == ("fsync", OSError)
                        assert typed(loaded.save) == typed(games[2])
                    else:
                        assert typed(loaded.save) in (typed(games[1]), typed(games[2]))
                    assert set(files_in(folder.path)) == {"night.json", "night.json.bak"}
                    tried += 1
        assert tried == sum(steps.values()) + steps["write"]

    def test_a_temporary_file_left_by_a_kill_is_ignored(self, folder, games):
        folder.write("night", games[0])
        (folder.path / ".night.json.k1ll3d.tmp").write_bytes(encode(games[1]).encode()[:99])
        assert folder.slot_names() == ["night"]
        assert typed(folder.read("night").save) == typed(games[0])
        folder.write("night", games[1])
        assert typed(folder.read("night").save) == typed(games[1])


class TestListing:
    def test_entries_newest_first_with_damaged_ones_last(self, folder, tiny_story, games):
        from datetime import timedelta

        for hours, name in ((1, "early"), (3, "late"), (2, AUTOSAVE)):
            save = make_save(tiny_story, games[0].state, (),
                             saved_at=SAVED_AT + timedelta(hours=hours))
            folder.write(name, save)
        (folder.path / "broken.json").write_text("{")
        (folder.path / "notes.txt").write_text("not a save")
        (folder.path / "bad name!.json").write_text("{}")
        entries = folder.entries()
        assert [e.name for e in entries] == ["late", AUTOSAVE, "early", "broken"]
        assert entries[0].header is not None and entries[0].header.summary.scene == "At the gate"
        assert entries[-1].header is None and "it was cut short" in str(entries[-1].problem)
        assert folder.slot_names() == [AUTOSAVE, "broken", "early", "late"]

    def test_a_slot_with_only_its_backup_is_listed_from_it(self, folder, games):
        folder.write("night", games[0])
        folder.write("night", games[1])
        (folder.path / "night.json").write_text("")
        [entry] = folder.entries()
        assert entry.from_backup and entry.header == games[0].header
        assert "the file is empty" in str(entry.problem)

    def test_latest_is_the_newest_save_of_the_story(self, folder, tiny_story, games):
        from dataclasses import replace
        from datetime import timedelta

        folder.write("mine", games[0])
        other = replace(games[0], header=replace(
            games[0].header, story=replace(games[0].header.story, id="other"),
            saved_at=SAVED_AT + timedelta(days=1)))
        folder.write("theirs", other)
        assert folder.latest("tiny") == "mine"
        assert folder.latest("other") == "theirs"
        assert folder.latest("nothing") is None

    def test_delete_removes_the_save_and_its_backup(self, folder, games):
        folder.write("night", games[0])
        folder.write("night", games[1])
        removed = folder.delete("night")
        assert [p.name for p in removed] == ["night.json", "night.json.bak"]
        assert files_in(folder.path) == []
        with pytest.raises(SaveError, match="there is no save named 'night'"):
            folder.delete("night")


_WRITER = """
import sys
from pathlib import Path
from palace.loader import load_story
from palace.savefiles import SaveFolder
from palace.savegame import make_save
from savehelpers import SAVED_AT, walk

story = load_story(sys.argv[1])
moves = [int(m) for m in sys.argv[3].split(",") if m]
state, undo = walk(story, "guard", moves)
folder = SaveFolder(Path(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[4])):
    folder.write("shared", make_save(story, state, undo, saved_at=SAVED_AT))
"""


def test_two_processes_saving_one_slot_never_make_an_unreadable_file(tmp_path, games,
                                                                     stories_dir):
    folder = SaveFolder(tmp_path / "saves")
    folder.write("shared", games[0])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                        str(ROOT / "tests")])}
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(stories_dir / "tiny"),
                                 str(folder.path), moves, "40"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                env=env) for moves in ("0", "0,1")]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:  # let them go together
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.close()
    allowed = [typed(game) for game in games]
    reads = 0
    while any(writer.poll() is None for writer in writers) or reads == 0:
        loaded = folder.read("shared")
        assert loaded.notices == () and typed(loaded.save) in allowed
        reads += 1
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    assert typed(folder.read("shared").save) in allowed[1:]
    assert typed(SaveFolder(folder.path).read("shared").save) in allowed
    assert set(files_in(folder.path)) == {"shared.json", "shared.json.bak"}
