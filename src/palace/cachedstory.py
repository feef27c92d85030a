"""A story as the compiled story cache stores it, and as it comes back.

The story's fields go through ``modelcodec``; its mappings of ids to model objects
(scenes, documents, ...) are stored entry by entry, each its own ``marshal`` blob,
and decoded when first used, so a player's start decodes the few scenes it shows,
not all of them. Conditions are stored as their trees and compiled again, never
parsed. Data that does not fit the model raises, and ``storycache`` then loads
the story from its files instead.

The payload: the blobs, one after another; the index (the story's fields, and for
each entry where its blob lies); and the index's length, in 8 bytes. Blobs come
first so that they can be written as they are made, one at a time; entries are
decoded straight from the file's bytes, never copied out of them first.
"""

from __future__ import annotations

import dataclasses
import marshal
import typing
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from functools import partial

from palace import expr
from palace.clock import ClockConfig
from palace.collector import collector_paused
from palace.model import Condition, Story
from palace.modelcodec import Codec, CodecError, Finish


UNREADABLE = (CodecError, ValueError, TypeError, EOFError, RecursionError)
"""What damaged data raises from ``marshal.loads`` or the decoder."""
_LENGTH = 8


def encode_story(story: Story) -> Iterator[bytes]:
    """``story`` as the parts of a payload, made one at a time as they are written."""
    hints = _story_hints()
    codec = _codec(story.clock)
    eager: dict[str, object] = {}
    lazy: dict[str, dict[str, tuple[int, int]]] = {}
    offset = 0
    for field in dataclasses.fields(Story):
        name, value = field.name, getattr(story, field.name)
        if not _is_entry_mapping(hints[name]):
            eager[name] = codec.encoder(hints[name])(value)
            continue
        encode = codec.encoder(typing.get_args(hints[name])[1])
        lazy[name] = {}
        for key, entry in value.items():
            blob = marshal.dumps(typing.cast(typing.Any, encode(entry)))
            lazy[name][key] = (offset, len(blob))
            offset += len(blob)
            yield blob
    index = marshal.dumps({"eager": eager, "lazy": lazy})
    yield index
    yield len(index).to_bytes(_LENGTH, "big")


def decode_story(payload: memoryview, *, rebuild: Callable[[], Story]) -> Story:
    """The story ``encode_story`` wrote into ``payload``; its entries are decoded when
    first used, and ``rebuild`` loads the story from its files should one turn out
    damaged.

    Raises:
        CodecError: (or another of ``UNREADABLE``) the data is not such a story.
    """
    size = int.from_bytes(payload[-_LENGTH:], "big")
    if not _LENGTH + size <= len(payload):
        raise CodecError("the index runs past the start of the payload")
    blobs = payload[:len(payload) - _LENGTH - size]
    raw = marshal.loads(payload[len(blobs):-_LENGTH])
    if type(raw) is not dict or set(raw) != {"eager", "lazy"}:
        raise CodecError("not a story cache payload")
    eager, lazy = raw["eager"], raw["lazy"]
    hints = _story_hints()
    if type(eager) is not dict or type(lazy) is not dict or set(eager) | set(lazy) != set(
            hints) or set(eager) & set(lazy):
        raise CodecError("the cached story's fields are not this Palace's")
    clock = Codec().decoder(hints["clock"])(eager["clock"])
    if not isinstance(clock, ClockConfig):
        raise CodecError("the story's clock is not a clock")
    codec = _codec(clock)
    values: dict[str, object] = {}
    for name, data in eager.items():
        values[name] = codec.decoder(hints[name])(data)
    fallback = _Rebuild(rebuild)
    for name, entries in lazy.items():
        if not _is_entry_mapping(hints[name]) or type(entries) is not dict:
            raise CodecError(f"field '{name}' is not stored entry by entry here")
        decode = codec.decoder(typing.get_args(hints[name])[1])
        values[name] = LazyMapping(entries, blobs, decode, partial(fallback.field, name))
    return Story(**typing.cast(dict[str, typing.Any], values))


