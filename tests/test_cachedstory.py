"""A story as the cache stores it: its entries decoded when first used, in order, and
an entry that does not decode replaced by the story loaded from its files."""

from __future__ import annotations

import marshal

import pytest

from palace.cachedstory import UNREADABLE, LazyMapping, decode_story, encode_story


def lazy_mapping(values: dict[str, str], *, places: dict[str, object] | None = None,
                 fallback: dict[str, object] | None = None) -> LazyMapping:
    """Each value stored as its marshal blob, one after another, as the cache lays them."""
    blobs, entries = b"", {}
    for key, value in values.items():
        blob = marshal.dumps(value)
        entries[key] = (len(blobs), len(blob))
        blobs += blob
    entries.update(places or {})
    return LazyMapping(entries, memoryview(blobs), lambda raw: raw,
                       lambda: fallback if fallback is not None else {})


class TestLazyMapping:
    def test_values_keep_the_stored_order_whatever_was_asked_first(self):
        mapping = lazy_mapping({"a": "A", "b": "B", "c": "C"})
        assert mapping["c"] == "C"
        assert list(mapping.values()) == ["A", "B", "C"]
        assert next(iter(mapping.items())) == ("a", "A")

    def test_an_unknown_key_is_a_key_error_not_a_rebuild(self):
        mapping = lazy_mapping({"a": "A", "b": "B"})
        with pytest.raises(KeyError):
            mapping["z"]
        assert "z" not in mapping
        assert mapping.get("z") is None
        assert dict(mapping) == {"a": "A", "b": "B"}

    @pytest.mark.parametrize("place", [(0, 9999), (-1, 2), ("0", 2), (0,), [0, 2], None])
    def test_an_entry_that_cannot_be_read_gives_the_rebuilt_mapping(self, place):
        rebuilt = {"a": "A from the files", "b": "B from the files"}
        mapping = lazy_mapping({"a": "A"}, places={"b": place}, fallback=rebuilt)
        assert mapping["b"] == "B from the files"
        assert dict(mapping) == rebuilt


def indexed(index: object) -> bytes:
    """A payload with no blobs: ``index`` and its length."""
    data = marshal.dumps(index)
    return data + len(data).to_bytes(8, "big")


class TestPayload:
    @pytest.mark.parametrize("payload", [
        b"", b"short", (10**6).to_bytes(8, "big"), indexed([1]),
        indexed({"eager": {}, "lazy": {}}), indexed({"eager": {}, "lazy": {}, "x": 1}),
    ], ids=["empty", "short", "index-too-long", "not-an-index", "no-fields", "extra-part"])
    def test_a_payload_that_is_not_a_story_is_refused(self, payload):
        with pytest.raises(UNREADABLE):
            decode_story(memoryview(payload), rebuild=lambda: pytest.fail("no rebuild"))

    def test_a_story_survives_the_payload(self, tiny_story):
        payload = memoryview(b"".join(encode_story(tiny_story)))
        assert decode_story(payload, rebuild=lambda: tiny_story) == tiny_story
