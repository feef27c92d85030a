"""Authors' commands while playing (``palace play --debug``): ``:goto``, ``:set``,
``:state`` and ``:reload``.

They change the game state in ways the rules never would: jump to a scene, give
a variable a value, or carry the state over to the story as it now is on disk,
reporting what no longer fits. The state-changing helpers are pure and raise
``DebugError`` with a message for the author; ``debug_commands`` wraps them as
session commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from palace import engine
from palace.console import Command
from palace.errors import PalaceError, RuleError, StoryError, suggest
from palace.expr.tree import Type, literal
from palace.model import Story
from palace.resume import carry_state
from palace.state import GameState, Value


if TYPE_CHECKING:
    from palace.session import Session

Reload = Callable[[], Story]


class DebugError(PalaceError):
    """A debug command the author mistyped; the message says what to type instead."""


def goto(story: Story, state: GameState, scene_id: str) -> GameState:
    if scene_id not in story.scenes:
        raise DebugError(f"no scene '{scene_id}'{suggest(scene_id, story.scenes)}")
    try:
        return engine.goto(story, state, scene_id)
    except RuleError as error:
        raise DebugError(str(error)) from None


def set_variable(story: Story, state: GameState, name: str, text: str) -> GameState:
    """Give the variable ``name`` the value written as ``text``."""
    if name not in story.variables:
        known = ", ".join(story.variables) or "none are declared"
        raise DebugError(f"no variable '{name}'{suggest(name, story.variables)}; "
                         f"variables: {known}")
    value = parse_value(story.variables[name].type, text, name)
    return replace(state, variables={**state.variables, name: value})


def parse_value(kind: Type, text: str, name: str) -> Value:
    text = text.strip()
    if kind is Type.BOOL:
        if text not in ("true", "false"):
            raise DebugError(f"'{name}' is a flag: give true or false, not '{text}'")
        return text == "true"
    if kind is Type.NUMBER:
        try:
            return int(text)
        except ValueError:
            raise DebugError(f"'{name}' is a number: give a whole number, not '{text}'") from None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def describe_state(story: Story, state: GameState) -> list[str]:
    """The whole game state, a line per part, for ``:state``."""
    def listed(items: list[str]) -> str:
        return ", ".join(items) if items else "none"

    return [
        f"role: {state.role}   scene: {state.scene}   clock: {story.clock.describe(state.clock)}",
        "variables: " + listed([f"{n} = {literal(v)}" for n, v in state.variables.items()]),
        "visits: " + listed([f"{s} {n}" for s, n in state.visits.items()]),
        "documents: " + listed([d + (" (read)" if d in state.read else "")
                                for d in state.documents]),
        "beats: " + listed([f"{e.beat} ({e.account})" for e in state.accounts]),
        "choices taken: " + listed(sorted(state.taken)),
    ]


def fit_state(story: Story, state: GameState) -> tuple[GameState, list[str]]:
    """Carry ``state`` over to a reloaded ``story``, as a save of an older version of
    the story would be carried (by its migration rules where they apply); say what
    no longer fits and what was done about it."""
    carried = carry_state(story, state)
    if carried.state is None:
        raise DebugError(f"the role '{state.role}' is no longer in the story; the story was "
                         "not reloaded (restart to play another role)")
    notes = [*carried.missing, *carried.applied]
    if carried.moved and not carried.applied:
        notes.append(f"you are at '{carried.state.scene}' now (:goto takes you elsewhere)")
    notes += [f"variable `{name}` is new: it starts at {literal(variable.initial)}"
              for name, variable in story.variables.items() if name not in state.variables]
    return carried.state, notes


# --- the session's commands -----------------------------------------------------------


def debug_commands(session: Session, reload: Reload | None) -> list[Command]:
    """The debug commands, bound to ``session``; ``reload`` reads the story from disk."""
    def run(action: Callable[[str], None]) -> Callable[[str], None]:
        def guarded(argument: str) -> None:
            try:
                action(argument)
            except DebugError as error:
                session.say(str(error))
        return guarded

    def goto_command(argument: str) -> None:
        if not argument:
            raise DebugError("usage: :goto SCENE; scenes: " + ", ".join(session.story.scenes))
        session.state = goto(session.story, _state(session), argument)
        session.show_scene()

    def set_command(argument: str) -> None:
        name, _, text = argument.partition(" ")
        if not name or not text.strip():
            raise DebugError("usage: :set VARIABLE VALUE, for example :set courage 3")
        session.state = set_variable(session.story, _state(session), name, text)
        session.say(f"{name} is now {literal(session.state.variables[name])}.")

    def state_command(_argument: str) -> None:
        for line in describe_state(session.story, _state(session)):
            session.say(line, style="class:meta")

    def reload_command(_argument: str) -> None:
        if reload is None:
            raise DebugError("this story was not read from a folder, so it cannot be reloaded")
        _reload(session, reload)

    return [
        Command(":goto", "jump to a scene (authors)", run(goto_command), usage=":goto SCENE"),
        Command(":set", "give a variable a value (authors)", run(set_command),
                usage=":set VAR VAL"),
        Command(":state", "show the whole game state (authors)", run(state_command)),
        Command(":reload", "read the story from disk again, keeping your place (authors)",
                run(reload_command)),
    ]


def _reload(session: Session, reload: Reload) -> None:
    try:
        story = reload()
    except StoryError as error:
        session.say("The story on disk does not load; playing on with the one loaded before:")
        for diagnostic in error.diagnostics:
            session.say(str(diagnostic), style="class:error")
        if error.note:
            session.say(error.note)
        return
    state, notes = fit_state(story, _state(session))
    session.story, session.state = story, state
    session.say(f"Reloaded {story.title}: {len(story.scenes)} scenes.")
    for note in notes:
        session.say(note)
    session.show_scene()


def _state(session: Session) -> GameState:
    assert session.state is not None
    return session.state
