"""The game state: everything that changes while a story is played, and nothing else.

The story is immutable and never saved; the state is plain data (strings, numbers,
booleans, tuples and mappings) so that saves can write it as JSON and read it back
unchanged. The engine makes new states with ``dataclasses.replace``; it never
mutates one, so the mappings below are never written to after construction.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


Value = bool | int | str

MAX_DIGITS = 15
"""The most digits a whole number written in a story may have: far more than any story
needs, and far from where turning text into a number stops being cheap."""


class Account(enum.StrEnum):
    """The two tellings of the night the game sets side by side."""

    MYTH = "myth"
    ARCHIVE = "archive"


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """One beat of the player's night and which account it followed."""

    beat: str
    account: Account
    scene: str
    clock: int


@dataclass(frozen=True, slots=True)
class GameState:
    """One moment of one playthrough."""

    role: str
    scene: str
    clock: int
    variables: Mapping[str, Value]
    visits: Mapping[str, int]
    documents: tuple[str, ...] = ()
    """Unlocked documents, in the order the player found them."""
    read: frozenset[str] = frozenset()
    """Documents the player has opened in the record."""
    accounts: tuple[AccountEntry, ...] = ()
    """The beats of the night, in the order lived; a beat appears once, latest account wins."""
    taken: frozenset[str] = frozenset()
    """Ids of every choice taken, so ``once`` choices are not offered twice."""
    history: tuple[str, ...] = ()
    """The choice ids taken from the start, in order."""

    def account_of(self, beat: str) -> Account | None:
        for entry in self.accounts:
            if entry.beat == beat:
                return entry.account
        return None

    def identity(self) -> tuple[object, ...]:
        """A hashable summary of what decides the future (the history is left out)."""
        return (
            self.role,
            self.scene,
            self.clock,
            tuple(sorted(self.variables.items())),
            tuple(sorted(self.visits.items())),
            self.documents,
            tuple((e.beat, e.account) for e in self.accounts),
            self.taken,
        )
