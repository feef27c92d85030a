"""The loader reads each file as soon as it is composed: what a file names may be
declared by a later file, and is checked once every file is read, with the same
errors, suggestions and order as if every id had been known from the start."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from palace import loader
from palace.errors import StoryError
from palace.loader import SourceFile, parse_story
from palace.model import Story


TINY = Path(__file__).parent / "stories" / "tiny"
MANIFEST = (TINY / "story.yaml").read_text(encoding="utf-8")

EARLY = """\
scenes:
  - id: gate
    title: At the gate
    location: square
    text:
      - if: visited(hall) and seen(memoir)
        text: You have been inside.
    choices:
      - text: Walk in
        to: hall
        account: myth
        beat: charge
        effects: {unlock: memoir}
"""
"""A file whose every reference is to an id that a later file declares."""

LATE = """\
scenes:
  - id: hall
    title: The hall
    location: hall
    text: Inside.
    next: gate
  - id: cadet_end
    title: The end
    location: hall
    text: Over.
    ending: {id: over, title: Over, kind: myth}
documents:
  - id: memoir
    title: A memoir
    source: Someone (1920)
    text: It was quiet.
beats:
  - id: charge
    title: The charge
    myth: {text: A charge., sources: memoir}
    archive: {text: A walk., sources: [memoir]}
"""


def story_of(*files: tuple[str, str], manifest: str = MANIFEST) -> Story:
    """A story from its content files' names and text, read in the order given."""
    return parse_story([SourceFile("story.yaml", manifest, "story.yaml"),
                        *(SourceFile(name, text, name) for name, text in files)])


