"""The debrief: the player's night laid beside the myth and the record, beat by beat.

Rule: pure. Built from the story's beats and the accounts the engine recorded in
the game state; the session lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from palace.model import Beat, Document, Story
from palace.state import Account, GameState


@dataclass(frozen=True, slots=True)
class LivedBeat:
    """A beat of the night as the player lived it."""

    beat: Beat
    account: Account
    clock: int
    scene: str


@dataclass(frozen=True, slots=True)
class Debrief:
    """The end-of-night summary: the beats lived, with their accounts, and those missed."""

    lived: tuple[LivedBeat, ...]
    missed: tuple[Beat, ...]
    """Beats of the story the player's night never touched."""

    @property
    def myth(self) -> int:
        return sum(1 for b in self.lived if b.account is Account.MYTH)

    @property
    def archive(self) -> int:
        return sum(1 for b in self.lived if b.account is Account.ARCHIVE)

    def verdict(self) -> str:
        """One sentence comparing the player's night with the legend."""
        total = len(self.lived)
        if total == 0:
            return "Your night touched none of the moments the legend and the record dispute."
        if self.myth == total:
            return ("You lived the night as the legend tells it: every beat as the pageant "
                    "and the film would stage it, and none as the witnesses remember it.")
        if self.archive == total:
            return ("You lived the night as the record tells it: every beat as the witnesses "
                    "and the historians describe it, and none as the legend would have it.")
        if self.myth > self.archive:
            return (f"Your night leaned toward the legend: {self.myth} of {total} beats as "
                    f"the pageant and the film tell them, {self.archive} as the record does.")
        if self.archive > self.myth:
            return (f"Your night leaned toward the record: {self.archive} of {total} beats as "
                    f"the witnesses tell them, {self.myth} as the legend does.")
        return (f"Your night was split down the middle: {self.myth} beats as the legend "
                f"tells them and {self.archive} as the record does.")


def build_debrief(story: Story, state: GameState) -> Debrief:
    lived = tuple(
        LivedBeat(story.beats[entry.beat], entry.account, entry.clock, entry.scene)
        for entry in state.accounts if entry.beat in story.beats
    )
    touched = {entry.beat for entry in state.accounts}
    missed = tuple(beat for beat in story.beats.values() if beat.id not in touched)
    return Debrief(lived, missed)


def sources_of(story: Story, beat: Beat, account: Account) -> tuple[Document, ...]:
    telling = beat.myth if account is Account.MYTH else beat.archive
    return tuple(story.documents[d] for d in telling.sources if d in story.documents)
