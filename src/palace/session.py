"""The game loop: title, role, scenes, answers and commands, over any console.

Rule: the session talks to the player only through a ``Console`` (plain text or
prompt-toolkit), to the rules only through the engine, and to saves only through
its ``Keeper``. It never exits the process: ``run`` returns the exit code and the
command line returns it. The one file it writes itself is the transcript the
player asks for, and a failure there is reported, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn, Protocol

from palace import engine, layout, maps
from palace.debrief import build_debrief, sources_of
from palace.engine import View
from palace.errors import SaveError, TranscriptError
from palace.glyphs import FANCY, PLAIN
from palace.keeper import Keeper, Opening
from palace.layout import Menu, MenuItem, Status, StyledLine
from palace.model import Story
from palace.savefiles import AUTOSAVE, SaveFolder, SlotEntry
from palace.savetable import saved_when, saves_table
from palace.state import Account, GameState
from palace.timeline import night_of, render_timeline
from palace.transcript import Recorder


EXIT_OK = 0
EXIT_INTERRUPTED = 130

LEAVE_QUESTION = "Leave the night here? (y/n) "


class Console(Protocol):
    """Where the session writes and from where it reads the player's answers."""

    @property
    def width(self) -> int: ...

    @property
    def plain(self) -> bool:
        """True for plain text: no symbols a screen reader would read oddly, and the
        session prints each menu itself; False when ``ask`` draws the menu."""
        ...

    @property
    def keys(self) -> Sequence[tuple[str, str]]:
        """The console's keys and what they do, for ``help``."""
        ...

    def write(self, lines: Sequence[StyledLine]) -> None: ...

    def ask(self, prompt: str, completions: Sequence[str], *, menu: Menu | None = None) -> str:
        """Read one answer; raise ``EOFError`` at end of input, ``KeyboardInterrupt`` on Ctrl-C.

        ``menu`` holds the numbered answers on offer: a console that is not plain
        draws them as a selectable list and answers with the number picked.
        """
        ...

    def show_status(self, status: Status) -> None:
        """What the status bar, if the console has one, shows from now on."""
        ...