def errors_of(*files: tuple[str, str],
              manifest: str = MANIFEST) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, code, message) of every diagnostic, in the order given."""
    with pytest.raises(StoryError) as caught:
        story_of(*files, manifest=manifest)
    return [(d.loc.file, d.loc.line, d.loc.column, d.code, d.message)
            for d in caught.value.diagnostics if d.loc is not None]


class TestLaterDeclarations:
    def test_references_to_ids_a_later_file_declares_resolve(self):
        story = story_of(("a.yaml", EARLY), ("b.yaml", LATE))
        gate = story.scenes["gate"]
        (walk,) = gate.choices
        assert (walk.id, walk.target, walk.tag.beat) == ("gate.hall", "hall", "charge")
        assert walk.effects.unlock == ("memoir",)
        assert gate.passages[0].condition.source == "visited(hall) and seen(memoir)"
        assert story.beats["charge"].myth.sources == ("memoir",)

    def test_the_order_of_the_files_does_not_change_the_story(self):
        early_first = story_of(("a.yaml", EARLY), ("b.yaml", LATE))
        late_first = story_of(("b.yaml", LATE), ("a.yaml", EARLY))
        assert early_first.scenes["gate"].choices == late_first.scenes["gate"].choices
        assert early_first.scenes["hall"].next == late_first.scenes["hall"].next

    def test_a_missing_target_suggests_an_id_that_a_later_file_declares(self):
        early = EARLY.replace("to: hall", "to: halls").replace("beat: charge", "beat: charg")
        early = early.replace("{unlock: memoir}", "{unlock: memoirs}")
        assert errors_of(("a.yaml", early), ("b.yaml", LATE)) == [
            ("a.yaml", 10, 13, "missing-target", "unknown scene 'halls' (did you mean 'hall'?)"),
            ("a.yaml", 12, 15, "missing-target", "unknown beat 'charg' (did you mean 'charge'?)"),
            ("a.yaml", 13, 27, "missing-target",
             "unknown document 'memoirs' (did you mean 'memoir'?)"),
        ]

    def test_a_condition_naming_a_missing_id_points_at_it_with_a_suggestion(self):
        early = EARLY.replace("visited(hall)", "visited(hal)")
        assert errors_of(("a.yaml", early), ("b.yaml", LATE)) == [
            ("a.yaml", 6, 21, "missing-target", "bad condition 'visited(hal) and "
             "seen(memoir)': visited() names unknown scene 'hal' (did you mean 'hall'?)"),
        ]

    def test_a_repeated_condition_naming_a_missing_id_is_reported_each_time(self):
        early = EARLY.replace("visited(hall)", "visited(hal)").replace(
            "        effects:", "        if: visited(hal) and seen(memoir)\n        effects:")
        errors = errors_of(("a.yaml", early), ("b.yaml", LATE))
        assert [(line, code) for _file, line, _column, code, _message in errors] == [
            (6, "missing-target"), (13, "missing-target")]

    def test_a_condition_is_checked_as_a_whole_once_its_ids_are_known(self):
        # With 'hall' declared later, the mistake is the arithmetic on a flag; with no
        # 'hall' anywhere, it is the unknown scene, which comes first in the condition.
        early = EARLY.replace("visited(hall) and seen(memoir)", "visited(hall) + 1")
        assert [(code, message) for *_where, code, message in errors_of(
            ("a.yaml", early), ("b.yaml", LATE))] == [
            ("bad-condition", "bad condition 'visited(hall) + 1': cannot use '+' on a "
             "flag and a number")]
        errors = errors_of(("a.yaml", early), ("b.yaml", LATE.replace("id: hall", "id: lobby")))
        assert [(line, code, message) for _file, line, _column, code, message in errors
                if message.startswith("bad condition")] == [
            (6, "missing-target", "bad condition 'visited(hall) + 1': visited() names "
             "unknown scene 'hall'")]


class TestChoiceIds:
    TWICE = EARLY.replace("    choices:\n", "    choices:\n      - text: Run in\n"
                          "        id: in\n        to: TARGET\n").replace(
                          "        to: hall\n", "        id: in\n        to: hall\n")

    def test_an_id_given_twice_is_reported_once_both_targets_are_known(self):
        errors = errors_of(("a.yaml", self.TWICE.replace("TARGET", "cadet_end")),
                           ("b.yaml", LATE))
        assert [(line, code) for _file, line, _column, code, _message in errors] == [
            (12, "duplicate-id")]
        assert "choice id 'gate.in' is used twice in scene 'gate'" in errors[0][4]

    def test_a_choice_to_a_scene_never_declared_does_not_take_its_id(self):
        errors = errors_of(("a.yaml", self.TWICE.replace("TARGET", "nowhere")),
                           ("b.yaml", LATE))
        assert [(line, code) for _file, line, _column, code, _message in errors] == [
            (11, "missing-target")]


class TestEndingIds:
    def test_an_ending_id_used_by_two_scenes_is_reported_at_the_second(self):
        late = LATE.replace("kind: myth}", "kind: myth}\n  - id: lobby\n    title: Lobby\n"
                            "    location: hall\n    text: Also over.\n"
                            "    ending: {id: over, title: Over too, kind: archive}")
        more = ("scenes:\n  - id: porch\n    title: Porch\n    location: square\n"
                "    text: Out.\n    ending: {id: over, title: O, kind: mixed}\n")
        assert errors_of(("a.yaml", EARLY), ("b.yaml", late), ("c.yaml", more)) == [
            ("b.yaml", 16, 18, "duplicate-id",
             "ending id 'over' is already used at b.yaml:11:18; ids must be unique"),
            ("c.yaml", 6, 18, "duplicate-id",
             "ending id 'over' is already used at b.yaml:11:18; ids must be unique"),
        ]


class TestErrorsInOneRun:
    def test_errors_found_at_the_end_are_sorted_in_among_the_others(self):
        early = EARLY.replace("to: hall", "to: nowhere").replace(
            "title: At the gate", "title: At the gate\n    colour: red")
        late = LATE.replace("next: gate", "next: gone")
        manifest = MANIFEST.replace("start: hall", "start: lobby")
        errors = errors_of(("a.yaml", early), ("b.yaml", late), manifest=manifest)
        assert [(file, line, code) for file, line, _column, code, _message in errors] == [
            ("a.yaml", 4, "unknown-field"), ("a.yaml", 11, "missing-target"),
            ("b.yaml", 6, "missing-target"), ("story.yaml", 14, "missing-target")]

    def test_ids_used_twice_are_reported_even_when_the_clock_cannot_be_read(self):
        manifest = MANIFEST.replace('start: "1917-10-25 20:00"', 'start: "tomorrow"')
        errors = errors_of(("a.yaml", EARLY), ("b.yaml", LATE), ("c.yaml", LATE),
                           manifest=manifest)
        codes = [(file, code) for file, _line, _column, code, _message in errors]
        assert codes.count(("c.yaml", "duplicate-id")) == 4
        assert ("story.yaml", "bad-time") in codes
        assert note_of(("a.yaml", EARLY), manifest=manifest) == (
            "The other files were checked only for YAML and for ids used twice, as "
            "story.yaml has no clock that can be read: fix it and check again.")


def note_of(*files: tuple[str, str], manifest: str = MANIFEST) -> str | None:
    with pytest.raises(StoryError) as caught:
        story_of(*files, manifest=manifest)
    return caught.value.note


BROKEN = ("c.yaml", "scenes: [unclosed\n")
"""A file that is not YAML: whatever it meant to declare is unknown."""


class TestAFileThatCannotBeRead:
    """Hides only what it could explain: references to ids, and the checks that need
    every id; every other file's own errors are still reported, in the same run."""

    def test_every_other_files_own_errors_are_reported(self):
        early = EARLY.replace("title: At the gate", "title: At the gate\n    colour: red")
        early = early.replace("visited(hall) and seen(memoir)", "visited(hall) and 3")
        early = early.replace("account: myth", "account: legend")
        late = LATE.replace("title: The hall", "title: !hall The hall").replace(
            "kind: myth", "kind: epic") + "  - id: charge\n    title: Again\n"
        errors = errors_of(("a.yaml", early), ("b.yaml", late), BROKEN)
        assert [(file, line, code) for file, line, _column, code, _message in errors] == [
            ("a.yaml", 4, "unknown-field"), ("a.yaml", 7, "bad-condition"),
            ("a.yaml", 12, "wrong-value"), ("b.yaml", 3, "yaml-tag"),
            ("b.yaml", 11, "wrong-value"), ("b.yaml", 22, "missing-field"),
            ("b.yaml", 22, "missing-field"), ("b.yaml", 22, "duplicate-id"),
            ("c.yaml", 2, "yaml-syntax")]

    def test_references_it_could_explain_are_counted_in_a_note_not_reported(self):
        early = EARLY.replace("to: hall", "to: nowhere").replace("beat: charge", "beat: nobeat")
        manifest = MANIFEST.replace("start: hall", "start: lobby")
        errors = errors_of(("a.yaml", early), ("b.yaml", LATE), BROKEN, manifest=manifest)
        assert [code for *_where, code, _message in errors] == ["yaml-syntax"]
        assert note_of(("a.yaml", early), ("b.yaml", LATE), BROKEN, manifest=manifest) == (
            "3 references to ids not declared in the files read were not reported, as 1 "
            "file could not be read and may declare them: fix it and check again.")

    def test_a_condition_naming_an_id_not_found_is_still_checked_for_the_rest(self):
        early = EARLY.replace("visited(hall) and seen(memoir)", "visited(lobby) + 1")
        assert [(line, code, message) for _file, line, _column, code, message in errors_of(
            ("a.yaml", early), ("b.yaml", LATE), BROKEN) if code != "yaml-syntax"] == [
            (6, "bad-condition", "bad condition 'visited(lobby) + 1': cannot use '+' on a "
             "flag and a number")]

    def test_choice_ids_used_twice_are_reported_whatever_the_targets(self):
        twice = TestChoiceIds.TWICE.replace("TARGET", "nowhere")
        errors = errors_of(("a.yaml", twice), ("b.yaml", LATE), BROKEN)
        assert [(file, line, code) for file, line, _column, code, _message in errors] == [
            ("a.yaml", 12, "duplicate-id"), ("c.yaml", 2, "yaml-syntax")]

    def test_a_misspelt_list_name_hides_its_items_so_it_counts_as_unread(self):
        late = LATE.replace("scenes:", "scene:", 1)
        errors = errors_of(("a.yaml", EARLY), ("b.yaml", late))
        assert [(file, code) for file, _line, _column, code, _message in errors] == [
            ("b.yaml", "unknown-field")]
        assert note_of(("a.yaml", EARLY), ("b.yaml", late)).startswith(
            "3 references to ids not declared in the files read were not reported, as 1 "
            "file could not be read")

    def test_no_note_when_nothing_was_left_unchecked(self):
        assert [code for *_where, code, _message in errors_of(
            ("a.yaml", EARLY), ("b.yaml", LATE), BROKEN)] == ["yaml-syntax"]
        assert note_of(("a.yaml", EARLY), ("b.yaml", LATE), BROKEN) is None

    def test_an_empty_file_hides_nothing(self):
        early = EARLY.replace("to: hall", "to: nowhere")
        errors = errors_of(("a.yaml", early), ("b.yaml", LATE), ("c.yaml", "# later\n"))
        assert [(file, code) for file, _line, _column, code, _message in errors] == [
            ("a.yaml", "missing-target"), ("c.yaml", "empty-file")]
        assert note_of(("a.yaml", early), ("b.yaml", LATE), ("c.yaml", "# later\n")) is None

    def test_save_rules_naming_ids_it_may_declare_are_not_reported(self):
        manifest = MANIFEST + ("migrations:\n  - scene: old_gate\n    renamed_to: new_gate\n"
                               "  - scene: gate\n    removed: true\n"
                               "  - variable: courage\n    renamed_to: braveness\n"
                               "checkpoints:\n  guard: [gate, lobby]\n")
        errors = errors_of(("a.yaml", EARLY), ("b.yaml", LATE), BROKEN, manifest=manifest)
        # What the rules say of ids that are there is still checked; the rename to
        # 'new_gate' and the checkpoint 'lobby' might be scenes of the file not read.
        assert [(file, line, code) for file, line, _column, code, _message in errors] == [
            ("c.yaml", 2, "yaml-syntax"), ("story.yaml", 30, "bad-migration"),
            ("story.yaml", 32, "bad-migration")]
        assert note_of(("a.yaml", EARLY), ("b.yaml", LATE), BROKEN,
                       manifest=manifest).startswith("2 references")

    def test_a_manifest_that_cannot_be_read_leaves_ids_used_twice_to_check(self):
        for manifest in ("format: [1\n", "- a list\n", ""):
            errors = errors_of(("a.yaml", EARLY), ("b.yaml", LATE), ("c.yaml", LATE),
                               manifest=manifest)
            codes = [(file, code) for file, _line, _column, code, _message in errors]
            assert codes.count(("c.yaml", "duplicate-id")) == 4
            assert [code for file, code in codes if file == "story.yaml"] == [
                {"format: [1\n": "yaml-syntax", "- a list\n": "wrong-type", "": "empty-file"}[
                    manifest]]
            assert note_of(("a.yaml", EARLY), ("b.yaml", LATE), manifest=manifest) == (
                "The other files were checked only for YAML and for ids used twice, as "
                "story.yaml could not be read: fix it and check again.")


def test_each_files_nodes_are_let_go_before_the_next_file_is_composed(monkeypatch):
    trees: list[weakref.ref[object]] = []
    compose = loader.compose

    def watched(text: str, name: str) -> tuple[object, object]:
        alive = [seen for seen, tree in zip(names, trees, strict=True) if tree() is not None]
        assert alive in ([], ["story.yaml"]), f"still alive when composing {name}: {alive}"
        tree, problem = compose(text, name)
        names.append(name)
        trees.append(weakref.ref(tree))
        return tree, problem

    names: list[str] = []
    monkeypatch.setattr(loader, "compose", watched)
    story = story_of(("a.yaml", EARLY), ("b.yaml", LATE), ("c.yaml", "scenes: []\n"))
    assert names == ["story.yaml", "a.yaml", "b.yaml", "c.yaml"]
    assert story.scenes.keys() == {"gate", "hall", "cadet_end"}
