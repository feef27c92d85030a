"""The compiled story cache: the same story as a cold load, never a stale or damaged one."""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from palace import loader, storycache
from palace.cachedstory import LazyMapping
from palace.loader import load_story
from palace.model import Story
from palace.resources import shipped_story
from palace.storycache import MAGIC, cache_key, cache_path, load_story_cached
from palace.storyfiles import read_story_files


STORIES = Path(__file__).parent / "stories"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(STORIES / "tiny", folder)
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def no_yaml(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to make any load from YAML fail: what follows must come from the cache."""
    def forbid() -> None:
        def refuse(*_args: object) -> Story:
            raise AssertionError("the story was loaded from YAML, not from the cache")

        monkeypatch.setattr(loader, "parse_story", refuse)

    return forbid


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def the_cache_file(cache_dir: Path) -> Path:
    files = list(cache_dir.iterdir())
    assert len(files) == 1, files
    return files[0]


class TestSameStory:
    def test_cached_tiny_story_equals_a_cold_load(self, story_dir, cache_dir, no_yaml):
        cold = load_story(story_dir)
        assert load_story_cached(story_dir, cache_dir=cache_dir) == cold
        no_yaml()
        warm = load_story_cached(story_dir, cache_dir=cache_dir)
        assert warm == cold
        assert isinstance(warm.scenes, LazyMapping)

    def test_cached_shipped_story_equals_a_cold_load(self, cache_dir, no_yaml):
        cold = load_story(shipped_story())
        load_story_cached(shipped_story(), cache_dir=cache_dir)
        no_yaml()
        assert load_story_cached(shipped_story(), cache_dir=cache_dir) == cold

    def test_cached_synthetic_story_equals_a_cold_load(self, tmp_path, cache_dir, no_yaml):
        folder = tmp_path / "synthetic"
        generator().write_story(folder, 120)
        cold = load_story(folder)
        load_story_cached(folder, cache_dir=cache_dir)
        no_yaml()
        warm = load_story_cached(folder, cache_dir=cache_dir)
        assert list(warm.scenes) == list(cold.scenes)
        assert warm == cold

    def test_cached_conditions_evaluate_as_loaded_ones(self, story_dir, cache_dir):
        from palace import engine

        cold = load_story(story_dir)
        load_story_cached(story_dir, cache_dir=cache_dir)
        warm = load_story_cached(story_dir, cache_dir=cache_dir)
        for role in cold.roles:
            state = engine.start(cold, role)
            assert engine.view(warm, state) == engine.view(cold, state)

    def test_without_a_cache_folder_nothing_is_written(self, story_dir, tmp_path):
        before = set(tmp_path.rglob("*"))
        assert load_story_cached(story_dir, cache_dir=None) == load_story(story_dir)
        assert set(tmp_path.rglob("*")) == before


def _edit(folder: Path) -> None:
    scenes = folder / "scenes.yaml"
    scenes.write_text(scenes.read_text().replace("title: At the gate", "title: At the gates"))


def _edit_keeping_size_and_time(folder: Path) -> None:
    scenes = folder / "scenes.yaml"
    status = scenes.stat()
    text = scenes.read_text()
    assert "title: At the gate\n" in text
    scenes.write_text(text.replace("title: At the gate\n", "title: At the gata\n"))
    os.utime(scenes, ns=(status.st_atime_ns, status.st_mtime_ns))


def _add(folder: Path) -> None:
    (folder / "more.yaml").write_text(
        "documents:\n  - id: extra_note\n    title: A note\n    source: Nobody\n"
        "    text: Nothing much.\n")


def _delete(folder: Path) -> None:
    (folder / "more.yaml").unlink()


def _rename(folder: Path) -> None:
    (folder / "scenes.yaml").rename(folder / "scenes_renamed.yaml")


class TestInvalidation:
    """Any change to the story's files, and the next load is the changed story."""

    @pytest.mark.parametrize("change", [_edit, _edit_keeping_size_and_time, _add, _rename],
                             ids=["edit", "edit-same-size-and-time", "add", "rename"])
    def test_a_change_is_seen(self, story_dir, cache_dir, change):
        before = load_story_cached(story_dir, cache_dir=cache_dir)
        change(story_dir)
        after = load_story_cached(story_dir, cache_dir=cache_dir)
        assert after == load_story(story_dir)
        assert after != before

    def test_a_deleted_file_is_seen(self, story_dir, cache_dir):
        _add(story_dir)
        with_note = load_story_cached(story_dir, cache_dir=cache_dir)
        assert "extra_note" in with_note.documents
        _delete(story_dir)
        without = load_story_cached(story_dir, cache_dir=cache_dir)
        assert "extra_note" not in without.documents
        assert without == load_story(story_dir)

    def test_the_key_covers_every_file_and_the_versions(self, story_dir, monkeypatch):
        files, _ = read_story_files(story_dir)
        key = cache_key(files)
        assert cache_key(files[:-1]) != key
        monkeypatch.setattr(storycache, "__version__", "0.0.0-other")
        assert cache_key(files) != key
        monkeypatch.undo()
        monkeypatch.setattr(storycache, "FORMAT_VERSION", 99)
        assert cache_key(files) != key

    def test_the_key_covers_palaces_own_code(self, story_dir, monkeypatch):
        files, _ = read_story_files(story_dir)
        key = cache_key(files)
        monkeypatch.setattr(storycache, "code_stamp", lambda: "an edited loader")
        assert cache_key(files) != key

    def test_the_code_stamp_changes_with_any_module(self, tmp_path):
        package = tmp_path / "palace"
        (package / "expr").mkdir(parents=True)
        (package / "loader.py").write_text("A = 1\n")
        (package / "expr" / "parser.py").write_text("B = 1\n")
        (package / "notes.txt").write_text("not code")
        stamp = storycache.code_stamp(str(package))
        assert stamp.count("\n") == 1
        (package / "notes.txt").write_text("still not code")
        assert storycache.code_stamp(str(package)) == stamp
        (package / "expr" / "parser.py").write_text("B = 22\n")
        assert storycache.code_stamp(str(package)) != stamp

    def test_another_spelling_of_the_folder_names_its_files_so(self, story_dir, cache_dir,
                                                               monkeypatch):
        load_story_cached(story_dir, cache_dir=cache_dir)
        monkeypatch.chdir(story_dir.parent)
        relative = load_story_cached(Path("story"), cache_dir=cache_dir)
        assert relative == load_story(Path("story"))
        assert all(not s.loc.file.startswith("/") for s in relative.scenes.values() if s.loc)

    def test_each_story_folder_has_its_own_file(self, tmp_path):
        cache = tmp_path / "cache"
        assert cache_path(cache, tmp_path / "a") != cache_path(cache, tmp_path / "b")
        assert cache_path(cache, tmp_path / "a").name.startswith("a-")


def _truncate(data: bytes) -> bytes:
    return data[:len(data) // 2]


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _foreign(data: bytes) -> bytes:
    return b"PK\x03\x04 not a cache at all" + data[40:]


class TestDamage:
    """A damaged cache is passed over and written again; the story is always right."""

    @pytest.mark.parametrize("damage", [
        _truncate, _flip_a_byte, _foreign, lambda _data: b"", lambda data: data[:len(MAGIC)],
        lambda data: data + b"trailing",
    ], ids=["truncated", "flipped-byte", "foreign", "empty", "magic-only", "trailing"])
    def test_damage_is_survived_and_repaired(self, story_dir, cache_dir, damage, no_yaml):
        cold = load_story_cached(story_dir, cache_dir=cache_dir)
        path = the_cache_file(cache_dir)
        path.write_bytes(damage(path.read_bytes()))
        assert load_story_cached(story_dir, cache_dir=cache_dir) == cold
        no_yaml()
        assert load_story_cached(story_dir, cache_dir=cache_dir) == cold

    def test_a_folder_where_the_file_should_be_is_survived(self, story_dir, cache_dir):
        cold = load_story(story_dir)
        path = cache_path(cache_dir, story_dir)
        path.mkdir(parents=True)
        assert load_story_cached(story_dir, cache_dir=cache_dir) == cold

    def test_an_unwritable_cache_folder_only_costs_speed(self, story_dir, tmp_path):
        blocker = tmp_path / "not_a_folder"
        blocker.write_text("a file, where the cache folder should be")
        assert load_story_cached(story_dir, cache_dir=blocker) == load_story(story_dir)

    def test_a_write_stopped_half_way_leaves_nothing_behind(self, story_dir, cache_dir,
                                                          monkeypatch):
        def stopped(*_args: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "replace", stopped)
        with pytest.raises(KeyboardInterrupt):
            load_story_cached(story_dir, cache_dir=cache_dir)
        assert list(cache_dir.iterdir()) == []

    def test_a_well_checksummed_payload_of_code_is_refused_not_run(self, story_dir,
                                                                   cache_dir, tmp_path):
        proof = tmp_path / "ran"
        code = compile(f"open({str(proof)!r}, 'w').write('ran')", "<cache>", "exec")
        _forge(story_dir, cache_dir, marshal.dumps(code))
        assert load_story_cached(story_dir, cache_dir=cache_dir) == load_story(story_dir)
        assert not proof.exists()

    def test_a_damaged_entry_found_late_falls_back_to_the_files(self, story_dir, cache_dir):
        load_story_cached(story_dir, cache_dir=cache_dir)
        payload = bytearray(the_cache_file(cache_dir).read_bytes()[len(MAGIC) + 64:])
        size = int.from_bytes(payload[-8:], "big")
        index = marshal.loads(bytes(payload[-8 - size:-8]))
        first = next(iter(index["lazy"]["scenes"]))
        start, length = index["lazy"]["scenes"][first]
        payload[start:start + length] = b"\x00" * length  # not marshal data at all
        _forge(story_dir, cache_dir, bytes(payload))
        warm = load_story_cached(story_dir, cache_dir=cache_dir)
        assert isinstance(warm.scenes, LazyMapping)
        assert warm.scenes[first] == load_story(story_dir).scenes[first]
        assert warm == load_story(story_dir)


def _forge(story_dir: Path, cache_dir: Path, payload: bytes) -> None:
    """Write a cache file with the right key and checksum around ``payload``."""
    files, _ = read_story_files(story_dir)
    checksum = hashlib.sha256(payload).digest()
    path = cache_path(cache_dir, story_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MAGIC + cache_key(files) + checksum + payload)

