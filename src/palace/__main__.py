"""The ``palace`` script's entry point; ``python -m palace`` runs it too.

The command line is imported here, inside a guard, rather than by the script itself:
a Ctrl-C while Python is still importing Palace then ends the run the way any other
interrupt does ("palace: interrupted", exit 130), not with a traceback.
"""

import sys


_EXIT_INTERRUPTED = 130  # as palace.cli.guard says; importing it here would defeat the guard


def main() -> int:
    """Import and run the command line, and return its exit code."""
    try:
        from palace.cli import main as run_command_line

        return run_command_line()
    except KeyboardInterrupt:  # only before the command line's own guard is up
        print("palace: interrupted", file=sys.stderr)
        return _EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
