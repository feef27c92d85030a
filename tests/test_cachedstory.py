"""A story as the cache stores it: its entries decoded when first used, in order."""

from __future__ import annotations

import marshal

import pytest

from palace.cachedstory import LazyMapping


class TestLazyMapping:
    def mapping(self) -> LazyMapping:
        entries: dict[str, object] = {k: marshal.dumps(k.upper()) for k in ("a", "b", "c")}
        return LazyMapping(entries, lambda raw: raw, lambda: {})

    def test_values_keep_the_stored_order_whatever_was_asked_first(self):
        mapping = self.mapping()
        assert mapping["c"] == "C"
        assert list(mapping.values()) == ["A", "B", "C"]
        assert next(iter(mapping.items())) == ("a", "A")

    def test_an_unknown_key_is_a_key_error_not_a_rebuild(self):
        mapping = self.mapping()
        with pytest.raises(KeyError):
            mapping["z"]
        assert "z" not in mapping
        assert mapping.get("z") is None
        assert dict(mapping) == {"a": "A", "b": "B", "c": "C"}
