"""A saved game as Palace holds it in memory: the game state, the undo history, and a
header saying which story it belongs to, when it was saved, and what a listing shows.

Rule: plain data. ``saveformat`` writes a ``SaveGame`` as text and reads it back,
``savefiles`` keeps it on disk, ``resume`` fits it to the story at hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from palace.model import Story
from palace.state import GameState


@dataclass(frozen=True, slots=True)
class StoryStamp:
    """Which story, and which version of it, a save was made with."""

    id: str
    title: str
    version: str
    fingerprint: str
    """The story's content hash; empty when unknown (a save from format 0)."""

    @classmethod
    def of(cls, story: Story) -> StoryStamp:
        return cls(story.id, story.title, story.version, story.fingerprint)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a list of saves shows, in the story's own words at the time of saving."""

    role: str
    scene: str
    clock: str


@dataclass(frozen=True, slots=True)
class SaveHeader:
    """Everything about a save but its states: enough to list it."""

    story: StoryStamp
    saved_at: datetime
    summary: Summary


@dataclass(frozen=True, slots=True)
class SaveGame:
    """One saved game: its header, the game state, and the undo history."""

    header: SaveHeader
    state: GameState
    undo: tuple[GameState, ...] = ()
    """The states before the last choices, oldest first."""


def make_save(story: Story, state: GameState, undo: Sequence[GameState], *,
              saved_at: datetime) -> SaveGame:
    """The save of ``state`` (with ``undo``, its history) in ``story``, saved at ``saved_at``."""
    summary = Summary(role=story.roles[state.role].name, scene=story.scenes[state.scene].title,
                      clock=story.clock.short(state.clock))
    return SaveGame(SaveHeader(StoryStamp.of(story), saved_at, summary), state, tuple(undo))
