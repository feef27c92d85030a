"""Reading the manifest's promises to old saves: ``migrations`` and ``checkpoints``.

A story changes between versions; saves made with an older version still name
its old scenes, variables, documents, beats and roles. ``migrations`` says, as
data, what became of each id that is gone; ``checkpoints`` lists, per role, the
scenes a save may safely resume at when its own scene is gone. Both are read
once the loader has read every content file, so every reference is checked
against all of the story's ids, with a suggestion when one is misspelt.

Rule: like ``loader``, this module reads YAML nodes through ``yamlsource`` and
reports every problem as a diagnostic; it builds no state and applies no rule
(that is ``resume``'s job).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from yaml.nodes import Node

from palace.errors import suggest
from palace.expr import Type
from palace.model import MigrationRule, RuleAction, RuleKind, Variable
from palace.state import Value
from palace.storyformat import MIGRATION_FIELDS
from palace.yamlsource import FileReader


_ACTIONS: Mapping[RuleKind, Collection[RuleAction]] = {
    RuleKind.SCENE: (RuleAction.RENAMED, RuleAction.REMOVED),
    RuleKind.VARIABLE: (RuleAction.RENAMED, RuleAction.REMOVED, RuleAction.ADDED),
    RuleKind.DOCUMENT: (RuleAction.RENAMED, RuleAction.REMOVED),
    RuleKind.BEAT: (RuleAction.RENAMED, RuleAction.REMOVED),
    RuleKind.ROLE: (RuleAction.RENAMED,),
}
_MANIFEST_KINDS = (RuleKind.VARIABLE, RuleKind.ROLE)
"""The kinds of id the manifest declares; the rest are declared by content files."""
_ACTION_FIELDS = {"renamed_to": RuleAction.RENAMED, "removed": RuleAction.REMOVED,
                  "added": RuleAction.ADDED}

ValueReader = Callable[[FileReader, Node, Type, str], Value | None]
"""Reads a value of a variable's type from a node (the loader's own reader)."""


@dataclass(frozen=True, slots=True)
class StoryIds:
    """The ids the story declares now, by kind, for checking rules against."""

    scenes: Collection[str]
    variables: Mapping[str, Variable]
    documents: Collection[str]
    beats: Collection[str]
    roles: Collection[str]
    complete: bool = True
    """False when a content file could not be read: a scene, document or beat not
    found may be one of its, so it is not reported as unknown."""

    def of(self, kind: RuleKind) -> Collection[str]:
        tables: dict[RuleKind, Collection[str]] = {
            RuleKind.SCENE: self.scenes, RuleKind.VARIABLE: self.variables,
            RuleKind.DOCUMENT: self.documents, RuleKind.BEAT: self.beats,
            RuleKind.ROLE: self.roles,
        }
        return tables[kind]

    def unknown(self, kind: RuleKind, name: str) -> bool:
        """Whether ``name`` is surely not an id of ``kind`` (of those read from files,
        only if every file was read)."""
        return name not in self.of(kind) and (self.complete or kind in _MANIFEST_KINDS)


def read_migrations(reader: FileReader, node: Node, ids: StoryIds,
                    read_value: ValueReader) -> tuple[MigrationRule, ...]:
    """Read the ``migrations`` list: one rule per id that changed since older versions."""
    rules: list[MigrationRule] = []
    nodes: dict[tuple[RuleKind, str], Node] = {}
    for number, item in enumerate(reader.sequence(node, "migrations"), start=1):
        rule = _read_rule(reader, item, number, ids, read_value)
        if rule is None:
            continue
        key = (rule.kind, rule.name)
        if key in nodes:
            first = nodes[key].start_mark.line + 1
            reader.error(item, f"{rule.kind} '{rule.name}' already has a migration rule (on "
                         f"line {first}); keep one", "duplicate-id")
            continue
        nodes[key] = item
        rules.append(rule)
    _check_renames(reader, rules, nodes, ids)
    return tuple(rules)


def _read_rule(reader: FileReader, node: Node, number: int, ids: StoryIds,
               read_value: ValueReader) -> MigrationRule | None:
    what = f"migration rule {number}"
    found = reader.fields(node, what, MIGRATION_FIELDS)
    if found is None:
        return None
    kind = _only_one(reader, node, found, options=[k.value for k in RuleKind], what=what,
                     verb="names")
    action_field = _only_one(reader, node, found, options=list(_ACTION_FIELDS), what=what,
                             verb="says")
    if kind is None or action_field is None:
        return None
    rule_kind, action = RuleKind(kind), _ACTION_FIELDS[action_field]
    name = reader.identifier(found[kind], f"{kind} id")
    if action not in _ACTIONS[rule_kind]:
        allowed = " or ".join(_field_of(a) for a in _ACTIONS[rule_kind])
        reader.error(found[action_field], f"a {kind} cannot be '{action_field}' by a rule; "
                     f"a {kind} rule says {allowed}", "wrong-value")
        return None
    if not _check_extras(reader, found, rule_kind, action):
        return None
    if name is None or not _check_name(reader, found[kind], kind=rule_kind, action=action,
                                       name=name, ids=ids):
        return None
    if action is RuleAction.RENAMED:
        target = reader.identifier(found["renamed_to"], f"new {kind} id")
        return MigrationRule(rule_kind, name, action, renamed_to=target,
                             loc=reader.loc(node)) if target else None
    if not _is_true(reader, found[action_field], action_field):
        return None
    if action is RuleAction.ADDED:
        variable = ids.variables[name]
        default = read_value(reader, found["default"], variable.type,
                             f"the default of '{name}'")
        return MigrationRule(rule_kind, name, action, default=default,
                             loc=reader.loc(node)) if default is not None else None
    resume_at = None
    if "resume_at" in found:
        resume_at = _known(reader, found["resume_at"], ids.scenes, "scene",
                           sure=ids.complete)
        if resume_at is None:
            return None
    return MigrationRule(rule_kind, name, action, resume_at=resume_at, loc=reader.loc(node))


def _only_one(reader: FileReader, node: Node, found: Mapping[str, Node], *,
              options: list[str], what: str, verb: str) -> str | None:
    given = [key for key in options if key in found]
    if len(given) == 1:
        return given[0]
    listed = ", ".join(options)
    if not given:
        reader.error(node, f"{what} {verb} none of: {listed}; give one", "missing-field")
    else:
        reader.error(found[given[1]], f"{what} has both '{given[0]}' and '{given[1]}'; a rule "
                     f"{verb} exactly one of: {listed}", "conflicting-fields")
    return None


def _field_of(action: RuleAction) -> str:
    return next(key for key, value in _ACTION_FIELDS.items() if value is action)


def _check_extras(reader: FileReader, found: Mapping[str, Node], kind: RuleKind,
                  action: RuleAction) -> bool:
    if "resume_at" in found and (kind, action) != (RuleKind.SCENE, RuleAction.REMOVED):
        reader.error(found["resume_at"], "'resume_at' belongs to a rule for a removed scene",
                     "conflicting-fields")
        return False
    if "default" in found and action is not RuleAction.ADDED:
        reader.error(found["default"], "'default' belongs to a rule for an added variable "
                     "(added: true)", "conflicting-fields")
        return False
    if action is RuleAction.ADDED and "default" not in found:
        reader.error(found["added"], "an added variable needs 'default': its value in saves "
                     "made before it existed", "missing-field")
        return False
    return True


def _check_name(reader: FileReader, node: Node, *, kind: RuleKind, action: RuleAction,
                name: str, ids: StoryIds) -> bool:
    current = ids.of(kind)
    if action is RuleAction.ADDED:
        if name not in current:
            reader.error(node, f"unknown {kind} '{name}'{suggest(name, current)}; an added "
                         f"{kind} must be declared", "missing-target")
        return name in current
    if name in current:
        verb = "renames" if action is RuleAction.RENAMED else "removes"
        reader.error(node, f"the rule {verb} {kind} '{name}', but the story still has a "
                     f"{kind} '{name}'; rules are for ids that are gone", "bad-migration")
        return False
    return True


def _is_true(reader: FileReader, node: Node, key: str) -> bool:
    flag = reader.flag(node, key)
    if flag is False:
        reader.error(node, f"'{key}: false' says nothing; write '{key}: true' or drop the "
                     "rule", "wrong-value")
    return flag is True


def _known(reader: FileReader, node: Node, names: Collection[str], kind: str, *,
           read: bool = True, sure: bool = True) -> str | None:
    """The id in ``node`` if the story has it; ``read=False`` for a node already read.
    Unless ``sure`` that ``names`` is every id of its kind, an id not among them is
    taken as it is, unreported."""
    value = reader.identifier(node, f"{kind} id") if read else str(node.value)
    if value is None:
        return None
    if value not in names and not sure:
        return value
    if value not in names:
        reader.error(node, f"unknown {kind} '{value}'{suggest(value, names)}", "missing-target")
        return None
    return value


def _check_renames(reader: FileReader, rules: list[MigrationRule],
                   nodes: Mapping[tuple[RuleKind, str], Node], ids: StoryIds) -> None:
    """A rename leads to a current id, directly or through later renames, never in a loop."""
    by_name = {(rule.kind, rule.name): rule for rule in rules}
    for rule in rules:
        if rule.action is not RuleAction.RENAMED:
            continue
        node, target = nodes[(rule.kind, rule.name)], str(rule.renamed_to)
        current = ids.of(rule.kind)
        if ids.unknown(rule.kind, target) and (rule.kind, target) not in by_name:
            reader.error(node, f"{rule.kind} '{rule.name}' is renamed to unknown {rule.kind} "
                         f"'{target}'{suggest(target, current)}", "missing-target")
        elif _goes_round(rule, by_name):
            reader.error(node, f"the renames of {rule.kind} '{rule.name}' go round in a loop",
                         "bad-migration")


def _goes_round(rule: MigrationRule,
                by_name: Mapping[tuple[RuleKind, str], MigrationRule]) -> bool:
    seen = {rule.name}
    step: MigrationRule | None = rule
    while step is not None and step.renamed_to is not None:
        if step.renamed_to in seen:
            return True
        seen.add(step.renamed_to)
        step = by_name.get((rule.kind, step.renamed_to))
    return False


def read_checkpoints(reader: FileReader, node: Node,
                     ids: StoryIds) -> dict[str, tuple[str, ...]]:
    """Read ``checkpoints``: for each role, the scenes (in story order) a save may resume at."""
    checkpoints: dict[str, tuple[str, ...]] = {}
    for key_node, value_node in reader.entries(node, "checkpoints"):
        role = _known(reader, key_node, ids.roles, "role", read=False)
        scenes: list[str] = []
        for item in reader.one_or_many(value_node, f"the checkpoints of '{key_node.value}'"):
            scene = _known(reader, item, ids.scenes, "scene", sure=ids.complete)
            if scene is not None and scene in scenes:
                reader.error(item, f"scene '{scene}' is listed twice in the checkpoints of "
                             f"'{key_node.value}'", "duplicate-key")
            elif scene is not None:
                scenes.append(scene)
        if role is not None:
            checkpoints[role] = tuple(scenes)
    return checkpoints
