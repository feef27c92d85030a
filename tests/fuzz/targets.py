"""The fuzz targets: each takes bytes, feeds them to one reader of untrusted input, and
fails (raises) only when Palace breaks its promise about that input. They need no
fuzzer, so the normal tests run them over the seeds and every crash ever found.

- ``condition``: the bytes as a condition, parsed, type-checked, compiled and run.
- ``loader``: the bytes as one file of a small good story (the first byte picks the
  manifest or the scene file), read as the loader reads files from disk.
- ``save``: the bytes as a save file: read, carried over to its story, shown.

The promise: only Palace's own errors, each with a message (and for stories a
location and code, for saves a code); and what loads, plays.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from palace import engine, expr
from palace.checks import check_story
from palace.clock import Calendar, parse_start
from palace.errors import ExpressionError, SaveError, StoryError
from palace.loader import SourceFile, load_story, parse_story
from palace.model import Story
from palace.resume import resume
from palace.saveformat import checksum, decode, decode_header, encode
from palace.savegame import make_save
from palace.state import GameState
from palace.storyfiles import decode_source


TESTS = Path(__file__).resolve().parent.parent
TINY = TESTS / "stories" / "tiny"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
_CODE = re.compile(r"[a-z]+(-[a-z]+)*")

_CLOCK = parse_start("1917-10-25 18:00", Calendar.JULIAN)
_SCOPE = expr.Scope(
    variables={"courage": expr.Type.NUMBER, "armed": expr.Type.BOOL,
               "companion": expr.Type.TEXT},
    scenes={"square", "hall"}, documents={"memoir"}, beats={"shot"},
    roles={"guard", "cadet"}, clock=_CLOCK,
)
_STATE = GameState(role="guard", scene="square", clock=20 * 60,
                   variables={"courage": 2, "armed": True, "companion": "sailor"},
                   visits={"square": 1})


def condition(data: bytes) -> None:
    source = data.decode("utf-8", "replace")
    try:
        tree = expr.parse(source)
        kind = expr.check(tree, _SCOPE)
    except ExpressionError as error:
        assert error.message and 0 <= error.offset <= len(source), error
        return
    value = expr.compile_node(tree, _CLOCK)(_STATE)
    assert isinstance(value, str if kind is expr.Type.TEXT else int), (source, value)


_MANIFEST, _SCENES = "story.yaml", "scenes.yaml"
_GOOD = {name: (TINY / name).read_text(encoding="utf-8") for name in (_MANIFEST, _SCENES)}


def loader(data: bytes) -> None:
    if not data:
        return
    replaced = _MANIFEST if data[0] % 2 == 0 else _SCENES
    text, problem = decode_source(data[1:], replaced)
    if problem is not None:
        assert problem.loc is not None and problem.message and problem.code == "encoding"
        return
    assert text is not None
    files = [SourceFile(name, text if name == replaced else _GOOD[name], name)
             for name in (_MANIFEST, _SCENES)]
    try:
        story = parse_story(files)
    except StoryError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.loc is not None and diagnostic.loc.line >= 1, diagnostic
            assert diagnostic.message and _CODE.fullmatch(diagnostic.code), diagnostic
        return
    play_a_little(story, random.Random(data))


def play_a_little(story: Story, rng: random.Random) -> None:
    """A story that loads must check and play without an error."""
    check_story(story)
    for role in story.roles:
        state = engine.start(story, role)
        for _ in range(12):
            view = engine.view(story, state)
            available = [c.id for c in view.choices if c.available]
            if view.ending is not None or not available:
                break
            state = engine.choose(story, state, rng.choice(available))


_STORY: list[Story] = []


def _tiny() -> Story:
    if not _STORY:  # loaded once per process, not once per input
        _STORY.append(load_story(TINY))
    return _STORY[0]


def save(data: bytes) -> None:
    _read_save(data)
    sealed = _sealed(data)
    if sealed is not None:
        _read_save(sealed)


def _sealed(data: bytes) -> bytes | None:
    """The same JSON with its checksum made to match, so that a mutation gets past the
    checksum to the readers of every field (as a hand edit that drops it does)."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    try:
        document["checksum"] = checksum(document)
    except UnicodeEncodeError:  # text that is not Unicode: the reader refuses it as it is
        return None
    return json.dumps(document).encode()


def _read_save(data: bytes) -> None:
    for reader in (decode, decode_header):
        try:
            reader(data, source="fuzz.json")
        except SaveError as error:
            assert str(error).startswith("fuzz.json") and error.code.startswith("save-")
    story = _tiny()
    try:
        resumption = resume(story, decode(data, source="fuzz.json").save, source="fuzz.json")
    except SaveError as error:
        assert str(error) and error.code.startswith("save-"), error
        return
    for state in (resumption.state, *resumption.undo):
        engine.view(story, state)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "condition": condition, "loader": loader, "save": save,
}


def seeds(target: str) -> Iterator[bytes]:
    """Inputs to start from: the project's own good and bad examples."""
    if target == "condition":
        for path in sorted((TESTS.parent / "story").rglob("*.yaml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                found = re.match(r"\s*(?:- )?if: (.+)", line)
                if found:
                    yield found[1].strip("\"'").encode()
    elif target == "loader":
        for path in sorted([*(TESTS / "stories").rglob("*.yaml"),
                            *(TESTS / "corpus").rglob("*.yaml")]):
            selector = b"\x00" if path.name == _MANIFEST else b"\x01"
            yield selector + path.read_bytes()[:100_000]
    else:
        yield from (path.read_bytes() for path in sorted((TESTS / "savefixtures").glob("*")))
        yield from _good_saves()


def _good_saves() -> Iterator[bytes]:
    from savehelpers import SAVED_AT, walk  # the tests' helpers: tests/ is on the path

    story = _tiny()
    for moves in ([], [0], [0, 1, 100], [2, 0]):
        state, undo = walk(story, "guard", moves)
        yield encode(make_save(story, state, undo, saved_at=SAVED_AT)).encode()


def regressions(target: str) -> Iterator[tuple[str, bytes]]:
    """Every input that once broke ``target``, kept under regressions/TARGET/."""
    folder = REGRESSIONS / target
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if not path.name.startswith("."):
            yield path.name, path.read_bytes()
