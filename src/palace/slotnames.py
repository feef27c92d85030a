"""What may name a save slot: a plain file name that is safe on every system, and the
autosave's slot for each story.

Rule: pure. A name that cannot be a save's is refused with a ``SlotNameError`` saying
why, and what a save name may be.
"""

from __future__ import annotations

import re

from palace.errors import SaveError


AUTOSAVE = "autosave"
"""What the player calls the slot the game saves itself to after every choice."""

MAX_NAME_LENGTH = 64
NAME_RULE = (f"a save name has 1 to {MAX_NAME_LENGTH} letters, digits, spaces and '-', '_' "
             "or '.', and starts with a letter or digit")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]*")
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                           *(f"lpt{n}" for n in range(1, 10))})


def autosave_slot(story_id: str) -> str:
    """The slot a story autosaves to: one per story, so that playing another story from the
    same folder never writes over this one's game."""
    return f"{AUTOSAVE}-{story_id}"[:MAX_NAME_LENGTH].rstrip(".")


class SlotNameError(SaveError):
    """A save name that is not allowed (the player's or the command line's to fix)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="save-name")


def check_slot_name(name: str) -> str:
    """Return ``name`` if it can name a save, or raise ``SlotNameError`` saying why not."""
    reason = name_problem(name)
    if reason is not None:
        shown = repr(name) if len(name) <= 24 else repr(name[:24]) + "…"
        raise SlotNameError(f"{shown} cannot name a save: {reason}; {NAME_RULE}")
    return name


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a save, or None if it can."""
    if not name:
        return "the name is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name)} characters long"
    separator = next((c for c in name if c in "/\\"), None)
    if separator is not None:
        return f"it contains '{separator}', and a save name is a name, not a path"
    if ".." in name:
        return "it contains '..'"
    if name.startswith("."):
        return "it starts with '.', which hides a file"
    if not _NAME.fullmatch(name):
        bad = next((c for c in name[1:] if not _NAME.fullmatch("a" + c)), name[0])
        return f"it contains {bad!r}"
    if name[-1] in ". ":
        return "it ends with a dot or a space"
    if name.partition(".")[0].rstrip(" ").lower() in _DEVICE_NAMES:
        return "it is a reserved device name on Windows"
    return None

