"""The exhaustive playtest: every distinct game state a story can reach, breadth first.

From each role's start, every available choice is taken in every state, and
states that nothing in the story can tell apart (``playtest.behaviour_key``) are
visited once. When the walk sees every state within ``max_states`` it is a proof:
each stuck state and each erroring choice is found with its shortest path, and
any state from which neither an ending nor a failure can be reached is a loop
with no exit. When the limit stops it first, what it found is still real, but it
proves nothing about what it did not see.

Rule: pure and deterministic, like ``playtest``.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Hashable, Sequence

from palace import engine
from palace.coverage import Tally
from palace.model import Story
from palace.paths import analyse_role
from palace.playtest import (
    RUN_ERRORS,
    Failure,
    FailureKind,
    PlaytestReport,
    Progress,
    Step,
    behaviour_key,
    count_failures,
    describe_error,
    ending_counts,
    loop_message,
    stuck_message,
)
from palace.playtestoptions import DEFAULT_MAX_STATES
from palace.state import GameState


def run_exhaustive(story: Story, *, roles: Sequence[str] | None = None,
                   max_states: int = DEFAULT_MAX_STATES,
                   on_progress: Progress | None = None) -> PlaytestReport:
    """Walk every distinct state the ``roles`` (all by default) can reach."""
    roles = tuple(roles or story.roles)
    walk = _Walk(story, max_states)
    for role in roles:
        walk.begin(role)
    walk.run(on_progress)
    failures = list(walk.failures)
    if walk.complete:
        failures += walk.loops()
    reaches = [analyse_role(story, role) for role in roles]
    return PlaytestReport(story.title, roles, ending_counts(story, reaches, walk.endings),
                          walk.tally.coverage(reaches), count_failures(failures),
                          states=len(walk.parents), complete=walk.complete, steps=walk.steps)


class _Walk:
    def __init__(self, story: Story, max_states: int) -> None:
        self.story = story
        self.key = behaviour_key(story)
        self.max_states = max_states
        self.tally = Tally(story)
        self.parents: dict[Hashable, tuple[Hashable, Step] | None] = {}
        self.place: dict[Hashable, tuple[str, str]] = {}
        """Each state's role and scene (the states themselves are let go once expanded)."""
        self.successors: dict[Hashable, list[Hashable]] = {}
        self.exits: set[Hashable] = set()
        """States with an ending or a failure: a way out of any loop."""
        self.endings: Counter[str] = Counter()
        self.failures: list[Failure] = []
        self.queue: deque[tuple[Hashable, GameState]] = deque()
        self.complete = True
        self.steps = 0

    def begin(self, role: str) -> None:
        try:
            state = engine.start(self.story, role)
        except RUN_ERRORS as error:
            start = self.story.roles[role].start
            self.failures.append(Failure(FailureKind.ERROR, role, start,
                                         describe_error(error), ()))
            return
        self._discover(state, None)

    def run(self, on_progress: Progress | None) -> None:
        while self.queue:
            self._expand(*self.queue.popleft())
            if on_progress is not None:
                on_progress(len(self.parents) - len(self.queue), len(self.parents))

    def _discover(self, state: GameState, parent: tuple[Hashable, Step] | None) -> Hashable:
        key = self.key(state)
        if key in self.parents:
            return key
        if len(self.parents) >= self.max_states:
            self.complete = False
            return key
        self.parents[key] = parent
        self.place[key] = (state.role, state.scene)
        self.queue.append((key, state))
        return key

    def _expand(self, key: Hashable, state: GameState) -> None:
        try:
            view = engine.view(self.story, state)
        except RUN_ERRORS as error:
            self._fail(key, FailureKind.ERROR, describe_error(error), ())
            return
        self.tally.record_state(state)
        if view.ending is not None:
            self.endings[view.ending.id] += 1
            self.exits.add(key)
            return
        steps = [Step(c.id, n) for n, c in enumerate(view.choices, start=1) if c.available]
        if not steps:
            self._fail(key, FailureKind.STUCK, stuck_message(state.scene), ())
        for step in steps:
            self._take(key, state, step)

    def _take(self, key: Hashable, state: GameState, step: Step) -> None:
        try:
            following = engine.choose(self.story, state, step.choice)
        except RUN_ERRORS as error:
            self._fail(key, FailureKind.ERROR, describe_error(error), (step,))
            return
        self.tally.record_step(state, step.choice)
        self.steps += 1
        self.successors.setdefault(key, []).append(self._discover(following, (key, step)))

    def _fail(self, key: Hashable, kind: FailureKind, message: str,
              last: tuple[Step, ...]) -> None:
        role, scene = self.place[key]
        self.exits.add(key)
        self.failures.append(Failure(kind, role, scene, message, self.path_to(key) + last))

    def path_to(self, key: Hashable) -> tuple[Step, ...]:
        steps: list[Step] = []
        link = self.parents[key]
        while link is not None:
            key, step = link
            steps.append(step)
            link = self.parents[key]
        return tuple(reversed(steps))

    def loops(self) -> list[Failure]:
        """A failure for each state from which no ending and no other failure is in reach."""
        incoming: dict[Hashable, list[Hashable]] = {}
        for source, targets in self.successors.items():
            for target in targets:
                incoming.setdefault(target, []).append(source)
        escapes = set(self.exits)
        queue = deque(escapes)
        while queue:
            for source in incoming.get(queue.popleft(), ()):
                if source not in escapes:
                    escapes.add(source)
                    queue.append(source)
        trapped = [key for key in self.parents if key not in escapes]
        return [Failure(FailureKind.LOOP, *self.place[k], loop_message(self.place[k][1]),
                        self.path_to(k)) for k in trapped]
