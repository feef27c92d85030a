"""The rules of play: start a night, view the present moment, choose a way on.

Rule: the engine is pure. It is handed a ``Story`` and a ``GameState`` and returns
data; it reads no files, no terminal, no clock and no randomness, and it never
mutates what it is given. The game loop, saves and authoring tools are all just
callers of ``start``, ``view`` and ``choose``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from palace.errors import RuleError
from palace.model import Choice, Effects, Ending, Scene, Story, Tag, Visibility
from palace.state import AccountEntry, GameState, Value


_BLANK_LINE = re.compile(r"\n[ \t]*\n")

CONTINUE = "->"
"""The id of the single way on offered by a scene with an automatic ``next``."""


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """A choice as the player sees it now."""

    id: str
    text: str
    available: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class View:
    """What the player sees at a moment: the scene's text and the ways on."""

    scene: Scene
    paragraphs: tuple[str, ...]
    choices: tuple[ChoiceView, ...]
    ending: Ending | None

    @property
    def is_stuck(self) -> bool:
        """No ending and no way on: a fault in the story, reported by the tools."""
        return self.ending is None and not any(c.available for c in self.choices)


def start(story: Story, role: str) -> GameState:
    """The state at the beginning of ``role``'s night."""
    if role not in story.roles:
        raise RuleError(f"unknown role '{role}'; roles: {', '.join(story.roles)}")
    definition = story.roles[role]
    clock = story.clock.start_minute if definition.clock_start is None else definition.clock_start
    state = GameState(
        role=role,
        scene=definition.start,
        clock=clock,
        variables=story.initial_variables(),
        visits={},
    )
    return _enter(story, state, definition.start, _Move(state))


def view(story: Story, state: GameState) -> View:
    """Render the current scene for ``state``: its text, and every choice the player may see."""
    scene = _scene(story, state.scene)
    paragraphs = _shown_paragraphs(story, scene, state)
    if scene.ending is not None:
        return View(scene, paragraphs, (), scene.ending)
    if scene.next:
        choices: tuple[ChoiceView, ...] = ()
        if _next_target(scene, state) is not None:
            choices = (ChoiceView(CONTINUE, "Continue", True),)
        return View(scene, paragraphs, choices, None)
    shown = [view for view in (_choice_view(story, choice, state)
                               for choice in _offered(scene, state)) if view is not None]
    return View(scene, paragraphs, tuple(shown), None)


def available_choices(story: Story, state: GameState) -> list[str]:
    """The ids of the choices the player can take now (``CONTINUE`` for an automatic way on)."""
    scene = _scene(story, state.scene)
    if scene.ending is not None:
        return []
    if scene.next:
        return [CONTINUE] if _next_target(scene, state) is not None else []
    return [c.id for c in _offered(scene, state)
            if c.condition is None or c.condition.holds(state)]


def choose(story: Story, state: GameState, choice_id: str) -> GameState:
    """Take the choice ``choice_id`` and return the state that follows.

    Raises:
        RuleError: the choice is not in the scene or cannot be taken now.
    """
    scene = _scene(story, state.scene)
    if scene.ending is not None:
        raise RuleError(f"the night has ended in scene '{scene.id}'; there is no way on")
    if choice_id == CONTINUE and scene.next:
        target = _next_target(scene, state)
        if target is None:
            raise RuleError(f"scene '{scene.id}' has no automatic way on that holds now")
        move = _Move(state)
        move.history = (*state.history, CONTINUE)
        return _enter(story, state, target, move)
    choice = _find_choice(scene, choice_id)
    if choice.roles and state.role not in choice.roles:
        raise RuleError(f"choice '{choice_id}' is not open to the role '{state.role}'")
    if choice.once and choice.id in state.taken:
        raise RuleError(f"choice '{choice_id}' can be taken only once")
    if choice.condition is not None and not choice.condition.holds(state):
        raise RuleError(f"choice '{choice_id}' is not available: {choice.condition.source}")
    move = _Move(state)
    move.apply(choice.effects)
    move.record(choice.tag, scene.id)
    move.taken = state.taken | {choice.id}
    move.history = (*state.history, choice.id)
    return _enter(story, state, choice.target, move)


def goto(story: Story, state: GameState, scene_id: str) -> GameState:
    """Enter ``scene_id`` directly, as if a way on had led there: for authors debugging
    a story, never for play. The scene's effects and tags apply as on any entry.

    Raises:
        RuleError: the story has no such scene.
    """
    _scene(story, scene_id)
    return _enter(story, state, scene_id, _Move(state))


def mark_read(state: GameState, document: str) -> GameState:
    """Note that the player has opened ``document`` in the record."""
    if document not in state.documents:
        raise RuleError(f"document '{document}' has not been unlocked")
    if document in state.read:
        return state
    return replace(state, read=state.read | {document})


def apply_effects(story: Story, state: GameState, effects: Effects) -> GameState:
    """Apply ``effects`` in their documented order: set, add, advance, until, unlock."""
    if not effects:
        return state
    move = _Move(state)
    move.apply(effects)
    return replace(state, variables=move.variables, clock=move.clock,
                   documents=move.documents)


