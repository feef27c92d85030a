"""The engine's rules: starting, viewing, choosing, effects and the accounts record."""

from __future__ import annotations

import textwrap

import pytest

from palace import engine
from palace.contentreader import ContentReader
from palace.errors import RuleError, StoryError
from palace.loader import SourceFile, parse_story
from palace.model import Story
from palace.state import Account


MANIFEST = """\
format: 1
id: inline
title: Inline
version: "1"
clock: {start: "1917-10-25 18:00"}
roles:
  guard: {name: Guard, start: a}
  cadet: {name: Cadet, start: a, clock: "19:00"}
variables:
  n: 0
  flag: false
  word: none
locations:
  here: Here
beats:
"""

BEATS = """\
documents:
  - {id: doc, title: Doc, source: Somewhere, text: Words.}
  - {id: doc2, title: Doc 2, source: Elsewhere, text: More words.}
beats:
  - id: b1
    title: Beat one
    myth: {text: Legend., sources: doc}
    archive: {text: Record., sources: doc2}
  - id: b2
    title: Beat two
    myth: {text: Legend two., sources: doc}
    archive: {text: Record two., sources: doc2}
"""


def story_of(scenes: str) -> Story:
    """A story from the shared manifest and the given scenes (YAML under ``scenes:``)."""
    files = [
        SourceFile("story.yaml", MANIFEST.replace("beats:\n", ""), "story.yaml"),
        SourceFile("record.yaml", BEATS, "record.yaml"),
        SourceFile("scenes.yaml", "scenes:\n" + textwrap.indent(textwrap.dedent(scenes), "  "),
                   "scenes.yaml"),
    ]
    return parse_story(files)


def scene(scene_id: str, body: str) -> str:
    return f"- id: {scene_id}\n  title: {scene_id.upper()}\n  location: here\n" + \
        textwrap.indent(textwrap.dedent(body), "  ")


END = scene("end", "text: The end.\nending: {id: end, title: End, kind: archive}\n")


def ids(story: Story, state) -> list[str]:
    return [c.id for c in engine.view(story, state).choices]


class TestStart:
    def test_start_enters_the_role_scene_at_the_role_clock(self):
        story = story_of(scene("a", "text: A.\neffects: {add: {n: 1}}\nnext: end\n") + END)
        guard, cadet = engine.start(story, "guard"), engine.start(story, "cadet")
        assert (guard.scene, guard.clock, cadet.clock) == ("a", 18 * 60, 19 * 60)
        assert guard.visits == {"a": 1}
        assert guard.variables["n"] == 1  # the start scene's entry effects apply

    def test_unknown_role_is_a_rule_error(self):
        story = story_of(scene("a", "text: A.\nnext: end\n") + END)
        with pytest.raises(RuleError, match="unknown role 'sailor'"):
            engine.start(story, "sailor")


class TestView:
    def test_passages_follow_their_conditions_and_interpolate(self):
        story = story_of(scene("a", """\
            text:
              - "It is {clock}; n is {n}."
              - if: flag
                text: Flag up.
                else: Flag down.
              - if: n > 5
                text: Never shown.
              - |
                Two lines
                of one paragraph.

                A second paragraph.
            next: end
            """) + END)
        view = engine.view(story, engine.start(story, "guard"))
        assert view.paragraphs == ("It is 18:00; n is 0.", "Flag down.",
                                   "Two lines of one paragraph.", "A second paragraph.")

    def test_unavailable_choices_are_hidden_or_greyed(self):
        story = story_of(scene("a", """\
            text: A.
            choices:
              - {text: Hidden, to: end, if: flag}
              - {text: Greyed, to: end, id: greyed, if: n > 1, reason: Not yet.}
              - {text: Open, to: end, id: open}
              - {text: Cadets only, to: end, id: cadets, role: cadet}
            """) + END)
        view = engine.view(story, engine.start(story, "guard"))
        assert [(c.text, c.available, c.reason) for c in view.choices] == [
            ("Greyed", False, "Not yet."), ("Open", True, None)]
        assert engine.available_choices(story, engine.start(story, "guard")) == ["a.open"]
        assert ids(story, engine.start(story, "cadet")) == ["a.greyed", "a.open", "a.cadets"]

    def test_automatic_next_offers_one_continue(self):
        story = story_of(scene("a", "text: A.\nnext:\n  - {if: flag, to: a}\n  - {to: end}\n")
                         + END)
        state = engine.start(story, "guard")
        assert ids(story, state) == [engine.CONTINUE]
        assert engine.choose(story, state, engine.CONTINUE).scene == "end"

    def test_stuck_state_is_visible(self):
        story = story_of(scene("a", "text: A.\nnext:\n  - {if: flag, to: end}\n") + END)
        view = engine.view(story, engine.start(story, "guard"))
        assert view.is_stuck and view.choices == ()

    def test_ending_has_no_choices(self):
        story = story_of(scene("a", "text: A.\nnext: end\n") + END)
        state = engine.choose(story, engine.start(story, "guard"), engine.CONTINUE)
        view = engine.view(story, state)
        assert view.ending is not None and view.ending.id == "end"
        assert not view.is_stuck
        with pytest.raises(RuleError, match="has ended"):
            engine.choose(story, state, engine.CONTINUE)


