"""The save reader, fed anything: arbitrary bytes, arbitrary JSON, and a real save with
random parts replaced or its bytes damaged. Reading raises only ``SaveError`` with a
message and a code; a save that reads is resumed in its story, and the game it gives
is one the engine can show, or the resume says why not."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesteddata import places, replaced
from palace import engine
from palace.errors import SaveError
from palace.model import Story
from palace.resume import resume
from palace.saveformat import checksum, decode, decode_header, encode
from palace.savegame import SaveGame, make_save
from savehelpers import SAVED_AT, walk


CODE = re.compile(r"save-[a-z]+(-[a-z]+)*")
KEYS = ["palace_save", "story", "id", "title", "version", "fingerprint", "saved_at",
        "summary", "role", "scene", "clock", "state", "variables", "visits", "documents",
        "read", "accounts", "beat", "account", "taken", "history", "undo", "set", "drop",
        "keep", "add", "checksum", "courage", "has_rifle", "gate", "hall", "memoir", "guard"]
WORDS = ["guard", "cadet", "gate", "hall", "memoir", "charge", "shot", "myth", "archive",
         "gate.gate", "gate.hall", "2026-11-23T09:30:15+00:00", "2026-11-23", "tiny",
         "sha256:", ""]

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                         st.sampled_from(WORDS), st.text(max_size=10))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.sampled_from(KEYS),
                                                         st.text(max_size=6)),
                                               children, max_size=5)),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def sample(tiny_story: Story) -> SaveGame:
    state, undo = walk(tiny_story, "guard", [0, 1, 100])
    return make_save(tiny_story, state, undo, saved_at=SAVED_AT)


def read(data: bytes, story: Story | None = None) -> None:
    """Read ``data`` as every reader does; resume and show it in ``story`` if it reads."""
    for reader in (decode, decode_header):
        try:
            reader(data, source="s.json")
        except SaveError as error:
            assert str(error).startswith("s.json") and CODE.fullmatch(error.code), error
    if story is None:
        return
    try:
        save = decode(data, source="s.json").save
        resumption = resume(story, save, source="s.json")
    except SaveError as error:
        assert CODE.fullmatch(error.code) and str(error), error
        return
    engine.view(story, resumption.state)
    for state in resumption.undo:
        engine.view(story, state)


@settings(max_examples=150)
@given(st.binary(max_size=300))
def test_any_bytes(data):
    read(data)


@settings(max_examples=150)
@given(json_values)
def test_any_json(value):
    read(json.dumps(value).encode())


@settings(max_examples=150)
@given(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8),
       st.sampled_from([0, 1, 2]))
def test_any_json_object_marked_as_a_save(document, version):
    read(json.dumps({**document, "palace_save": version}).encode())


@settings(max_examples=250)
@given(st.data(), st.booleans())
def test_a_real_save_with_parts_replaced(sample, tiny_story, data, sealed):
    """With ``sealed``, the checksum is made to match, so the reader's type checks and
    the resume see the change; without it, the checksum must catch it."""
    document = json.loads(encode(sample))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from([p for p in places(document) if p != ("checksum",)]))
        document = replaced(document, path, data.draw(st.one_of(
            st.sampled_from(WORDS), st.integers(min_value=-2, max_value=3000), json_values)))
    if sealed and isinstance(document, dict):
        document["checksum"] = checksum(document)
    read(json.dumps(document).encode(), tiny_story)


@settings(max_examples=150)
@given(st.data())
def test_a_real_save_with_damaged_bytes(sample, tiny_story, data):
    raw = bytearray(encode(sample).encode())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        at = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip":
            raw[at] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
        elif action == "cut":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        else:
            del raw[at]
        if not raw:
            break
    read(bytes(raw), tiny_story)
