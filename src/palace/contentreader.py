"""Reading content files: scenes, their text, choices and effects, documents and beats,
each checked against the manifest and every id the story declares."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from palace import expr
from palace.errors import ExpressionError, suggest
from palace.manifestreader import ManifestReader
from palace.model import (
    NO_EFFECTS,
    Beat,
    Choice,
    Condition,
    Document,
    Effects,
    Ending,
    EndingKind,
    NextRule,
    Passage,
    Scene,
    Tag,
    Telling,
    Variable,
    Visibility,
)
from palace.state import Account, Value
from palace.storyformat import (
    BEAT_FIELDS,
    CHOICE_FIELDS,
    DOCUMENT_FIELDS,
    EFFECT_FIELDS,
    ENDING_FIELDS,
    NEXT_FIELDS,
    PASSAGE_FIELDS,
    SCENE_FIELDS,
    TELLING_FIELDS,
)
from palace.text import TEXT_BUILTINS, Template, parse_template
from palace.yamlsource import FileReader


_VISIBILITIES = frozenset(v.value for v in Visibility)
_ENDING_KINDS = frozenset(k.value for k in EndingKind)
_ACCOUNTS = frozenset(a.value for a in Account)


class ContentReader:
    """Builds scenes, documents and beats from one file's nodes against the story's ids."""

    def __init__(self, reader: FileReader, *, manifest: ManifestReader, scope: expr.Scope,
                 conditions: dict[str, Condition]) -> None:
        """``conditions`` caches the conditions already built, by their source."""
        self.reader = reader
        self.manifest = manifest
        self.header = manifest.header
        self.scope = scope
        self.conditions = conditions

    # --- scenes -------------------------------------------------------------------

    def scene(self, node: Node) -> Scene | None:
        reader = self.reader
        found = reader.fields(node, "a scene", SCENE_FIELDS)
        if found is None or "id" not in found:
            return None
        scene_id = reader.identifier(found["id"], "scene id")
        if scene_id is None:
            return None
        what = f"scene '{scene_id}'"
        title = reader.text(found["title"], "title") if "title" in found else None
        location = self._reference(found.get("location"), self.header.locations, "location")
        act = reader.text(found["act"], "act") if "act" in found else None
        passages = self._passages(found["text"], what) if "text" in found else ()
        effects = self._effects(found["effects"]) if "effects" in found else NO_EFFECTS
        tag = self._tag(found, what, node)
        choices = self._choices(found, scene_id)
        next_rules = self._next(found["next"]) if "next" in found else ()
        ending = self._ending(found["ending"]) if "ending" in found else None
        self._check_ways_on(node, what, found)
        if title is None or location is None:
            return None
        return Scene(scene_id, title, location, passages, choices, next_rules, ending, effects,
                     tag, act, reader.loc(node))

    def _check_ways_on(self, node: Node, what: str, found: Mapping[str, Node]) -> None:
        given = [k for k in ("choices", "next", "ending") if k in found]
        if len(given) > 1:
            self.reader.error(found[given[1]], f"{what} has both '{given[0]}' and "
                              f"'{given[1]}'; a scene has exactly one of choices, next "
                              "or ending", "conflicting-fields")
        elif not given:
            self.reader.error(node, f"{what} has no way on: give it 'choices', 'next' or "
                              "'ending'", "missing-field")

    def _passages(self, node: Node, what: str) -> tuple[Passage, ...]:
        reader = self.reader
        if isinstance(node, ScalarNode):
            template = self._template(node, f"the text of {what}")
            return (Passage(template, loc=reader.loc(node)),) if template else ()
        passages = []
        for item in reader.sequence(node, f"the text of {what}"):
            passage = self._passage(item, what)
            if passage is not None:
                passages.append(passage)
        return tuple(passages)

    def _passage(self, node: Node, what: str) -> Passage | None:
        reader = self.reader
        if isinstance(node, ScalarNode):
            template = self._template(node, f"a passage of {what}")
            return Passage(template, loc=reader.loc(node)) if template else None
        found = reader.fields(node, f"a passage of {what}", PASSAGE_FIELDS)
        if found is None or "text" not in found:
            return None
        text = self._template(found["text"], "passage text")
        otherwise = self._template(found["else"], "else text") if "else" in found else None
        condition = self._condition(found["if"]) if "if" in found else None
        if "else" in found and "if" not in found:
            reader.error(found["else"], "a passage has 'else' but no 'if'; add the condition "
                         "or drop the else", "missing-field")
        tag = self._tag(found, "a passage", node)
        if text is None:
            return None
        return Passage(text, condition, otherwise, tag, reader.loc(node))

    def _choices(self, found: Mapping[str, Node], scene_id: str) -> tuple[Choice, ...]:
        if "choices" not in found:
            return ()
        items = self.reader.sequence(found["choices"], "choices")
        if not items and isinstance(found["choices"], SequenceNode):
            self.reader.error(found["choices"], f"scene '{scene_id}' has an empty choices "
                              "list; add a choice or use 'next' or 'ending'", "missing-field")
        choices: list[Choice] = []
        ids: set[str] = set()
        for number, item in enumerate(items, start=1):
            choice = self._choice(item, scene_id, number)
            if choice is None:
                continue
            if choice.id in ids:
                if self._has_explicit_id(item):
                    self.reader.error(item, f"choice id '{choice.id}' is used twice in scene "
                                      f"'{scene_id}'", "duplicate-id")
                    continue
                choice = replace(choice, id=_next_free(choice.id, ids))
            ids.add(choice.id)
            choices.append(choice)
        return tuple(choices)

    @staticmethod
    def _has_explicit_id(node: Node) -> bool:
        return isinstance(node, MappingNode) and any(
            isinstance(k, ScalarNode) and k.value == "id" for k, _v in node.value)

    def _choice(self, node: Node, scene_id: str, number: int) -> Choice | None:
        reader = self.reader
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
        text = self._template(found["text"], "choice text") if "text" in found else None
        target = self._reference(found.get("to"), self.scope.scenes, "scene")
        condition = self._condition(found["if"]) if "if" in found else None
        effects = self._effects(found["effects"]) if "effects" in found else NO_EFFECTS
        roles = self._roles(found["role"]) if "role" in found else ()
        once = bool(reader.flag(found["once"], "once")) if "once" in found else False
        visibility = self._visibility(found)
        reason = reader.text(found["reason"], "reason") if "reason" in found else None
        if reason is not None and "if" not in found:
            reader.error(found["reason"], "'reason' explains an unavailable choice, but this "
                         "choice has no 'if'", "missing-field")
        tag = self._tag(found, "a choice", node)
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
            role = self._reference(item, self.header.roles, "role")
            if role is not None:
                roles.append(role)
        return tuple(roles)

    def _next(self, node: Node) -> tuple[NextRule, ...]:
        reader = self.reader
        if isinstance(node, ScalarNode):
            target = self._reference(node, self.scope.scenes, "scene")
            return (NextRule(target, None, reader.loc(node)),) if target else ()
        rules = []
        for item in reader.sequence(node, "next"):
            found = reader.fields(item, "a next rule", NEXT_FIELDS)
            if found is None:
                continue
            target = self._reference(found.get("to"), self.scope.scenes, "scene")
            condition = self._condition(found["if"]) if "if" in found else None
            if target is not None:
                rules.append(NextRule(target, condition, reader.loc(item)))
        return tuple(rules)

    def _ending(self, node: Node) -> Ending | None:
        reader = self.reader
        found = reader.fields(node, "an ending", ENDING_FIELDS)
        if found is None or not {"id", "title", "kind"} <= found.keys():
            return None
        ending_id = reader.identifier(found["id"], "ending id")
        title = reader.text(found["title"], "ending title")
        word = reader.text(found["kind"], "ending kind")
        kinds = _ENDING_KINDS
        if word is not None and word not in kinds:
            reader.error(found["kind"], f"ending kind '{word}' is unknown{suggest(word, kinds)}"
                         f"; use one of: {', '.join(sorted(kinds))}", "wrong-value")
            return None
        if ending_id is None or title is None or word is None:
            return None
        return Ending(ending_id, title, EndingKind(word), reader.loc(node))

    def _tag(self, found: Mapping[str, Node], what: str, node: Node) -> Tag | None:
        reader = self.reader
        if "account" not in found and "beat" not in found:
            return None
        if "account" not in found or "beat" not in found:
            missing = "beat" if "account" in found else "account"
            reader.error(node, f"{what} names an {'account' if missing == 'beat' else 'beat'} "
                         f"but no '{missing}'; give both 'account' and 'beat'", "missing-field")
            return None
        word = reader.text(found["account"], "account")
        accounts = _ACCOUNTS
        beat = self._reference(found["beat"], self.scope.beats, "beat")
        if word is not None and word not in accounts:
            reader.error(found["account"], f"account '{word}' is unknown"
                         f"{suggest(word, accounts)}; use myth or archive", "wrong-value")
            return None
        if word is None or beat is None:
            return None
        return Tag(beat, Account(word))

    # --- effects ------------------------------------------------------------------

    def _effects(self, node: Node) -> Effects:
        reader = self.reader
        found = reader.fields(node, "effects", EFFECT_FIELDS)
        if found is None:
            return NO_EFFECTS
        assignments = self._assignments(found["set"]) if "set" in found else ()
        increments = self._increments(found["add"]) if "add" in found else ()
        advance = 0
        if "advance" in found:
            minutes = reader.integer(found["advance"], "advance (minutes)")
            if minutes is not None and minutes < 0:
                reader.error(found["advance"], "advance cannot be negative: the clock only "
                             "moves forward", "wrong-value")
            advance = max(minutes or 0, 0)
        until = None
        if "until" in found:
            until = self.manifest.time_of_day(reader, found["until"], "until")
        unlock = []
        if "unlock" in found:
            for item in reader.one_or_many(found["unlock"], "unlock"):
                document = self._reference(item, self.scope.documents, "document")
                if document is not None:
                    unlock.append(document)
        return Effects(assignments, increments, advance, until, tuple(unlock), reader.loc(node))

    def _assignments(self, node: Node) -> tuple[tuple[str, Value], ...]:
        result = []
        for key_node, value_node in self.reader.entries(node, "set"):
            variable = self._variable(key_node)
            if variable is None:
                continue
            value = self.manifest.value(self.reader, value_node, variable.type,
                                        f"the value for '{variable.name}'")
            if value is not None:
                result.append((variable.name, value))
        return tuple(result)

    def _increments(self, node: Node) -> tuple[tuple[str, int], ...]:
        result = []
        for key_node, value_node in self.reader.entries(node, "add"):
            variable = self._variable(key_node)
            if variable is None:
                continue
            if variable.type is not expr.Type.NUMBER:
                self.reader.error(key_node, f"'add' needs a number variable, but "
                                  f"'{variable.name}' is a {variable.type}; use 'set'",
                                  "wrong-type")
                continue
            amount = self.reader.integer(value_node, f"the amount added to '{variable.name}'")
            if amount is not None:
                result.append((variable.name, amount))
        return tuple(result)

    def _variable(self, node: Node) -> Variable | None:
        name = str(node.value)
        variables = self.header.variables
        if name not in variables:
            self.reader.error(node, f"unknown variable '{name}'{suggest(name, variables)}; "
                              "declare it under 'variables' in story.yaml",
                              "undeclared-variable")
            return None
        return variables[name]

    # --- documents and beats ------------------------------------------------------

    def document(self, node: Node) -> Document | None:
        reader = self.reader
        found = reader.fields(node, "a document", DOCUMENT_FIELDS)
        if found is None or not {"id", "title", "source", "text"} <= found.keys():
            return None
        values = {key: reader.text(found[key], key) for key in found if key != "id"}
        doc_id = reader.identifier(found["id"], "document id")
        if doc_id is None or any(values.get(k) is None for k in ("title", "source", "text")):
            return None
        return Document(doc_id, values["title"] or "", values["source"] or "",
                        values["text"] or "", values.get("kind") or "",
                        values.get("date") or "", reader.loc(node))

    def beat(self, node: Node) -> Beat | None:
        reader = self.reader
        found = reader.fields(node, "a beat", BEAT_FIELDS)
        if found is None or not {"id", "title", "myth", "archive"} <= found.keys():
            return None
        beat_id = reader.identifier(found["id"], "beat id")
        title = reader.text(found["title"], "title")
        myth = self._telling(found["myth"], "the myth")
        archive = self._telling(found["archive"], "the archive")
        time = self.manifest.time_of_day(reader, found["time"], "time") if (
            "time" in found) else None
        note = reader.text(found["time_note"], "time_note") if "time_note" in found else ""
        if beat_id is None or title is None or myth is None or archive is None:
            return None
        return Beat(beat_id, title, myth, archive, time, note or "", reader.loc(node))

    def _telling(self, node: Node, what: str) -> Telling | None:
        found = self.reader.fields(node, what, TELLING_FIELDS)
        if found is None or not {"text", "sources"} <= found.keys():
            return None
        text = self.reader.text(found["text"], "text")
        sources = []
        for item in self.reader.one_or_many(found["sources"], "sources"):
            document = self._reference(item, self.scope.documents, "document")
            if document is not None:
                sources.append(document)
        return Telling(text, tuple(sources)) if text is not None else None

    # --- shared -------------------------------------------------------------------

    def _reference(self, node: Node | None, known: Collection[str], kind: str) -> str | None:
        if node is None:
            return None
        value = self.reader.identifier(node, f"{kind} id")
        if value is None:
            return None
        if value not in known:
            self.reader.error(node, f"unknown {kind} '{value}'{suggest(value, known)}",
                              "missing-target")
            return None
        return value

    def _condition(self, node: Node) -> Condition | None:
        source = self.reader.scalar(node, "a condition")
        if source is None:
            return None
        known = self.conditions.get(source)
        if known is not None:  # stories repeat their conditions; parse each once
            return Condition(source, known.tree, known.evaluate, self.reader.loc(node))
        try:
            tree = expr.parse(source)
            kind = expr.check(tree, self.scope)
            if kind is not expr.Type.BOOL:
                raise ExpressionError(f"a condition must be true or false, but this is a "
                                      f"{kind}; compare it with something", 0)
        except ExpressionError as error:
            self.reader.error(node, f"bad condition '{source}': {error.message}", error.code,
                              error.offset)
            return None
        evaluate = expr.compile_node(tree, self.scope.clock)
        condition = Condition(source, tree, evaluate, self.reader.loc(node))
        self.conditions[source] = condition
        return condition

    def _template(self, node: Node, what: str) -> Template | None:
        source = self.reader.text(node, what)
        if source is None:
            return None
        try:
            template = parse_template(source)
        except ExpressionError as error:
            self.reader.error(node, f"{what}: {error.message}", error.code, error.offset)
            return None
        for slot in template.slots:
            if slot.name not in TEXT_BUILTINS and slot.name not in self.scope.variables:
                names = [*self.scope.variables, *TEXT_BUILTINS]
                self.reader.error(node, f"{what} shows unknown variable '{{{slot.name}}}'"
                                  f"{suggest(slot.name, names)}; declare it under "
                                  "'variables' in story.yaml", "undeclared-variable",
                                  slot.offset)
        return template


def _next_free(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}.{number}" in taken:
        number += 1
    return f"{base}.{number}"
