"""docs/errors.md stays true: it lists exactly the codes the source can give, its story
examples are what Palace prints for the corpus and the fixture stories, and its exit
codes are the command's."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from palace.checks import check_story
from palace.cli import guard
from palace.loader import load_story


ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "errors.md"
CORPUS = ROOT / "tests" / "corpus"
CODE_TAKERS = {"Diagnostic": 3, "error": 2, "_warning": 2, "_error": 2, "_Refused": 1}
"""Functions that take a diagnostic's code, and the position it is given at."""


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _codes_in(tree: ast.AST) -> set[str]:
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            found |= {_string(k.value) for k in node.keywords if k.arg == "code"}
            if name in CODE_TAKERS and len(node.args) > CODE_TAKERS[name]:
                found.add(_string(node.args[CODE_TAKERS[name]]))
        elif isinstance(node, ast.arguments):  # a default: ``code: str = "bad-condition"``
            named = [*node.posonlyargs, *node.args][-len(node.defaults):] if node.defaults else []
            pairs = [*zip(named, node.defaults, strict=True),
                     *zip(node.kwonlyargs, node.kw_defaults, strict=True)]
            found |= {_string(default) for arg, default in pairs if arg.arg == "code"}
    return {code for code in found if code is not None}


def source_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "src" / "palace").rglob("*.py"):
        codes |= _codes_in(ast.parse(path.read_text(encoding="utf-8")))
    return codes


def doc_sections() -> dict[str, str]:
    """The doc's ``## `` sections by title."""
    parts = re.split(r"^## (.+)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def documented_codes(section: str) -> list[str]:
    return re.findall(r"^### `([a-z-]+)`$", section, flags=re.M)


def examples(section: str) -> list[str]:
    blocks = re.findall(r"^```\n(.*?)^```", section, flags=re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line]


def test_the_doc_lists_exactly_the_codes_the_source_gives():
    sections = doc_sections()
    listed = [code for title in ("Story errors", "Story warnings", "Save errors")
              for code in documented_codes(sections[title])]
    assert len(listed) == len(set(listed)), "a code is listed twice"
    assert set(listed) == source_codes()


def test_the_code_finder_finds_codes_given_every_way():
    sample = ('Diagnostic(loc, Severity.ERROR, "m", "a-b")\nreader.error(n, "m", "c-d", 3)\n'
              'SaveError("m", code="save-e")\ndef f(code="g-h"): ...\n'
              'def k(*, code: str = "i-j"): ...\n')
    assert _codes_in(ast.parse(sample)) == {"a-b", "c-d", "save-e", "g-h", "i-j"}


def _corpus_lines() -> set[str]:
    return {line for path in CORPUS.glob("*/expect.txt")
            for line in path.read_text(encoding="utf-8").splitlines()}


@pytest.mark.parametrize("example", examples(doc_sections()["Story errors"]))
def test_each_story_error_example_is_what_the_corpus_prints(example):
    assert example in _corpus_lines()


@pytest.mark.parametrize("example", examples(doc_sections()["Story warnings"]))
def test_each_story_warning_example_is_what_palace_check_prints(example, monkeypatch):
    monkeypatch.chdir(ROOT)
    fixture = Path(example.split(":", 1)[0]).parent
    assert example in [str(d) for d in check_story(load_story(fixture))]


def test_each_example_shows_its_own_code():
    for title in ("Story errors", "Story warnings"):
        for part in re.split(r"^### ", doc_sections()[title], flags=re.M)[1:]:
            code = part.split("`")[1]
            assert all(line.endswith(f"[{code}]") for line in examples(part)), code


def test_the_exit_codes_are_the_commands():
    table = re.findall(r"^\| (\d+) \|", doc_sections()["Exit codes"], flags=re.M)
    assert [int(code) for code in table] == [guard.EXIT_OK, guard.EXIT_ERROR,
                                             guard.EXIT_USAGE, guard.EXIT_INTERRUPTED]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ("Exit codes: 0 success, 1 an error (a story or save error, among others), 2 a "
            "usage error, 130 interrupted") in re.sub(r"\s+", " ", readme)
