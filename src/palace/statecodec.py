"""The game state as JSON: ``GameState`` to plain JSON values and back, exactly.

Rule: pure and lossless. Every field of the state is written, sets in sorted
order so a save reads the same each time; reading checks every type and names
the path of the first wrong one. ``state_from_json(state_to_json(s)) == s`` for
every state the engine can make.
"""

from __future__ import annotations

from typing import Any

from palace.checkedjson import Data
from palace.state import Account, AccountEntry, GameState, Value


JsonObject = dict[str, Any]

_ACCOUNTS = tuple(account.value for account in Account)


def state_to_json(state: GameState) -> JsonObject:
    return {
        "role": state.role,
        "scene": state.scene,
        "clock": state.clock,
        "variables": dict(state.variables),
        "visits": dict(state.visits),
        "documents": list(state.documents),
        "read": sorted(state.read),
        "accounts": [entry_to_json(entry) for entry in state.accounts],
        "taken": sorted(state.taken),
        "history": list(state.history),
    }


def state_from_json(data: Data) -> GameState:
    """Read a state written by ``state_to_json``.

    Raises:
        ShapeError: a field is missing or of the wrong type, with its path.
    """
    documents = data.field("documents").texts(unique=True)
    read = data.field("read")
    read_documents = frozenset(read.texts())
    unfound = sorted(read_documents - set(documents))
    if unfound:
        raise read.fail(f'"{unfound[0]}" is marked read but is not among the documents found')
    return GameState(
        role=data.field("role").text(),
        scene=data.field("scene").text(),
        clock=data.field("clock").whole(minimum=0),
        variables=variables_from_json(data.field("variables")),
        visits=visits_from_json(data.field("visits")),
        documents=documents,
        read=read_documents,
        accounts=tuple(entry_from_json(item) for item in data.field("accounts").elements()),
        taken=frozenset(data.field("taken").texts()),
        history=data.field("history").texts(),
    )


def variables_from_json(data: Data) -> dict[str, Value]:
    return {name: value.scalar() for name, value in data.entries().items()}


def visits_from_json(data: Data) -> dict[str, int]:
    return {scene: count.whole(minimum=0) for scene, count in data.entries().items()}


def entry_to_json(entry: AccountEntry) -> JsonObject:
    return {"beat": entry.beat, "account": entry.account.value, "scene": entry.scene,
            "clock": entry.clock}


def entry_from_json(data: Data) -> AccountEntry:
    return AccountEntry(
        beat=data.field("beat").text(),
        account=Account(data.field("account").one_of(_ACCOUNTS)),
        scene=data.field("scene").text(),
        clock=data.field("clock").whole(minimum=0),
    )

