"""Saves from older formats carried forward: one function per step of the save format.

``saveformat`` applies the chain to a document as read from JSON, from its format up
to the current one, before it reads any field. Each step moves fields only; the
reader of the current format checks their types afterwards. A step writes the document
exactly as its target format has it, so it names every field literally (``"palace_save":
1``), not through the current format's constants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from palace.clock import format_hhmm
from palace.statecodec import JsonObject


def _from_0_to_1(old: JsonObject) -> JsonObject:
    """Format 0, a flat record without checksum, fingerprint or undo, to format 1.

    It only moves fields; the format-1 reader checks their types afterwards.
    """
    saved = old.get("saved")
    clock = old.get("clock")
    return {
        "palace_save": 1,
        "story": {"id": old.get("story"), "title": old.get("story"),
                  "version": old.get("story_version"), "fingerprint": ""},
        "saved_at": _moment_from_0(saved),
        "summary": {"role": old.get("role"), "scene": old.get("scene"),
                    "clock": format_hhmm(clock) if isinstance(clock, int) else ""},
        "state": {
            "role": old.get("role"), "scene": old.get("scene"), "clock": clock,
            "variables": old.get("vars"), "visits": old.get("visits"),
            "documents": old.get("documents"), "read": old.get("read"),
            "accounts": _accounts_from_0(old.get("accounts")),
            "taken": old.get("taken"), "history": old.get("history"),
        },
        "undo": [],
    }


def _moment_from_0(saved: Any) -> Any:
    """Format 0 wrote Unix seconds; a number no date can have is left for the reader to
    refuse, as it refuses any other wrong value."""
    if not isinstance(saved, int | float) or isinstance(saved, bool):
        return saved
    try:
        return datetime.fromtimestamp(saved, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return f"{saved} seconds"


def _accounts_from_0(entries: Any) -> Any:
    """Format 0 wrote each account entry as a list, ``[beat, account, scene, clock]``."""
    if not isinstance(entries, list):
        return entries
    return [dict(zip(("beat", "account", "scene", "clock"), item, strict=True))
            if isinstance(item, list) and len(item) == 4 else item for item in entries]


MIGRATIONS: dict[int, Callable[[JsonObject], JsonObject]] = {0: _from_0_to_1}
"""Format N -> the function that turns a format-N document into format N+1."""
