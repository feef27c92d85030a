"""Coverage as authors need it: scenes, ways on, conditional passages and condition sides.

A ``Tally`` is fed every state a playthrough stood in and every way on it took.
It evaluates the story's own ``Condition`` objects on those states, exactly as
the engine does when it shows a scene (passages, offered choices, ``next`` rules
in order until one holds), so the engine stays untouched and pure. ``coverage``
then lists what was never exercised, each with the ``file:line`` to look at.

Rule: pure; only the tally itself is mutable, and only while it is being fed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from palace.engine import CONTINUE
from palace.errors import SourceLoc
from palace.model import Condition, Scene, Story
from palace.paths import RoleReach, WayOn, ways_on
from palace.state import GameState


SNIPPET = 40


@dataclass(frozen=True, slots=True)
class Gap:
    """One thing no playthrough exercised."""

    what: str
    loc: SourceLoc | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of one kind of thing was exercised, and what was not."""

    name: str
    total: int
    missed: tuple[Gap, ...]

    @property
    def reached(self) -> int:
        return self.total - len(self.missed)


ConditionKey = tuple[str, str, int]
"""(scene id, "passage" | "choice" | "next", index in the scene)."""


class Tally:
    """What a batch of playthroughs exercised."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.scenes: set[str] = set()
        self.ways: set[tuple[str, str]] = set()
        self.shown: set[tuple[str, int]] = set()
        self.sides: dict[ConditionKey, set[bool]] = {}

    def record_state(self, state: GameState) -> None:
        """Note the scene, and the outcome of every condition the engine checks there."""
        scene = self.story.scenes[state.scene]
        self.scenes.add(scene.id)
        for index, passage in enumerate(scene.passages):
            condition = passage.condition
            if condition is None or self._side(condition, (scene.id, "passage", index), state):
                self.shown.add((scene.id, index))
        for index, choice in enumerate(scene.choices):
            offered = ((not choice.roles or state.role in choice.roles)
                       and not (choice.once and choice.id in state.taken))
            if offered and choice.condition is not None:
                self._side(choice.condition, (scene.id, "choice", index), state)
        self._first_rule(scene, state)

    def record_step(self, state: GameState, choice_id: str) -> None:
        """Note the way on taken from ``state``."""
        if choice_id != CONTINUE:
            self.ways.add((state.scene, choice_id))
            return
        index = self._first_rule(self.story.scenes[state.scene], state)
        if index is not None:
            self.ways.add((state.scene, f"next:{index}"))

    def _first_rule(self, scene: Scene, state: GameState) -> int | None:
        for index, rule in enumerate(scene.next):
            if rule.condition is None or self._side(rule.condition, (scene.id, "next", index),
                                                    state):
                return index
        return None

    def _side(self, condition: Condition, key: ConditionKey, state: GameState) -> bool:
        holds = condition.holds(state)
        self.sides.setdefault(key, set()).add(holds)
        return holds

    def coverage(self, reaches: Iterable[RoleReach]) -> tuple[Coverage, ...]:
        """Coverage of what the tested roles can reach (see ``paths``): what the analysis
        proves unreachable is ``palace check``'s to report, not a gap in testing."""
        reaches = list(reaches)
        scenes = [s for s in self.story.scenes.values()
                  if any(s.id in r.scenes for r in reaches)]
        ways = _reachable_ways(self.story, reaches)
        return (
            _coverage("scenes", [(f"scene '{s.id}'", s.loc, s.id in self.scenes)
                                 for s in scenes]),
            _coverage("ways on", [self._way_item(w) for w in ways]),
            _coverage("conditional passages", list(self._passage_items(scenes))),
            _coverage("condition sides", list(self._side_items(scenes, ways))),
        )

    def _way_item(self, way: WayOn) -> tuple[str, SourceLoc | None, bool]:
        if way.choice is not None:
            return (f"choice '{_snippet(way.choice.text.source)}' in scene '{way.source}'",
                    way.choice.loc, (way.source, way.choice.id) in self.ways)
        assert way.rule is not None
        return (f"the way on from '{way.source}' to '{way.target}'", way.rule.loc,
                (way.source, f"next:{way.index}") in self.ways)

    def _passage_items(self, scenes: list[Scene]) -> Iterator[tuple[str, SourceLoc | None,
                                                                       bool]]:
        for scene in scenes:
            for index, passage in enumerate(scene.passages):
                if passage.condition is not None:
                    yield (f"passage '{_snippet(passage.text.source)}' in scene '{scene.id}'",
                           passage.loc, (scene.id, index) in self.shown)

    def _side_items(self, scenes: list[Scene],
                    ways: list[WayOn]) -> Iterator[tuple[str, SourceLoc | None, bool]]:
        keyed: list[tuple[ConditionKey, Condition]] = []
        for scene in scenes:
            keyed += [((scene.id, "passage", i), p.condition)
                      for i, p in enumerate(scene.passages) if p.condition is not None]
        for way in ways:
            if way.condition is not None:
                kind = "choice" if way.choice is not None else "next"
                keyed.append(((way.source, kind, way.index), way.condition))
        for key, condition in keyed:
            seen = self.sides.get(key, set())
            for side in (True, False):
                yield (f"condition '{condition.source}' in scene '{key[0]}' never "
                       f"{'true' if side else 'false'}", condition.loc, side in seen)


def _reachable_ways(story: Story, reaches: list[RoleReach]) -> list[WayOn]:
    """The ways on some tested role may take, in the order the story is written."""
    open_ways = {(w.source, w.index) for reach in reaches
                 for ways in reach.open_ways.values() for w in ways}
    return [way for scene in story.scenes.values() for way in ways_on(scene)
            if (scene.id, way.index) in open_ways]


def _coverage(name: str, items: list[tuple[str, SourceLoc | None, bool]]) -> Coverage:
    missed = tuple(Gap(what, loc) for what, loc, hit in items if not hit)
    return Coverage(name, len(items), missed)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1].rstrip() + "…"
