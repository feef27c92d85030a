"""A small driver for end-to-end tests: run a program in tmux, type, and read the screen."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Sequence


_REPORT_EXIT = 'trap : INT; "$@"; echo "[exited with $?]"; sleep 600'


class Tmux:
    """One detached tmux session on a private server, closed by ``close``."""

    def __init__(self, command: Sequence[str], *, width: int = 80, height: int = 30,
                 cwd: str | None = None, env: dict[str, str] | None = None) -> None:
        self.socket = f"palace-test-{uuid.uuid4().hex[:8]}"
        self.height = height
        exports = [f"{key}={value}" for key, value in (env or {}).items()]
        # The shell reports the exit status on the screen: tmux's own record of it
        # is not always there by the time the pane is marked dead. The shell outlives
        # a Ctrl-C (its trap is reset for the program, which gets the default).
        self._tmux("new-session", "-d", "-s", "game", "-x", str(width), "-y", str(height),
                   *(["-c", cwd] if cwd else []),
                   "env", *exports, "sh", "-c", _REPORT_EXIT, "sh", *command)

    @staticmethod
    def available() -> bool:
        return shutil.which("tmux") is not None

    def _tmux(self, *arguments: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *arguments], capture_output=True,
                                text=True, check=True, timeout=20)
        return result.stdout

    def screen(self, *, escapes: bool = False) -> str:
        """What the terminal shows now."""
        flags = ["-e"] if escapes else []
        return self._tmux("capture-pane", "-p", "-t", "game", *flags)

    def scrollback(self) -> str:
        """Everything the program has shown, including what scrolled off the screen."""
        return self._tmux("capture-pane", "-p", "-t", "game", "-S", "-")

    def send(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``Up``, ``C-c``) or literal text."""
        self._tmux("send-keys", "-t", "game", *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "game", "-l", text)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", "game", "-x", str(width), "-y", str(height))
        self.height = height

    def wait_for(self, text: str, *, count: int = 1, timeout: float = 15.0) -> str:
        """Wait until ``text`` has been shown ``count`` times; fail with the screen if not."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.scrollback()
            if screen.count(text) >= count:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear {count} time(s); the screen:\n{screen}")

    def wait_for_prompt(self, typed: str = "", *, timeout: float = 15.0) -> str:
        """Wait until the last line on the screen above the status bar (the bottom
        row) is the prompt, holding ``typed``."""
        wanted = f"> {typed}".rstrip()
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            above_status = screen.split("\n")[:self.height - 1]
            lines = [line.rstrip() for line in above_status if line.strip()]
            if lines and lines[-1] == wanted:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the prompt {wanted!r} did not appear; the screen:\n{screen}")

    def wait_for_screen(self, text: str, *, timeout: float = 15.0) -> str:
        """Wait until ``text`` is on the screen now, not only in the scrollback."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} is not on the screen; the screen:\n{screen}")

    def status_line(self) -> str:
        """The bottom row of the screen, where the game draws its status bar."""
        rows = self.screen().split("\n")[:self.height]
        return rows[-1].rstrip() if rows else ""

    def wait_for_status(self, text: str, *, timeout: float = 15.0) -> str:
        """Wait until the bottom row shows ``text``; return the row."""
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            status = self.status_line()
            if text in status:
                return status
            time.sleep(0.05)
        raise AssertionError(f"{text!r} is not in the status bar {status!r}; the screen:\n"
                             f"{self.screen()}")

    def has_exited(self) -> bool:
        return "[exited with " in self.scrollback()

    def wait_for_exit(self, *, timeout: float = 15.0) -> int:
        """Wait until the program has exited; return its exit status."""
        screen = self.wait_for("[exited with ", timeout=timeout)
        return int(screen.rsplit("[exited with ", 1)[1].split("]", 1)[0])

    def program_pid(self) -> int:
        """The process id of the program (the only child of the shell that reports its
        exit status), for sending it signals."""
        shell = self._tmux("list-panes", "-t", "game", "-F", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True,
                                  check=True, timeout=20).stdout.split()
        return int(children[0])

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)