class _Leave(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    summary: str
    run: Callable[[str], None]
    aliases: tuple[str, ...] = ()
    usage: str = ""
    arguments: Callable[[], Sequence[str]] | None = None
    """The words Tab completes after the command's name (slot names, map names)."""


class Session:
    """One player's sitting: from the title screen until they leave."""

    def __init__(self, story: Story, console: Console, *, role: str | None = None,
                 keeper: Keeper | None = None, opening: Opening | None = None,
                 notices: Sequence[str] = (), debug: bool = False,
                 reload: Callable[[], Story] | None = None,
                 transcript: Path | None = None) -> None:
        """``keeper`` keeps undo and saves (without one, saving is off); ``opening`` is a
        save to resume instead of asking for a role; ``notices`` are said after the title;
        ``debug`` adds the authors' commands (:goto, :set, :state, :reload), and ``reload``
        reads the story from disk again for :reload; ``transcript`` starts a transcript
        in that file."""
        self.story = story
        self.console = console
        self.requested_role = role
        self.keeper = keeper or Keeper(story, None)
        self.opening = opening
        self.notices = tuple(notices)
        self.state: GameState | None = None
        self.glyphs = PLAIN if console.plain else FANCY
        self.recorder = Recorder(story.title)
        self.first_transcript = transcript
        self.commands = self._command_table()
        if debug:
            from palace.debugging import debug_commands  # authors only; it imports this module

            self.commands += debug_commands(self, reload)

    # --- the loop -----------------------------------------------------------------

    def run(self) -> int:
        try:
            if self.first_transcript is not None:
                self.start_transcript(self.first_transcript)
            self.show_title()
            for notice in self.notices:
                self.say(notice)
            if not self.begin():
                self.say("Your save is left as it was. Goodbye.")
                return EXIT_OK
            self.show_scene()
            while True:
                self.turn()
        except _Leave as leave:
            return leave.code
        finally:
            self.recorder.close()

    def ask(self, prompt: str, completions: Sequence[str], menu: Menu | None = None) -> str:
        """The player's next answer; Ctrl-C asks whether to leave, end of input leaves."""
        while True:
            self.console.show_status(self.status())
            try:
                answer = self.console.ask(prompt, completions, menu=menu)
            except KeyboardInterrupt:
                self.record(f"{prompt}^C\n")
                self.confirm_leaving(EXIT_INTERRUPTED)
                continue
            except EOFError:
                self.record(f"{prompt}\n")
                self.leave(EXIT_OK, "End of input: leaving the night here.")
            self.record(f"{prompt}{answer}\n")
            return answer

    def confirm_leaving(self, code: int) -> None:
        """Return if the player stays; leave with ``code`` if they answer yes, and with
        the interrupted code on a second Ctrl-C."""
        try:
            answer = self.console.ask(LEAVE_QUESTION, ["yes", "no"])
        except KeyboardInterrupt:
            self.record(f"{LEAVE_QUESTION}^C\n")
            self.leave(EXIT_INTERRUPTED, "Leaving the night here.")
        except EOFError:
            self.record(f"{LEAVE_QUESTION}\n")
            self.leave(code, "Leaving the night here.")
        self.record(f"{LEAVE_QUESTION}{answer}\n")
        if answer.strip().lower() in ("y", "yes"):
            self.leave(code, "Leaving the night here.")
        self.say("You stay.")

    def leave(self, code: int, message: str) -> NoReturn:
        """Autosave, say ``message`` and whether the game is saved, and leave with ``code``."""
        self.autosave_on_leaving()
        saved = self.state is not None and self.keeper.is_autosaved(self.state)
        note = ("Your game is autosaved: play again with --continue to take it up where you "
                "left it." if saved else "The game was not saved.")
        self.say(f"{message} {note} Goodbye.")
        raise _Leave(code)

    def begin(self) -> bool:
        """Resume the opening save, or start a new night; False if the player declines."""
        if self.opening is not None:
            if not self.accept(self.opening):
                return False
            self.state = self.keeper.adopt(self.opening)
        else:
            self.state = engine.start(self.story, self.pick_role())
        self.autosave()
        return True

    def turn(self) -> None:
        view = self.current_view()
        offered = view.ending is None and not view.is_stuck
        menu = layout.menu_of(view.choices) if offered else None
        answer = self.ask("> ", self.completions(), menu).strip()
        if not answer:
            self.say(self.hint())
            return
        number = _number(answer)
        if number is not None:
            self.pick_choice(number)
            return
        word, _, argument = answer.partition(" ")
        command = self.find_command(word.lower())
        if command is None:
            self.say(f"'{word}' is not a command or a choice. {self.hint()}")
            return
        command.run(argument.strip())

    def pick_choice(self, number: int) -> None:
        view = self.current_view()
        if view.ending is not None:
            self.say("The night is over. Type 'restart' to play again, 'record' to read "
                     "what you found, or 'quit'.")
            return
        if not 1 <= number <= len(view.choices):
            self.say(f"There is no choice {number}. {self.hint()}")
            return
        choice = view.choices[number - 1]
        if not choice.available:
            self.say(f"You cannot do that now: {choice.reason}")
            return
        self.take(choice.id)

    def take(self, choice_id: str) -> None:
        assert self.state is not None
        previous = self.state
        self.state = engine.choose(self.story, self.state, choice_id)
        self.keeper.remember(previous)
        self.autosave()
        self.show_scene()

    def autosave(self) -> None:
        assert self.state is not None
        told = self.keeper.autosave(self.state)
        if told:
            self.say(told, style="class:error")

    def autosave_on_leaving(self) -> None:
        if self.state is not None:
            told = self.keeper.autosave_if_changed(self.state)
            if told:
                self.say(told, style="class:error")

    # --- what the player sees -----------------------------------------------------

    @property
    def width(self) -> int:
        return layout.reading_width(self.console.width)

    def say(self, text: str, style: str = "class:notice") -> None:
        self.write(layout.notice(text, self.width, style=style))

    def write(self, lines: Sequence[StyledLine]) -> None:
        """Show ``lines``, and copy them to the transcript if one is being written."""
        self.console.write(lines)
        self.record(layout.plain_text(lines) + "\n")

    def show_menu(self, menu: Menu, *, gap: bool = True) -> None:
        """A plain console prints the menu (after a blank line, with ``gap``); the others
        draw it when they ask."""
        lines = [*([[]] if gap else []), *layout.menu_lines(menu, self.width, glyphs=self.glyphs)]
        if self.console.plain:
            self.console.write(lines)
        self.record(layout.plain_text(lines) + "\n")

    def status(self) -> Status:
        """What the status bar shows: role, clock, place and unread documents."""
        if self.state is None:
            return Status(self.story.title)
        state, story = self.state, self.story
        return Status(
            story.title,
            role=story.roles[state.role].name,
            clock=story.clock.short(state.clock),
            location=story.locations[story.scenes[state.scene].location].name,
            unread=sum(1 for document in state.documents if document not in state.read),
        )

    def show_title(self) -> None:
        story, width = self.story, self.width
        lines: list[StyledLine] = [[]]
        lines += layout.wrap(story.title.upper(), width, style="class:title")
        if story.subtitle:
            lines += layout.wrap(story.subtitle, width, style="class:subtitle")
        if story.intro:
            lines.append([])
            lines += layout.paragraphs(engine.paragraphs_of(story.intro), width)
        lines.append([])
        how = "" if self.console.plain else "Choose with the arrow keys and Enter, or a number. "
        lines += layout.wrap(f"{how}Type 'help' at any prompt for the commands.", width,
                             style="class:meta")
        self.write(lines)

    def pick_role(self) -> str:
        roles = list(self.story.roles.values())
        if self.requested_role in self.story.roles:
            return str(self.requested_role)
        if len(roles) == 1:
            return roles[0].id
        self.write([[], *layout.wrap("Who are you tonight?", self.width,
                                     style="class:heading")])
        menu = tuple(MenuItem(role.name, detail=role.description) for role in roles)
        self.show_menu(menu, gap=False)
        while True:
            answer = self.ask("> ", [r.id for r in roles], menu).strip().lower()
            for number, role in enumerate(roles, start=1):
                if answer in (str(number), role.id, role.name.lower()):
                    return role.id
            if answer in ("quit", "q"):
                self.say("Goodbye.")
                raise _Leave(EXIT_OK)
            self.say(f"Answer with a number from 1 to {len(roles)}.")

    def current_view(self) -> View:
        assert self.state is not None
        return engine.view(self.story, self.state)

    def show_scene(self) -> None:
        assert self.state is not None
        view, width = self.current_view(), self.width
        location = self.story.locations[view.scene.location].name
        lines = layout.heading(view.scene.title,
                               [location, self.story.clock.describe(self.state.clock)], width,
                               glyphs=self.glyphs)
        lines += layout.paragraphs(view.paragraphs, width)
        if view.ending is not None:
            lines += self.ending_lines(view)
        elif view.is_stuck:
            lines += [[], *layout.notice("The story has no way on from here (a fault in the "
                                         "story). Type 'restart' or 'quit'.", width,
                                         style="class:error")]
        self.write(lines)
        if view.ending is None and not view.is_stuck:
            self.show_menu(layout.menu_of(view.choices))

    def ending_lines(self, view: View) -> list[StyledLine]:
        assert self.state is not None and view.ending is not None
        width = self.width
        lines: list[StyledLine] = [[]]
        lines += layout.wrap(f"THE END: {view.ending.title}", width, style="class:heading")
        lines += self.debrief_lines()
        lines.append([])
        lines += layout.notice("Type 'debrief' to see this again, 'record' to read the "
                               "documents you found, 'restart' to play again, or 'quit'.",
                               width)
        return lines

    def debrief_lines(self) -> list[StyledLine]:
        assert self.state is not None
        story, width = self.story, self.width
        debrief = build_debrief(story, self.state)
        lines: list[StyledLine] = [[], *layout.wrap("YOUR NIGHT, THE LEGEND AND THE RECORD",
                                                    width, style="class:heading")]
        for lived in debrief.lived:
            lines.append([])
            lines += layout.wrap(f"{lived.beat.title}{self.glyphs.separator}"
                                 f"{story.clock.short(lived.clock)}", width,
                                 style="class:subtitle")
            followed = "the legend" if lived.account is Account.MYTH else "the record"
            lines += layout.wrap(f"Your night followed {followed}.", width, style="class:meta")
            for account, label in ((Account.MYTH, "The legend"), (Account.ARCHIVE, "The record")):
                telling = lived.beat.myth if account is Account.MYTH else lived.beat.archive
                lines += layout.telling(label, telling.text, width,
                                        followed=account is lived.account, glyphs=self.glyphs)
                for document in sources_of(story, lived.beat, account):
                    lines += layout.wrap(f"{document.title}: {document.source}", width,
                                         style="class:meta", indent="      ")
        lines.append([])
        lines += layout.wrap(debrief.verdict(), width, style="class:heading")
        return lines

    def hint(self) -> str:
        view = self.current_view()
        if view.ending is not None or not view.choices:
            return "Type 'help' for the commands."
        return f"Answer with a number from 1 to {len(view.choices)}, or type 'help'."

    def completions(self) -> list[str]:
        """Command names, each command's arguments after its name, and choice numbers."""
        words = [c.name for c in self.commands]
        for command in self.commands:
            if command.arguments is not None:
                words += [f"{command.name} {word}" for word in command.arguments()]
        if self.state is not None:
            words += [str(n) for n in range(1, len(self.current_view().choices) + 1)]
        return words

    # --- commands -----------------------------------------------------------------

    def _command_table(self) -> list[Command]:
        return [
            Command("help", "list the commands", self.cmd_help, ("h", "?")),
            Command("look", "show the scene and its choices again", self.cmd_look, ("l",)),
            Command("record", "list the documents you have found; 'record N' reads one",
                    self.cmd_record, ("r",), "record [N]"),
            Command("debrief", "your night so far beside the legend and the record",
                    self.cmd_debrief),
            Command("map", "where you are, and where you have been; 'map NAME' shows another",
                    self.cmd_map, ("m",), "map [NAME]", self.map_names),
            Command("timeline", "the night's hours: what you witnessed, and when history "
                    "puts it", self.cmd_timeline, ("t",)),
            Command("transcript", "copy everything shown and typed to FILE; "
                    "'transcript off' stops", self.cmd_transcript, (), "transcript FILE",
                    lambda: ["off"]),
            Command("undo", "take back your last choice (again to go further back)",
                    self.cmd_undo, ("u",)),
            Command("save", "save your game; 'save NAME' saves it under a name",
                    self.cmd_save, (), "save [NAME]"),
            Command("load", "go back to a saved game; 'load NAME' loads that one",
                    self.cmd_load, (), "load [NAME]", self.slot_names),
            Command("saves", "list your saved games", self.cmd_saves),
            Command("restart", "begin the night again ('undo' brings you back)",
                    self.cmd_restart),
            Command("quit", "leave the game (asks first)", self.cmd_quit, ("q", "exit")),
        ]

    def find_command(self, word: str) -> Command | None:
        for command in self.commands:
            if word == command.name or word in command.aliases:
                return command
        return None

    def cmd_help(self, _argument: str) -> None:
        lines: list[StyledLine] = [[]]
        lines += layout.wrap("Answer with a choice's number, or type a command:", self.width,
                             style="class:heading")
        lines += layout.table(((c.usage or c.name, c.summary) for c in self.commands),
                              self.width)
        if self.console.keys:
            lines += [[], *layout.wrap("Keys:", self.width, style="class:heading")]
            lines += layout.table(self.console.keys, self.width)
        self.write(lines)

    def cmd_look(self, _argument: str) -> None:
        self.show_scene()

    def cmd_record(self, argument: str) -> None:
        assert self.state is not None
        found = self.state.documents
        if not found:
            self.say("Your record is empty: documents are added as you come upon them.")
            return
        if not argument:
            self.show_record_list()
            return
        document_id = self._document_named(argument)
        if document_id is None:
            self.say(f"No document '{argument}'. Type 'record' to list them, then "
                     f"'record N' with a number from 1 to {len(found)}.")
            return
        self.show_document(document_id)

    def _document_named(self, argument: str) -> str | None:
        found = self.state.documents if self.state else ()
        number = _number(argument)
        if number is not None and 1 <= number <= len(found):
            return found[number - 1]
        return argument if argument in found else None

    def show_record_list(self) -> None:
        assert self.state is not None
        lines: list[StyledLine] = [[], *layout.wrap("THE RECORD", self.width,
                                                    style="class:heading")]
        for number, document_id in enumerate(self.state.documents, start=1):
            document = self.story.documents[document_id]
            mark = "" if document_id in self.state.read else "  (new)"
            lines.append([("class:number", f"{number:>2}. "), ("class:choice", document.title),
                          ("class:meta", mark)])
        lines.append([])
        lines += layout.notice("Type 'record N' to read one.", self.width)
        self.write(lines)

    def show_document(self, document_id: str) -> None:
        assert self.state is not None
        document = self.story.documents[document_id]
        width = self.width
        lines: list[StyledLine] = [[], *layout.wrap(document.title.upper(), width,
                                                    style="class:heading")]
        details = [d for d in (document.kind, document.date) if d]
        if details:
            lines += layout.wrap(self.glyphs.separator.join(details), width, style="class:meta")
        lines.append([])
        lines += layout.paragraphs(engine.paragraphs_of(document.text), width)
        lines.append([])
        lines += layout.wrap(f"Source: {document.source}", width, style="class:meta")
        self.write(lines)
        self.state = engine.mark_read(self.state, document_id)

    def cmd_debrief(self, _argument: str) -> None:
        self.write(self.debrief_lines())

    def cmd_restart(self, _argument: str) -> None:
        self.requested_role = None
        role = self.pick_role()
        if self.state is not None:
            self.keeper.remember(self.state)
        self.state = engine.start(self.story, role)
        self.autosave()
        self.say("A new night begins. Type 'undo' to return to the one you left.")
        self.show_scene()

    # --- undo and saves -------------------------------------------------------------

    def cmd_undo(self, _argument: str) -> None:
        previous = self.keeper.step_back()
        if previous is None:
            self.say("There is nothing to undo: this is as far back as your game goes.")
            return
        self.state = previous
        self.autosave()
        self.say("You take back your last choice.")
        self.show_scene()

    def cmd_save(self, argument: str) -> None:
        assert self.state is not None
        slot = argument or self.keeper.slot
        try:
            notices = self.keeper.save(self.state, slot)
        except SaveError as error:
            self.say(f"Not saved: {error}. The game goes on; try 'save' with another name, "
                     "or 'saves folder DIR' to save in another folder.", style="class:error")
            return
        for notice in notices:
            self.say(notice)
        assert self.keeper.folder is not None
        self.say(f"Saved as '{slot}' ({self.keeper.folder.file_of(slot)}). Type "
                 f"'load {slot}' to come back to this moment.")

    def cmd_load(self, argument: str) -> None:
        slot = argument or self.keeper.slot
        try:
            opening = self.keeper.open(slot)
        except SaveError as error:
            self.say(f"Not loaded: {error}.", style="class:error")
            return
        if not self.accept(opening):
            self.say("Nothing was loaded: the game goes on where it was.")
            return
        self.state = self.keeper.adopt(opening)
        self.autosave()
        self.show_scene()

    def accept(self, opening: Opening) -> bool:
        """Tell the player what resuming ``opening`` means; ask first if anything is gone."""
        header, resumption = opening.loaded.save.header, opening.resumption
        name = "your autosave" if self.keeper.is_autosave(opening.slot) else f"'{opening.slot}'"
        self.write([[]])
        self.say(f"Resuming {name}, saved {saved_when(header.saved_at)}.")
        for notice in (*opening.loaded.notices, *filter(None, [resumption.notice])):
            self.say(notice)
        if not resumption.missing:
            return True
        lines: list[StyledLine] = []
        for item in resumption.missing:
            lines += layout.wrap(f"- {item}", self.width, style="class:error", indent="  ")
        self.write(lines)
        scene = self.story.scenes[resumption.state.scene]
        if resumption.moved_from is not None:
            self.say(f"The nearest safe place to resume is \u201c{scene.title}\u201d "
                     f"({scene.id}), with everything else you carry but what is gone.")
        else:
            self.say(f"You can resume where you were, \u201c{scene.title}\u201d, without what "
                     "is gone.")
        return self.confirm("Resume there? (yes or no) ")

    def confirm(self, prompt: str) -> bool:
        while True:
            answer = self.ask(prompt, ["yes", "no"]).strip().lower()
            if answer in ("yes", "y"):
                return True
            if answer in ("no", "n"):
                return False
            self.say("Answer yes or no.")

    def cmd_saves(self, argument: str) -> None:
        word, _, rest = argument.partition(" ")
        if word == "folder":
            self.change_folder(rest.strip())
            return
        if argument:
            self.say("Type 'saves' to list your saves, or 'saves folder DIR' to save in "
                     "another folder.")
            return
        folder = self.keeper.folder
        if folder is None:
            self.say("Saving is off in this game.")
            return
        entries = [self.in_game_name(entry) for entry in folder.entries()
                   if entry.header is None or entry.header.story.id == self.story.id]
        if not entries:
            self.say(f"No saves of {self.story.title} yet in {folder.path}. Type 'save NAME' "
                     "to make one.")
            return
        table = saves_table(entries, width=self.console.width - 1,
                            current_version=self.story.version)
        lines: list[StyledLine] = [[], layout.line(f"Your saves, in {folder.path}:",
                                                   "class:heading")]
        lines += [layout.line(text, "class:meta" if number == 0 else "")
                  for number, text in enumerate(table)]
        lines += [[], *layout.notice("Type 'load NAME' to go back to one.", self.width)]
        self.write(lines)

    def in_game_name(self, entry: SlotEntry) -> SlotEntry:
        """This story's autosave is listed as 'autosave', the name 'load' knows it by."""
        if entry.name == self.keeper.autosave_slot:
            return replace(entry, name=AUTOSAVE)
        return entry

    def change_folder(self, path: str) -> None:
        current = self.keeper.folder
        if not path:
            where = current.path if current else "nowhere: saving is off"
            self.say(f"Your saves go to {where}. Type 'saves folder DIR' to change it.")
            return
        self.keeper.folder = SaveFolder(Path(path).expanduser())
        self.say(f"Your saves now go to {self.keeper.folder.path}.")
        if self.state is not None:
            self.autosave()

    def cmd_quit(self, _argument: str) -> None:
        if self.current_view().ending is not None:
            self.leave(EXIT_OK, "The night is over.")
        self.confirm_leaving(EXIT_OK)

    def slot_names(self) -> list[str]:
        """This story's saves, by the names 'load' knows them by."""
        folder = self.keeper.folder
        if folder is None:
            return []
        return [self.in_game_name(entry).name for entry in folder.entries()
                if entry.header is not None and entry.header.story.id == self.story.id]

    def map_names(self) -> list[str]:
        return list(self.story.maps)

    def cmd_map(self, argument: str) -> None:
        assert self.state is not None
        width = max(layout.MIN_WIDTH, self.console.width - 1)
        self.write(maps.map_screen(self.story, self.state, argument, width=width,
                                   glyphs=self.glyphs))

    def cmd_timeline(self, _argument: str) -> None:
        assert self.state is not None
        night = night_of(self.story, self.state)
        self.write(render_timeline(night, self.width, glyphs=self.glyphs))

    # --- the transcript -----------------------------------------------------------

    def cmd_transcript(self, argument: str) -> None:
        if argument.lower() == "off":
            self.say(self.recorder.stop())
        elif argument:
            self.start_transcript(Path(argument))
        else:
            self.say(self.recorder.describe())

    def start_transcript(self, path: Path) -> None:
        try:
            self.say(self.recorder.start(path))
        except TranscriptError as error:
            self.say(str(error), style="class:error")

    def record(self, text: str) -> None:
        """Copy ``text`` to the transcript, if one is being written."""
        try:
            self.recorder.write(text)
        except TranscriptError as error:
            self.say(str(error), style="class:error")


def _number(answer: str) -> int | None:
    """A number the player typed: ASCII digits only (``²`` is a digit to Python, and
    ``int`` refuses it), and few enough to be a choice's."""
    return int(answer) if answer.isascii() and answer.isdigit() and len(answer) <= 6 else None
