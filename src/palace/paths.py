"""The story as a graph of scenes, seen by one role at a time.

For each role this works out which ways on (choices and ``next`` rules) may ever
be taken, which scenes that reaches from the role's start, how early the clock
can be on arriving anywhere, and from where an ending is still in reach. The
conditions on the ways on are decided with ``abstract``; what is possible feeds
back into it (a scene never reached is never ``visited``, a variable's values come
only from effects that can happen), and the two are refined together until they
settle.

Rule: pure, and sound. Every way on that play can take is kept, so "unreachable"
and "no ending in reach" are proofs, never guesses.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from palace.abstract import Abstract, Facts, number_domain, truth_values
from palace.expr.tree import Name, Type, names_in
from palace.model import NO_EFFECTS, Choice, Condition, Effects, NextRule, Scene, Story
from palace.state import Value


MAX_ROUNDS = 8
"""Refinement rounds; every round's result is sound, later ones are only sharper."""


@dataclass(frozen=True, slots=True)
class WayOn:
    """One edge of the story graph: a choice, or one rule of an automatic ``next``."""

    source: str
    target: str
    condition: Condition | None
    effects: Effects
    roles: tuple[str, ...]
    """The roles that may take it; empty means every role."""
    index: int
    """Its place among the scene's choices, or among its ``next`` rules."""
    choice: Choice | None = None
    rule: NextRule | None = None


def ways_on(scene: Scene) -> tuple[WayOn, ...]:
    """The scene's choices and ``next`` rules as edges, in the order written."""
    if scene.choices:
        return tuple(WayOn(scene.id, c.target, c.condition, c.effects, c.roles, i, choice=c)
                     for i, c in enumerate(scene.choices))
    return tuple(WayOn(scene.id, r.target, r.condition, NO_EFFECTS, (), i, rule=r)
                 for i, r in enumerate(scene.next))


def clock_after(floor: int, effects: Effects) -> int:
    """The earliest the clock can be after ``effects``, if it was at least ``floor``."""
    clock = floor + effects.advance
    return clock if effects.until is None else max(clock, effects.until)


class TruthMemo:
    """What each condition could be under one role's facts, worked out once.

    Stories repeat their conditions (the 10,000-scene benchmark story has a few
    dozen distinct ones), and the analysis asks about each in every scene and in
    every round; a condition that does not read the clock could be the same
    wherever it is asked. Conditions with one source have one tree, so the source
    names it.
    """

    def __init__(self) -> None:
        self._truths: dict[tuple[str, int | None], frozenset[bool]] = {}
        self._reads_clock: dict[str, bool] = {}

    def truths(self, condition: Condition, facts: Facts, *,
               clock_floor: int) -> frozenset[bool]:
        source = condition.source
        reads_clock = self._reads_clock.get(source)
        if reads_clock is None:
            reads_clock = self._reads_clock[source] = any(
                isinstance(n, Name) and n.name == "clock" for n in names_in(condition.tree))
        key = (source, clock_floor if reads_clock else None)
        known = self._truths.get(key)
        if known is None:
            known = self._truths[key] = truth_values(condition.tree, facts,
                                                     clock_floor=clock_floor)
        return known


@dataclass(frozen=True, slots=True)
class RoleReach:
    """What one role's night can reach, and what the analysis knows along the way."""

    role: str
    start: str
    start_clock: int
    facts: Facts
    scenes: frozenset[str]
    """Scenes reachable from the role's start."""
    open_ways: Mapping[str, tuple[WayOn, ...]]
    """For each reachable scene, the ways on this role may ever take from it."""
    arrival: Mapping[str, int]
    """For each reachable scene, the earliest the clock can be on arriving there."""
    memo: TruthMemo = field(default_factory=TruthMemo, compare=False, repr=False)
    """Truth values already worked out under ``facts``."""

    def clock_floor(self, story: Story, scene_id: str) -> int:
        """The earliest the clock can be in a scene once its own effects are applied."""
        return clock_after(self.arrival[scene_id], story.scenes[scene_id].effects)

    def truths(self, story: Story, condition: Condition, scene_id: str) -> frozenset[bool]:
        """Whether ``condition``, checked in ``scene_id``, could be true, false or both."""
        floor = self.clock_floor(story, scene_id) if scene_id in self.arrival \
            else self.start_clock
        return self.memo.truths(condition, self.facts, clock_floor=floor)

    def with_ending_in_reach(self, story: Story) -> frozenset[str]:
        """The reachable scenes from which some path still leads to an ending."""
        incoming: dict[str, list[str]] = {}
        for ways in self.open_ways.values():
            for way in ways:
                incoming.setdefault(way.target, []).append(way.source)
        found = {s for s in self.scenes if story.scenes[s].ending is not None}
        queue = deque(found)
        while queue:
            for source in incoming.get(queue.popleft(), ()):
                if source not in found:
                    found.add(source)
                    queue.append(source)
        return frozenset(found)


def analyse(story: Story) -> dict[str, RoleReach]:
    """Every role's reach, in the order the roles are written."""
    return {role: analyse_role(story, role) for role in story.roles}


