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
        """Wait until the last line on the screen is the prompt, holding ``typed``."""
        wanted = f"> {typed}".rstrip()
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
            if lines and lines[-1] == wanted:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the prompt {wanted!r} did not appear; the screen:\n{screen}")

    def wait_for_exit(self, *, timeout: float = 15.0) -> int:
        """Wait until the program has exited; return its exit status."""
        screen = self.wait_for("[exited with ", timeout=timeout)
        return int(screen.rsplit("[exited with ", 1)[1].split("]", 1)[0])

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)
