"""The story model as plain data: every field of every model class survives the trip,
and data that does not fit the model is refused, never decoded into something else."""

from __future__ import annotations

import dataclasses
import enum
import marshal
import types
import typing
from collections.abc import Callable, Iterator, Mapping

import pytest

from palace import expr
from palace.clock import Calendar, ClockConfig, Date
from palace.model import Condition, Story
from palace.modelcodec import Codec, CodecError


CLOCK = ClockConfig(Date(1917, 10, 25), 18 * 60, Calendar.JULIAN)


def story_codec() -> Codec:
    def finish(values: dict[str, object]) -> None:
        values["evaluate"] = expr.compile_node(typing.cast(expr.Node, values["tree"]), CLOCK)

    return Codec({Condition: finish})


def model_classes() -> list[type]:
    """Every dataclass the story model is made of, found from ``Story``'s type hints."""
    found: dict[type, None] = {}

    def visit(hint: object) -> None:
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            if hint in found:
                return
            found[hint] = None
            for field_hint in typing.get_type_hints(hint).values():
                visit(field_hint)
        for argument in typing.get_args(hint):
            visit(argument)

    visit(Story)
    return list(found)


def sample(hint: object) -> object:
    """A value of type ``hint`` unlike any field's default: empty, zero, false or first."""
    if hint is str:
        return "text"
    if hint is bool:
        return True
    if hint is int:
        return 7
    if hint is float:
        return 1.5
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return list(hint)[-1]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: sample(hints[f.name]) for f in dataclasses.fields(hint)})
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        chosen = [a for a in arguments if a is not type(None)]
        return sample(chosen[0])
    if origin is tuple:
        if arguments[-1:] == (Ellipsis,):
            return (sample(arguments[0]),)
        return tuple(sample(a) for a in arguments)
    if origin is frozenset:
        return frozenset({sample(arguments[0])})
    if origin in (Mapping, dict):
        return {sample(arguments[0]): sample(arguments[1])}
    if origin is Callable:
        return lambda _state: True
    raise AssertionError(f"no sample for {hint!r}")


def round_trip(codec: Codec, hint: object, value: object) -> object:
    data = marshal.dumps(codec.encoder(hint)(value))
    return codec.decoder(hint)(marshal.loads(data))


def stored_fields(cls: type) -> Iterator[dataclasses.Field[object]]:
    return (f for f in dataclasses.fields(cls) if f.compare)


@pytest.mark.parametrize("cls", model_classes(), ids=lambda cls: cls.__name__)
def test_every_field_of_every_model_class_survives_the_trip(cls):
    value = sample(cls)
    for field in stored_fields(cls):
        assert getattr(value, field.name) != field.default, f"{field.name} sample is default"
    decoded = round_trip(story_codec(), cls, value)
    assert type(decoded) is cls
    for field in stored_fields(cls):
        assert getattr(decoded, field.name) == getattr(value, field.name), field.name


def test_model_classes_cover_the_whole_model():
    names = {cls.__name__ for cls in model_classes()}
    assert {"Story", "Scene", "Choice", "Condition", "Passage", "Template", "Slot", "Binary",
            "Call", "SourceLoc", "ClockConfig", "MigrationRule", "Telling"} <= names


class TestConditions:
    def test_a_condition_is_stored_as_its_tree_and_compiled_again(self):
        tree = expr.parse("courage >= 2 and not visited(hall)")
        condition = Condition("courage >= 2 and not visited(hall)", tree,
                              expr.compile_node(tree, CLOCK))
        decoded = round_trip(story_codec(), Condition, condition)
        assert decoded == condition
        assert isinstance(decoded, Condition)
        assert decoded.evaluate is not condition.evaluate

    def test_every_kind_of_node_keeps_its_kind(self):
        tree = expr.parse('-(clock - 21:40) < 3 or visits(hall) + 1 == 2 or role != "cadet"')
        decoded = round_trip(story_codec(), expr.Node, tree)
        assert decoded == tree
        kinds = {type(node).__name__ for node in expr.names_in(typing.cast(expr.Node,
                                                                           decoded))}
        assert kinds == {"Binary", "Negate", "Name", "TimeOfDay", "Call", "Literal"}

    def test_a_derived_field_without_a_hook_is_refused(self):
        with pytest.raises(TypeError, match=r"Condition\.evaluate is not compared"):
            Codec().decoder(Condition)


class TestRefusals:
    """What does not fit the model raises CodecError: no wrong story, no crash."""

    @pytest.mark.parametrize(("hint", "raw"), [
        (int, True),
        (bool, 1),
        (str, b"text"),
        (tuple[str, ...], ["a"]),
        (tuple[str, ...], ("a", 1)),
        (tuple[int, int], (1, 2, 3)),
        (Mapping[str, int], {"a": "b"}),
        (expr.Type, "colour"),
        (str | None, 3),
        (ClockConfig, (("1917", 10, 25), 1080, "julian")),
        (ClockConfig, ((1917, 10, 25), 1080)),
        (expr.Node, (9, ("x", 0))),
        (expr.Node, ("x", 0)),
    ])
    def test_data_of_the_wrong_shape_is_refused(self, hint, raw):
        with pytest.raises(CodecError):
            story_codec().decoder(hint)(raw)

    def test_a_code_object_is_refused_not_run(self):
        code = compile("print('ran')", "<cache>", "exec")
        with pytest.raises(CodecError, match="found code"):
            story_codec().decoder(str)(marshal.loads(marshal.dumps(code)))

    def test_a_type_the_codec_does_not_know_is_refused_when_planned(self):
        with pytest.raises(TypeError, match="cannot store"):
            Codec().encoder(list[str])

    def test_an_enum_beside_its_own_value_type_stays_an_enum(self):
        codec = Codec()
        hint = str | expr.Type
        assert round_trip(codec, hint, expr.Type.TEXT) is expr.Type.TEXT
        assert round_trip(codec, hint, "text") == "text"
        assert type(round_trip(codec, hint, "text")) is str
