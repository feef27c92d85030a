"""``palace play``: choose a console for the terminal at hand and run a session."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from palace.loader import load_story
from palace.model import Story
from palace.resources import shipped_story
from palace.session import Console, Session
from palace.theme import DEFAULT_THEME, THEME_VARIABLE, THEMES


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


def load_chosen_story(folder: Path | None) -> Story:
    return load_story(folder if folder is not None else shipped_story())


def run(options: argparse.Namespace) -> int:
    from palace.cli import usage_error

    story = load_chosen_story(options.story)
    if options.role is not None and options.role not in story.roles:
        return usage_error(f"unknown role '{options.role}'; choose one of: "
                           f"{', '.join(story.roles)}")
    if options.input is not None:
        try:
            answers = options.input.open(encoding="utf-8")
        except OSError as error:
            return usage_error(f"cannot read {options.input}: {error.strerror}")
        with answers:
            return _play(story, _plain_console(answers, echo=True), options)
    if wants_plain(options.plain):
        return _play(story, _plain_console(sys.stdin, echo=not sys.stdin.isatty()), options)
    from palace.terminal import TerminalConsole  # imported only for a real terminal

    return _play(story, TerminalConsole(theme=chosen_theme(options.theme)), options)


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


def _plain_console(answers: TextIO, *, echo: bool) -> Console:
    from palace.plainconsole import PlainConsole

    return PlainConsole(answers=answers, output=sys.stdout, echo=echo)


def _play(story: Story, console: Console, options: argparse.Namespace) -> int:
    return Session(story, console, role=options.role, transcript=options.transcript).run()
