"""The last guard of the command line: however a command ends, it ends with an exit code
and a message, never a traceback.

Exit codes (the README and docs/errors.md say the same):

- 0: success;
- 1: an error: a story or a save that cannot be read or written, output that cannot
  be written, or an unexpected error (a bug, reported as one);
- 2: a usage error (the command line itself is wrong; ``palace`` prints how to use it);
- 130: interrupted: Ctrl-C, the terminal closed (SIGHUP, or reads and writes that
  fail with an input/output error), or a request to stop (SIGTERM).

``PALACE_DEBUG=1`` adds the traceback to any error. Notes added to an exception on
its way out (``add_note``), such as where a game was saved, are printed after its
message.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType

from palace.errors import PalaceError, StoryError


EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

DEBUG_ENV = "PALACE_DEBUG"
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                      if hasattr(signal, name))


class Stopped(BaseException):
    """A request from outside to stop: SIGTERM, or SIGHUP when the terminal closes.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception``
    on the way up swallows it; unlike it, nothing below asks whether to leave.
    """

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class _Stops:
    """What the stop signals have done in this run. Signal handlers are process-wide,
    so this record is too: one per process, reset by each ``run_guarded``."""

    def __init__(self) -> None:
        self.received: str | None = None
        self.deferring = 0


_STOPS = _Stops()


def _on_stop(number: int, _frame: FrameType | None) -> None:
    first = _STOPS.received is None
    _STOPS.received = _STOPS.received or signal.Signals(number).name
    # Only the first signal stops the run: a closing terminal may send more, and the
    # way out (saving the game) must not be cut short by them.
    if first and not _STOPS.deferring:
        # The event loop of a terminal prompt that is cut short logs, with a traceback,
        # what the closed terminal then does to its tasks: what a stop leaves behind.
        logging.getLogger("asyncio").disabled = True
        raise Stopped(_STOPS.received)


@contextmanager
def stop_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise ``Stopped``. A signal that was being
    ignored (``nohup``) stays ignored; the previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _STOP_SIGNALS}
    for number, handler in previous.items():
        if handler is signal.SIG_DFL:
            signal.signal(number, _on_stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def deferred_stops() -> Iterator[None]:
    """While inside, a stop signal is noted, not raised: for work that must finish,
    such as saving the game on the way out. The run still ends as stopped."""
    _STOPS.deferring += 1
    try:
        yield
    finally:
        _STOPS.deferring -= 1


def run_guarded(command: Callable[[], int]) -> int:
    """Run ``command`` and return its exit code, turning whatever it raises into a
    message on standard error and the exit code that fits."""
    _STOPS.received = None
    _replace_unencodable(sys.stdout)
    _replace_unencodable(sys.stderr)
    try:
        with stop_signals():
            code = command()
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # every way out becomes a message and a code
        return _report_error(error)
    if _STOPS.received is not None:
        return _report(None, f"stopped by {_STOPS.received}", EXIT_INTERRUPTED)
    return code


def _report_error(error: BaseException) -> int:
    if _STOPS.received is not None or isinstance(error, Stopped):
        # What a stop leaves behind (a closed terminal fails every read and write)
        # is not news: the stop is.
        return _report(error, f"stopped by {_STOPS.received}", EXIT_INTERRUPTED)
    if isinstance(error, KeyboardInterrupt):
        return _report(error, "interrupted", EXIT_INTERRUPTED)
    if isinstance(error, StoryError):
        return _report(error, error.render(), EXIT_ERROR, prefix="")
    if isinstance(error, PalaceError):
        return _report(error, str(error), EXIT_ERROR)
    if isinstance(error, OSError) and error.errno == errno.EIO:
        # A terminal that has gone fails every read and write this way; the signal
        # saying so (SIGHUP) may come later, or never to a process that is not a shell.
        return _report(error, "the terminal was closed (input/output error)",
                       EXIT_INTERRUPTED)
    if isinstance(error, BrokenPipeError):
        _silence_stdout()
        return _report(error, "the output was closed before everything was written "
                              "(a closed pipe)", EXIT_ERROR)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return _report(error, f"{error.strerror or error}{where}", EXIT_ERROR)
    return _report(error, f"an unexpected error stopped Palace ({type(error).__name__}: "
                          f"{error}). This is a bug in Palace; please report it with the "
                          f"command you ran. Set {DEBUG_ENV}=1 to see where it happened.",
                   EXIT_ERROR)


def _report(error: BaseException | None, message: str, code: int, *,
            prefix: str = "palace: ") -> int:
    lines = [f"{prefix}{message}"]
    if error is not None and os.environ.get(DEBUG_ENV):
        lines[:0] = traceback.format_exception(error)  # its notes come with it
    elif error is not None:
        lines += getattr(error, "__notes__", ())
    say("\n".join(line.rstrip("\n") for line in lines))
    return code


def say(text: str) -> None:
    """Print to standard error, which may be gone too (a closed terminal): then say
    nothing rather than fail while failing."""
    with suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def _replace_unencodable(stream: object) -> None:
    """A terminal or pipe that cannot show a character (an ASCII locale, and the story's
    typographic quotes) shows '?' in its place instead of failing."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="replace")


def _silence_stdout() -> None:
    """Point standard output at nothing, so that Python's own flush at exit does not
    hit the closed pipe again and print a complaint of its own."""
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
