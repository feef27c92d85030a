"""Helpers for the tests of the shipped story's two roles: their scenes by prefix, the
words of their prose, what they tag and unlock, and a recorded path played through."""

from __future__ import annotations

from palace import engine
from palace.model import Scene, Story
from palace.state import GameState


def scenes_of(story: Story, prefix: str) -> dict[str, Scene]:
    return {sid: scene for sid, scene in story.scenes.items() if sid.startswith(prefix)}


def prose_words(scene: Scene) -> int:
    words = 0
    for passage in scene.passages:
        words += len(passage.text.source.split())
        if passage.otherwise is not None:
            words += len(passage.otherwise.source.split())
    return words


def tagged_beats(scenes: dict[str, Scene]) -> set[str]:
    """The beats the scenes, their passages and their choices are tagged with."""
    beats = set()
    for scene in scenes.values():
        if scene.tag is not None:
            beats.add(scene.tag.beat)
        beats.update(p.tag.beat for p in scene.passages if p.tag is not None)
        beats.update(c.tag.beat for c in scene.choices if c.tag is not None)
    return beats


def unlocked_by(scenes: dict[str, Scene]) -> set[str]:
    """The documents the scenes' and their choices' effects unlock."""
    documents: set[str] = set()
    for scene in scenes.values():
        documents.update(scene.effects.unlock)
        for choice in scene.choices:
            documents.update(choice.effects.unlock)
    return documents


def minute(story: Story, hhmm: str) -> int:
    hour, _, mins = hhmm.partition(":")
    return story.clock.resolve_time_of_day(int(hour), int(mins))


def play(story: Story, role: str, path: list[str]) -> tuple[GameState, list[tuple[str, int]]]:
    """Follow ``path`` from the role's start, checking each choice is offered and open;
    return the final state and every (scene, clock) entered on the way."""
    state = engine.start(story, role)
    entered = [(state.scene, state.clock)]
    for step, choice_id in enumerate(path):
        offered = {c.id: c for c in engine.view(story, state).choices}
        assert choice_id in offered, (step, state.scene, choice_id, sorted(offered))
        assert offered[choice_id].available, (step, state.scene, choice_id)
        state = engine.choose(story, state, choice_id)
        entered.append((state.scene, state.clock))
    return state, entered
