"""The shipped story's prose is its own: facts carry over from the sources, sentences
do not. No run of ten words in the story may stand in the project's source documents
(the seeds and the history brief beside the repository), except inside quotation
marks (the record quotes its sources briefly, and says so) and in the names of
institutions too long to say any other way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from palace.loader import load_story
from palace.model import Story
from palace.resources import shipped_story


RUN = 10
SOURCES = Path(__file__).resolve().parent.parent.parent / "shared"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»')
NAMES = ("Second All-Russian Congress of Soviets of Workers' and Soldiers' Deputies",)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _runs(text: str) -> set[tuple[str, ...]]:
    for name in NAMES:
        text = text.replace(name, " ")
    words = _words(text)
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def _story_texts(story: Story) -> Iterator[tuple[str, str]]:
    for scene in story.scenes.values():
        for passage in scene.passages:
            yield scene.id, passage.text.source
            if passage.otherwise is not None:
                yield scene.id, passage.otherwise.source
        for choice in scene.choices:
            yield choice.id, choice.text.source
    for document in story.documents.values():
        yield document.id, document.text
    for beat in story.beats.values():
        yield beat.id, f"{beat.myth.text} {beat.archive.text}"


@pytest.mark.skipif(not (SOURCES / "history.md").is_file(),
                    reason="the project's source documents are not beside the repository")
def test_no_ten_words_in_a_row_come_from_the_sources():
    source_runs: set[tuple[str, ...]] = set()
    for path in [SOURCES / "history.md", *sorted((SOURCES / "seeds").glob("*"))]:
        source_runs |= _runs(path.read_text(encoding="utf-8", errors="replace"))
    copied = [(where, " ".join(run)) for where, text in _story_texts(load_story(shipped_story()))
              for run in sorted(_runs(_QUOTED.sub(" ", text)) & source_runs)]
    assert copied == []
