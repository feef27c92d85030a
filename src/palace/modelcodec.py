"""The story model as plain data and back: the format of the compiled story cache.

``Codec.encoder(hint)`` gives a function that turns a value of that type into nested
tuples, dicts, frozensets, strings and numbers (what ``marshal`` stores), and
``Codec.decoder(hint)`` one that turns such data back. How is worked out once per
type from the dataclass fields and their type hints, so a field added to the model
of a kind it already uses (text, numbers, flags, enums, optional values, tuples,
frozensets, mappings, model classes, unions of these) needs no change here. A kind
it does not know is refused when the codec first meets it, and a test round-trips
every field of every model class to find that out early.

Decoding checks each value against its field's type as it goes and raises
``CodecError`` at the first that does not fit, so damaged or foreign data is
refused, never made into a wrong story; nothing in the data is ever executed.

A field left out of comparison (``Condition.evaluate``) is derived, not stored: the
``Finish`` hook given for its class fills it in from the stored fields.
"""

from __future__ import annotations

import dataclasses
import enum
import operator
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache


Encoder = Callable[[object], object]
Decoder = Callable[[object], object]
Finish = Callable[[dict[str, object]], None]
"""Fills in a class's derived fields, given the stored ones by name."""

_PRIMITIVES = (str, int, bool, float, types.NoneType)
_T = typing.TypeVar("_T")


class CodecError(ValueError):
    """Data that does not fit the model: damaged, foreign, or from another version."""


class Codec:
    """Encoders and decoders for the model's types, made on first use.

    ``finish`` gives, for each class with derived fields, the hook that fills them
    in on decoding; a class with a derived field and no hook is refused.
    """

    def __init__(self, finish: Mapping[type, Finish] | None = None) -> None:
        self._finish = dict(finish or {})
        self._classes: dict[type, _ClassPlan] = {}
        self._codecs: dict[object, tuple[Encoder, Decoder]] = {}

    def encoder(self, hint: object) -> Encoder:
        return self._codec(hint)[0]

    def decoder(self, hint: object) -> Decoder:
        return self._codec(hint)[1]

    def _codec(self, hint: object) -> tuple[Encoder, Decoder]:
        found = self._codecs.get(hint)
        if found is None:
            found = self._codecs[hint] = self._make(hint)
        return found

    def _make(self, hint: object) -> tuple[Encoder, Decoder]:
        if hint in _PRIMITIVES:
            return _identity, _primitive_decoder(typing.cast(type, hint))
        if _is_enum(hint):
            return _enum_codec(typing.cast(type[enum.Enum], hint))
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            plan = self._class_plan(hint)
            return plan.encode, plan.decode
        origin, arguments = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):
            return self._union(arguments)
        if origin is tuple and arguments[-1:] == (Ellipsis,):
            return self._sequence(arguments[0])
        if origin is tuple:
            return self._fixed_tuple(arguments)
        if origin is frozenset:
            return self._frozenset(arguments[0])
        if origin in (Mapping, dict):
            return self._mapping(*arguments)
        raise TypeError(f"the story cache cannot store a value of type {hint!r}")

    def _class_plan(self, cls: type) -> _ClassPlan:
        plan = self._classes.get(cls)
        if plan is None:
            # Registered before its fields are planned: the expression tree is recursive.
            plan = self._classes[cls] = _ClassPlan(cls, self._finish.get(cls))
            plan.plan_fields(self)
        return plan

    def _union(self, members: tuple[object, ...]) -> tuple[Encoder, Decoder]:
        plain = tuple(typing.cast(type, m) for m in members if m in _PRIMITIVES)
        structured = [m for m in members if m not in _PRIMITIVES]
        codecs = [self._codec(m) for m in structured]
        # An enum is stored as its value, which a plain member could be mistaken for.
        ambiguous = bool(plain) and any(_is_enum(m) for m in structured)
        if len(structured) <= 1 and not ambiguous:
            return _untagged_union(plain, codecs[0] if codecs else None)
        return _tagged_union(plain, [_runtime_class(m) for m in structured], codecs)

    def _sequence(self, item: object) -> tuple[Encoder, Decoder]:
        kinds = plain_types(item)
        if kinds is not None:
            return _identity, _plain_sequence_decoder(kinds)
        encode, decode = self._codec(item)

        def decode_tuple(raw: object) -> object:
            return tuple(decode(value) for value in _expect(raw, tuple))

        return (lambda value: tuple(encode(v) for v in typing.cast(tuple[object, ...], value)),
                decode_tuple)

    def _fixed_tuple(self, items: tuple[object, ...]) -> tuple[Encoder, Decoder]:
        encoders = [self.encoder(item) for item in items]
        decoders = [self.decoder(item) for item in items]

        def encode(value: object) -> object:
            values = typing.cast(tuple[object, ...], value)
            return tuple(e(v) for e, v in zip(encoders, values, strict=True))

        def decode(raw: object) -> object:
            values = _expect(raw, tuple)
            if len(values) != len(decoders):
                raise CodecError(f"expected {len(decoders)} values, found {len(values)}")
            return tuple(d(v) for d, v in zip(decoders, values, strict=True))

        return encode, decode

    def _frozenset(self, item: object) -> tuple[Encoder, Decoder]:
        encode, decode = self._codec(item)
        return (lambda value: frozenset(encode(v) for v in typing.cast(frozenset[object], value)),
                lambda raw: frozenset(decode(v) for v in _expect(raw, frozenset)))

    def _mapping(self, key: object, value: object) -> tuple[Encoder, Decoder]:
        encode_key, decode_key = self._codec(key)
        encode_value, decode_value = self._codec(value)

        def encode(mapping: object) -> object:
            items = typing.cast(Mapping[object, object], mapping).items()
            return {encode_key(k): encode_value(v) for k, v in items}

        def decode(raw: object) -> object:
            return {decode_key(k): decode_value(v) for k, v in _expect(raw, dict).items()}

        return encode, decode


