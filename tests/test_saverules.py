"""The manifest's rules for old saves: ``migrations`` and ``checkpoints`` are read into
the model, and every mistake is reported with its line, column, code and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from palace.errors import StoryError
from palace.loader import SourceFile, parse_story
from palace.model import MigrationRule, RuleAction, RuleKind, Story


TINY = Path(__file__).parent / "stories" / "tiny"
TINY_MANIFEST = (TINY / "story.yaml").read_text(encoding="utf-8")
TINY_SCENES = (TINY / "scenes.yaml").read_text(encoding="utf-8")
MANIFEST_LINES = TINY_MANIFEST.count("\n")


def tiny_with(extra: str) -> Story:
    """The tiny story, its manifest followed by ``extra``."""
    return parse_story([SourceFile("story.yaml", TINY_MANIFEST + extra, "story.yaml"),
                        SourceFile("scenes.yaml", TINY_SCENES, "scenes.yaml")])


def errors_of(extra: str) -> list[tuple[int, int, str, str]]:
    """(line within ``extra``, column, code, message) of every diagnostic."""
    with pytest.raises(StoryError) as caught:
        tiny_with(extra)
    return [(d.loc.line - MANIFEST_LINES, d.loc.column, d.code, d.message)
            for d in caught.value.diagnostics if d.loc is not None]


class TestReadingRules:
    def test_every_kind_of_rule_is_read(self, stories_dir):
        from palace.loader import load_story

        story = load_story(stories_dir / "tiny_v2")
        assert [(r.kind, r.name, r.action) for r in story.migrations] == [
            (RuleKind.SCENE, "gate", RuleAction.RENAMED),
            (RuleKind.SCENE, "hall", RuleAction.REMOVED),
            (RuleKind.VARIABLE, "has_rifle", RuleAction.RENAMED),
            (RuleKind.VARIABLE, "companion", RuleAction.REMOVED),
            (RuleKind.VARIABLE, "rounds", RuleAction.ADDED),
            (RuleKind.DOCUMENT, "memoir", RuleAction.RENAMED),
        ]
        assert story.migrations[1].resume_at == "courtyard"
        assert story.migrations[4].default == 5
        assert story.checkpoints == {"guard": ("square_gate", "courtyard"),
                                     "cadet": ("courtyard",)}

    def test_a_story_without_rules_has_none(self, tiny_story):
        assert tiny_story.migrations == ()
        assert tiny_story.checkpoints == {}

    def test_renames_may_chain_through_older_ids(self):
        story = tiny_with("migrations:\n"
                          "  - {scene: porch, renamed_to: lobby}\n"
                          "  - {scene: lobby, renamed_to: hall}\n"
                          "  - {beat: volley, renamed_to: shot}\n"
                          "  - {role: sailor, renamed_to: guard}\n")
        assert story.migrations[0] == MigrationRule(
            RuleKind.SCENE, "porch", RuleAction.RENAMED, renamed_to="lobby",
            loc=story.migrations[0].loc)
        assert [r.kind for r in story.migrations][2:] == [RuleKind.BEAT, RuleKind.ROLE]


class TestRuleErrors:
    def test_misspelt_field_gets_a_suggestion(self):
        no_action, misspelt = errors_of(
            "migrations:\n  - scene: porch\n    renamed_too: hall\n")
        assert misspelt[:3] == (3, 5, "unknown-field")
        assert "did you mean 'renamed_to'?" in misspelt[3]
        assert no_action[:3] == (2, 5, "missing-field")

    def test_a_rule_names_exactly_one_id(self):
        found = errors_of("migrations:\n  - {scene: porch, variable: pluck, removed: true}\n")
        assert found == [(2, 30, "conflicting-fields", "migration rule 1 has both 'scene' and "
                          "'variable'; a rule names exactly one of: scene, variable, document, "
                          "beat, role")]

    def test_a_rule_needs_an_action(self):
        [(line, column, code, message)] = errors_of("migrations:\n  - {scene: porch}\n")
        assert (line, column, code) == (2, 5, "missing-field")
        assert message == ("migration rule 1 says none of: renamed_to, removed, added; "
                           "give one")

    def test_rename_to_an_unknown_id_suggests_the_nearest(self):
        [(line, column, code, message)] = errors_of(
            "migrations:\n  - {scene: porch, renamed_to: hal}\n")
        assert (line, column, code) == (2, 5, "missing-target")
        assert message == "scene 'porch' is renamed to unknown scene 'hal' (did you mean 'hall'?)"

    def test_a_rule_for_an_id_that_still_exists_is_refused(self):
        [(line, column, code, message)] = errors_of(
            "migrations:\n  - {variable: courage, removed: true}\n")
        assert (line, column, code) == (2, 16, "bad-migration")
        assert "the story still has a variable 'courage'" in message

    def test_renames_in_a_loop_are_refused(self):
        found = errors_of("migrations:\n  - {scene: porch, renamed_to: lobby}\n"
                          "  - {scene: lobby, renamed_to: porch}\n")
        assert [(line, code) for line, _c, code, _m in found] == [(2, "bad-migration"),
                                                                  (3, "bad-migration")]
        assert "go round in a loop" in found[0][3]

    def test_resume_at_must_be_a_scene(self):
        [(line, column, code, message)] = errors_of(
            "migrations:\n  - {scene: porch, removed: true, resume_at: gat}\n")
        assert (line, column, code) == (2, 46, "missing-target")
        assert message == "unknown scene 'gat' (did you mean 'gate'?)"

    def test_resume_at_belongs_to_a_removed_scene(self):
        [(_line, _column, code, message)] = errors_of(
            "migrations:\n  - {scene: porch, renamed_to: hall, resume_at: gate}\n")
        assert code == "conflicting-fields"
        assert message == "'resume_at' belongs to a rule for a removed scene"

    def test_an_added_variable_needs_a_default_of_its_type(self):
        found = errors_of("migrations:\n  - {variable: courage, added: true}\n"
                          "  - {variable: has_rifle, added: true, default: 3}\n"
                          "  - {variable: nerve, added: true, default: 3}\n")
        assert [(line, code) for line, _c, code, _m in found] == [
            (2, "missing-field"), (3, "wrong-type"), (4, "missing-target")]
        assert "needs 'default'" in found[0][3]

    def test_removed_false_says_nothing(self):
        [(_line, _column, code, message)] = errors_of(
            "migrations:\n  - {document: diary, removed: false}\n")
        assert (code, message) == ("wrong-value", "'removed: false' says nothing; write "
                                   "'removed: true' or drop the rule")

    def test_a_role_can_only_be_renamed(self):
        [(_line, _column, code, message)] = errors_of(
            "migrations:\n  - {role: sailor, removed: true}\n")
        assert code == "wrong-value"
        assert message == "a role cannot be 'removed' by a rule; a role rule says renamed_to"

    def test_two_rules_for_one_id(self):
        [(line, _column, code, message)] = errors_of(
            "migrations:\n  - {scene: porch, renamed_to: hall}\n"
            "  - {scene: porch, removed: true}\n")
        assert (line, code) == (3, "duplicate-id")
        assert message == "scene 'porch' already has a migration rule (on line 28); keep one"


class TestCheckpointErrors:
    def test_unknown_roles_and_scenes_and_repeats(self):
        found = errors_of("checkpoints:\n  gard: [gate]\n  cadet: [hall, hal, hall]\n")
        assert found == [
            (2, 3, "missing-target", "unknown role 'gard' (did you mean 'guard'?)"),
            (3, 17, "missing-target", "unknown scene 'hal' (did you mean 'hall'?)"),
            (3, 22, "duplicate-key", "scene 'hall' is listed twice in the checkpoints of "
                                     "'cadet'"),
        ]
