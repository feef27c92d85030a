"""Transcript tests: walkthroughs replayed through the real game, diffed and blessed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from palace.loader import load_story
from palace.transcripts import bless, compare, find_walkthroughs, replay


WALKTHROUGHS = Path(__file__).parent / "walkthroughs" / "tiny"


@pytest.fixture
def changed_story(tmp_path, stories_dir):
    """The tiny story with one line of the cadet's ending reworded."""
    folder = tmp_path / "story"
    shutil.copytree(stories_dir / "tiny", folder)
    scenes = folder / "scenes.yaml"
    scenes.write_text(scenes.read_text().replace("You give up your rifle.",
                                                 "You hand over your rifle."))
    return load_story(folder)


def test_every_recorded_walkthrough_still_plays_the_same(tiny_story):
    walkthroughs = find_walkthroughs(WALKTHROUGHS)
    assert [w.name for w in walkthroughs] == ["cadet_surrender", "guard_charge"]
    for walkthrough in walkthroughs:
        result = compare(tiny_story, walkthrough)
        assert result.passed, result.diff


def test_replay_is_the_plain_transcript_with_answers_echoed(tiny_story):
    text = replay(tiny_story, "2\n1\n")
    assert "Who are you tonight?\n1. Red Guard\n2. Cadet\n> 2\n" in text
    assert "THE END: Surrender" in text
    assert text.endswith("End of input: leaving the night here. The game was not saved. "
                         "Goodbye.\n")


def test_a_wording_change_is_a_unified_diff(changed_story):
    [cadet, _guard] = find_walkthroughs(WALKTHROUGHS)
    result = compare(changed_story, cadet)
    assert not result.passed
    assert result.diff.startswith("--- cadet_surrender.expected\n+++ cadet_surrender (now)\n")
    assert "\n-You give up your rifle.\n+You hand over your rifle.\n" in result.diff


def test_bless_accepts_the_new_transcript(changed_story, tmp_path):
    folder = tmp_path / "walkthroughs"
    shutil.copytree(WALKTHROUGHS, folder)
    [cadet, _guard] = find_walkthroughs(folder)
    bless(compare(changed_story, cadet))
    [cadet, _guard] = find_walkthroughs(folder)
    assert compare(changed_story, cadet).passed
    assert "You hand over your rifle." in cadet.expected_path.read_text()


def test_a_walkthrough_without_an_expected_file_is_not_passed(tiny_story, tmp_path):
    (tmp_path / "new.answers").write_text("1\n")
    [walkthrough] = find_walkthroughs(tmp_path)
    assert walkthrough.expected is None
    assert not compare(tiny_story, walkthrough).passed
