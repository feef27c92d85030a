"""``palace play``: choose a console for the terminal at hand and run a session, new or
resumed from a save (``--continue``, ``--load SLOT``)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from palace.cli.cache import add_cache_option, load_chosen_story
from palace.cli.guard import deferred_stops
from palace.cli.saves import add_saves_option, saves_folder
from palace.theme import DEFAULT_THEME, THEME_VARIABLE, THEMES


# The game itself is imported by ``run``: every command builds this module's options.
if TYPE_CHECKING:
    from palace.console import Console
    from palace.keeper import Keeper, Opening
    from palace.model import Story
    from palace.session import Session
    from palace.state import GameState


NAME = "play"
HELP = "play a story (the default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--story", metavar="DIR", type=Path,
                        help="play the story in DIR instead of the shipped one")
    parser.add_argument("--plain", action="store_true",
                        help="plain text: no colours, no escape codes, no status bar "
                             "(for screen readers)")
    parser.add_argument("--input", metavar="FILE", type=Path,
                        help="play the answers in FILE, one per line, and print the transcript")
    parser.add_argument("--role", metavar="ROLE", help="skip the role question and play ROLE")
    parser.add_argument("--transcript", metavar="FILE", type=Path,
                        help="append everything shown and typed to FILE, as plain text")
    parser.add_argument("--theme", choices=sorted(THEMES),
                        help=f"colours for a dark or a light terminal (default: "
                             f"${THEME_VARIABLE}, else {DEFAULT_THEME})")
    parser.add_argument("--debug", action="store_true",
                        help="authors' commands: :goto SCENE, :set VAR VALUE, :state, :reload")
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--continue", dest="resume_latest", action="store_true",
                        help="resume your most recent game of this story")
    resume.add_argument("--load", metavar="SLOT", help="resume the game saved in SLOT")
    add_saves_option(parser)
    add_cache_option(parser)


def run(options: argparse.Namespace) -> int:
    from palace.cli import usage_error
    from palace.keeper import Keeper
    from palace.savefiles import SaveFolder
    from palace.session import Session
    from palace.slotnames import SlotNameError, check_slot_name

    story = load_chosen_story(options.story, no_cache=options.no_cache)
    if options.role is not None and options.role not in story.roles:
        return usage_error(f"unknown role '{options.role}'; choose one of: "
                           f"{', '.join(story.roles)}")
    if options.role is not None and (options.load is not None or options.resume_latest):
        return usage_error("--role begins a new night, and a saved game has its own role; "
                           "give --role or --continue/--load, not both")
    if options.load is not None:
        try:
            check_slot_name(options.load)
        except SlotNameError as error:
            return usage_error(str(error))
    keeper = Keeper(story, SaveFolder(saves_folder(options.saves)))
    opening, notices = _opening(story, keeper, options)

    folder = options.story

    def play(console: Console) -> int:
        session = Session(story, console, role=options.role, keeper=keeper, opening=opening,
                          notices=notices, debug=options.debug,
                          reload=lambda: load_chosen_story(folder, no_cache=options.no_cache),
                          transcript=options.transcript)
        return keep_the_game(session, keeper)

    if options.input is not None:
        try:
            # Answers that are not UTF-8 are answers the game does not know, not a crash.
            answers = options.input.open(encoding="utf-8", errors="replace")
        except OSError as error:
            return usage_error(f"cannot read {options.input}: {error.strerror}")
        with answers:
            return play(_plain_console(answers, echo=True))
    if wants_plain(options.plain):
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")
        return play(_plain_console(sys.stdin, echo=not sys.stdin.isatty()))
    return play(_terminal_console(chosen_theme(options.theme)))


def keep_the_game(session: Session, keeper: Keeper) -> int:
    """Run the session; whatever stops it from outside (a signal, a closed terminal or
    pipe, a bug), save the game as it stands on the way out and say where it is."""
    try:
        return session.run()
    except BaseException as error:
        if session.state is not None:
            with deferred_stops():
                error.add_note(_saved_note(keeper, session.state))
        raise


def _saved_note(keeper: Keeper, state: GameState) -> str:
    try:
        problem = keeper.autosave_if_changed(state)
    except BaseException as error:  # a second fault while saving: the first one is news
        problem = f"{type(error).__name__}: {error}"
    if keeper.is_autosaved(state):
        return ("Your game is autosaved: play again with --continue to take it up where you "
                "left it.")
    return f"The game was not saved: {problem or 'the autosave is failing'}."


def _opening(story: Story, keeper: Keeper,
             options: argparse.Namespace) -> tuple[Opening | None, list[str]]:
    """The save to resume, if one was asked for, and what to say about it.

    Raises:
        SaveError: the save asked for cannot be read or belongs to another story.
    """
    if options.load is not None:
        return keeper.open(options.load), []
    if not options.resume_latest:
        return None, []
    assert keeper.folder is not None
    slot = keeper.folder.latest(story.id)
    if slot is None:
        return None, [f"There is no saved game of {story.title} in {keeper.folder.path} to "
                      "continue: a new night begins."]
    return keeper.open(slot), []


def wants_plain(flag: bool) -> bool:
    """Plain text when asked, when NO_COLOR is set, or when either end is not a terminal."""
    return (flag or bool(os.environ.get("NO_COLOR"))
            or not sys.stdin.isatty() or not sys.stdout.isatty())


def chosen_theme(option: str | None) -> str:
    """The ``--theme`` given, else ``$PALACE_THEME``, else the default; an unknown name in
    the variable is reported and passed over, since it should not keep anyone from playing."""
    if option is not None:
        return option
    named = os.environ.get(THEME_VARIABLE, "").strip().lower()
    if named and named not in THEMES:
        print(f"palace: {THEME_VARIABLE} is '{named}', which is not a theme "
              f"({', '.join(sorted(THEMES))}); using {DEFAULT_THEME}", file=sys.stderr)
    return named if named in THEMES else DEFAULT_THEME


def _terminal_console(theme: str) -> Console:
    """The title is printed before prompt-toolkit is imported, which it does not need."""
    from palace.earlyconsole import EarlyTerminalConsole

    def open_terminal(unread_rows: int) -> Console:
        from palace.terminal import TerminalConsole  # imported only for a real terminal

        return TerminalConsole(theme=theme, unread_rows=unread_rows)

    return EarlyTerminalConsole(open_terminal, theme=theme)


def _plain_console(answers: TextIO, *, echo: bool) -> Console:
    from palace.plainconsole import PlainConsole

    return PlainConsole(answers=answers, output=sys.stdout, echo=echo)
