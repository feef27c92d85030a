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


@pytest.mark.parametrize("role", ["red_guard", "cadet"])
def test_a_save_whose_scene_is_gone_resumes_at_the_latest_checkpoint(shipped, role):
    """A later version that drops the scene a save was in: the game resumes at the
    latest of the role's checkpoints the night had reached, with what it carried."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from palace import engine
    from palace.resume import resume
    from palace.savegame import make_save

    story = load_story(shipped)
    checkpoints = story.checkpoints[role]
    state = engine.start(story, role)
    for _ in range(40):  # the first choice each time, well into the night
        if state.scene not in checkpoints and sum(state.visits.get(c, 0) > 0
                                                  for c in checkpoints) >= 3:
            break
        state = engine.choose(story, state, engine.available_choices(story, state)[0])
    reached = [c for c in checkpoints if state.visits.get(c)]
    assert len(reached) >= 3 and state.scene not in checkpoints, state.scene
    save = make_save(story, state, (), saved_at=datetime(2026, 11, 23, tzinfo=UTC))
    later = replace(story, version="0.2.0", fingerprint="a later version",
                    scenes={k: v for k, v in story.scenes.items() if k != state.scene})
    resumption = resume(later, save, source="test save")
    assert resumption.moved_from == state.scene
    assert resumption.state.scene == reached[-1]
    assert resumption.state.variables == state.variables