class TestChoose:
    def test_effects_apply_in_order_then_the_target_scene_entry_effects(self):
        story = story_of(scene("a", """\
            text: A.
            choices:
              - text: Go
                to: b
                effects:
                  set: {n: 5, word: sailor, flag: true}
                  add: {n: 2}
                  advance: 30
                  until: "19:00"
                  unlock: [doc, doc2]
            """) + scene("b", "text: B.\neffects: {add: {n: 1}, unlock: doc}\nnext: end\n") + END)
        state = engine.choose(story, engine.start(story, "guard"), "a.b")
        assert state.variables == {"n": 8, "flag": True, "word": "sailor"}
        assert state.clock == 19 * 60  # 18:00 + 30 minutes, then on to 19:00
        assert state.documents == ("doc", "doc2")  # unlocking twice keeps one

    def test_until_never_turns_the_clock_back(self):
        story = story_of(scene("a", """\
            text: A.
            choices:
              - {text: Go, to: end, effects: {advance: 120, until: "19:00"}}
            """) + END)
        assert engine.choose(story, engine.start(story, "guard"), "a.end").clock == 20 * 60

    def test_once_choice_disappears_after_it_is_taken(self):
        story = story_of(scene("a", """\
            text: A.
            choices:
              - {text: Again, to: a, once: true, effects: {add: {n: 1}}}
              - {text: Leave, to: end}
            """) + END)
        state = engine.choose(story, engine.start(story, "guard"), "a.a")
        assert ids(story, state) == ["a.end"]
        assert state.visits == {"a": 2}
        assert state.history == ("a.a",)
        with pytest.raises(RuleError, match="only once"):
            engine.choose(story, state, "a.a")

    def test_choose_refuses_what_cannot_be_taken(self):
        story = story_of(scene("a", """\
            text: A.
            choices:
              - {text: Locked, to: end, id: locked, if: flag}
              - {text: Cadets, to: end, id: cadets, role: cadet}
            """) + END)
        state = engine.start(story, "guard")
        with pytest.raises(RuleError, match="not available: flag"):
            engine.choose(story, state, "a.locked")
        with pytest.raises(RuleError, match="not open to the role 'guard'"):
            engine.choose(story, state, "a.cadets")
        with pytest.raises(RuleError, match=r"has no choice 'a\.nowhere'"):
            engine.choose(story, state, "a.nowhere")

    def test_choose_never_changes_the_state_it_is_given(self):
        story = story_of(scene("a", "text: A.\nchoices:\n  - {text: Go, to: end, "
                               "effects: {set: {n: 4}}}\n") + END)
        before = engine.start(story, "guard")
        snapshot = (dict(before.variables), dict(before.visits), before.history)
        engine.choose(story, before, "a.end")
        assert (dict(before.variables), dict(before.visits), before.history) == snapshot


class TestAccounts:
    def test_scene_passage_and_choice_tags_are_recorded_in_order(self):
        story = story_of(scene("a", """\
            text:
              - A.
              - {if: not flag, text: Passage., account: archive, beat: b2}
            account: myth
            beat: b1
            choices:
              - {text: Go, to: end, account: archive, beat: b1}
            """) + END)
        state = engine.start(story, "guard")
        assert [(e.beat, e.account) for e in state.accounts] == [
            ("b1", Account.MYTH), ("b2", Account.ARCHIVE)]
        state = engine.choose(story, state, "a.end")
        # A beat is recorded once: lived again, it takes the latest account and moves to
        # the end, so the record stays in the order of the night.
        assert [(e.beat, e.account) for e in state.accounts] == [
            ("b2", Account.ARCHIVE), ("b1", Account.ARCHIVE)]

    def test_passage_not_shown_records_nothing(self):
        story = story_of(scene("a", """\
            text:
              - {if: flag, text: Hidden., account: myth, beat: b1}
            next: end
            """) + END)
        assert engine.start(story, "guard").accounts == ()


