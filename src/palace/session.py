"""The game loop: title, role, scenes, answers and commands, over any console.

Rule: the session talks to the player only through a ``Console`` (plain text or
prompt-toolkit) and to the rules only through the engine. It never exits the
process: ``run`` returns the exit code and the command line returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from palace import engine, layout
from palace.debrief import build_debrief, sources_of
from palace.engine import View
from palace.layout import StyledLine
from palace.model import Story
from palace.state import Account, GameState


EXIT_OK = 0
EXIT_INTERRUPTED = 130


class Console(Protocol):
    """Where the session writes and from where it reads the player's answers."""

    @property
    def width(self) -> int: ...

    def write(self, lines: Sequence[StyledLine]) -> None: ...

    def ask(self, prompt: str, completions: Sequence[str]) -> str:
        """Read one answer; raise ``EOFError`` at end of input, ``KeyboardInterrupt`` on Ctrl-C."""
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


class Session:
    """One player's sitting: from the title screen until they leave."""

    def __init__(self, story: Story, console: Console, *, role: str | None = None,
                 debug: bool = False, reload: Callable[[], Story] | None = None) -> None:
        """``debug`` adds the authors' commands (:goto, :set, :state, :reload);
        ``reload`` reads the story from disk again for :reload."""
        self.story = story
        self.console = console
        self.requested_role = role
        self.state: GameState | None = None
        self.commands = self._command_table()
        if debug:
            from palace.debugging import debug_commands  # authors only; it imports this module

            self.commands += debug_commands(self, reload)

    # --- the loop -----------------------------------------------------------------

    def run(self) -> int:
        try:
            self.show_title()
            self.state = engine.start(self.story, self.pick_role())
            self.show_scene()
            while True:
                self.turn()
        except _Leave as leave:
            return leave.code
        except EOFError:
            self.say("End of input: leaving the night here. Goodbye.")
            return EXIT_OK
        except KeyboardInterrupt:
            self.say("Interrupted: leaving the night here. Goodbye.")
            return EXIT_INTERRUPTED

    def turn(self) -> None:
        answer = self.console.ask("> ", self.completions()).strip()
        if not answer:
            self.say(self.hint())
            return
        if answer.isdigit():
            self.pick_choice(int(answer))
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
        self.state = engine.choose(self.story, self.state, choice_id)
        self.show_scene()

    # --- what the player sees -----------------------------------------------------

    @property
    def width(self) -> int:
        return layout.reading_width(self.console.width)

    def say(self, text: str, style: str = "class:notice") -> None:
        self.console.write(layout.notice(text, self.width, style=style))

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
        lines += layout.wrap("Type 'help' at any prompt for the commands.", width,
                             style="class:meta")
        self.console.write(lines)

    def pick_role(self) -> str:
        roles = list(self.story.roles.values())
        if self.requested_role in self.story.roles:
            return str(self.requested_role)
        if len(roles) == 1:
            return roles[0].id
        lines: list[StyledLine] = [[], *layout.wrap("Who are you tonight?", self.width,
                                                    style="class:heading")]
        for number, role in enumerate(roles, start=1):
            lines.append([("class:number", f"{number}. "), ("class:choice", role.name)])
            if role.description:
                lines += layout.wrap(role.description, self.width, style="class:meta",
                                     indent="   ")
        self.console.write(lines)
        while True:
            answer = self.console.ask("> ", [r.id for r in roles]).strip().lower()
            for number, role in enumerate(roles, start=1):
                if answer in (str(number), role.id, role.name.lower()):
                    return role.id
            if answer in ("quit", "q"):
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
                               [location, self.story.clock.describe(self.state.clock)], width)
        lines += layout.paragraphs(view.paragraphs, width)
        if view.ending is not None:
            lines += self.ending_lines(view)
        elif view.is_stuck:
            lines += [[], *layout.notice("The story has no way on from here (a fault in the "
                                         "story). Type 'restart' or 'quit'.", width,
                                         style="class:error")]
        else:
            lines += layout.choice_list(view.choices, width)
        self.console.write(lines)

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
            lines += layout.wrap(f"{lived.beat.title}  ·  "
                                 f"{story.clock.short(lived.clock)}", width,
                                 style="class:subtitle")
            followed = "the legend" if lived.account is Account.MYTH else "the record"
            lines += layout.wrap(f"Your night followed {followed}.", width, style="class:meta")
            for account, label in ((Account.MYTH, "The legend"), (Account.ARCHIVE, "The record")):
                telling = lived.beat.myth if account is Account.MYTH else lived.beat.archive
                marker = "▸ " if account is lived.account else "  "
                lines += layout.wrap(f"{marker}{label}: {telling.text}", width,
                                     style="class:prose")
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
        words = [c.name for c in self.commands]
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
            Command("restart", "begin the night again", self.cmd_restart),
            Command("quit", "leave the game", self.cmd_quit, ("q", "exit")),
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
        for command in self.commands:
            usage = command.usage or command.name
            lines.append([("class:number", f"  {usage:<14}"), ("", command.summary)])
        self.console.write(lines)

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
        if argument.isdigit() and 1 <= int(argument) <= len(found):
            return found[int(argument) - 1]
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
        self.console.write(lines)

    def show_document(self, document_id: str) -> None:
        assert self.state is not None
        document = self.story.documents[document_id]
        width = self.width
        lines: list[StyledLine] = [[], *layout.wrap(document.title.upper(), width,
                                                    style="class:heading")]
        details = [d for d in (document.kind, document.date) if d]
        if details:
            lines += layout.wrap(" · ".join(details), width, style="class:meta")
        lines.append([])
        lines += layout.paragraphs(engine.paragraphs_of(document.text), width)
        lines.append([])
        lines += layout.wrap(f"Source: {document.source}", width, style="class:meta")
        self.console.write(lines)
        self.state = engine.mark_read(self.state, document_id)

    def cmd_debrief(self, _argument: str) -> None:
        self.console.write(self.debrief_lines())

    def cmd_restart(self, _argument: str) -> None:
        self.requested_role = None
        self.state = engine.start(self.story, self.pick_role())
        self.show_scene()

    def cmd_quit(self, _argument: str) -> None:
        self.say(f"You leave {self.story.title} where it stands. Goodbye.")
        raise _Leave(EXIT_OK)