class _Move:
    """What a move changes, gathered before the one new state is made (each new state
    costs microseconds, and ``palace test`` makes millions). Private to one move, so
    changing it in place changes no state anyone holds."""

    __slots__ = ("accounts", "clock", "documents", "history", "taken", "variables")

    def __init__(self, state: GameState) -> None:
        self.variables: Mapping[str, Value] = state.variables
        self.clock = state.clock
        self.documents = state.documents
        self.accounts = state.accounts
        self.taken = state.taken
        self.history = state.history

    def apply(self, effects: Effects) -> None:
        """Apply ``effects`` in their documented order: set, add, advance, until, unlock."""
        if not effects:
            return
        if effects.set or effects.add:
            variables: dict[str, Value] = dict(self.variables)
            variables.update(effects.set)
            for name, amount in effects.add:
                variables[name] = int(variables[name]) + amount
            self.variables = variables
        self.clock += effects.advance
        if effects.until is not None:
            self.clock = max(self.clock, effects.until)
        if effects.unlock:
            documents = self.documents
            self.documents = (*documents, *(d for d in effects.unlock if d not in documents))

    def record(self, tag: Tag | None, scene_id: str) -> None:
        """Record the beat of ``tag`` as followed now (the latest account wins)."""
        if tag is not None:
            self.accounts = _recorded(self.accounts, tag, scene_id, self.clock)


def _enter(story: Story, state: GameState, scene_id: str, move: _Move) -> GameState:
    """Enter ``scene_id`` at the end of ``move``, with the scene's effects and tags."""
    scene = _scene(story, scene_id)
    visits = dict(state.visits)
    visits[scene_id] = visits.get(scene_id, 0) + 1
    move.apply(scene.effects)
    move.record(scene.tag, scene_id)
    state = replace(state, scene=scene_id, visits=visits, variables=move.variables,
                    clock=move.clock, documents=move.documents, accounts=move.accounts,
                    taken=move.taken, history=move.history)
    # A tagged passage counts when it is shown, every one judged on the state as
    # entered (the loader keeps a passage's condition from reading what the scene's
    # passages record, so view, which judges them after, shows the same passages).
    shown = [passage.tag for passage in scene.passages
             if passage.tag is not None and (passage.condition is None
                                             or passage.condition.holds(state))]
    accounts = state.accounts
    for tag in shown:
        accounts = _recorded(accounts, tag, scene_id, state.clock)
    return replace(state, accounts=accounts) if shown else state


def _recorded(accounts: tuple[AccountEntry, ...], tag: Tag, scene_id: str,
              clock: int) -> tuple[AccountEntry, ...]:
    """The record with ``tag``'s beat as lived last, now: a beat lived again moves to the
    end with its new account and time, so the record stays in the order of the night."""
    kept = tuple(entry for entry in accounts if entry.beat != tag.beat)
    return (*kept, AccountEntry(tag.beat, tag.account, scene_id, clock))


def _shown_paragraphs(story: Story, scene: Scene, state: GameState) -> tuple[str, ...]:
    shown: list[str] = []
    for passage in scene.passages:
        holds = passage.condition is None or passage.condition.holds(state)
        template = passage.text if holds else passage.otherwise
        if template is not None:
            shown += _paragraphs(template.render(state, clock=story.clock, roles=story.roles))
    return tuple(shown)


def paragraphs_of(text: str) -> Iterator[str]:
    """Split prose into paragraphs at blank lines and join each paragraph's lines,
    as Markdown does, so authors may wrap their YAML however they like."""
    for block in _BLANK_LINE.split(text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            yield " ".join(lines)


@lru_cache(maxsize=4096)
def _paragraphs(text: str) -> tuple[str, ...]:
    """``paragraphs_of``, remembered: most prose has no slots, so a scene's text is the
    same string each time the scene is shown, and a playtest shows scenes thousands
    of times."""
    return tuple(paragraphs_of(text))


def _offered(scene: Scene, state: GameState) -> Iterator[Choice]:
    for choice in scene.choices:
        if choice.roles and state.role not in choice.roles:
            continue
        if choice.once and choice.id in state.taken:
            continue
        yield choice


def _choice_view(story: Story, choice: Choice, state: GameState) -> ChoiceView | None:
    available = choice.condition is None or choice.condition.holds(state)
    if not available and choice.unavailable is Visibility.HIDDEN:
        return None
    text = choice.text.render(state, clock=story.clock, roles=story.roles)
    if available:
        return ChoiceView(choice.id, text, True)
    return ChoiceView(choice.id, text, False, choice.reason or "Not possible now.")


def _next_target(scene: Scene, state: GameState) -> str | None:
    for rule in scene.next:
        if rule.condition is None or rule.condition.holds(state):
            return rule.target
    return None


def _find_choice(scene: Scene, choice_id: str) -> Choice:
    for choice in scene.choices:
        if choice.id == choice_id:
            return choice
    raise RuleError(f"scene '{scene.id}' has no choice '{choice_id}'")


def _scene(story: Story, scene_id: str) -> Scene:
    try:
        return story.scenes[scene_id]
    except KeyError:
        raise RuleError(f"the story has no scene '{scene_id}'") from None
