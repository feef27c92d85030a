"""The undo history: the states before the player's last choices, and how a save stores them.

The history is a tuple of ``GameState`` (oldest first), kept by the session, not
the engine, and bounded to ``UNDO_LIMIT`` steps. A save stores it compactly:
the current state in full, then one *patch* per step back, each holding only
what differs from the state after it (a choice changes a few variables, one
visit count, the clock). Patches are exact, so undo after loading a save goes
back through precisely the states the player lived, whatever the story does.

Rule: pure. Patches are plain JSON values; reading them checks every type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from palace.checkedjson import Data
from palace.state import GameState, Value
from palace.statecodec import (
    JsonObject,
    entry_from_json,
    entry_to_json,
    variables_from_json,
    visits_from_json,
)


UNDO_LIMIT = 200
"""How many choices can be taken back, in play and in a save."""


def push(history: tuple[GameState, ...], state: GameState,
         *, limit: int = UNDO_LIMIT) -> tuple[GameState, ...]:
    """The history with ``state`` as its newest step, the oldest dropped beyond ``limit``."""
    return (*history, state)[-limit:] if limit > 0 else ()


def history_to_json(current: GameState, history: Sequence[GameState]) -> list[JsonObject]:
    """Patches from ``current`` back through ``history``, newest first."""
    patches = []
    newer = current
    for older in reversed(history):
        patches.append(_diff(newer, older))
        newer = older
    return patches


def history_from_json(current: GameState, data: Data) -> tuple[GameState, ...]:
    """The history (oldest first) that ``history_to_json`` wrote for ``current``.

    Raises:
        ShapeError: a patch of the wrong shape, with its path.
    """
    states = []
    newer = current
    for patch in data.elements():
        newer = _apply(newer, patch)
        states.append(newer)
    return tuple(reversed(states))


def _same(left: object, right: object) -> bool:
    return type(left) is type(right) and left == right


def _diff(newer: GameState, older: GameState) -> JsonObject:
    patch: JsonObject = {}
    for name in ("role", "scene", "clock"):
        if not _same(getattr(newer, name), getattr(older, name)):
            patch[name] = getattr(older, name)
    for name in ("variables", "visits"):
        if (change := _mapping_diff(getattr(newer, name), getattr(older, name))):
            patch[name] = change
    for name in ("documents", "history"):
        if (change := _sequence_diff(getattr(newer, name), getattr(older, name))):
            patch[name] = change
    accounts = _sequence_diff([entry_to_json(e) for e in newer.accounts],
                              [entry_to_json(e) for e in older.accounts])
    if accounts:
        patch["accounts"] = accounts
    for name in ("read", "taken"):
        if (change := _set_diff(getattr(newer, name), getattr(older, name))):
            patch[name] = change
    return patch


def _mapping_diff(newer: Mapping[str, Any], older: Mapping[str, Any]) -> JsonObject:
    changed = {key: value for key, value in older.items()
               if key not in newer or not _same(newer[key], value)}
    dropped = [key for key in newer if key not in older]
    return {**({"set": changed} if changed else {}), **({"drop": dropped} if dropped else {})}


def _sequence_diff(newer: Sequence[Any], older: Sequence[Any]) -> JsonObject:
    """How to make ``older`` from ``newer``: keep a common start, add the rest. (Items are
    texts or account entries, so plain equality is exact here.)"""
    if list(newer[:len(older)]) == list(older):  # the usual step: a list grew at its end
        keep = len(older)
    else:
        keep = 0
        while keep < min(len(newer), len(older)) and newer[keep] == older[keep]:
            keep += 1
    if keep == len(newer) == len(older):
        return {}
    return {"keep": keep, "add": list(older[keep:])}


def _set_diff(newer: frozenset[str], older: frozenset[str]) -> JsonObject:
    added, dropped = sorted(older - newer), sorted(newer - older)
    return {**({"add": added} if added else {}), **({"drop": dropped} if dropped else {})}


_FIELDS = frozenset({"role", "scene", "clock", "variables", "visits", "documents", "history",
                     "accounts", "read", "taken"})


def _fields(patch: Data, allowed: frozenset[str]) -> dict[str, Data]:
    fields = patch.entries()
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise fields[unknown[0]].fail(f"a patch has no field '{unknown[0]}' here; it may have "
                                      f"{', '.join(sorted(allowed))}")
    return fields


def _apply(newer: GameState, patch: Data) -> GameState:
    fields = _fields(patch, _FIELDS)
    variables: Mapping[str, Value] = newer.variables
    if "variables" in fields:
        changed = _apply_mapping(newer.variables, fields["variables"])
        variables = {**changed, **variables_from_json(_set_part(fields["variables"]))}
    visits: Mapping[str, int] = newer.visits
    if "visits" in fields:
        changed_visits = _apply_mapping(newer.visits, fields["visits"])
        visits = {**changed_visits, **visits_from_json(_set_part(fields["visits"]))}
    accounts = newer.accounts
    if "accounts" in fields:
        kept, added = _apply_sequence(newer.accounts, fields["accounts"])
        accounts = (*kept, *(entry_from_json(item) for item in added))
    return GameState(
        role=fields["role"].text() if "role" in fields else newer.role,
        scene=fields["scene"].text() if "scene" in fields else newer.scene,
        clock=fields["clock"].whole(minimum=0) if "clock" in fields else newer.clock,
        variables=variables,
        visits=visits,
        documents=_apply_texts(newer.documents, fields.get("documents")),
        read=_apply_set(newer.read, fields.get("read")),
        accounts=accounts,
        taken=_apply_set(newer.taken, fields.get("taken")),
        history=_apply_texts(newer.history, fields.get("history")),
    )


def _apply_mapping(newer: Mapping[str, Any], patch: Data) -> dict[str, Any]:
    """``newer`` without the keys the patch drops (the keys it sets are added by the caller)."""
    fields = _fields(patch, frozenset({"set", "drop"}))
    dropped = set(fields["drop"].texts()) if "drop" in fields else set()
    return {key: value for key, value in newer.items() if key not in dropped}


def _set_part(patch: Data) -> Data:
    return patch.optional("set") or Data({}, patch.path + ".set")


def _apply_texts(newer: tuple[str, ...], patch: Data | None) -> tuple[str, ...]:
    if patch is None:
        return newer
    kept, added = _apply_sequence(newer, patch)
    return (*kept, *(item.text() for item in added))


def _apply_sequence(newer: Sequence[Any], patch: Data) -> tuple[tuple[Any, ...], list[Data]]:
    _fields(patch, frozenset({"keep", "add"}))
    keep = patch.field("keep")
    count = keep.whole(minimum=0)
    if count > len(newer):
        raise keep.fail(f"keeps {count} items of a list of {len(newer)}")
    return tuple(newer[:count]), patch.field("add").elements()


def _apply_set(newer: frozenset[str], patch: Data | None) -> frozenset[str]:
    if patch is None:
        return newer
    fields = _fields(patch, frozenset({"add", "drop"}))
    added = set(fields["add"].texts()) if "add" in fields else set()
    dropped = set(fields["drop"].texts()) if "drop" in fields else set()
    return frozenset((newer - dropped) | added)
