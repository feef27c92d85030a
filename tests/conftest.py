"""Shared fixtures: the small stories under tests/stories and helpers to load them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings

from palace.loader import load_story
from palace.model import Story


STORIES = Path(__file__).parent / "stories"

# Property tests draw the same examples on every run, so the suite passes or fails the
# same way everywhere; the fuzzer (tests/fuzz) is the tool for searching further.
settings.register_profile("palace", derandomize=True, deadline=None)
settings.load_profile("palace")


@pytest.fixture(scope="session")
def tiny_story() -> Story:
    """A two-role story that uses every feature of the format in a few scenes."""
    return load_story(STORIES / "tiny")


@pytest.fixture(scope="session")
def mapped_story() -> Story:
    """A two-role story with maps, beats with historical times and long text."""
    return load_story(STORIES / "mapped")


@pytest.fixture
def stories_dir() -> Path:
    return STORIES


@pytest.fixture(scope="session")
def story_named() -> Callable[[str], Story]:
    """Load a fixture story by its folder under tests/stories (each at most once):
    the checks' fixtures are named after what they show, e.g. ``dead_end``."""
    return cache(lambda name: load_story(STORIES / name))


@pytest.fixture(autouse=True)
def _saves_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every game a test plays, in this process or a child, saves (and caches compiled
    stories) in folders of its own, never in the checkout or the home folder."""
    monkeypatch.setenv("PALACE_SAVES", str(tmp_path_factory.mktemp("saves")))
    monkeypatch.setenv("PALACE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
