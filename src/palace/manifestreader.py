"""Reading the manifest, ``story.yaml``: the story's header, clock, roles, variables,
locations and maps, which every content file is checked against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from yaml.nodes import Node, ScalarNode

from palace import expr
from palace.clock import Calendar, ClockConfig, parse_start, parse_time
from palace.errors import Diagnostic, suggest
from palace.mapreader import read_maps, read_place
from palace.model import FORMAT_VERSION, Location, Map, Role, Variable
from palace.state import Value
from palace.storyformat import (
    CLOCK_FIELDS,
    LOCATION_FIELDS,
    MANIFEST_FIELDS,
    ROLE_FIELDS,
    VARIABLE_FIELDS,
)
from palace.text import TEXT_BUILTINS
from palace.yamlsource import FileReader, is_plain_boolean_word, is_plain_integer


_TYPE_WORDS = {"flag": expr.Type.BOOL, "number": expr.Type.NUMBER, "text": expr.Type.TEXT}
_DEFAULT_INITIAL: dict[expr.Type, Value] = {
    expr.Type.BOOL: False, expr.Type.NUMBER: 0, expr.Type.TEXT: "",
}


@dataclass
class Header:
    """What the manifest declares, filled in as it is read."""

    id: str = ""
    title: str = ""
    version: str = ""
    subtitle: str = ""
    author: str = ""
    intro: str = ""
    clock: ClockConfig | None = None
    roles: dict[str, Role] = field(default_factory=dict)
    role_starts: dict[str, Node] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    maps: dict[str, Map] = field(default_factory=dict)
    manifest_name: str = ""
    promises: dict[str, Node] = field(default_factory=dict)
    """The ``migrations`` and ``checkpoints`` nodes, read once every id is known."""



class ManifestReader:
    """Reads the manifest into a ``Header``, adding a diagnostic for each problem."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        self.header = Header()

    def read(self, name: str, tree: Node) -> None:
        """Read the manifest ``tree`` of the file called ``name`` into ``header``."""
        reader = FileReader(name, self.diagnostics)
        found = reader.fields(tree, "the manifest", MANIFEST_FIELDS)
        if found is None:
            return
        header = self.header
        if "format" in found:
            version = reader.integer(found["format"], "format")
            if version is not None and version != FORMAT_VERSION:
                reader.error(found["format"], f"story format {version} is not supported; "
                             f"this Palace reads format {FORMAT_VERSION}", "format-version")
        header.id = self._ident(reader, found, "id", "the story id")
        for key in ("title", "version", "subtitle", "author", "intro"):
            if key in found:
                setattr(header, key, reader.text(found[key], key) or "")
        if "clock" in found:
            header.clock = self._read_clock(reader, found["clock"])
        if "variables" in found:
            for key_node, value_node in reader.entries(found["variables"], "variables"):
                self._read_variable(reader, key_node, value_node)
        if "maps" in found:
            header.maps = read_maps(reader, found["maps"])
        if "locations" in found:
            for key_node, value_node in reader.entries(found["locations"], "locations"):
                self._read_location(reader, key_node, value_node)
        if "roles" in found:
            for key_node, value_node in reader.entries(found["roles"], "roles"):
                self._read_role(reader, key_node, value_node)
        header.manifest_name = name
        header.promises = {k: found[k] for k in ("migrations", "checkpoints") if k in found}

    def _ident(self, reader: FileReader, found: Mapping[str, Node], key: str,
               what: str) -> str:
        if key not in found:
            return ""
        return reader.identifier(found[key], what) or ""

    def _read_clock(self, reader: FileReader, node: Node) -> ClockConfig | None:
        found = reader.fields(node, "the clock", CLOCK_FIELDS)
        if found is None or "start" not in found:
            return None
        calendar = Calendar.JULIAN
        if "calendar" in found:
            word = reader.text(found["calendar"], "calendar")
            if word is not None and word not in {c.value for c in Calendar}:
                reader.error(found["calendar"], f"calendar '{word}' is unknown; use julian "
                             "or gregorian", "wrong-value")
            elif word is not None:
                calendar = Calendar(word)
        start = reader.text(found["start"], "the clock's start")
        if start is None:
            return None
        try:
            return parse_start(start, calendar)
        except ValueError as error:
            reader.error(found["start"], str(error), "bad-time")
            return None

    def _read_variable(self, reader: FileReader, key_node: Node, value_node: Node) -> None:
        name = str(key_node.value)
        loc = reader.loc(key_node)
        if name in expr.RESERVED or name in TEXT_BUILTINS:
            reader.error(key_node, f"'{name}' is a reserved word; name the variable "
                         "something else", "reserved-name")
            return
        if isinstance(value_node, ScalarNode):
            variable = self._shorthand_variable(reader, name, value_node)
        else:
            variable = self._full_variable(reader, name, value_node)
        if variable is not None:
            self.header.variables[name] = Variable(variable.name, variable.type,
                                                   variable.initial, variable.description, loc)

    def _shorthand_variable(self, reader: FileReader, name: str,
                            node: ScalarNode) -> Variable | None:
        if is_plain_boolean_word(node):
            reader.error(node, f"variable '{name}' starts as '{node.value}', which YAML reads "
                         "as a yes/no by accident; write true or false for a flag, or quote "
                         "it for text", "yaml-bool")
            # Declared anyway, so its uses do not each report it as undeclared.
            return Variable(name, expr.Type.BOOL, False)
        value = str(node.value)
        if not node.style and value in ("true", "false"):
            return Variable(name, expr.Type.BOOL, value == "true")
        if is_plain_integer(node):
            initial = reader.integer(node, f"the initial value of '{name}'")
            return Variable(name, expr.Type.NUMBER, 0 if initial is None else initial)
        return Variable(name, expr.Type.TEXT, value)

    def _full_variable(self, reader: FileReader, name: str, node: Node) -> Variable | None:
        found = reader.fields(node, f"variable '{name}'", VARIABLE_FIELDS)
        if found is None or "type" not in found:
            return None
        word = reader.text(found["type"], "type")
        if word is None:
            return None
        if word not in _TYPE_WORDS:
            reader.error(found["type"], f"type '{word}' is unknown{suggest(word, _TYPE_WORDS)}; "
                         f"use one of: {', '.join(_TYPE_WORDS)}", "wrong-value")
            return None
        kind = _TYPE_WORDS[word]
        initial: Value | None = _DEFAULT_INITIAL[kind]
        if "initial" in found:
            initial = self.value(reader, found["initial"], kind, f"initial value of '{name}'")
        if initial is None:  # reported; declared anyway so its uses are not reported too
            initial = _DEFAULT_INITIAL[kind]
        description = reader.text(found["description"], "description") if (
            "description" in found) else ""
        return Variable(name, kind, initial, description or "")

    def value(self, reader: FileReader, node: Node, kind: expr.Type, what: str) -> Value | None:
        if kind is expr.Type.BOOL:
            return reader.flag(node, what)
        if kind is expr.Type.NUMBER:
            return reader.integer(node, what)
        if is_plain_boolean_word(node):
            reader.error(node, f"{what} is '{node.value}', which YAML may read as a yes/no; "
                         "quote it to make it text", "yaml-bool")
            return None
        return reader.text(node, what)

    def _read_location(self, reader: FileReader, key_node: Node, node: Node) -> None:
        name = str(key_node.value)
        if isinstance(node, ScalarNode):
            title = reader.text(node, f"location '{name}'")
            if title is not None:
                self.header.locations[name] = Location(name, title, loc=reader.loc(key_node))
            return
        found = reader.fields(node, f"location '{name}'", LOCATION_FIELDS)
        if found is None or "name" not in found:
            return
        title = reader.text(found["name"], "name") or name
        description = reader.text(found["description"], "description") if (
            "description" in found) else ""
        place = read_place(reader, found, name, self.header.maps)
        map_id, at = place if place is not None else (None, None)
        self.header.locations[name] = Location(name, title, description or "", map_id, at,
                                               reader.loc(key_node))

    def _read_role(self, reader: FileReader, key_node: Node, node: Node) -> None:
        role_id = str(key_node.value)
        found = reader.fields(node, f"role '{role_id}'", ROLE_FIELDS)
        if found is None or "start" not in found:
            return
        start = reader.identifier(found["start"], "start scene")
        clock_start = None
        if "clock" in found:
            clock_start = self.time_of_day(reader, found["clock"], "the role's clock")
        description = reader.text(found["description"], "description") if (
            "description" in found) else ""
        if start is None:
            return
        name = reader.text(found["name"], "name") if "name" in found else role_id
        self.header.roles[role_id] = Role(role_id, name or role_id, start, description or "",
                                          clock_start, reader.loc(key_node))
        self.header.role_starts[role_id] = found["start"]

    def time_of_day(self, reader: FileReader, node: Node, what: str) -> int | None:
        text = reader.text(node, what)
        clock = self.header.clock
        if text is None:
            return None
        try:
            hour, minute = parse_time(text)
        except ValueError as error:
            reader.error(node, str(error), "bad-time")
            return None
        if clock is None:
            return None
        return clock.resolve_time_of_day(hour, minute)
