"""``palace test``: random or exhaustive playthroughs, or recorded walkthroughs replayed.

Exit 0 when every playthrough or walkthrough passed, 1 when any failed, so the
command can gate CI. A progress bar is drawn on standard error, only when that
is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from palace.cli.cache import add_cache_option, load_chosen_story
from palace.playtestoptions import DEFAULT_MAX_STATES, DEFAULT_MAX_STEPS, DEFAULT_RUNS, Strategy


if TYPE_CHECKING:
    from palace.model import Story
    from palace.playtest import PlaytestReport
    from palace.transcripts import TranscriptResult


NAME = "test"
HELP = "playtest a story: random or exhaustive playthroughs, or recorded walkthroughs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("story", nargs="?", type=Path, metavar="DIR",
                        help="the story folder (default: the shipped story)")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, metavar="N",
                        help=f"random playthroughs to play (default {DEFAULT_RUNS})")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed of the random choices: same seed, same result (default 0)")
    parser.add_argument("--role", metavar="ROLE", help="play only ROLE (default: every role)")
    parser.add_argument("--strategy", choices=[s.value for s in Strategy],
                        default=Strategy.LEAST_TRIED.value,
                        help="prefer the least-tried choices (the default), or pick uniformly")
    parser.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS, metavar="N",
                        help=f"choices per playthrough before giving up (default "
                             f"{DEFAULT_MAX_STEPS})")
    parser.add_argument("--exhaustive", action="store_true",
                        help="walk every distinct game state instead of playing at random")
    parser.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N",
                        help=f"states the exhaustive walk may visit (default "
                             f"{DEFAULT_MAX_STATES})")
    parser.add_argument("--transcripts", type=Path, metavar="DIR",
                        help="replay the walkthroughs in DIR (NAME.answers beside "
                             "NAME.expected) and show what changed")
    parser.add_argument("--bless", action="store_true",
                        help="with --transcripts: accept the new transcripts as expected")
    add_cache_option(parser)


def run(options: argparse.Namespace) -> int:
    from palace.cli import EXIT_ERROR, EXIT_OK, usage_error
    from palace.report import render_report

    for name in ("runs", "max_steps", "max_states"):
        if getattr(options, name) < 1:
            return usage_error(f"--{name.replace('_', '-')} must be at least 1")
    if options.bless and options.transcripts is None:
        return usage_error("--bless accepts replayed transcripts, so it needs --transcripts DIR")
    story = load_chosen_story(options.story, no_cache=options.no_cache, whole=True)
    if options.role is not None and options.role not in story.roles:
        return usage_error(f"unknown role '{options.role}'; choose one of: "
                           f"{', '.join(story.roles)}")
    if options.transcripts is not None:
        if not options.transcripts.is_dir():
            return usage_error(f"transcript folder '{options.transcripts}' does not exist")
        return run_transcripts(story, options.transcripts, accept=options.bless)
    report = _playtest(story, options)
    story_option = f"--story {options.story} " if options.story else ""
    print(render_report(report, story_option=story_option), end="")
    return EXIT_OK if report.ok else EXIT_ERROR


def _playtest(story: Story, options: argparse.Namespace) -> PlaytestReport:
    from palace.explore import run_exhaustive
    from palace.playtest import run_playtests

    roles = [options.role] if options.role else None
    bar = ProgressBar(sys.stderr, "states" if options.exhaustive else "playthroughs")
    try:
        if options.exhaustive:
            return run_exhaustive(story, roles=roles, max_states=options.max_states,
                                  on_progress=bar)
        return run_playtests(story, runs=options.runs, seed=options.seed, roles=roles,
                             strategy=Strategy(options.strategy),
                             max_steps=options.max_steps, on_progress=bar)
    finally:
        bar.close()


def run_transcripts(story: Story, folder: Path, *, accept: bool) -> int:
    from palace.cli import EXIT_ERROR, EXIT_OK, usage_error
    from palace.transcripts import compare, find_walkthroughs

    walkthroughs = find_walkthroughs(folder)
    if not walkthroughs:
        return usage_error(f"'{folder}' holds no walkthroughs (NAME.answers files)")
    failed = 0
    for walkthrough in walkthroughs:
        result = compare(story, walkthrough)
        line, ok = _transcript_outcome(result, accept)
        if result.diff and result.walkthrough.expected is not None:
            print(result.diff, end="" if result.diff.endswith("\n") else "\n")
        print(line)
        failed += not ok
    passed = len(walkthroughs) - failed
    print(f"{len(walkthroughs)} walkthroughs: {passed} passed, {failed} failed.")
    return EXIT_OK if not failed else EXIT_ERROR


def _transcript_outcome(result: TranscriptResult, accept: bool) -> tuple[str, bool]:
    from palace.transcripts import bless

    name = result.walkthrough.name
    if result.error is not None:
        return f"FAIL {name}: the game raised an error: {result.error}", False
    if result.passed:
        return f"ok   {name}", True
    if accept:
        bless(result)
        return f"BLESSED {name}: {result.walkthrough.expected_path} now holds this transcript", True
    if result.walkthrough.expected is None:
        return (f"NEW  {name}: no {result.walkthrough.expected_path.name} yet; run with --bless "
                "to record it"), False
    return f"FAIL {name}: the transcript changed (run with --bless to accept it)", False


class ProgressBar:
    """A one-line bar on ``stream``, drawn only when it is a terminal."""

    WIDTH = 30

    def __init__(self, stream: TextIO, unit: str) -> None:
        self.stream = stream
        self.unit = unit
        self.enabled = stream.isatty()
        self.shown = ""

    def __call__(self, done: int, total: int) -> None:
        # Redraw about a hundred times in all: a write per playthrough would slow the run.
        if not self.enabled or (done % max(total // 100, 1) and done != total):
            return
        filled = self.WIDTH * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} {self.unit}"
        if line != self.shown:
            self.stream.write("\r" + line)
            self.stream.flush()
            self.shown = line

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * len(self.shown) + "\r")
            self.stream.flush()
