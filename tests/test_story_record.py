"""The shipped story's record of sources and its beats: enough documents, each citing
a real work, short and distinctly titled; every beat of the design notes present, with
sources behind both its tellings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from palace.errors import StoryError
from palace.loader import SourceFile, load_story, parse_story, read_story_files
from palace.model import Story
from palace.resources import shipped_story
from palace.storyformat import MANIFEST


ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "story-design.md"
STORY = shipped_story()

# The files this record's authors keep: the beats and the record folder.
RECORD_FILES = ("beats.yaml", "record/")

MIN_DOCUMENTS = 40
MAX_WORDS = 250
MIN_COMPARISONS = 4
_BEAT_ROW = re.compile(r"^\| `([a-z][a-z0-9_]*)` \|")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“])")


def _is_record_file(relative: str) -> bool:
    return relative == RECORD_FILES[0] or relative.startswith(RECORD_FILES[1])


def _relative(file: str) -> str:
    try:
        return Path(file).resolve().relative_to(STORY.resolve()).as_posix()
    except ValueError:
        return file


def _stub_for_role_starts(manifest: SourceFile) -> SourceFile:
    """Ending scenes standing in for the roles' first scenes, so that the record can be
    checked while another author's scenes are half written."""
    header = yaml.safe_load(manifest.text)
    location = next(iter(header["locations"]))
    starts = sorted({role["start"] for role in header["roles"].values()})
    scenes = [{"id": start, "title": "stub", "location": location, "text": "stub",
               "ending": {"id": f"{start}_stub", "title": "stub", "kind": "archive"}}
              for start in starts]
    return SourceFile("record-check-stub.yaml", yaml.safe_dump({"scenes": scenes}),
                      "zz_record_check_stub.yaml")


def _load() -> Story:
    try:
        return load_story(STORY)
    except StoryError as error:
        ours = [d for d in error.diagnostics
                if d.loc is not None and _is_record_file(_relative(d.loc.file))]
        assert not ours, "\n".join(map(str, ours))
    # The errors are in other authors' files: check the record on its own.
    files, problems = read_story_files(STORY)
    assert not problems, "\n".join(map(str, problems))
    manifest = next(f for f in files if f.relative == MANIFEST)
    ours_only = [f for f in files if _is_record_file(f.relative)]
    return parse_story([manifest, *ours_only, _stub_for_role_starts(manifest)])


@pytest.fixture(scope="module")
def story() -> Story:
    return _load()


def _design_beat_ids() -> list[str]:
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## The beats", 1)[1].split("\n## ", 1)[0]
    return [m[1] for line in section.splitlines() if (m := _BEAT_ROW.match(line))]


def _words(text: str) -> int:
    return len(text.split())


class TestDocuments:
    def test_there_are_enough(self, story: Story):
        assert len(story.documents) >= MIN_DOCUMENTS

    def test_every_source_names_a_work(self, story: Story):
        for doc in story.documents.values():
            source = doc.source.strip()
            assert source, doc.id
            assert _words(source) >= 4, f"{doc.id}: '{source}' is too thin to be a citation"
            assert not source.startswith(("http", "www.")), f"{doc.id}: cite the work, not a URL"
            assert re.search(r"[A-Z][a-z]", source), f"{doc.id}: no author or title in '{source}'"

    def test_seed_texts_are_cited_as_seeds(self, story: Story):
        seeds = [d for d in story.documents.values() if d.id.startswith("seed_")]
        assert seeds
        for doc in seeds:
            assert "(seed text)" in doc.source, doc.id

    def test_ids_name_a_source_and_a_subject(self, story: Story):
        for doc_id in story.documents:
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", doc_id), doc_id

    def test_every_document_has_a_kind_and_a_date(self, story: Story):
        for doc in story.documents.values():
            assert doc.kind.strip(), doc.id
            assert doc.date.strip(), doc.id

    def test_no_text_is_too_long(self, story: Story):
        for doc in story.documents.values():
            assert 0 < _words(doc.text) <= MAX_WORDS, f"{doc.id}: {_words(doc.text)} words"

    def test_at_most_one_quotation_each(self, story: Story):
        for doc in story.documents.values():
            marks = doc.text.count('"') + doc.text.count("“")
            assert marks <= 2, f"{doc.id} quotes more than once"

    def test_titles_are_distinct(self, story: Story):
        seen: dict[str, str] = {}
        for doc in story.documents.values():
            key = doc.title.strip().casefold()
            assert key not in seen, f"{doc.id} and {seen[key]} share the title '{doc.title}'"
            seen[key] = doc.id

    def test_disagreements_are_set_side_by_side(self, story: Story):
        comparisons = [d for d in story.documents.values() if d.kind == "comparison"]
        assert len(comparisons) >= MIN_COMPARISONS


class TestBeats:
    def test_the_design_lists_the_beats(self):
        assert len(_design_beat_ids()) >= 20

    def test_every_designed_beat_exists(self, story: Story):
        missing = set(_design_beat_ids()) - set(story.beats)
        assert not missing, sorted(missing)

    def test_no_beat_is_undesigned(self, story: Story):
        extra = set(story.beats) - set(_design_beat_ids())
        assert not extra, sorted(extra)

    @pytest.mark.parametrize("account", ["myth", "archive"])
    def test_every_telling_has_text_and_sources(self, story: Story, account: str):
        for beat in story.beats.values():
            telling = getattr(beat, account)
            assert telling.text.strip(), f"{beat.id}.{account}"
            assert telling.sources, f"{beat.id}.{account} names no source"
            for source in telling.sources:
                assert source in story.documents, f"{beat.id}.{account}: {source}"

    @pytest.mark.parametrize("account", ["myth", "archive"])
    def test_tellings_are_one_to_three_sentences(self, story: Story, account: str):
        for beat in story.beats.values():
            text = getattr(beat, account).text.strip()
            sentences = len(_SENTENCE_END.split(text))
            assert 1 <= sentences <= 3, f"{beat.id}.{account}: {sentences} sentences"

    def test_myth_and_archive_rest_on_different_documents(self, story: Story):
        for beat in story.beats.values():
            assert set(beat.myth.sources) != set(beat.archive.sources), beat.id

    def test_the_archive_is_not_told_by_the_seeds(self, story: Story):
        # The seed texts repeat the legend; the archive rests on testimony and historians.
        for beat in story.beats.values():
            assert any(not s.startswith("seed_") for s in beat.archive.sources), beat.id
