"""Helpers for the save tests: reachable game states, and comparing states with types."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from palace import engine
from palace.model import Story
from palace.state import GameState
from palace.undo import push


SAVED_AT = datetime(2026, 11, 23, 9, 30, 15, 250000, tzinfo=UTC)


def typed(value: object) -> object:
    """A form of ``value`` that compares equal only if the types match too (``True`` is
    not ``1``) and that ignores the iteration order of sets."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, typed(getattr(value, f.name)))
                                            for f in dataclasses.fields(value)))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((key, typed(item)) for key, item in value.items())))
    if isinstance(value, frozenset | set):
        return ("set", tuple(sorted(value)))
    if isinstance(value, tuple | list):
        return ("seq", tuple(typed(item) for item in value))
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.value)
    return (type(value).__name__, value)


def walk(story: Story, role: str, moves: Iterable[int]) -> tuple[GameState,
                                                                  tuple[GameState, ...]]:
    """Play ``moves`` from the start of ``role``'s night, as a session would, and return the
    state and the undo history. A move picks an available choice by index; a move of
    100 or more reads a found document; at an ending the night restarts in the next role."""
    roles = list(story.roles)
    state, undo = engine.start(story, role), ()
    for move in moves:
        if move >= 100 and state.documents:
            state = engine.mark_read(state, state.documents[move % len(state.documents)])
            continue
        available = engine.available_choices(story, state)
        if available:
            undo, state = push(undo, state), engine.choose(story, state,
                                                           available[move % len(available)])
        else:
            next_role = roles[(roles.index(state.role) + 1) % len(roles)]
            undo, state = push(undo, state), engine.start(story, next_role)
    return state, undo
