"""Reading ``effects``: what entering a scene or taking a choice changes, checked
against the manifest's variables and clock and the story's documents."""

from __future__ import annotations

from yaml.nodes import Node

from palace import expr
from palace.errors import suggest
from palace.manifestreader import ManifestReader
from palace.model import NO_EFFECTS, Effects, Variable
from palace.refreader import RefReader
from palace.state import Value
from palace.storyformat import EFFECT_FIELDS
from palace.yamlsource import FileReader


class EffectsReader:
    """Reads one file's effects."""

    def __init__(self, reader: FileReader, manifest: ManifestReader, refs: RefReader) -> None:
        self.reader = reader
        self.manifest = manifest
        self.variables = manifest.header.variables
        self.refs = refs

    def effects(self, node: Node) -> Effects:
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
                document = self.refs.declared(item, "document")
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
        variables = self.variables
        if name not in variables:
            self.reader.error(node, f"unknown variable '{name}'{suggest(name, variables)}; "
                              "declare it under 'variables' in story.yaml",
                              "undeclared-variable")
            return None
        return variables[name]
