"""Finding the story that ships with Palace, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def shipped_story() -> Path:
    """The folder of the shipped story.

    A wheel carries it inside the package (``palace/story``); a source checkout
    or an editable install keeps it at the top of the repository.
    """
    package = Path(__file__).resolve().parent
    inside = package / "story"
    if (inside / "story.yaml").is_file():
        return inside
    return package.parent.parent / "story"
