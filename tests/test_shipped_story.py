"""The shipped story under the project's own authoring tools, as CI runs them.

These tests gate the story the way ``.ci/run`` does: the story must load,
``palace check --strict`` must find nothing, ``palace test`` must find no failure,
and every walkthrough under ``tests/transcripts/`` must replay unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from palace.cli import main
from palace.errors import StoryError
from palace.loader import load_story
from palace.resources import shipped_story


TRANSCRIPTS = Path(__file__).parent / "transcripts"


@pytest.fixture(scope="module")
def shipped() -> Path:
    folder = shipped_story()
    try:
        load_story(folder)
    except StoryError as error:
        pytest.fail(f"the shipped story does not load:\n{error.render()}")
    return folder


def test_check_strict_finds_nothing(shipped, capsys):
    code = main(["check", "--strict", str(shipped)])
    assert code == 0, capsys.readouterr().out


def test_random_playtests_find_no_failure(shipped, capsys):
    code = main(["test", str(shipped)])
    assert code == 0, capsys.readouterr().out


def test_recorded_walkthroughs_replay_unchanged(shipped, capsys):
    assert {p.stem for p in TRANSCRIPTS.glob("*.answers")} >= {"red_guard_main", "cadet_main"}
    code = main(["test", str(shipped), "--transcripts", str(TRANSCRIPTS)])
    assert code == 0, capsys.readouterr().out