class _ClassPlan:
    """How one dataclass is stored: its stored fields, in order, as a tuple.

    Most fields hold plain values (text, numbers, flags, None), stored as they are:
    those are read all at once with ``attrgetter`` and only type-checked, which
    keeps a story of hundreds of thousands of objects quick to encode and decode.
    """

    def __init__(self, cls: type, finish: Finish | None) -> None:
        self.cls = cls
        self.finish = finish
        self.names: tuple[str, ...] = ()
        self.plain: tuple[tuple[int, tuple[type, ...]], ...] = ()
        """(position, the types it may hold) of each field stored as it is."""
        self.structured: tuple[tuple[int, Encoder, Decoder], ...] = ()
        """(position, encoder, decoder) of every other field."""

    def plan_fields(self, codec: Codec) -> None:
        hints = _hints(self.cls)
        fields = [f for f in dataclasses.fields(self.cls) if f.init]
        derived = [f.name for f in fields if not f.compare]
        if derived and self.finish is None:
            raise TypeError(f"{self.cls.__name__}.{derived[0]} is not compared, so the story "
                            "cache does not store it, and no hook derives it")
        self.names = tuple(f.name for f in fields if f.compare)
        plain, structured = [], []
        for position, name in enumerate(self.names):
            kinds = plain_types(hints[name])
            if kinds is not None:
                plain.append((position, kinds))
            else:
                structured.append((position, *codec._codec(hints[name])))
        self.plain, self.structured = tuple(plain), tuple(structured)
        self._get = operator.attrgetter(*self.names) if len(self.names) > 1 else (
            lambda value: (getattr(value, self.names[0]),))

    def encode(self, value: object) -> object:
        values: tuple[object, ...] = self._get(value)
        if not self.structured:
            return values
        stored = list(values)
        for position, encode, _decode in self.structured:
            stored[position] = encode(stored[position])
        return tuple(stored)

    def decode(self, raw: object) -> object:
        values = _expect(raw, tuple)
        if len(values) != len(self.names):
            raise CodecError(f"{self.cls.__name__} has {len(self.names)} stored fields, "
                             f"found {len(values)}")
        for position, kinds in self.plain:
            if type(values[position]) not in kinds:
                raise CodecError(f"{self.cls.__name__}.{self.names[position]} holds a "
                                 f"{type(values[position]).__name__}")
        decoded = list(values)
        for position, _encode, decode in self.structured:
            decoded[position] = decode(decoded[position])
        if self.finish is None:
            return self.cls(*decoded)
        named = dict(zip(self.names, decoded, strict=True))
        self.finish(named)
        return self.cls(**named)


