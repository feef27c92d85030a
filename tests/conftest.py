"""Shared fixtures: the small stories under tests/stories and helpers to load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from palace.loader import load_story
from palace.model import Story


STORIES = Path(__file__).parent / "stories"


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
