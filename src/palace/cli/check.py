"""``palace check``: the loader's errors and the story-wide checks, printed like a compiler's.

Each finding is one ``file:line:col: error|warning: message [code]`` line on
standard output, sorted, then a note if part of the story could not be checked,
then a summary line; ``--format json`` prints the same as one JSON document for
editors and CI. Exit 0 when nothing fails, 1 when an error
is found (with ``--strict``, a warning too).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from palace.cli.cache import add_cache_option, load_chosen_story
from palace.errors import Diagnostic, Severity, StoryError


NAME = "check"
HELP = "check a story for errors and likely mistakes, as a compiler would"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("story", nargs="?", type=Path, metavar="DIR",
                        help="the story folder (default: the shipped story)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (the default), json for editors and CI")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    add_cache_option(parser)


def run(options: argparse.Namespace) -> int:
    from palace.cli import EXIT_ERROR, EXIT_OK

    loaded, diagnostics, note = collect(options.story, no_cache=options.no_cache)
    if options.strict:
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
    if options.format == "json":
        print(json.dumps(as_json(loaded, diagnostics, note), indent=2))
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        if note:
            print(note)
        print(summary(loaded, diagnostics))
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    return EXIT_ERROR if failed else EXIT_OK


def collect(folder: Path | None, *,
            no_cache: bool = False) -> tuple[bool, list[Diagnostic], str | None]:
    """Whether the story in ``folder`` (the shipped one if None) loaded, every
    diagnostic (the loader's, or the checks'), and the loader's note on what it could
    not check, if any."""
    from palace.checks import check_story

    try:
        story = load_chosen_story(folder, no_cache=no_cache, whole=True)
    except StoryError as error:
        return False, list(error.diagnostics), error.note
    return True, check_story(story), None


def _counts(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors


def summary(loaded: bool, diagnostics: list[Diagnostic]) -> str:
    errors, warnings = _counts(diagnostics)
    if not loaded:
        return f"{_plural(errors, 'error')}: the story was not loaded."
    if not diagnostics:
        return "No problems found."
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def as_json(loaded: bool, diagnostics: list[Diagnostic],
            note: str | None = None) -> dict[str, object]:
    errors, warnings = _counts(diagnostics)
    report: dict[str, object] = {
        "loaded": loaded,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": [_diagnostic_json(d) for d in diagnostics],
    }
    if note:
        report["note"] = note
    return report


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, object]:
    loc = diagnostic.loc
    return {
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "severity": str(diagnostic.severity),
        "code": diagnostic.code,
        "message": diagnostic.message,
    }