def plain_types(hint: object) -> tuple[type, ...] | None:
    """The types a plain field may hold (text, numbers, flags, None, or a union of
    them), or None for any other field."""
    if hint in _PRIMITIVES:
        return (typing.cast(type, hint),)
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        members = typing.get_args(hint)
        if all(m in _PRIMITIVES for m in members):
            return tuple(typing.cast(type, m) for m in members)
    return None


@cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


def _runtime_class(hint: object) -> type:
    origin = typing.get_origin(hint)
    return typing.cast(type, origin if origin is not None else hint)


def _is_enum(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _expect(raw: object, kind: type[_T]) -> _T:
    if type(raw) is not kind:
        raise CodecError(f"expected {kind.__name__}, found {type(raw).__name__}")
    return raw


def _identity(value: object) -> object:
    return value


def _plain_sequence_decoder(kinds: tuple[type, ...]) -> Decoder:
    def decode(raw: object) -> object:
        values = _expect(raw, tuple)
        for value in values:
            if type(value) not in kinds:
                raise CodecError(f"expected {_names(kinds)}, found {type(value).__name__}")
        return values

    return decode


def _primitive_decoder(kind: type) -> Decoder:
    def decode(raw: object) -> object:
        # Exact types: a flag stored where a number belongs is damage, not a number.
        if type(raw) is not kind:
            raise CodecError(f"expected {kind.__name__}, found {type(raw).__name__}")
        return raw

    return decode


def _enum_codec(kind: type[enum.Enum]) -> tuple[Encoder, Decoder]:
    def decode(raw: object) -> object:
        try:
            return kind(raw)
        except ValueError:
            raise CodecError(f"{raw!r} is not a {kind.__name__}") from None

    return (lambda value: typing.cast(enum.Enum, value).value), decode


def _untagged_union(plain: tuple[type, ...],
                    structured: tuple[Encoder, Decoder] | None) -> tuple[Encoder, Decoder]:
    """A union of primitives and at most one other type: the data's type tells which."""

    def encode(value: object) -> object:
        if type(value) in plain or structured is None:
            return value
        return structured[0](value)

    def decode(raw: object) -> object:
        if type(raw) in plain:
            return raw
        if structured is None:
            raise CodecError(f"expected one of {_names(plain)}, found {type(raw).__name__}")
        return structured[1](raw)

    return encode, decode


def _tagged_union(plain: tuple[type, ...], classes: list[type],
                  codecs: list[tuple[Encoder, Decoder]]) -> tuple[Encoder, Decoder]:
    """A union of several structured types: each value is stored as (member, data)."""

    def encode(value: object) -> object:
        if type(value) in plain:
            return value
        for index, cls in enumerate(classes):
            if isinstance(value, cls):
                return (index, codecs[index][0](value))
        raise TypeError(f"{type(value).__name__} is not in the union")

    def decode(raw: object) -> object:
        if type(raw) in plain:
            return raw
        tagged = _expect(raw, tuple)
        if len(tagged) != 2 or type(tagged[0]) is not int or not 0 <= tagged[0] < len(codecs):
            raise CodecError("a union member is not tagged with its type")
        return codecs[tagged[0]][1](tagged[1])

    return encode, decode


def _names(kinds: tuple[type, ...]) -> str:
    return ", ".join(kind.__name__ for kind in kinds)
