"""Shared fixtures: the small stories under tests/stories and helpers to load them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from palace.loader import load_story
from palace.model import Story


STORIES = Path(__file__).parent / "stories"


@pytest.fixture(scope="session")
def tiny_story() -> Story:
    """A two-role story that uses every feature of the format in a few scenes."""
    return load_story(STORIES / "tiny")


@pytest.fixture
def stories_dir() -> Path:
    return STORIES


@pytest.fixture(scope="session")
def story_named() -> Callable[[str], Story]:
    """Load a fixture story by its folder under tests/stories (each at most once):
    the checks' fixtures are named after what they show, e.g. ``dead_end``."""
    return cache(lambda name: load_story(STORIES / name))
