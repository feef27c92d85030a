"""The ``palace`` command line: parse arguments, run a command, map errors to exit codes.

Each command lives in its own module of this package with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(options) -> int``; this module wires them up.

Exit codes: 0 success, 1 an error (a story or save error, among others), 2 a usage
error, 130 interrupted. Errors are printed as messages, never tracebacks;
``PALACE_DEBUG=1`` shows them. ``guard`` says how each way of ending maps to a code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from palace import __version__
from palace.cli import cache, check, graph, play, saves, test
from palace.cli.guard import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, run_guarded


__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main", "usage_error"]

COMMANDS: tuple[ModuleType, ...] = (play, saves, check, graph, test, cache)
DEFAULT_COMMAND = play.NAME


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="palace",
        description="Play and write interactive fiction in the terminal. With no command, "
                    "plays the shipped story: the night of 25 October 1917 at the Winter "
                    "Palace.",
    )
    parser.add_argument("--version", action="version", version=f"palace {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (the script exits with it)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-")
                         and arguments[0] not in ("-h", "--help", "--version")):
        arguments.insert(0, DEFAULT_COMMAND)
    return run_guarded(lambda: _run(arguments))


def _run(arguments: list[str]) -> int:
    try:
        options = build_parser().parse_args(arguments)
    except SystemExit as exit_:  # argparse has printed the usage message
        return EXIT_USAGE if exit_.code else EXIT_OK
    run: Callable[[argparse.Namespace], int] = options.run
    return run(options)


def usage_error(message: str) -> int:
    """Print a usage problem the way argparse would, and return the usage exit code."""
    print(f"palace: {message}", file=sys.stderr)
    return EXIT_USAGE
