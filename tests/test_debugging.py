"""The authors' debug commands: :goto, :set, :state and :reload."""

from __future__ import annotations

import io
import shutil

import pytest

from palace import engine
from palace.debugging import DebugError, fit_state, goto, set_variable
from palace.loader import load_story
from palace.plainconsole import PlainConsole
from palace.session import Session


def play(story, answers: str, **options) -> str:
    output = io.StringIO()
    console = PlainConsole(answers=io.StringIO(answers), output=output, echo=True, width=80)
    Session(story, console, **options).run()
    return output.getvalue()


class TestHelpers:
    def test_set_reads_the_value_by_the_variable_type(self, tiny_story):
        state = engine.start(tiny_story, "guard")
        state = set_variable(tiny_story, state, "courage", "3")
        state = set_variable(tiny_story, state, "has_rifle", "true")
        state = set_variable(tiny_story, state, "companion", '"a sailor"')
        assert dict(state.variables) == {"courage": 3, "has_rifle": True,
                                         "companion": "a sailor"}

    def test_set_refuses_a_value_of_the_wrong_type(self, tiny_story):
        state = engine.start(tiny_story, "guard")
        with pytest.raises(DebugError, match="'has_rifle' is a flag: give true or false"):
            set_variable(tiny_story, state, "has_rifle", "yes")
        with pytest.raises(DebugError, match=r"no variable 'corage' \(did you mean 'courage'"):
            set_variable(tiny_story, state, "corage", "1")

    def test_goto_enters_the_scene(self, tiny_story):
        state = goto(tiny_story, engine.start(tiny_story, "guard"), "hall")
        assert state.scene == "hall" and state.visits["hall"] == 1
        with pytest.raises(DebugError, match=r"no scene 'hal' \(did you mean 'hall'\?\)"):
            goto(tiny_story, state, "hal")


class TestFitState:
    def edited(self, tmp_path, stories_dir, edit):
        folder = tmp_path / "story"
        shutil.copytree(stories_dir / "tiny", folder)
        edit(folder)
        return load_story(folder)

    def test_reports_what_no_longer_fits(self, tiny_story, tmp_path, stories_dir):
        """:reload carries the state over the way a save of an older story is carried."""
        state = engine.start(tiny_story, "guard")
        state = engine.choose(tiny_story, state, "gate.hall.2")  # unlocks the memoir
        state = engine.choose(tiny_story, state, engine.CONTINUE)

        def edit(folder):
            manifest = folder / "story.yaml"
            manifest.write_text(manifest.read_text().replace("  courage: 0\n", "  nerve: 2\n"))
            scenes = folder / "scenes.yaml"
            scenes.write_text(scenes.read_text().replace("courage", "nerve")
                              .replace("guard_end", "dawn"))

        story = self.edited(tmp_path, stories_dir, edit)
        fitted, notes = fit_state(story, state)
        assert notes == [
            "scene `guard_end`, where you were, no longer exists",
            "variable `courage` no longer exists (it was 0)",
            "you are at 'gate' now (:goto takes you elsewhere)",
            "variable `nerve` is new: it starts at 2",
        ]
        assert fitted.scene == "gate"
        assert fitted.documents == ("memoir",)
        assert "guard_end" not in fitted.visits

    def test_a_changed_type_resets_the_variable(self, tiny_story, tmp_path, stories_dir):
        state = engine.start(tiny_story, "guard")

        def edit(folder):
            manifest = folder / "story.yaml"
            manifest.write_text(manifest.read_text().replace("has_rifle: false",
                                                             "has_rifle: 0"))
            scenes = folder / "scenes.yaml"
            scenes.write_text(scenes.read_text().replace("has_rifle: true", "has_rifle: 1")
                              .replace("if: has_rifle and", "if: has_rifle > 0 and"))

        fitted, notes = fit_state(self.edited(tmp_path, stories_dir, edit), state)
        assert notes == ["variable `has_rifle` is now a number and cannot hold false; it starts "
                         "again at 0"]
        assert fitted.variables["has_rifle"] == 0


class TestInPlay:
    def test_debug_commands_are_off_without_the_flag(self, tiny_story):
        assert "':goto' is not a command" in play(tiny_story, "1\n:goto hall\n")

    def test_goto_set_and_state(self, tiny_story):
        text = play(tiny_story, "1\n:set courage 7\n:goto hall\n:state\n", debug=True)
        assert "courage is now 7." in text
        assert "THE GREAT HALL" in text
        assert "variables: courage = 7, has_rifle = false, companion = \"nobody\"" in text
        assert "visits: gate 1, hall 1" in text

    def test_reload_keeps_the_place_and_shows_the_new_text(self, tmp_path, stories_dir):
        folder = tmp_path / "story"
        shutil.copytree(stories_dir / "tiny", folder)
        scenes = folder / "scenes.yaml"

        def reload():
            scenes.write_text(scenes.read_text().replace("The hall is dark.",
                                                         "The hall is lit."))
            return load_story(folder)

        text = play(load_story(folder), "2\n:reload\n", debug=True, reload=reload)
        assert "Reloaded A Tiny Night: 4 scenes." in text
        assert text.index("The hall is dark.") < text.index("The hall is lit.")

    def test_reload_of_a_broken_story_keeps_the_old_one(self, tmp_path, stories_dir):
        folder = tmp_path / "story"
        shutil.copytree(stories_dir / "tiny", folder)

        def reload():
            (folder / "scenes.yaml").write_text("scenes:\n  - id: gate\n")
            return load_story(folder)

        text = play(load_story(folder), "2\n:reload\nlook\n", debug=True, reload=reload)
        assert "The story on disk does not load; playing on with the one loaded before:" in text
        assert "is missing the required field 'title' [missing-field]" in text
        assert text.count("The hall is dark.") == 2
