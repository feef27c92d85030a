"""The loader, fed anything: arbitrary text, YAML-shaped data built from the format's own
field names, and a good story with random parts replaced. It either builds a story,
which then plays and checks without an error, or raises ``StoryError`` whose every
diagnostic has a location, a message and a code; never anything else."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.targets import play_a_little
from nesteddata import places, replaced
from palace import storyformat
from palace.errors import StoryError
from palace.loader import SourceFile, parse_story
from palace.model import Story


TINY = Path(__file__).parent / "stories" / "tiny"
MAPPED = Path(__file__).parent / "stories" / "mapped"
MANIFEST_TEXT = (TINY / "story.yaml").read_text(encoding="utf-8")
SCENES_TEXT = (TINY / "scenes.yaml").read_text(encoding="utf-8")
MAPPED_MANIFEST = (MAPPED / "story.yaml").read_text(encoding="utf-8")
MAPPED_SCENES = (MAPPED / "scenes.yaml").read_text(encoding="utf-8")
CODE = re.compile(r"[a-z]+(-[a-z]+)*")

FIELD_NAMES = sorted({name for table in vars(storyformat).values() if isinstance(table, dict)
                      for name in table if isinstance(name, str)})
WORDS = ["gate", "hall", "guard_end", "cadet_end", "guard", "cadet", "courage", "has_rifle",
         "companion", "square", "memoir", "shot", "charge", "myth", "archive", "mixed",
         "flag", "number", "text", "hidden", "greyed", "julian", "gregorian", "true", "false",
         "yes", "no", "~", "21:40", "25:00", "1917-10-25 20:00", "courage > 1",
         "role == \"cadet\"", "visited(hall) and not has_rifle", "((", "{courage}", "{",
         "}}", "{nobody}", "It is {clock}.", "-5", "0", "99999999999999999999", "1.5", ""]

scalars = st.one_of(st.sampled_from(WORDS), st.text(max_size=12), st.integers(),
                    st.booleans(), st.none())
keys = st.one_of(st.sampled_from(FIELD_NAMES + WORDS[:12]), st.text(max_size=8))
yaml_data = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)

LOADS = settings(max_examples=80, deadline=None)


def load(manifest: str, scenes: str) -> Story | None:
    """The story, or None after checking the ``StoryError`` is well formed."""
    files = [SourceFile("story.yaml", manifest, "story.yaml"),
             SourceFile("scenes.yaml", scenes, "scenes.yaml")]
    try:
        return parse_story(files)
    except StoryError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.loc is not None, str(diagnostic)
            assert diagnostic.loc.file in ("story.yaml", "scenes.yaml")
            assert diagnostic.loc.line >= 1 and diagnostic.loc.column >= 1
            assert diagnostic.message and CODE.fullmatch(diagnostic.code)
        return None


def dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)


@LOADS
@given(st.text(max_size=300))
def test_any_text_as_a_scene_file(text):
    load(MANIFEST_TEXT, text)


@LOADS
@given(st.text(max_size=300))
def test_any_text_as_the_manifest(text):
    load(text, SCENES_TEXT)


@LOADS
@given(yaml_data)
def test_yaml_shaped_data_as_a_scene_file(data):
    story = load(MANIFEST_TEXT, dump(data))
    if story is not None:
        play_a_little(story, random.Random(0))


@LOADS
@given(st.dictionaries(st.sampled_from(sorted(storyformat.MANIFEST_FIELDS)), yaml_data,
                       max_size=8))
def test_yaml_shaped_data_as_the_manifest(data):
    load(dump(data), SCENES_TEXT)


def _without(data: Any, path: tuple[Any, ...]) -> Any:
    *parent, last = path
    container = _at(data, tuple(parent))
    copy = dict(container) if isinstance(container, dict) else list(container)
    del copy[last]
    return replaced(data, tuple(parent), copy)


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """A good file with one to three changes: a value replaced by a word the format knows
    (which often keeps the story loadable, and so reaches the engine) or by anything
    YAML-shaped, or a field or item removed."""
    data = yaml.safe_load(text)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(places(data)))
        change = draw(st.sampled_from(["word", "data", "remove"]))
        if change == "remove" and path:
            data = _without(data, path)
        else:
            value = draw(st.sampled_from(WORDS) if change == "word" else yaml_data)
            data = replaced(data, path, value)
    return dump(data)


@settings(max_examples=150, deadline=None)
@given(mutated(SCENES_TEXT), st.integers(min_value=0, max_value=9))
def test_a_good_scene_file_with_partsreplaced(scenes, seed):
    story = load(MANIFEST_TEXT, scenes)
    if story is not None:
        play_a_little(story, random.Random(seed))


@settings(max_examples=100, deadline=None)
@given(mutated(MANIFEST_TEXT), st.integers(min_value=0, max_value=9))
def test_a_good_manifest_with_partsreplaced(manifest, seed):
    story = load(manifest, SCENES_TEXT)
    if story is not None:
        play_a_little(story, random.Random(seed))


@settings(max_examples=100, deadline=None)
@given(mutated(MAPPED_MANIFEST), st.integers(min_value=0, max_value=9))
def test_a_manifest_with_maps_with_partsreplaced(manifest, seed):
    story = load(manifest, MAPPED_SCENES)
    if story is not None:
        play_a_little(story, random.Random(seed))
