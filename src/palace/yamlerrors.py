"""PyYAML's errors as story diagnostics: where the author must look, and what to do.

PyYAML says what it expected (``did not find expected ',' or '}'``) and what it was
doing (``while parsing a flow mapping``), with a mark for each. The diagnostic
points at the place the parser stopped, names the place the unfinished part
began when that is elsewhere (the quote or bracket never closed), and adds a hint
for the mistakes authors make most.
"""

from __future__ import annotations

import yaml

from palace.errors import Diagnostic, Severity, SourceLoc


def syntax_diagnostic(error: yaml.MarkedYAMLError, name: str) -> Diagnostic:
    """The diagnostic for a YAML syntax error in the file called ``name``."""
    mark = error.problem_mark or error.context_mark
    loc = SourceLoc(name, mark.line + 1, mark.column + 1) if mark else SourceLoc(name, 1, 1)
    problem = error.problem or "invalid YAML"
    if problem == "but found another document":
        return Diagnostic(loc, Severity.ERROR, "YAML syntax error: a second document starts "
                          "here; a story file holds one: remove the '---', or move what "
                          "follows into a file of its own", "yaml-syntax")
    return Diagnostic(loc, Severity.ERROR,
                      f"YAML syntax error: {problem}{_context(error)}{_hint(problem)}",
                      "yaml-syntax")


def _context(error: yaml.MarkedYAMLError) -> str:
    if not error.context:
        return ""
    start, stop = error.context_mark, error.problem_mark
    if start is None or stop is None or (start.line, start.column) == (stop.line, stop.column):
        return f" ({error.context})"
    return f" ({error.context} that starts at line {start.line + 1}, column {start.column + 1})"


_HINTS = (
    ("tab", "YAML does not allow tabs for indentation: indent with spaces"),
    ("mapping values are not allowed", "a value containing ': ' must be quoted, or the "
                                       "indentation is off"),
    ("expected <block end>", "check that this line is indented like its siblings"),
    ("did not find expected key", "check that this line is indented like its siblings"),
    ("did not find expected '-' indicator", "check that this line is indented like its "
                                            "siblings"),
    ("could not find expected ':'", "a key is missing its ':' or a quote is not closed"),
    ("found unexpected end of stream", "a quote or bracket is never closed"),
    ("did not find expected ','", "a bracket is never closed, or a comma is missing"),
    ("cannot start any token", "'@' and '`' cannot begin a value: put the text in quotes"),
)


def _hint(problem: str) -> str:
    return next((f"; {hint}" for fragment, hint in _HINTS if fragment in problem), "")


def character_diagnostic(text: str, character: object, name: str) -> Diagnostic:
    """YAML refuses control characters in a file; say which, and where. (The parser's own
    position counts bytes in the C implementation and characters in the Python one, so
    the place is found in the text.)"""
    code = character if isinstance(character, int) else 0
    index = max(text.find(chr(code)), 0)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    hint = "" if 0xD800 <= code <= 0xDFFF else (
        f" (inside double quotes, the escape {escape} is allowed)")
    return Diagnostic(SourceLoc(name, line, column), Severity.ERROR,
                      f"the file contains the character U+{code:04X}, which YAML does not "
                      f"allow; remove it{hint}", "yaml-syntax")
