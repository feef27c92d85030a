"""The player's commands for undo and saves: ``undo``, ``save``, ``load`` and ``saves``,
and the question asked before a changed save is resumed.

Rule: everything goes through the session's ``Keeper`` (the saves) and the
session's own ``say``/``write``/``ask``, so transcripts and Ctrl-C cover it too.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from palace import layout
from palace.console import Command
from palace.errors import SaveError
from palace.keeper import Opening
from palace.layout import StyledLine
from palace.savefiles import SaveFolder, SlotEntry
from palace.savetable import saved_when, saves_table
from palace.slotnames import AUTOSAVE


if TYPE_CHECKING:
    from palace.session import Session


class SaveCommands:
    """Undo and saves for one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.keeper = session.keeper

    def commands(self) -> list[Command]:
        return [
            Command("undo", "take back your last choice (again to go further back)",
                    self.undo, ("u",)),
            Command("save", "save your game; 'save NAME' saves it under a name",
                    self.save, (), "save [NAME]"),
            Command("load", "go back to a saved game; 'load NAME' loads that one",
                    self.load, (), "load [NAME]", self.slot_names),
            Command("saves", "list your saved games; 'saves folder DIR' keeps them in DIR",
                    self.list_saves, (), "saves [folder DIR]", lambda: ["folder"]),
        ]

    def undo(self, _argument: str) -> None:
        previous = self.keeper.step_back()
        if previous is None:
            self.session.say("There is nothing to undo: this is as far back as your game goes.")
            return
        self.session.state = previous
        self.session.autosave()
        self.session.say("You take back your last choice.")
        self.session.show_scene()

    def save(self, argument: str) -> None:
        session = self.session
        assert session.state is not None
        slot = argument or self.keeper.slot
        try:
            notices = self.keeper.save(session.state, slot)
        except SaveError as error:
            session.say(f"Not saved: {error}. The game goes on; try 'save' with another name, "
                        "or 'saves folder DIR' to save in another folder.", style="class:error")
            return
        for notice in notices:
            session.say(notice)
        assert self.keeper.folder is not None
        session.say(f"Saved as '{slot}' ({self.keeper.folder.file_of(slot)}). Type "
                    f"'load {slot}' to come back to this moment.")

    def load(self, argument: str) -> None:
        opening = self.open(argument)
        if opening is not None:
            self.resume(opening)

    def open(self, slot: str) -> Opening | None:
        """The save in ``slot`` (the last one saved or loaded if empty), or None, having
        told the player why not."""
        try:
            return self.keeper.open(slot or self.keeper.slot)
        except SaveError as error:
            self.session.say(f"Not loaded: {error}.", style="class:error")
            return None

    def resume(self, opening: Opening) -> None:
        """Play on from ``opening``, if the player accepts what resuming it means."""
        if not self.accept(opening):
            self.session.say("Nothing was loaded: the game goes on where it was.")
            return
        self.session.state = self.keeper.adopt(opening)
        self.session.autosave()
        self.session.show_scene()

    def describe(self, opening: Opening) -> str:
        """A saved night in a line: who, where, when in the night, and when saved."""
        story, state = self.session.story, opening.resumption.state
        scene = story.scenes[state.scene]
        return (f"{story.roles[state.role].name}, \u201c{scene.title}\u201d, "
                f"{story.clock.short(state.clock)}; saved "
                f"{saved_when(opening.loaded.save.header.saved_at)}")

    def keep_aside(self, unfinished: Opening) -> bool:
        """Keep an unfinished night in a save of its own before a new night is autosaved
        over it; False if that failed and the player would rather leave than lose it."""
        try:
            slot = self.keeper.keep_aside(unfinished)
        except SaveError as error:
            self.session.say(f"Your last night could not be kept: {error}.",
                             style="class:error")
            return self.confirm("Begin a new night over it, and lose it? (yes or no) ")
        self.session.say(f"Your last night is kept as the save '{slot}': type "
                         f"'load {slot}' to go back to it.")
        return True

    def accept(self, opening: Opening) -> bool:
        """Tell the player what resuming ``opening`` means; ask first if anything is gone."""
        session = self.session
        header, resumption = opening.loaded.save.header, opening.resumption
        name = "your autosave" if self.keeper.is_autosave(opening.slot) else f"'{opening.slot}'"
        session.write([[]])
        session.say(f"Resuming {name}, saved {saved_when(header.saved_at)}.")
        for notice in (*opening.loaded.notices, *filter(None, [resumption.notice])):
            session.say(notice)
        if not resumption.missing:
            return True
        lines: list[StyledLine] = []
        for item in resumption.missing:
            lines += layout.wrap(f"- {item}", session.width, style="class:error", indent="  ")
        session.write(lines)
        scene = session.story.scenes[resumption.state.scene]
        if resumption.moved_from is not None:
            session.say(f"The nearest safe place to resume is \u201c{scene.title}\u201d "
                        f"({scene.id}), with everything else you carry but what is gone.")
        else:
            session.say(f"You can resume where you were, \u201c{scene.title}\u201d, without "
                        "what is gone.")
        return self.confirm("Resume there? (yes or no) ")

    def confirm(self, prompt: str) -> bool:
        while True:
            answer = self.session.ask(prompt, ["yes", "no"]).strip().lower()
            if answer in ("yes", "y"):
                return True
            if answer in ("no", "n"):
                return False
            self.session.say("Answer yes or no.")

    def list_saves(self, argument: str) -> None:
        session = self.session
        word, _, rest = argument.partition(" ")
        if word == "folder":
            self.change_folder(rest.strip())
            return
        if argument:
            session.say("Type 'saves' to list your saves, or 'saves folder DIR' to save in "
                        "another folder.")
            return
        folder = self.keeper.folder
        if folder is None:
            session.say("Saving is off in this game.")
            return
        entries = [self.in_game_name(entry) for entry in folder.entries()
                   if entry.header is None or entry.header.story.id == session.story.id]
        if not entries:
            session.say(f"No saves of {session.story.title} yet in {folder.path}. Type "
                        "'save NAME' to make one.")
            return
        table = saves_table(entries, width=session.console.width - 1,
                            current_version=session.story.version)
        lines: list[StyledLine] = [[], layout.line(f"Your saves, in {folder.path}:",
                                                   "class:heading")]
        lines += [layout.line(text, "class:meta" if number == 0 else "")
                  for number, text in enumerate(table)]
        lines += [[], *layout.notice("Type 'load NAME' to go back to one.", session.width)]
        session.write(lines)

    def in_game_name(self, entry: SlotEntry) -> SlotEntry:
        """This story's autosave is listed as 'autosave', the name 'load' knows it by."""
        if entry.name == self.keeper.autosave_slot:
            return replace(entry, name=AUTOSAVE)
        return entry

    def change_folder(self, path: str) -> None:
        session, current = self.session, self.keeper.folder
        if not path:
            where = current.path if current else "nowhere: saving is off"
            session.say(f"Your saves go to {where}. Type 'saves folder DIR' to change it.")
            return
        self.keeper.folder = SaveFolder(Path(path).expanduser())
        session.say(f"Your saves now go to {self.keeper.folder.path}.")
        if session.state is not None:
            session.autosave()

    def slot_names(self) -> list[str]:
        """This story's saves, by the names 'load' knows them by."""
        folder = self.keeper.folder
        if folder is None:
            return []
        return [self.in_game_name(entry).name for entry in folder.entries()
                if entry.header is not None and entry.header.story.id == self.session.story.id]
