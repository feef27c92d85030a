"""Transcript tests: recorded walkthroughs replayed through the real game.

A walkthrough is two files side by side: ``NAME.answers``, what a player types,
one answer per line (the role question's answer first), exactly as ``palace play
--input`` reads them; and ``NAME.expected``, the plain-text transcript the game
printed for those answers at a width of 80 columns. Replaying a walkthrough runs
the real session over a plain console, so a change of wording anywhere in the
story or the game shows up as a unified diff, and blessing accepts it.

Rule: ``replay`` and ``compare`` are pure; ``find_walkthroughs`` and ``bless`` are
the only functions here that touch files.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from palace.model import Story
from palace.plainconsole import PlainConsole
from palace.playtest import RUN_ERRORS, describe_error
from palace.session import Session


WIDTH = 80
ANSWERS_SUFFIX = ".answers"
EXPECTED_SUFFIX = ".expected"


@dataclass(frozen=True, slots=True)
class Walkthrough:
    """A recorded walkthrough: the answers to replay and the transcript expected."""

    name: str
    answers: str
    expected: str | None
    """None until the walkthrough has been blessed once."""
    answers_path: Path

    @property
    def expected_path(self) -> Path:
        return self.answers_path.with_suffix(EXPECTED_SUFFIX)


@dataclass(frozen=True, slots=True)
class TranscriptResult:
    """A walkthrough replayed: what the game printed and how it differs."""

    walkthrough: Walkthrough
    actual: str
    diff: str
    """A unified diff from the expected transcript to the actual one; empty if they agree."""
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.walkthrough.expected is not None and not self.diff


def find_walkthroughs(folder: Path) -> list[Walkthrough]:
    """Every ``*.answers`` file in ``folder``, sorted by name, with its expected transcript."""
    walkthroughs = []
    for path in sorted(folder.glob(f"*{ANSWERS_SUFFIX}")):
        expected_path = path.with_suffix(EXPECTED_SUFFIX)
        expected = expected_path.read_text(encoding="utf-8") if expected_path.is_file() else None
        walkthroughs.append(Walkthrough(path.stem, path.read_text(encoding="utf-8"), expected,
                                        path))
    return walkthroughs


def replay(story: Story, answers: str, *, width: int = WIDTH) -> str:
    """What the game prints for ``answers``, as ``palace play --input`` would show it."""
    output = io.StringIO()
    console = PlainConsole(answers=io.StringIO(answers), output=output, echo=True, width=width)
    Session(story, console).run()
    return output.getvalue()


def compare(story: Story, walkthrough: Walkthrough) -> TranscriptResult:
    """Replay ``walkthrough`` and diff what the game printed against what was expected."""
    try:
        actual = replay(story, walkthrough.answers)
    except RUN_ERRORS as error:
        return TranscriptResult(walkthrough, "", "", describe_error(error))
    expected = walkthrough.expected or ""
    diff = "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"{walkthrough.name}{EXPECTED_SUFFIX}", tofile=f"{walkthrough.name} (now)"))
    return TranscriptResult(walkthrough, actual, diff)


def bless(result: TranscriptResult) -> None:
    """Accept the transcript the game printed as the new expected one."""
    result.walkthrough.expected_path.write_text(result.actual, encoding="utf-8")
