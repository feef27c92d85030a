"""Keeping the player's game safe for the session: the undo history, the autosave after
every choice, and saving to and loading from named slots.

Rule: no terminal. The keeper returns what the player should be told and raises
``SaveError``; the session decides how to say it. A failing disk never stops the
game: an autosave failure is reported once, until saving works again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, count
from typing import TYPE_CHECKING

from palace.errors import SaveError
from palace.model import Story
from palace.savefiles import LoadedSave, SaveFolder
from palace.savegame import SaveGame, make_save
from palace.slotnames import AUTOSAVE, autosave_slot, check_slot_name
from palace.state import GameState
from palace.undo import push


if TYPE_CHECKING:  # resuming is imported when a save is opened, not at every start
    from palace.resume import Resumption


DEFAULT_SLOT = "quicksave"
"""Where ``save`` without a name goes, until the player saves or loads a named slot."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Opening:
    """A save read from a slot and made ready for the story at hand."""

    slot: str
    loaded: LoadedSave
    resumption: Resumption


class Keeper:
    """The undo history and the saves of one sitting; ``folder`` None turns saving off."""

    def __init__(self, story: Story, folder: SaveFolder | None, *,
                 now: Callable[[], datetime] = _utc_now) -> None:
        self.story = story
        self.folder = folder
        self.now = now
        self.undo: tuple[GameState, ...] = ()
        self.slot = DEFAULT_SLOT
        self.autosave_slot = autosave_slot(story.id)
        self._autosaved: GameState | None = None
        self._autosave_failing = False

    # --- undo ---------------------------------------------------------------------

    def remember(self, previous: GameState) -> None:
        """Keep ``previous`` as the state ``undo`` returns to."""
        self.undo = push(self.undo, previous)

    def step_back(self) -> GameState | None:
        """The state before the last choice, or None at the start of the history."""
        if not self.undo:
            return None
        *rest, previous = self.undo
        self.undo = tuple(rest)
        return previous

    # --- saving -------------------------------------------------------------------

    def autosave(self, state: GameState) -> str | None:
        """Save ``state`` to the autosave slot; return what to tell the player, if anything.

        A failure is reported the first time only; the game goes on either way.
        """
        if self.folder is None:
            return None
        try:
            notices = self.folder.write(self.autosave_slot, self._save_of(state))
        except SaveError as error:
            if self._autosave_failing:
                return None
            self._autosave_failing = True
            return (f"Autosave failed: {error}. The game goes on. Type 'save NAME' to try "
                    "another name, or 'saves folder DIR' to save in another folder.")
        self._autosaved = state
        recovered, self._autosave_failing = self._autosave_failing, False
        told = [*notices, *(["Autosave works again."] if recovered else [])]
        return " ".join(told) or None

    def is_autosaved(self, state: GameState) -> bool:
        """True when the autosave holds ``state``, so leaving now loses nothing."""
        return self.folder is not None and state == self._autosaved

    def autosave_if_changed(self, state: GameState) -> str | None:
        """Autosave unless the autosave already holds ``state`` (used when leaving)."""
        if state == self._autosaved:
            return None
        return self.autosave(state)

    def save(self, state: GameState, slot: str) -> tuple[str, ...]:
        """Save to a named slot, which becomes the default for ``save`` and ``load``.

        Raises:
            SaveError: saving is off, the name is not allowed, or the write failed.
        """
        folder = self._folder()
        check_slot_name(slot)
        if slot in (AUTOSAVE, self.autosave_slot):
            raise SaveError(f"'{slot}' is where the game saves itself after every choice; "
                            "give your save another name", code="save-name")
        notices = folder.write(slot, self._save_of(state))
        self.slot = slot
        return notices

    def _save_of(self, state: GameState) -> SaveGame:
        return make_save(self.story, state, self.undo, saved_at=self.now())

    def _folder(self) -> SaveFolder:
        if self.folder is None:
            raise SaveError("saving is off in this game", code="save-off")
        return self.folder

    # --- loading ------------------------------------------------------------------

    def is_autosave(self, slot: str) -> bool:
        return slot in (AUTOSAVE, self.autosave_slot)

    def open(self, slot: str) -> Opening:
        """Read a slot (``autosave`` means this story's autosave) and carry it over to the
        story; nothing changes until ``adopt``.

        Raises:
            SaveError: no such slot, an unreadable save, or a save of another story.
        """
        slot = self.autosave_slot if slot == AUTOSAVE else slot
        loaded = self._folder().read(slot)
        from palace.resume import resume

        return Opening(slot, loaded, resume(self.story, loaded.save, source=str(loaded.path)))

    def unfinished_night(self) -> Opening | None:
        """This story's autosave, opened, when it holds a night that is not over.

        Raises:
            SaveError: the autosave is there but cannot be read, nor its backup.
        """
        if self.folder is None or self.autosave_slot not in self.folder.slot_names():
            return None
        opening = self.open(AUTOSAVE)
        scene = self.story.scenes.get(opening.resumption.state.scene)
        return None if scene is not None and scene.ending is not None else opening

    def keep_aside(self, opening: Opening) -> str:
        """Copy an unfinished night's save to a slot of its own, named for when it was
        saved, before a new night autosaves over it; return the slot's name.

        Raises:
            SaveError: the copy could not be written.
        """
        folder = self._folder()
        when = opening.loaded.save.header.saved_at.astimezone()
        taken = set(folder.slot_names())
        stem = f"night-{when:%Y-%m-%d-%H%M}"
        names = chain([stem], (f"{stem}-{number}" for number in count(2)))
        slot = next(name for name in names if name not in taken)
        folder.write(slot, opening.loaded.save)
        return slot

    def adopt(self, opening: Opening) -> GameState:
        """Make an opened save the game being played; return its state."""
        self.undo = opening.resumption.undo
        if not self.is_autosave(opening.slot):
            self.slot = opening.slot
        return opening.resumption.state
