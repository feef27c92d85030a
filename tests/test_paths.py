"""Each role's reach through the story: ways on, shadowed rules and the clock's floor."""

from __future__ import annotations

from palace.model import Effects
from palace.paths import analyse, clock_after


def test_each_role_reaches_its_own_scenes(tiny_story):
    reaches = analyse(tiny_story)
    assert reaches["guard"].scenes == {"gate", "hall", "guard_end"}
    # The cadet's first rule in 'hall' always holds, so the second is never taken.
    assert reaches["cadet"].scenes == {"hall", "cadet_end"}


def test_arrival_is_the_earliest_clock_over_every_path(tiny_story):
    guard = analyse(tiny_story)["guard"]
    # The charge reaches the hall without waiting for the gun.
    assert guard.arrival == {"gate": 20 * 60, "hall": 20 * 60, "guard_end": 20 * 60}
    assert analyse(tiny_story)["cadet"].arrival["hall"] == 21 * 60


def test_variables_only_take_values_effects_can_give(tiny_story):
    cadet = analyse(tiny_story)["cadet"]
    assert cadet.facts.variables["has_rifle"] == frozenset({False})
    assert cadet.facts.visitable == {"hall", "cadet_end"}


def test_clock_after_applies_advance_then_until():
    assert clock_after(100, Effects(advance=10)) == 110
    assert clock_after(100, Effects(advance=10, until=200)) == 200
    assert clock_after(300, Effects(until=200)) == 300


def test_endings_in_reach_exclude_trapping_loops(stories_dir):
    from palace.loader import load_story

    story = load_story(stories_dir / "no_ending")
    guard = analyse(story)["guard"]
    assert guard.with_ending_in_reach(story) == {"yard", "gate"}
