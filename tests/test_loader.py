"""The loader: a good story loads into the model; every kind of mistake is reported
with its file, line, column, code and a message that says what to do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from palace.errors import Diagnostic, StoryError
from palace.expr import Type
from palace.loader import load_story
from palace.model import EndingKind, Visibility
from palace.state import Account


BROKEN = Path(__file__).parent / "stories" / "broken"
TINY = Path(__file__).parent / "stories" / "tiny"
_EXPECT = re.compile(r'# expect: (\d+):(\d+) ([a-z-]+) "(.*)"')


def _expectation(path: Path) -> tuple[int, int, str, str]:
    match = _EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} needs an '# expect:' first line"
    return int(match[1]), int(match[2]), match[3], match[4]


def _only_error(folder: Path) -> Diagnostic:
    with pytest.raises(StoryError) as caught:
        load_story(folder)
    diagnostics = caught.value.diagnostics
    assert len(diagnostics) == 1, "\n".join(map(str, diagnostics))
    return diagnostics[0]


def _assert_reported(diagnostic: Diagnostic, path: Path, expected: Path) -> None:
    line, column, code, fragment = _expectation(expected)
    assert diagnostic.loc is not None
    assert (diagnostic.loc.file, diagnostic.loc.line, diagnostic.loc.column, diagnostic.code) \
        == (str(path), line, column, code), str(diagnostic)
    assert fragment in diagnostic.message


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(TINY, folder)
    return folder


class TestLoadGoodStory:
    def test_manifest_fields(self, tiny_story):
        assert (tiny_story.id, tiny_story.title, tiny_story.version) == ("tiny", "A Tiny Night",
                                                                         "1.0")
        assert list(tiny_story.roles) == ["guard", "cadet"]
        assert tiny_story.roles["cadet"].clock_start == 21 * 60
        assert tiny_story.clock.start_minute == 20 * 60

    def test_variable_types_from_shorthand_and_full_form(self, tiny_story):
        kinds = {name: (v.type, v.initial) for name, v in tiny_story.variables.items()}
        assert kinds == {"courage": (Type.NUMBER, 0), "has_rifle": (Type.BOOL, False),
                         "companion": (Type.TEXT, "nobody")}

    def test_choices_are_named_after_their_targets(self, tiny_story):
        ids = [c.id for c in tiny_story.scenes["gate"].choices]
        assert ids == ["gate.gate", "gate.hall", "gate.hall.2"]

    def test_reason_implies_greyed_and_tags_are_read(self, tiny_story):
        charge = tiny_story.scenes["gate"].choices[1]
        assert charge.unavailable is Visibility.GREYED
        assert charge.reason == "You need a rifle."
        assert (charge.tag.beat, charge.tag.account) == ("charge", Account.MYTH)

    def test_effects_in_their_units(self, tiny_story):
        take, _charge, walk = tiny_story.scenes["gate"].choices
        assert take.effects.set == (("has_rifle", True),)
        assert take.effects.add == (("courage", 2),)
        assert take.effects.advance == 10
        assert walk.effects.until == 21 * 60 + 40
        assert walk.effects.unlock == ("memoir",)

    def test_next_rules_and_endings(self, tiny_story):
        hall = tiny_story.scenes["hall"]
        assert [r.target for r in hall.next] == ["cadet_end", "guard_end"]
        assert hall.next[0].condition.source == 'role == "cadet"'
        assert tiny_story.scenes["guard_end"].ending.kind is EndingKind.ARCHIVE

    def test_locations_point_back_at_the_yaml(self, tiny_story):
        loc = tiny_story.scenes["hall"].loc
        assert loc.file.endswith("scenes.yaml")
        assert (loc.line, loc.column) == (35, 5)

    def test_story_fingerprint_changes_with_any_file(self, tiny_copy):
        before = load_story(tiny_copy).fingerprint
        scenes = tiny_copy / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace("It is over", "It ends"))
        assert load_story(tiny_copy).fingerprint != before

    def test_crlf_and_bom_load_the_same_story(self, tiny_copy, tiny_story):
        for path in tiny_copy.glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
        story = load_story(tiny_copy)
        assert story.scenes.keys() == tiny_story.scenes.keys()
        assert story.scenes["gate"].passages[0].text.source == "It is {clock}. Courage: {courage}."


class TestMapsAndHistoricalTimes:
    def test_maps_are_read_with_their_art_row_by_row(self, mapped_story):
        city = mapped_story.maps["city"]
        assert (city.title, len(city.art), city.width) == ("The city", 6, 33)
        assert city.art[5] == "         o Square"  # trailing spaces and the last newline go

    def test_locations_name_their_map_and_place(self, mapped_story):
        bridge = mapped_story.locations["bridge"]
        assert (bridge.map, bridge.at) == ("city", (2, 29))
        assert mapped_story.maps["city"].art[1][28] == "o"
        cellar = mapped_story.locations["cellar"]
        assert (cellar.name, cellar.map, cellar.at) == ("The cellars", None, None)

    def test_beat_time_is_the_first_such_hour_of_the_night_with_its_note(self, mapped_story):
        crossing = mapped_story.beats["crossing"]
        assert (crossing.time, crossing.time_note) == (20 * 60 + 15,
                                                       "Accounts differ by an hour.")
        assert mapped_story.beats["signal"].time_note == ""

    def test_beats_and_locations_without_the_new_fields_load_as_before(self, tiny_story):
        assert tiny_story.maps == {}
        assert tiny_story.beats["shot"].time is None
        assert tiny_story.locations["square"].map is None


@pytest.mark.parametrize("fixture", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_scene_file_is_reported_where_it_is_wrong(fixture, tiny_copy):
    target = tiny_copy / "zz_broken.yaml"  # read after the good scenes
    shutil.copy(fixture, target)
    _assert_reported(_only_error(tiny_copy), target, fixture)


@pytest.mark.parametrize("fixture", sorted((BROKEN / "manifests").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_broken_manifest_is_reported_where_it_is_wrong(fixture, tiny_copy):
    target = tiny_copy / "story.yaml"
    shutil.copy(fixture, target)
    _assert_reported(_only_error(tiny_copy), target, fixture)


class TestWholeStoryProblems:
    def test_every_error_of_a_story_is_reported_in_one_run(self, tiny_copy):
        for name in ("missing_target", "bad_condition_type", "unknown_field"):
            text = (BROKEN / f"{name}.yaml").read_text().replace("porch", name)
            (tiny_copy / f"{name}.yaml").write_text(text)
        with pytest.raises(StoryError) as caught:
            load_story(tiny_copy)
        codes = sorted(d.code for d in caught.value.diagnostics)
        assert codes == ["bad-condition", "missing-target", "unknown-field"]
        assert caught.value.render().endswith("3 errors: the story was not loaded.")

    @pytest.mark.parametrize(("bad", "code"), [
        (b"\x00\x01binary", "encoding"), (b"scenes: [open\n", "yaml-syntax"),
        (b"- a list\n", "wrong-type")], ids=["binary", "not-yaml", "not-a-story-file"])
    def test_a_file_that_cannot_be_read_hides_no_other_files_errors(self, tiny_copy, bad,
                                                                    code):
        (tiny_copy / "image.yaml").write_bytes(bad)
        scenes = tiny_copy / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace("title: At the gate",
                                                     "title: At the gate\n    colour: red")
                          .replace("to: hall\n", "to: hal\n", 1))
        with pytest.raises(StoryError) as caught:
            load_story(tiny_copy)
        assert [(Path(d.loc.file).name, d.code) for d in caught.value.diagnostics] == [
            ("image.yaml", code), ("scenes.yaml", "unknown-field")]
        # 'hal' might be a scene of image.yaml: not reported, but counted.
        assert caught.value.render().endswith(
            "1 reference to an id not declared in the files read was not reported, as 1 file "
            "could not be read and may declare it: fix it and check again.\n"
            "2 errors: the story was not loaded.")

    def test_errors_are_sorted_by_file_and_line(self, tiny_copy):
        for name in ("wrong_type", "bad_id"):
            text = (BROKEN / f"{name}.yaml").read_text().replace("porch", name)
            (tiny_copy / f"z_{name}.yaml").write_text(text)
        shutil.copy(BROKEN / "missing_field.yaml", tiny_copy / "a_missing_field.yaml")
        with pytest.raises(StoryError) as caught:
            load_story(tiny_copy)
        files = [Path(d.loc.file).name for d in caught.value.diagnostics]
        assert files == sorted(files)

    def test_file_that_is_not_utf8(self, tiny_copy):
        (tiny_copy / "latin1.yaml").write_bytes("scenes:\n  - id: caf\xe9\n".encode("latin-1"))
        diagnostic = _only_error(tiny_copy)
        assert diagnostic.code == "encoding"
        assert (diagnostic.loc.line, diagnostic.loc.column) == (2, 12)
        assert "not UTF-8" in diagnostic.message

    def test_binary_file(self, tiny_copy):
        (tiny_copy / "image.yaml").write_bytes(b"\x00\x01\x02binary")
        assert _only_error(tiny_copy).code == "encoding"

    def test_missing_folder(self, tmp_path):
        diagnostic = _only_error(tmp_path / "nowhere")
        assert diagnostic.code == "story-folder"
        assert "does not exist" in diagnostic.message

    def test_folder_without_manifest(self, tmp_path):
        assert "has no story.yaml" in _only_error(tmp_path).message

    def test_hidden_files_and_other_extensions_are_ignored(self, tiny_copy, tiny_story):
        (tiny_copy / ".draft.yaml").write_text("not: [valid")
        (tiny_copy / "notes.txt").write_text("scenes: nonsense")
        assert load_story(tiny_copy).scenes.keys() == tiny_story.scenes.keys()

    def test_scenes_in_subfolders_are_found(self, tiny_copy):
        (tiny_copy / "act2").mkdir()
        (tiny_copy / "act2" / "more.yaml").write_text(
            "scenes:\n  - id: extra\n    title: Extra\n    location: hall\n"
            "    text: More.\n    ending: {id: extra, title: Extra, kind: mixed}\n")
        assert "extra" in load_story(tiny_copy).scenes

    def test_alias_is_refused_so_alias_bombs_cannot_expand(self, tiny_copy):
        bomb = ["scenes:", "  - id: bomb", "    title: &a Bomb", "    location: square",
                "    text: *a", "    ending: {id: a, title: A, kind: myth}"]
        (tiny_copy / "bomb.yaml").write_text("\n".join(bomb) + "\n")
        assert _only_error(tiny_copy).code == "yaml-alias"


class TestHostileFiles:
    def test_deep_nesting_is_refused_before_it_can_crash_the_parser(self, tiny_copy):
        depth = 100_000
        (tiny_copy / "deep.yaml").write_text("scenes: " + "[" * depth + "]" * depth + "\n")
        diagnostic = _only_error(tiny_copy)
        assert diagnostic.code == "yaml-syntax"
        assert "nested more than 200 levels" in diagnostic.message

    def test_huge_file_is_refused_without_being_parsed(self, tiny_copy):
        (tiny_copy / "huge.yaml").write_bytes(b"# " + b"x" * (17 * 1024 * 1024) + b"\n")
        diagnostic = _only_error(tiny_copy)
        assert diagnostic.code == "file-too-large"
        assert "17 MB" in diagnostic.message

    def test_symlink_loop_is_reported_not_followed(self, tiny_copy):
        (tiny_copy / "loop.yaml").symlink_to(tiny_copy / "loop.yaml")
        (tiny_copy / "folder").symlink_to(tiny_copy, target_is_directory=True)
        diagnostic = _only_error(tiny_copy)
        assert diagnostic.loc is not None and diagnostic.loc.file.endswith("loop.yaml")
        assert "a loop of links" in diagnostic.message
