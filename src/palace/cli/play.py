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


NAME = "play"
HELP = "play a story (the default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--story", metavar="DIR", type=Path,
                        help="play the story in DIR instead of the shipped one")
    parser.add_argument("--plain", action="store_true",
                        help="plain text: no colours, no escape codes (for screen readers)")
    parser.add_argument("--input", metavar="FILE", type=Path,
                        help="play the answers in FILE, one per line, and print the transcript")
    parser.add_argument("--role", metavar="ROLE", help="skip the role question and play ROLE")
    parser.add_argument("--debug", action="store_true",
                        help="authors' commands: :goto SCENE, :set VAR VALUE, :state, :reload")


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

    return _play(story, TerminalConsole(), options)


def wants_plain(flag: bool) -> bool:
    """Plain text when asked, when NO_COLOR is set, or when either end is not a terminal."""
    return (flag or bool(os.environ.get("NO_COLOR"))
            or not sys.stdin.isatty() or not sys.stdout.isatty())


def _plain_console(answers: TextIO, *, echo: bool) -> Console:
    from palace.plainconsole import PlainConsole

    return PlainConsole(answers=answers, output=sys.stdout, echo=echo)


def _play(story: Story, console: Console, options: argparse.Namespace) -> int:
    folder = options.story
    return Session(story, console, role=options.role, debug=options.debug,
                   reload=lambda: load_chosen_story(folder)).run()
