"""Reading a scene's choices, and the ids that name them.

A choice is named by its scene and target (``gate.hall``), or by its scene and an
``id`` of its own; a second choice to the same target becomes ``gate.hall.2``, and
an own id given twice is an error. Which choices survive to be counted depends on
whether their targets exist, and those may be declared by a later file: when that
could change what is reported, the count is made again once every file is read.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from palace.effectsreader import EffectsReader
from palace.errors import Diagnostic, Severity, SourceLoc
from palace.model import NO_EFFECTS, Choice, Visibility
from palace.refreader import RefReader
from palace.storyformat import CHOICE_FIELDS
from palace.yamlsource import FileReader


_VISIBILITIES = frozenset(v.value for v in Visibility)


class ChoiceReader:
    """Reads the choices of one file's scenes."""

    def __init__(self, reader: FileReader, refs: RefReader, effects: EffectsReader,
                 roles: Collection[str]) -> None:
        self.reader = reader
        self.refs = refs
        self.effects = effects
        self.roles = roles

    def choices(self, node: Node, scene_id: str) -> tuple[Choice, ...]:
        """The scene's ``choices`` list (``node``), each with its id."""
        items = self.reader.sequence(node, "choices")
        if not items and isinstance(node, SequenceNode):
            self.reader.error(node, f"scene '{scene_id}' has an empty choices list; add a "
                              "choice or use 'next' or 'ending'", "missing-field")
        read = []
        for number, item in enumerate(items, start=1):
            choice = self._choice(item, scene_id, number)
            if choice is not None:
                read.append((choice, item))
        given = choice_ids([(choice.id, item) for choice, item in read], _has_explicit_id)
        if None in given:
            self._report_twice(scene_id, read, given)
        return tuple(choice if got == choice.id else replace(choice, id=got)
                     for (choice, _item), got in zip(read, given, strict=True) if got is not None)

    def _report_twice(self, scene_id: str, read: list[tuple[Choice, Node]],
                      given: list[str | None]) -> None:
        scenes = self.refs.names.ids.scenes
        if any(choice.target not in scenes for choice, _item in read):
            # Which ids are taken twice depends on which choices survive, and one to
            # a scene that is never declared does not: count again at the end.
            wanted = tuple((choice.id, _has_explicit_id(item), self.reader.loc(item),
                            choice.target) for choice, item in read)
            self.refs.names.forward.defer(_LateChoiceIds(scene_id, wanted, scenes))
            return
        for (choice, item), got in zip(read, given, strict=True):
            if got is None:
                self.reader.error(item, _used_twice(choice.id, scene_id), "duplicate-id")

    def _choice(self, node: Node, scene_id: str, number: int) -> Choice | None:
        reader, refs = self.reader, self.refs
        found = reader.fields(node, f"choice {number} of scene '{scene_id}'", CHOICE_FIELDS)
        if found is None:
            return None
        # A choice is named by its target unless given an id, so saves that remember
        # it survive choices being added or reordered around it.
        target_word = found["to"].value if isinstance(found.get("to"), ScalarNode) else number
        choice_id = f"{scene_id}.{target_word}"
        if "id" in found:
            explicit = reader.identifier(found["id"], "choice id")
            choice_id = f"{scene_id}.{explicit}" if explicit else choice_id
        text = refs.template(found["text"], "choice text") if "text" in found else None
        target = refs.declared(found.get("to"), "scene")
        condition = refs.condition(found["if"]) if "if" in found else None
        effects = (self.effects.effects(found["effects"]) if "effects" in found
                   else NO_EFFECTS)
        roles = self._roles(found["role"]) if "role" in found else ()
        once = bool(reader.flag(found["once"], "once")) if "once" in found else False
        visibility = self._visibility(found)
        reason = reader.text(found["reason"], "reason") if "reason" in found else None
        if reason is not None and "if" not in found:
            reader.error(found["reason"], "'reason' explains an unavailable choice, but this "
                         "choice has no 'if'", "missing-field")
        tag = refs.tag(found, "a choice", node)
        if text is None or target is None:
            return None
        return Choice(choice_id, text, target, condition, effects, roles, once, visibility,
                      reason, tag, reader.loc(node))

    def _visibility(self, found: Mapping[str, Node]) -> Visibility:
        if "unavailable" not in found:
            return Visibility.GREYED if "reason" in found else Visibility.HIDDEN
        word = self.reader.text(found["unavailable"], "unavailable")
        if word not in _VISIBILITIES:
            if word is not None:
                self.reader.error(found["unavailable"], f"unavailable is '{word}'; use hidden "
                                  "or greyed", "wrong-value")
            return Visibility.HIDDEN
        return Visibility(word)

    def _roles(self, node: Node) -> tuple[str, ...]:
        roles = []
        for item in self.reader.one_or_many(node, "role"):
            role = self.refs.known(item, self.roles, "role")
            if role is not None:
                roles.append(role)
        return tuple(roles)


def _has_explicit_id(node: Node) -> bool:
    return isinstance(node, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value == "id" for k, _v in node.value)


_T = TypeVar("_T")


def choice_ids(wanted: Sequence[tuple[str, _T]],
               explicit: Callable[[_T], bool]) -> list[str | None]:
    """The id each of a scene's choices gets, in order, from the id it asks for: a
    repeated one becomes ``.2``, ``.3``, ...; or None, for an id already taken that
    was given explicitly (which ``explicit`` tells from the pair's second part)."""
    taken: set[str] = set()
    given: list[str | None] = []
    for asked, item in wanted:
        choice_id = asked
        if choice_id in taken:
            if explicit(item):
                given.append(None)
                continue
            choice_id = _next_free(choice_id, taken)
        taken.add(choice_id)
        given.append(choice_id)
    return given


def _next_free(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}.{number}" in taken:
        number += 1
    return f"{base}.{number}"


def _used_twice(choice_id: str, scene_id: str) -> str:
    return f"choice id '{choice_id}' is used twice in scene '{scene_id}'"


@dataclass(frozen=True, slots=True)
class _LateChoiceIds:
    """A scene's choice ids, counted again once every scene is known, leaving out the
    choices to scenes never declared, as a choice to an unknown scene is left out."""

    scene_id: str
    wanted: tuple[tuple[str, bool, SourceLoc, str], ...]
    """Each choice's asked-for id, whether it was given explicitly, where, its target."""
    scenes: Mapping[str, SourceLoc]

    def problems(self, complete: bool) -> list[Diagnostic]:
        # With a file unread, a target not declared may be one of its: every choice counts.
        kept = [(choice_id, (explicit, loc)) for choice_id, explicit, loc, target
                in self.wanted if target in self.scenes or not complete]
        given = choice_ids(kept, lambda how: how[0])
        return [Diagnostic(loc, Severity.ERROR, _used_twice(choice_id, self.scene_id),
                           "duplicate-id")
                for (choice_id, (_explicit, loc)), got in zip(kept, given, strict=True)
                if got is None]