def decode_all(story: Story) -> None:
    """Decode every entry of ``story``'s mappings that is still waiting to be."""
    for field in dataclasses.fields(story):
        value = getattr(story, field.name)
        if isinstance(value, LazyMapping):
            value.decode_all()


class LazyMapping(Mapping[str, object]):
    """A read-only mapping of ids to model objects decoded from the cache on first use.

    Once every entry is decoded it answers as fast as a dict: the engine looks up
    scenes at every step. An entry that fails to decode (possible only for a file
    crafted to pass the checksum) is not trusted: the whole mapping is taken from
    the story loaded from its files instead.
    """

    def __init__(self, entries: dict[str, object], blobs: memoryview,
                 decode: Callable[[object], object],
                 fallback: Callable[[], Mapping[str, object]]) -> None:
        """``entries`` gives, for each id, where its blob lies in ``blobs``."""
        self._entries = entries
        self._blobs = blobs
        self._decode = decode
        self._fallback = fallback
        self._decoded: dict[str, object] = {}
        self._complete = not entries

    def __getitem__(self, key: str) -> object:
        try:
            return self._decoded[key]
        except KeyError:
            value = self._decoded[key] = self._decode_entry(key)
            return value

    def _decode_entry(self, key: str) -> object:
        where = self._entries[key]  # a KeyError here is the caller's: no such entry
        try:
            if (type(where) is not tuple or len(where) != 2
                    or not all(type(n) is int and n >= 0 for n in where)):
                raise CodecError("an entry's place is not two counts")
            start, length = where
            if start + length > len(self._blobs):
                raise CodecError("an entry runs past the end of the file")
            return self._decode(marshal.loads(self._blobs[start:start + length]))
        except UNREADABLE:
            rebuilt = self._fallback()
            self._entries = dict.fromkeys(rebuilt)
            self._decoded = dict(rebuilt)
            self._complete = True
            return self._decoded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def decode_all(self) -> None:
        """Decode every entry not decoded yet, as the tools that walk the story need."""
        if self._complete:
            return
        with collector_paused():
            for key in self._entries:
                self[key]
        # In the stored order, whatever order the entries were first asked for in.
        self._decoded = {key: self._decoded[key] for key in self._entries}
        self._complete = True

    def values(self) -> ValuesView[object]:
        self.decode_all()
        return self._decoded.values()

    def items(self) -> ItemsView[str, object]:
        self.decode_all()
        return self._decoded.items()

    def __repr__(self) -> str:
        return f"LazyMapping({len(self._entries)} entries, {len(self._decoded)} decoded)"


class _Rebuild:
    """The story from its files, loaded at most once, for entries that fail to decode."""

    def __init__(self, load: Callable[[], Story]) -> None:
        self._load = load
        self._story: Story | None = None

    def field(self, name: str) -> Mapping[str, object]:
        if self._story is None:
            self._story = self._load()
        value: Mapping[str, object] = getattr(self._story, name)
        return value


def _story_hints() -> dict[str, object]:
    return typing.get_type_hints(Story)


def _is_entry_mapping(hint: object) -> bool:
    """A mapping of ids to model objects: stored and decoded entry by entry."""
    arguments = typing.get_args(hint)
    return (typing.get_origin(hint) is Mapping and len(arguments) == 2
            and arguments[0] is str and dataclasses.is_dataclass(arguments[1]))


def _codec(clock: ClockConfig) -> Codec:
    return Codec({Condition: _condition_finisher(clock)})


def _condition_finisher(clock: ClockConfig) -> Finish:
    """Conditions are stored as their trees; each distinct one is compiled again (not
    parsed) once, and conditions with the same source share tree and evaluator, as
    they do when loaded from YAML."""
    known: dict[object, tuple[object, object]] = {}

    def finish(values: dict[str, object]) -> None:
        shared = known.get(values["source"])
        if shared is None:
            tree = typing.cast(expr.Node, values["tree"])
            shared = known[values["source"]] = (tree, expr.compile_node(tree, clock))
        values["tree"], values["evaluate"] = shared

    return finish
