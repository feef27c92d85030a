"""palace check's analyses: each fixture story triggers its check at an exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from palace.checks import check_story
from palace.errors import Severity
from palace.loader import load_story


STORIES = Path(__file__).parent / "stories"


def findings(name: str) -> list[tuple[str, str, str]]:
    """(file:line:col relative to the fixture, severity, code) of every finding."""
    story = load_story(STORIES / name)
    prefix = f"{STORIES / name}/"
    return [(str(d.loc).removeprefix(prefix), str(d.severity), d.code)
            for d in check_story(story)]


@pytest.mark.parametrize(("story", "expected"), [
    ("unreachable_scene", [("scenes.yaml:14:5", "warning", "unreachable-scene")]),
    ("unreachable_ending", [("scenes.yaml:17:7", "warning", "unreachable-ending")]),
    ("dead_end", [("scenes.yaml:11:5", "error", "dead-end"),
                  ("scenes.yaml:16:13", "warning", "impossible-condition")]),
    ("no_ending", [("scenes.yaml:11:5", "error", "no-ending"),
                   ("scenes.yaml:18:5", "error", "no-ending")]),
    ("impossible_choice", [("scenes.yaml:14:13", "warning", "impossible-choice"),
                           ("scenes.yaml:17:13", "warning", "impossible-choice"),
                           ("scenes.yaml:18:9", "warning", "impossible-choice"),
                           # 'if: false' greyed is on purpose (line 25); hidden, a mistake
                           ("scenes.yaml:29:13", "warning", "impossible-choice")]),
    ("impossible_condition", [("scenes.yaml:7:13", "warning", "impossible-condition"),
                              ("scenes.yaml:10:13", "warning", "impossible-condition")]),
    ("unused_variable", [("story.yaml:9:3", "warning", "unused-variable"),
                         ("story.yaml:10:3", "warning", "unused-variable")]),
    ("unset_variable", [("story.yaml:9:3", "warning", "unset-variable")]),
    ("locked_document", [("scenes.yaml:14:5", "warning", "unreachable-scene"),
                         ("scenes.yaml:22:5", "warning", "locked-document"),
                         ("scenes.yaml:26:5", "warning", "locked-document")]),
    ("clock_backwards", [("scenes.yaml:7:7", "warning", "clock-backwards"),
                         ("scenes.yaml:21:11", "warning", "clock-backwards")]),
    ("sound", []),
])
def test_each_check_reports_its_fixture_at_the_exact_place(story, expected):
    assert findings(story) == expected


class TestMessages:
    def messages(self, name: str) -> list[str]:
        return [d.message for d in check_story(load_story(STORIES / name))]

    def test_unreachable_scene_names_every_role_start(self):
        assert self.messages("unreachable_scene") == [
            "scene 'attic' is never reached: no role's path leads to it "
            "(guard starts at 'yard')"]

    def test_impossible_choice_says_what_values_the_variable_can_take(self):
        first, second, third, _hidden_false = self.messages("impossible_choice")
        assert first == ("choice 'Storm the gate alone.' can never be taken: its condition "
                         "'courage >= 5' never holds (courage is only ever 0 or 1)")
        assert second.endswith("'has_key' never holds (has_key is always false)")
        assert third == ("choice 'Report to your officer.' is never offered: it is for cadet, "
                         "and only guard reaches scene 'yard'")

    def test_role_conditions_are_decided_per_role(self):
        assert self.messages("impossible_condition")[1] == (
            "the way on to 'hall' is never taken: its condition 'role == \"cadet\"' never "
            "holds (role is guard)")

    def test_clock_backwards_gives_the_earliest_clock_on_every_path(self):
        assert self.messages("clock_backwards") == [
            "'until: 18:30' would move time backwards for guard: on every path here the clock "
            "is already 19:00 or later, so it never does anything",
            "'until: 20:00' would move time backwards for guard: on every path here the clock "
            "is already 21:40 or later, so it never does anything",
        ]

    def test_dead_end_and_no_ending_are_errors(self):
        story = load_story(STORIES / "no_ending")
        assert {d.severity for d in check_story(story)} == {Severity.ERROR}
        assert self.messages("no_ending")[0] == (
            "from scene 'corridor', guard can never reach an ending: every way on leads into "
            "a loop with no exit")

    def test_variables_set_never_read_and_declared_never_used(self):
        assert self.messages("unused_variable") == [
            "variable 'rumour' is set but never read: no condition or text uses it",
            "variable 'spare' is declared but never used",
        ]

    def test_documents_unlocked_only_where_play_never_goes(self):
        assert self.messages("locked_document")[1:] == [
            "document 'orders' is never unlocked: no effect unlocks it, so the player can "
            "never read it",
            "document 'diary' is never unlocked: only effects that play can never reach "
            "unlock it",
        ]


def test_text_slots_count_as_reading_a_variable(tiny_story):
    # 'companion' is only ever shown in text, and never set.
    assert [(d.code, d.message) for d in check_story(tiny_story)] == [
        ("unset-variable", "variable 'companion' is read but never set: it is always 'nobody'")]


def test_findings_are_sorted_by_place():
    story = load_story(STORIES / "locked_document")
    locs = [d.loc for d in check_story(story)]
    assert locs == sorted(locs, key=lambda loc: (loc.file, loc.line, loc.column))
