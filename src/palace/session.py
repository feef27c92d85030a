"""The game loop: title, role, scenes, answers and commands, over any console.

Rule: the session talks to the player only through a ``Console`` (plain text or
prompt-toolkit), to the rules only through the engine, and to saves only through
its ``Keeper``. It never exits the process: ``run`` returns the exit code and the
command line returns it. The one file it writes itself is the transcript the
player asks for, and a failure there is reported, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from palace import engine, layout, screens
from palace.console import Command, Console, typed_number
from palace.engine import View
from palace.errors import SaveError, TranscriptError
from palace.glyphs import FANCY, PLAIN
from palace.keeper import Keeper, Opening
from palace.layout import Menu, MenuItem, Status, StyledLine
from palace.model import Story
from palace.readingcommands import ReadingCommands
from palace.savecommands import SaveCommands
from palace.state import GameState
from palace.transcript import Recorder


EXIT_OK = 0
EXIT_INTERRUPTED = 130

LEAVE_QUESTION = "Leave the night here? (y/n) "


class _Leave(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


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
        self.saving = SaveCommands(self)
        self.reading = ReadingCommands(self)
        self.commands = self._command_table()
        if debug:
            from palace.debugging import debug_commands  # authors only: kept off the start-up

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
        if self.state is None:  # before the night began: there is nothing to save
            note = ""
        elif self.keeper.is_autosaved(self.state):
            note = ("Your game is autosaved: play again with --continue to take it up where "
                    "you left it. ")
        else:
            note = "The game was not saved. "
        self.say(f"{message} {note}Goodbye.")
        raise _Leave(code)

    def begin(self) -> bool:
        """Resume the opening save, or start a new night; False if the player declines.

        An unfinished night in the autosave is offered beside the roles; if a new night
        begins instead, the unfinished one is kept in a save of its own first.
        """
        opening = self.opening
        if opening is None:
            unfinished = self.unfinished_night()
            picked = self.pick_role(unfinished)
            if isinstance(picked, str):
                if unfinished is not None and not self.saving.keep_aside(unfinished):
                    return False
                self.state = engine.start(self.story, picked)
            else:
                opening = picked
        if opening is not None:
            if not self.saving.accept(opening):
                return False
            self.state = self.keeper.adopt(opening)
        self.autosave()
        return True

    def unfinished_night(self) -> Opening | None:
        try:
            return self.keeper.unfinished_night()
        except SaveError as error:
            self.say(f"Your last night's autosave cannot be read: {error}.",
                     style="class:error")
            return None

    def turn(self) -> None:
        view = self.current_view()
        offered = view.ending is None and not view.is_stuck
        menu = layout.menu_of(view.choices) if offered else None
        answer = self.ask("> ", self.completions(), menu).strip()
        if not answer:
            self.say(self.hint())
            return
        number = typed_number(answer)
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
        self.write(screens.title(self.story, self.width, plain=self.console.plain))

    def pick_role(self, unfinished: Opening | None = None) -> str | Opening:
        """Who the player is tonight: a role's id, or a save to resume instead (the
        ``unfinished`` night, offered first, or one named with 'load')."""
        roles = list(self.story.roles.values())
        if self.requested_role in self.story.roles:
            return str(self.requested_role)
        if len(roles) == 1 and unfinished is None:
            return roles[0].id
        self.write([[], *layout.wrap("Who are you tonight?", self.width,
                                     style="class:heading")])
        resuming = () if unfinished is None else (
            MenuItem("Continue your last night", detail=self.saving.describe(unfinished)),)
        menu = (*resuming, *(MenuItem(role.name, detail=role.description) for role in roles))
        self.show_menu(menu, gap=False)
        words = [*(["continue"] if resuming else []), *(r.id for r in roles),
                 *_BEFORE_THE_NIGHT]
        while True:
            answer = self.ask("> ", words, menu).strip()
            number, lowered = typed_number(answer), answer.lower()
            if unfinished is not None and (number == 1 or lowered == "continue"):
                return unfinished
            for number_shown, role in enumerate(roles, start=1 + len(resuming)):
                if number == number_shown or lowered in (role.id, role.name.lower()):
                    return role.id
            opening = self.before_the_night(answer, len(menu))
            if opening is not None:
                return opening

    def before_the_night(self, answer: str, choices: int) -> Opening | None:
        """The commands that work at the role question; a save to resume, if one was
        loaded."""
        word, _, argument = answer.partition(" ")
        word = word.lower()
        if word in ("quit", "q", "exit"):
            self.say("Goodbye.")
            raise _Leave(EXIT_OK)
        if word in ("help", "h", "?"):
            self.say(f"Answer with a number from 1 to {choices} to choose who you are. "
                     "'load NAME' resumes a saved game, 'saves' lists them, and 'quit' "
                     "leaves. The other commands work once the night has begun.")
        elif word == "saves":
            self.saving.list_saves(argument.strip())
        elif word == "load":
            return self.saving.open(argument.strip())
        else:
            self.say(f"Answer with a number from 1 to {choices}, or type 'help'.")
        return None

    def current_view(self) -> View:
        assert self.state is not None
        return engine.view(self.story, self.state)

    def show_scene(self) -> None:
        assert self.state is not None
        view = self.current_view()
        self.write(screens.scene(self.story, self.state, view, self.width, glyphs=self.glyphs))
        if view.ending is None and not view.is_stuck:
            self.show_menu(layout.menu_of(view.choices))

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
            *self.reading.commands(),
            Command("transcript", "copy everything shown and typed to FILE; "
                    "'transcript off' stops", self.cmd_transcript, (), "transcript FILE",
                    lambda: ["off"]),
            *self.saving.commands(),
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
        self.write(screens.help_screen(((c.usage or c.name, c.summary) for c in self.commands),
                                       self.console.keys, self.width))

    def cmd_look(self, _argument: str) -> None:
        self.show_scene()

    def cmd_restart(self, _argument: str) -> None:
        self.requested_role = None
        picked = self.pick_role()
        if not isinstance(picked, str):  # 'load NAME' at the question
            self.saving.resume(picked)
            return
        role = picked
        if self.state is not None:
            self.keeper.remember(self.state)
        self.state = engine.start(self.story, role)
        self.autosave()
        self.say("A new night begins. Type 'undo' to return to the one you left.")
        self.show_scene()

    def cmd_quit(self, _argument: str) -> None:
        if self.current_view().ending is not None:
            self.leave(EXIT_OK, "The night is over.")
        self.confirm_leaving(EXIT_OK)

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


_BEFORE_THE_NIGHT = ("help", "load", "saves", "quit")
"""The commands Tab completes at the role question."""
