"""Playtesting the real engine: random playthroughs, and an exhaustive walk of game states.

``random_playthrough`` plays one night through ``engine.start``/``view``/``choose``
with a seeded ``random.Random``, preferring the choices tried least so far (as
ChoiceScript's randomtest does) or picking uniformly. ``run_playtests`` plays many
and ``run_exhaustive`` walks every distinct state breadth first; both return a
``PlaytestReport``: how often each ending was reached, what was covered (see
``coverage``), and every failure with the choices that reproduce it. A failure is
a stuck state (no choice to take and not an ending), an error raised by a
condition or a text, or a loop with no exit.

Rule: pure and deterministic. The same story, options and seed give the same
report; progress is reported through an optional callback, never printed.
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from palace import engine
from palace.coverage import Coverage, Tally
from palace.errors import PalaceError
from palace.expr.tree import Call, Name, names_in
from palace.model import Ending, Story
from palace.paths import RoleReach, analyse_role
from palace.playtestoptions import DEFAULT_MAX_STEPS, DEFAULT_RUNS, Strategy
from palace.state import GameState


RUN_ERRORS = (PalaceError, LookupError, TypeError, ValueError, ArithmeticError)
"""What a fault in a story can raise while it is played: reported, never propagated."""

Progress = Callable[[int, int], None]
"""Called with (done, total) as a batch goes on."""


class FailureKind(enum.StrEnum):
    STUCK = "stuck"
    ERROR = "error"
    LOOP = "loop"
    STEP_LIMIT = "step-limit"


@dataclass(frozen=True, slots=True)
class Step:
    """One choice taken: its id, and the number a player types for it."""

    choice: str
    number: int


@dataclass(frozen=True, slots=True)
class Failure:
    """Something that went wrong in a playthrough, with the path that reproduces it."""

    kind: FailureKind
    role: str
    scene: str
    message: str
    path: tuple[Step, ...]
    """The choices from the role's start that lead to the failure."""


@dataclass(frozen=True, slots=True)
class Playthrough:
    """One random walk from a role's start to an ending, a failure or the step limit."""

    role: str
    path: tuple[Step, ...]
    states: tuple[GameState, ...]
    """Every state the night stood in; ``path[i]`` was taken from ``states[i]``."""
    ending: Ending | None = None
    failure: Failure | None = None


@dataclass(frozen=True, slots=True)
class FailureCount:
    """A failure as reported: its shortest occurrence and how often it happened."""

    failure: Failure
    """The occurrence with the shortest path."""
    count: int


@dataclass(frozen=True, slots=True)
class PlaytestReport:
    """What ``palace test`` found: endings reached, coverage and failures."""

    title: str
    roles: tuple[str, ...]
    endings: tuple[tuple[Ending, int], ...]
    """Every ending the tested roles can reach, with how often it was reached."""
    coverage: tuple[Coverage, ...]
    failures: tuple[FailureCount, ...]
    runs: int = 0
    seed: int | None = None
    strategy: Strategy | None = None
    states: int = 0
    """For an exhaustive walk: how many distinct states it saw."""
    complete: bool = True
    """False when an exhaustive walk stopped at its limit before seeing every state."""
    steps: int = 0
    """Choices taken in all: by every playthrough, or by the walk from state to state."""

    @property
    def ok(self) -> bool:
        return not self.failures


def random_playthrough(story: Story, *, role: str, rng: random.Random,
                       strategy: Strategy = Strategy.LEAST_TRIED,
                       max_steps: int = DEFAULT_MAX_STEPS,
                       tried: Counter[tuple[str, str]] | None = None) -> Playthrough:
    """Play one night of ``role`` with random choices.

    Args:
        tried: how often each (scene, choice) has been taken, shared across a batch
            and updated here, so the least-tried strategy spreads over the story.
    """
    tried = tried if tried is not None else Counter()
    path: list[Step] = []
    states: list[GameState] = []

    def failed(kind: FailureKind, scene: str, message: str) -> Playthrough:
        failure = Failure(kind, role, scene, message, tuple(path))
        return Playthrough(role, tuple(path), tuple(states), failure=failure)

    try:
        state = engine.start(story, role)
    except RUN_ERRORS as error:
        return failed(FailureKind.ERROR, story.roles[role].start, describe_error(error))
    for _ in range(max_steps):
        try:
            view = engine.view(story, state)
        except RUN_ERRORS as error:
            return failed(FailureKind.ERROR, state.scene, describe_error(error))
        states.append(state)
        if view.ending is not None:
            return Playthrough(role, tuple(path), tuple(states), ending=view.ending)
        options = [Step(c.id, n) for n, c in enumerate(view.choices, start=1) if c.available]
        if not options:
            return failed(FailureKind.STUCK, state.scene, stuck_message(state.scene))
        step = _pick(options, rng, strategy, tried, state.scene)
        tried[(state.scene, step.choice)] += 1
        path.append(step)
        try:
            state = engine.choose(story, state, step.choice)
        except RUN_ERRORS as error:
            return failed(FailureKind.ERROR, state.scene, describe_error(error))
    return failed(FailureKind.STEP_LIMIT, state.scene,
                  f"no ending after {max_steps} choices; the night may be going round in "
                  "circles (raise --max-steps if it is just long)")


