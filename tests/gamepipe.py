"""Reading a game run as a child process through a pipe, prompt by prompt."""

from __future__ import annotations

import os
import select
from typing import IO


def read_until_prompts(stream: IO[bytes], count: int = 1) -> str:
    """Read the game's output until ``count`` prompts have been shown (a generous limit
    stops a hung game from hanging the suite; it is not a measure of speed)."""
    output = b""
    while output.count(b"> ") < count:
        ready, _, _ = select.select([stream], [], [], 60)
        assert ready, f"the game stopped answering; it showed:\n{output.decode()}"
        chunk = os.read(stream.fileno(), 65536)
        assert chunk, f"the game ended early; it showed:\n{output.decode()}"
        output += chunk
    return output.decode()
