"""Resuming a save in a changed story: unchanged names load with one line; the manifest's
rules carry renamed and removed ids over; anything else that is gone is named exactly, with
the nearest safe place to resume; a save of another story, or of a lost role, is refused."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palace.errors import SaveError
from palace.loader import load_story
from palace.model import Story
from palace.resume import resume
from palace.savegame import make_save
from savehelpers import SAVED_AT, typed, walk


STORIES = Path(__file__).parent / "stories"
SOURCE = "saves/night.json"


def variant(tmp_path: Path, *, version: str = "1.1", manifest=(), scenes=(),
            extra: str = "") -> Story:
    """The tiny story with text replaced in its manifest and scenes, at another version."""
    folder = tmp_path / f"tiny-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(STORIES / "tiny", folder)
    for name, replacements in (("story.yaml", (('version: "1.0"', f'version: "{version}"'),
                                               *manifest)),
                               ("scenes.yaml", scenes)):
        path = folder / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path.write_text(text + (extra if name == "story.yaml" else ""))
    return load_story(folder)


def saved(story: Story, role: str, moves):
    state, undo = walk(story, role, moves)
    return make_save(story, state, undo, saved_at=SAVED_AT)


RENAME_GATE = (("id: gate", "id: front_gate"), ("to: gate", "to: front_gate"))
HALL_RENAMED = [("id: hall", "id: great_hall"), ("to: hall", "to: great_hall"),
                ("visited(hall)", "visited(great_hall)")]


class TestSameStory:
    def test_resumes_exactly_as_saved(self, tiny_story):
        save = saved(tiny_story, "guard", [0, 1])
        resumption = resume(tiny_story, save, source=SOURCE)
        assert typed((resumption.state, resumption.undo)) == typed((save.state, save.undo))
        assert (resumption.notice, resumption.missing, resumption.moved_from) == (None, (), None)

    @settings(max_examples=60, deadline=None)
    @given(role=st.sampled_from(["guard", "cadet"]),
           moves=st.lists(st.integers(min_value=0, max_value=120), max_size=25))
    def test_any_reachable_state_resumes_unchanged(self, tiny_story, role, moves):
        save = saved(tiny_story, role, moves)
        resumption = resume(tiny_story, save, source=SOURCE)
        assert typed((resumption.state, resumption.undo)) == typed((save.state, save.undo))
        assert resumption.notice is None and resumption.missing == ()

    def test_another_story_is_refused_naming_both(self, tiny_story, tmp_path):
        other = variant(tmp_path, manifest=[("id: tiny", "id: other"),
                                            ("title: A Tiny Night", "title: Another Night")])
        with pytest.raises(SaveError) as caught:
            resume(other, saved(tiny_story, "guard", [0]), source=SOURCE)
        assert str(caught.value) == (
            "saves/night.json is a save of \u201cA Tiny Night\u201d (story 'tiny'), not of "
            "\u201cAnother Night\u201d (story 'other'); play it with --story and the folder of "
            "that story")


class TestChangedStoryWithEverythingThere:
    def test_edited_text_same_version(self, tiny_story, tmp_path):
        edited = variant(tmp_path, version="1.0",
                         scenes=[("The hall is dark.", "The hall is very dark.")])
        save = saved(tiny_story, "guard", [0, 1])
        resumption = resume(edited, save, source=SOURCE)
        assert typed(resumption.state) == typed(save.state)
        assert resumption.notice == ("A Tiny Night has changed since this save was made; "
                                     "everything the save names is still there.")
        assert resumption.missing == ()

    def test_new_version_loads_with_one_line(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=[("You give up your rifle.", "You lay down arms.")])
        resumption = resume(newer, saved(tiny_story, "cadet", [0]), source=SOURCE)
        assert resumption.notice == ("This save was made with version 1.0 of A Tiny Night; "
                                     "this is version 1.1; everything the save names is still "
                                     "there.")


class TestMigrationRules:
    def test_renames_carry_the_state_over(self, tiny_story, stories_dir):
        v2 = load_story(stories_dir / "tiny_v2")
        save = saved(tiny_story, "guard", [0])  # the rifle taken, at the gate
        resumption = resume(v2, save, source=SOURCE)
        state = resumption.state
        assert (state.scene, state.clock) == ("square_gate", 20 * 60 + 10)
        assert state.variables == {"courage": 2, "armed": True, "rounds": 5}
        assert state.visits == {"square_gate": 2}
        assert state.taken == {"square_gate.square_gate"}
        assert state.history == ("square_gate.square_gate",)
        assert resumption.missing == () and resumption.moved_from is None
        assert resumption.notice == (
            "This save was made with version 1.0 of A Tiny Night; this is version 2.0. The "
            "story's rules carry it over: scene `gate` is now `square_gate`; variable "
            "`has_rifle` is now `armed`; variable `companion` was removed; variable `rounds` "
            "is new and starts at 5.")
        assert [s.scene for s in resumption.undo] == ["square_gate"]
        assert resumption.undo[0].variables == {"courage": 0, "armed": False, "rounds": 5}

    def test_a_removed_scene_resumes_where_the_rule_says(self, tiny_story, stories_dir):
        v2 = load_story(stories_dir / "tiny_v2")
        save = saved(tiny_story, "guard", [0, 1, 100])  # in the hall, the memoir read
        resumption = resume(v2, save, source=SOURCE)
        assert (resumption.state.scene, resumption.moved_from) == ("courtyard", "hall")
        assert resumption.state.documents == ("reed_memoir",)
        assert resumption.state.read == {"reed_memoir"}
        assert resumption.state.accounts[0].scene == "square_gate"
        assert resumption.missing == ()
        assert "scene `hall` was removed" in str(resumption.notice)
        assert "the game resumes at scene `courtyard`" in str(resumption.notice)
        assert "document `memoir` is now `reed_memoir`" in str(resumption.notice)
        assert [s.scene for s in resumption.undo] == ["square_gate", "square_gate"]

    def test_a_scene_removed_without_resume_at_goes_to_the_latest_checkpoint(self, tiny_story,
                                                                            tmp_path):
        newer = variant(tmp_path, scenes=HALL_RENAMED,
                        manifest=[("start: hall", "start: great_hall")],
                        extra="migrations:\n  - {scene: hall, removed: true}\n"
                              "checkpoints:\n  guard: [gate, great_hall]\n")
        resumption = resume(newer, saved(tiny_story, "guard", [1]), source=SOURCE)
        assert (resumption.state.scene, resumption.moved_from) == ("gate", "hall")
        assert resumption.missing == ()
        assert "the game resumes at the checkpoint `gate`" in str(resumption.notice)

    def test_renames_chain_across_versions(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=list(RENAME_GATE),
                        manifest=[("start: gate", "start: front_gate")],
                        extra="migrations:\n  - {scene: gate, renamed_to: porch}\n"
                              "  - {scene: porch, renamed_to: front_gate}\n"
                              "  - {role: sentry, renamed_to: guard}\n")
        resumption = resume(newer, saved(tiny_story, "guard", []), source=SOURCE)
        assert resumption.state.scene == "front_gate"
        assert "scene `gate` is now `front_gate`" in str(resumption.notice)

    def test_a_renamed_role_is_carried_over(self, tiny_story, tmp_path):
        newer = variant(tmp_path, manifest=[("  guard:\n", "  red_guard:\n")],
                        extra="migrations:\n  - {role: guard, renamed_to: red_guard}\n")
        resumption = resume(newer, saved(tiny_story, "guard", [0]), source=SOURCE)
        assert resumption.state.role == "red_guard"
        assert "role `guard` is now `red_guard`" in str(resumption.notice)


class TestSomethingIsGone:
    def test_the_player_is_told_exactly_what_and_where_they_resume(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=[*RENAME_GATE, ("has_rifle", "rifle")],
                        manifest=[("start: gate", "start: front_gate"),
                                  ("has_rifle", "rifle")])
        save = saved(tiny_story, "guard", [0])
        resumption = resume(newer, save, source=SOURCE)
        assert resumption.notice == ("This save was made with version 1.0 of A Tiny Night; "
                                     "this is version 1.1, and some of what the save names "
                                     "is gone:")
        assert resumption.missing == (
            "scene `gate`, where you were, no longer exists",
            "variable `has_rifle` no longer exists (it was true)",
        )
        assert (resumption.state.scene, resumption.moved_from) == ("front_gate", "gate")
        assert resumption.state.variables == {"courage": 2, "rifle": False,
                                              "companion": "nobody"}
        assert resumption.undo == ()

    def test_the_nearest_checkpoint_is_the_latest_one_visited(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=HALL_RENAMED,
                        manifest=[("start: hall", "start: great_hall")],
                        extra="checkpoints:\n  guard: [gate, great_hall]\n")
        resumption = resume(newer, saved(tiny_story, "guard", [1]), source=SOURCE)
        assert resumption.missing == ("scene `hall`, where you were, no longer exists",)
        assert (resumption.state.scene, resumption.moved_from) == ("gate", "hall")

    def test_a_visited_scene_gone_keeps_the_current_scene(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=HALL_RENAMED,
                        manifest=[("start: hall", "start: great_hall")])
        save = saved(tiny_story, "guard", [1, 0])  # through the hall to the end
        resumption = resume(newer, save, source=SOURCE)
        assert resumption.state.scene == "guard_end" and resumption.moved_from is None
        assert resumption.missing == ("scene `hall` no longer exists (you had been there)",)
        assert [s.scene for s in resumption.undo] == []  # the last step back was in the hall

    def test_a_value_that_no_longer_fits_its_type(self, tiny_story, tmp_path):
        newer = variant(tmp_path, manifest=[("courage: 0", "courage: calm")],
                        scenes=[("set: {has_rifle: true}",
                                 "set: {has_rifle: true, courage: bold}"),
                                ("          add: {courage: 2}\n", ""),
                                ("courage >= 2", 'courage == "bold"')])
        resumption = resume(newer, saved(tiny_story, "guard", [0]), source=SOURCE)
        assert resumption.missing == ('variable `courage` is now a text and cannot hold 2; it '
                                      'starts again at "calm"',)
        assert resumption.state.variables["courage"] == "calm"

    def test_a_save_that_does_not_fit_its_own_story_blames_the_save(self, tiny_story):
        save = saved(tiny_story, "guard", [0])
        variables = {**save.state.variables, "courage": "bold"}
        edited = replace(save, state=replace(save.state, variables=variables))
        resumption = resume(tiny_story, edited, source=SOURCE)
        assert resumption.notice == (
            "This save does not fit A Tiny Night, though it was made with this very story: it "
            "was changed after it was saved, and some of what the save names is gone:")
        assert resumption.missing == ('variable `courage` is now a number and cannot hold '
                                      '"bold"; it starts again at 0',)

    def test_documents_and_beats_without_rules(self, tiny_story, tmp_path):
        newer = variant(tmp_path, scenes=[("id: memoir", "id: diary"),
                                          ("unlock: memoir", "unlock: diary"),
                                          ("sources: [memoir]", "sources: [diary]"),
                                          ("sources: memoir", "sources: diary"),
                                          ("id: charge", "id: assault"),
                                          ("beat: charge", "beat: assault")])
        resumption = resume(newer, saved(tiny_story, "guard", [1, 100]), source=SOURCE)
        assert resumption.missing == ("document `memoir` no longer exists",
                                      "beat `charge` no longer exists")
        assert resumption.state.documents == () and resumption.state.accounts == ()

    def test_a_lost_role_cannot_be_resumed(self, tiny_story, tmp_path):
        newer = variant(tmp_path, manifest=[("  cadet:\n    name: Cadet\n    start: hall\n"
                                             '    clock: "21:00"\n', "")],
                        scenes=[('if: role == "cadet"', "if: courage > 100")])
        with pytest.raises(SaveError) as caught:
            resume(newer, saved(tiny_story, "cadet", []), source=SOURCE)
        assert str(caught.value) == ("saves/night.json: the role 'cadet' no longer exists in "
                                     "A Tiny Night 1.1 (roles: guard), so this save cannot be "
                                     "resumed in it")
