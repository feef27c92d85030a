"""Timing processes for the benchmark: how long until they exit, or until what they
print shows the title screen and the first prompt, on a pipe or on a terminal.

The parts that read output are pure (``Marks``, ``visible_text``) and tested; the
rest starts processes and watches the clock.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


TIMEOUT = 60.0
CURSOR_QUERY = b"\x1b[6n"
CURSOR_REPLY = b"\x1b[1;1R"
MORE = b"-- more --"
ROWS, COLUMNS = 200, 100
_ESCAPES = re.compile(r"""
    \x1b\[[0-?]*[ -/]*[@-~]           # CSI: colours, cursor moves, erasing
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)  # OSC: the window title
  | \x1b[()][0-9A-Za-z]              # character sets
  | \x1b[=>78]                       # keypad modes, saving the cursor
""", re.VERBOSE)
_PROMPT = re.compile(r"^> ", re.MULTILINE)


def visible_text(raw: str) -> str:
    """What a terminal would show of ``raw``, as lines: escape codes dropped, and a
    carriage return (prompt-toolkit's redraw) starting a new line."""
    return _ESCAPES.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Marks:
    """Watches a growing output for the title, then the ``prompt``-th prompt (``> ``
    at the start of a line), and notes when each first appeared."""

    title: str
    prompt: int = 1
    seen: dict[str, float] = field(default_factory=dict)

    def update(self, output: str, elapsed: float) -> None:
        text = visible_text(output).lower()
        at = text.find(self.title.lower())
        if at < 0:
            return
        self.seen.setdefault("title", elapsed)
        if "prompt" not in self.seen and len(_PROMPT.findall(text, at)) >= self.prompt:
            self.seen["prompt"] = elapsed

    @property
    def done(self) -> bool:
        return "prompt" in self.seen


@dataclass(frozen=True)
class Exit:
    """How long a process took, from start to exit: wall-clock and processor time."""

    wall: float
    cpu: float


def time_to_exit(argv: Sequence[str], env: Mapping[str, str]) -> Exit:
    """Run ``argv`` to its end."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _reap(process, started)


def time_marks_on_pipe(argv: Sequence[str], env: Mapping[str, str],
                       marks: Marks) -> tuple[Marks, Exit]:
    """Run ``argv`` with its output on a pipe, note when each mark appears, and let it
    run to its end (it should end by itself once its input runs out)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    with process.stdout:
        _watch(process.stdout.fileno(), marks, started, lambda _chunk: None)
        process.stdout.read()  # the rest, so the process never waits on a full pipe
    return marks, _reap(process, started)


def _reap(process: subprocess.Popen[bytes], started: float) -> Exit:
    """Wait for ``process`` to end and read its processor time from the kernel."""
    _pid, status, usage = os.wait4(process.pid, 0)
    ended = time.perf_counter()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{process.args!r} ended with exit code {process.returncode}")
    return Exit(ended - started, usage.ru_utime + usage.ru_stime)


def time_marks_on_terminal(argv: Sequence[str], env: Mapping[str, str],
                           marks: Marks) -> Marks:
    """Run ``argv`` on a new pseudo-terminal, tall enough that the first scene needs
    no paging, answering its cursor-position queries as a terminal would and any
    ``-- more --`` with ``q``; note when each mark appears."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdin=follower, stdout=follower,
                               stderr=follower, start_new_session=True)
    os.close(follower)

    def answer(chunk: bytes) -> None:
        if CURSOR_QUERY in chunk:
            os.write(leader, CURSOR_REPLY)
        if MORE in chunk:
            os.write(leader, b"q")

    try:
        _watch(leader, marks, started, answer)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(leader)
    return marks


def _watch(descriptor: int, marks: Marks, started: float,
           on_chunk: Callable[[bytes], None]) -> None:
    output = b""
    while not marks.done:
        elapsed = time.perf_counter() - started
        if elapsed > TIMEOUT:
            raise TimeoutError(f"no prompt after {TIMEOUT:.0f} s; output so far: {output!r}")
        ready, _, _ = select.select([descriptor], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal closed: the process has ended
            chunk = b""
        if not chunk:
            raise RuntimeError(f"the process ended before its first prompt: {output!r}")
        on_chunk(chunk)
        output += chunk
        marks.update(output.decode("utf-8", "replace"), time.perf_counter() - started)


def run_task(task: str, story: Path, *, cache: Path | None,
             env: Mapping[str, str]) -> dict[str, float]:
    """Run one of ``bench/tasks.py``'s measurements in a fresh interpreter."""
    argv = [sys.executable, str(Path(__file__).with_name("tasks.py")), task, str(story)]
    if cache is not None:
        argv += ["--cache", str(cache)]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False,
                            timeout=10 * TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"bench task {task} on {story} failed:\n{result.stderr}")
    measured: dict[str, float] = json.loads(result.stdout)
    return measured
