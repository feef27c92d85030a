"""A transcript: everything the game shows and the player types, appended to a file as
plain text, as interactive-fiction players expect of ``script``/``transcript``.

Rule: a transcript must never cost the player their game. The ``Recorder`` turns
every failure to open or write into a ``TranscriptError`` whose message the
session shows; the game goes on without a transcript.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TextIO

from palace.errors import TranscriptError


class Transcript:
    """An open transcript file; every write goes straight to the disk."""

    def __init__(self, path: Path, file: TextIO) -> None:
        self.path = path
        self._file = file

    @classmethod
    def open(cls, path: Path, *, heading: str, now: datetime | None = None) -> Transcript:
        """Open ``path`` for appending and write a first line naming the game and the time.

        Raises:
            OSError: the file cannot be opened or written.
        """
        path = path.expanduser()
        file = path.open("a", encoding="utf-8")
        transcript = cls(path, file)
        moment = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
        try:
            transcript.write(f"\n[{heading}: transcript begun {moment}]\n")
        except OSError:
            file.close()
            raise
        return transcript

    def write(self, text: str) -> None:
        """Append ``text`` as it is; raise ``OSError`` if it cannot be written."""
        self._file.write(text)
        self._file.flush()

    def close(self, *, note: str = "") -> None:
        """Close the file, after a last line ``note`` if given; never raises."""
        if note:
            with contextlib.suppress(OSError):
                self.write(f"[{note}]\n")
        with contextlib.suppress(OSError):
            self._file.close()


class Recorder:
    """The session's transcript, if any: started, stopped and written to on request.

    Each action returns the sentence to tell the player, or raises
    ``TranscriptError`` with one.
    """

    def __init__(self, heading: str) -> None:
        self.heading = heading
        self.current: Transcript | None = None

    def start(self, path: Path) -> str:
        if self.current is not None:
            self.current.close(note="transcript ended")
            self.current = None
        try:
            self.current = Transcript.open(path, heading=self.heading)
        except OSError as error:
            raise TranscriptError(f"Cannot write a transcript to {path}: {_reason(error)}. "
                                  "Play goes on without one.") from error
        return (f"Writing a transcript to {self.current.path}: everything shown and typed "
                "from here on is added to it. Type 'transcript off' to stop.")

    def stop(self) -> str:
        if self.current is None:
            return "No transcript is being written."
        path = self.current.path
        self.close()
        return f"The transcript in {path} is closed."

    def describe(self) -> str:
        if self.current is None:
            return "No transcript is being written. Type 'transcript FILE' to start one."
        return f"Writing a transcript to {self.current.path}. Type 'transcript off' to stop."

    def write(self, text: str) -> None:
        if self.current is None:
            return
        try:
            self.current.write(text)
        except OSError as error:
            path = self.current.path
            self.current.close()
            self.current = None
            raise TranscriptError(f"Cannot write to the transcript {path}: {_reason(error)}. "
                                  "It is stopped; play goes on.") from error

    def close(self) -> None:
        if self.current is not None:
            self.current.close(note="transcript ended")
            self.current = None


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()