class TestPassagesAgreeWithTheRecord:
    """Entering a scene judges its tagged passages on the state as entered and records
    the beats of those shown; ``view`` judges every passage again on the state after.
    A passage condition reading what those passages record could be judged both ways,
    so the loader refuses it: what is shown is always what is recorded."""

    OWN_BEAT = scene("a", """\
        text:
          - {if: account(b1) == "none", text: First telling., account: myth, beat: b1}
        next: end
        """) + END

    def test_a_story_that_would_disagree_is_refused(self, monkeypatch):
        with pytest.raises(StoryError) as caught:
            story_of(self.OWN_BEAT)
        (problem,) = caught.value.diagnostics
        assert (problem.code, problem.loc.line, problem.loc.column) == (
            "passage-reads-own-beat", 6, 14)
        assert ("reads account(b1), which this passage records on entering the scene"
                in problem.message)
        assert "move the condition to a choice or a 'next' rule" in problem.message
        # Without the rule it loads, and the passage recorded is not the passage shown.
        monkeypatch.setattr(ContentReader, "_check_own_beats", lambda *_args: None)
        story = story_of(self.OWN_BEAT)
        state = engine.start(story, "guard")
        assert [(e.beat, e.account) for e in state.accounts] == [("b1", Account.MYTH)]
        assert engine.view(story, state).paragraphs == ()

    @pytest.mark.parametrize(("condition", "reads"), [
        ('account(b1) == "myth"', "account(b1), which the passage on line 8 records"),
        ("beats(archive) > 0", "beats(archive), which counts the beat 'b1' that the "
                               "passage on line 8 records"),
    ])
    def test_any_passage_of_the_scene_reading_what_it_records_is_refused(self, condition,
                                                                         reads):
        with pytest.raises(StoryError) as caught:
            story_of(scene("a", f"""\
                text:
                  - if: {condition}
                    text: Read.
                  - {{text: Told., account: archive, beat: b1}}
                next: end
                """) + END)
        (problem,) = caught.value.diagnostics
        assert (problem.code, problem.loc.line) == ("passage-reads-own-beat", 6)
        assert reads in problem.message

    def test_conditions_the_passages_cannot_change_are_allowed(self):
        story = story_of(scene("a", """\
            text:
              - {if: account(b1) == "myth", text: Scene told., account: archive, beat: b2}
            account: myth
            beat: b1
            next:
              - {if: account(b2) == "archive", to: b}
              - {to: end}
            """) + scene("b", """\
            text:
              - {if: beats(myth) > 0, text: Legend so far.}
            choices:
              - {text: On, to: end, if: account(b1) == "myth", account: archive, beat: b2}
            """) + END)
        # The scene's own tag is recorded before its passages are judged, and what they
        # record (b2) no passage reads; beats() is read where no passage is tagged.
        state = engine.start(story, "guard")
        assert engine.view(story, state).paragraphs == ("Scene told.",)
        assert [(e.beat, e.account) for e in state.accounts] == [
            ("b1", Account.MYTH), ("b2", Account.ARCHIVE)]
        state = engine.choose(story, state, engine.CONTINUE)
        assert engine.view(story, state).paragraphs == ("Legend so far.",)

    def test_a_choice_or_next_rule_may_read_what_the_passages_record(self):
        story = story_of(scene("a", """\
            text:
              - {text: Told., account: myth, beat: b1}
            next:
              - {if: account(b1) == "myth" and beats(myth) == 1, to: b}
            """) + scene("b", """\
            text:
              - {text: Again., account: archive, beat: b1}
            choices:
              - {text: On, to: end, if: account(b1) == "archive"}
            """) + END)
        state = engine.start(story, "guard")
        state = engine.choose(story, state, engine.CONTINUE)
        assert engine.available_choices(story, state) == ["b.end"]


class TestRecord:
    def test_mark_read_needs_an_unlocked_document(self):
        story = story_of(scene("a", "text: A.\neffects: {unlock: doc}\nnext: end\n") + END)
        state = engine.start(story, "guard")
        state = engine.mark_read(state, "doc")
        assert state.read == {"doc"}
        assert engine.mark_read(state, "doc") is state
        with pytest.raises(RuleError, match="not been unlocked"):
            engine.mark_read(state, "doc2")