def analyse_role(story: Story, role: str) -> RoleReach:
    definition = story.roles[role]
    start_clock = definition.clock_start
    if start_clock is None:
        start_clock = story.clock.start_minute
    graph = {scene.id: ways_on(scene) for scene in story.scenes.values()}
    facts = _facts(story, role, _all_effects(story, graph), frozenset(story.scenes))
    arrival: Mapping[str, int] = dict.fromkeys(story.scenes, start_clock)
    reach = _explore(story, graph, role=role, start=definition.start, start_clock=start_clock,
                     facts=facts, arrival=arrival)
    for _ in range(MAX_ROUNDS):
        sharper = _facts(story, role, _reached_effects(story, reach), reach.scenes)
        if sharper == reach.facts and reach.arrival == arrival:
            break
        arrival = reach.arrival
        reach = _explore(story, graph, role=role, start=definition.start,
                         start_clock=start_clock, facts=sharper, arrival=arrival)
    return reach


Graph = Mapping[str, tuple[WayOn, ...]]
"""Every scene's ways on, by scene id."""


def _explore(story: Story, graph: Graph, *, role: str, start: str, start_clock: int,
             facts: Facts, arrival: Mapping[str, int]) -> RoleReach:
    memo = TruthMemo()
    provisional = RoleReach(role, start, start_clock, facts, frozenset(), {}, arrival, memo)
    open_ways: dict[str, tuple[WayOn, ...]] = {}
    queue = deque([start])
    while queue:
        scene_id = queue.popleft()
        if scene_id in open_ways:
            continue
        ways = _open_ways(story, provisional, graph[scene_id])
        open_ways[scene_id] = ways
        queue.extend(w.target for w in ways if w.target not in open_ways)
    scenes = frozenset(open_ways)
    return RoleReach(role, start, start_clock, facts, scenes, open_ways,
                     _earliest_arrivals(story, start=start, start_clock=start_clock,
                                        open_ways=open_ways), memo)


def _open_ways(story: Story, reach: RoleReach, ways: Iterable[WayOn]) -> tuple[WayOn, ...]:
    found: list[WayOn] = []
    for way in ways:
        if _may_take(story, reach, way):
            found.append(way)
            # The first ``next`` rule that holds wins: one that always holds hides the rest.
            if way.rule is not None and _always_holds(story, reach, way):
                break
    return tuple(found)


def _always_holds(story: Story, reach: RoleReach, way: WayOn) -> bool:
    return way.condition is None or reach.truths(story, way.condition, way.source) == {True}


def _may_take(story: Story, reach: RoleReach, way: WayOn) -> bool:
    if way.roles and reach.role not in way.roles:
        return False
    return way.condition is None or True in reach.truths(story, way.condition, way.source)


def _earliest_arrivals(story: Story, *, start: str, start_clock: int,
                       open_ways: Mapping[str, tuple[WayOn, ...]]) -> dict[str, int]:
    """The least clock on arriving at each scene, over every path.

    Dijkstra's search, earliest scene first: effects only move the clock forward,
    so a scene taken from the heap is settled, and each is expanded once.
    """
    arrival = {start: start_clock}
    heap = [(start_clock, start)]
    settled: set[str] = set()
    while heap:
        clock, scene_id = heapq.heappop(heap)
        if scene_id in settled:
            continue
        settled.add(scene_id)
        leaving = clock_after(clock, story.scenes[scene_id].effects)
        for way in open_ways.get(scene_id, ()):
            reached = clock_after(leaving, way.effects)
            if reached < arrival.get(way.target, reached + 1):
                arrival[way.target] = reached
                heapq.heappush(heap, (reached, way.target))
    return arrival


def _all_effects(story: Story, graph: Graph) -> Iterator[Effects]:
    for scene in story.scenes.values():
        yield scene.effects
        for way in graph[scene.id]:
            yield way.effects


def _reached_effects(story: Story, reach: RoleReach) -> Iterator[Effects]:
    for scene_id in reach.scenes:
        yield story.scenes[scene_id].effects
        for way in reach.open_ways[scene_id]:
            yield way.effects


def _facts(story: Story, role: str, effects: Iterable[Effects],
           visitable: frozenset[str]) -> Facts:
    bases: dict[str, set[Value]] = {n: {v.initial} for n, v in story.variables.items()}
    increments: dict[str, set[int]] = {n: set() for n in story.variables}
    unlockable: set[str] = set()
    for effect in effects:
        for name, value in effect.set:
            bases[name].add(value)
        for name, amount in effect.add:
            increments[name].add(amount)
        unlockable.update(effect.unlock)
    domains: dict[str, Abstract] = {}
    for name, variable in story.variables.items():
        if variable.type is Type.NUMBER:
            domains[name] = number_domain((int(v) for v in bases[name]), increments[name])
        else:
            domains[name] = frozenset(bases[name])
    return Facts(role, domains, visitable, frozenset(unlockable), len(story.beats),
                 story.clock)