def _pick(options: Sequence[Step], rng: random.Random, strategy: Strategy,
          tried: Counter[tuple[str, str]], scene: str) -> Step:
    if strategy is Strategy.LEAST_TRIED:
        fewest = min(tried[(scene, o.choice)] for o in options)
        options = [o for o in options if tried[(scene, o.choice)] == fewest]
    return options[rng.randrange(len(options))]


def stuck_message(scene: str) -> str:
    return f"stuck in scene '{scene}': no choice can be taken and it is not an ending"


def describe_error(error: Exception) -> str:
    if isinstance(error, PalaceError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def run_playtests(story: Story, *, runs: int = DEFAULT_RUNS, seed: int = 0,
                  roles: Sequence[str] | None = None,
                  strategy: Strategy = Strategy.LEAST_TRIED,
                  max_steps: int = DEFAULT_MAX_STEPS,
                  on_progress: Progress | None = None) -> PlaytestReport:
    """Play ``runs`` random nights, taking the roles in turn."""
    roles = tuple(roles or story.roles)
    reaches = {role: analyse_role(story, role) for role in roles}
    # Worked out once per role, not once per failing night: it walks the whole story.
    in_reach = {role: reach.with_ending_in_reach(story) for role, reach in reaches.items()}
    rng = random.Random(seed)
    tried: Counter[tuple[str, str]] = Counter()
    tally = Tally(story)
    endings: Counter[str] = Counter()
    failures: list[Failure] = []
    steps = 0
    for number in range(runs):
        role = roles[number % len(roles)]
        night = random_playthrough(story, role=role, rng=rng, strategy=strategy,
                                   max_steps=max_steps, tried=tried)
        _record(tally, night)
        steps += len(night.path)
        if night.ending is not None:
            endings[night.ending.id] += 1
        if night.failure is not None:
            failures.append(_proven_loop(in_reach[role], night))
        if on_progress is not None:
            on_progress(number + 1, runs)
    return PlaytestReport(story.title, roles, ending_counts(story, reaches.values(), endings),
                          tally.coverage(reaches.values()), count_failures(failures),
                          runs=runs, seed=seed, strategy=strategy, steps=steps)


def _record(tally: Tally, night: Playthrough) -> None:
    for index, state in enumerate(night.states):
        tally.record_state(state)
        if index < len(night.path):
            tally.record_step(state, night.path[index].choice)


def _proven_loop(in_reach: frozenset[str], night: Playthrough) -> Failure:
    """A night that ran out of steps after entering a scene from which ``paths`` proves
    no ending is in reach (``in_reach`` holds the scenes from which one is) was caught
    in a loop with no exit: say so, with the path to the first such scene."""
    assert night.failure is not None
    if night.failure.kind is not FailureKind.STEP_LIMIT:
        return night.failure
    for index, state in enumerate(night.states):
        if state.scene not in in_reach:
            return Failure(FailureKind.LOOP, night.role, state.scene,
                           loop_message(state.scene), night.path[:index])
    return night.failure


def loop_message(scene: str) -> str:
    return f"caught in a loop with no exit at scene '{scene}': no ending can be reached from here"


def ending_counts(story: Story, reaches: Iterable[RoleReach],
                  counts: Counter[str]) -> tuple[tuple[Ending, int], ...]:
    """Every ending the tested roles can reach (and any they did reach), with its count."""
    reachable = {scene for reach in reaches for scene in reach.scenes}
    found: dict[str, Ending] = {}
    for scene in story.scenes.values():
        ending = scene.ending
        if ending is not None and (scene.id in reachable or counts[ending.id]):
            found.setdefault(ending.id, ending)
    return tuple((ending, counts[ending.id]) for ending in found.values())


def count_failures(failures: Sequence[Failure]) -> tuple[FailureCount, ...]:
    """One entry per distinct failure, with its shortest path and how often it happened."""
    shortest: dict[tuple[object, ...], Failure] = {}
    counts: Counter[tuple[object, ...]] = Counter()
    for failure in failures:
        key = (failure.kind, failure.role, failure.scene, failure.message)
        counts[key] += 1
        if key not in shortest or len(failure.path) < len(shortest[key].path):
            shortest[key] = failure
    return tuple(FailureCount(failure, counts[key]) for key, failure in shortest.items())


def behaviour_key(story: Story) -> Callable[[GameState], Hashable]:
    """A state's identity, less what nothing in the story can observe: visit counts
    beyond the first where no ``visits()`` reads them, and the clock where no
    condition reads it. States with the same key play out the same way."""
    conditions = [c for s in story.scenes.values()
                  for c in (*(p.condition for p in s.passages),
                            *(c.condition for c in s.choices),
                            *(r.condition for r in s.next)) if c is not None]
    nodes = [n for c in conditions for n in names_in(c.tree)]
    counted = {n.argument for n in nodes if isinstance(n, Call) and n.function == "visits"}
    clock_read = any(isinstance(n, Name) and n.name == "clock" for n in nodes)

    def key(state: GameState) -> Hashable:
        visits = tuple(sorted((s, v if s in counted else min(v, 1))
                              for s, v in state.visits.items()))
        return (state.role, state.scene, state.clock if clock_read else None,
                tuple(sorted(state.variables.items())), visits, frozenset(state.documents),
                frozenset((e.beat, e.account) for e in state.accounts), state.taken)

    return key
