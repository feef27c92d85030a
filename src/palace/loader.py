"""Loading a story folder: YAML files in, an immutable ``Story`` out, or every error at once.

A story folder holds a manifest, ``story.yaml``, and any number of content files
(``*.yaml``/``*.yml`` in any sub-folder), each with optional ``scenes``,
``documents`` and ``beats`` lists. Reading happens in two passes: the first
collects every id, the second builds the model and resolves references against
them, so an error can say "did you mean ..." and all errors arrive in one run.

Rule: this module (with ``yamlsource``) is the only code that knows about YAML.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from palace import expr
from palace.clock import Calendar, ClockConfig, parse_start, parse_time
from palace.errors import Diagnostic, ExpressionError, Severity, SourceLoc, StoryError
from palace.mapreader import (
    MAP_FIELDS,  # noqa: F401  (a field set of the format, listed with the others)
    read_maps,
    read_place,
)
from palace.model import (
    FORMAT_VERSION,
    Beat,
    Choice,
    Condition,
    Document,
    Effects,
    Ending,
    EndingKind,
    Location,
    Map,
    NextRule,
    Passage,
    Role,
    Scene,
    Story,
    Tag,
    Telling,
    Variable,
    Visibility,
)
from palace.state import Account, Value
from palace.text import TEXT_BUILTINS, Template, parse_template
from palace.yamlsource import FileReader, compose, is_plain_boolean_word, suggest


MANIFEST = "story.yaml"

MANIFEST_FIELDS = {
    "format": True, "id": True, "title": True, "version": True, "subtitle": False,
    "author": False, "intro": False, "clock": True, "roles": True, "variables": False,
    "locations": True,
    "maps": False,
}
CLOCK_FIELDS = {"start": True, "calendar": False}
ROLE_FIELDS = {"name": True, "start": True, "description": False, "clock": False}
VARIABLE_FIELDS = {"type": True, "initial": False, "description": False}
LOCATION_FIELDS = {"name": True, "description": False, "map": False, "at": False}
CONTENT_FIELDS = {"scenes": False, "documents": False, "beats": False}
SCENE_FIELDS = {
    "id": True, "title": True, "location": True, "act": False, "text": True, "effects": False,
    "choices": False, "next": False, "ending": False, "account": False, "beat": False,
}
PASSAGE_FIELDS = {"text": True, "if": False, "else": False, "account": False, "beat": False}
CHOICE_FIELDS = {
    "id": False, "text": True, "to": True, "if": False, "effects": False, "role": False,
    "once": False, "unavailable": False, "reason": False, "account": False, "beat": False,
}
NEXT_FIELDS = {"to": True, "if": False}
ENDING_FIELDS = {"id": True, "title": True, "kind": True}
EFFECT_FIELDS = {"set": False, "add": False, "advance": False, "until": False, "unlock": False}
DOCUMENT_FIELDS = {
    "id": True, "title": True, "source": True, "text": True, "kind": False, "date": False,
}
BEAT_FIELDS = {
    "id": True, "title": True, "myth": True, "archive": True, "time": False, "time_note": False,
}
TELLING_FIELDS = {"text": True, "sources": True}

_TYPE_WORDS = {"flag": expr.Type.BOOL, "number": expr.Type.NUMBER, "text": expr.Type.TEXT}
_DEFAULT_INITIAL: dict[expr.Type, Value] = {
    expr.Type.BOOL: False, expr.Type.NUMBER: 0, expr.Type.TEXT: "",
}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One story file's text and the name errors should call it by."""

    name: str
    text: str
    relative: str


def load_story(folder: Path | str) -> Story:
    """Read every YAML file of a story folder and build the story.

    Raises:
        StoryError: with a diagnostic for every problem found in the folder.
    """
    root = Path(folder)
    files, problems = read_story_files(root)
    if problems:
        raise StoryError(problems)
    return parse_story(files)


def read_story_files(root: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Read the manifest and every content file under ``root`` as text."""
    problems: list[Diagnostic] = []
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        return [], [_folder_error(root, f"story folder '{root}' {what}; "
                                  "give the folder that holds story.yaml")]
    manifest = root / MANIFEST
    if not manifest.is_file():
        return [], [_folder_error(root, f"'{root}' has no {MANIFEST}; a story folder needs "
                                  "a manifest (see docs/story-format.md)")]
    files: list[SourceFile] = []
    for path in [manifest, *_content_paths(root, problems)]:
        relative = path.relative_to(root).as_posix()
        text = _read_text(path, problems)
        if text is not None:
            files.append(SourceFile(str(path), text, relative))
    return files, problems


def _content_paths(root: Path, problems: list[Diagnostic]) -> list[Path]:
    found: list[Path] = []

    def on_error(error: OSError) -> None:
        problems.append(_folder_error(Path(error.filename or root),
                                      f"cannot read folder: {error.strerror}"))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                path = Path(folder) / name
                if path != root / MANIFEST:
                    found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


MAX_FILE_BYTES = 16 * 1024 * 1024
"""Far beyond any scene file (a thousand scenes make about a megabyte)."""


def _read_text(path: Path, problems: list[Diagnostic]) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Diagnostic(
                SourceLoc(str(path), 1, 1), Severity.ERROR,
                f"the file is {size / 2**20:.0f} MB, more than a story file may be "
                f"({MAX_FILE_BYTES // 2**20} MB); split it into smaller files", "file-too-large"))
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   f"cannot read file: {error.strerror}", "unreadable"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Diagnostic(SourceLoc(str(path), line, column), Severity.ERROR,
                                   "the file is not UTF-8 text; save it as UTF-8",
                                   "encoding"))
        return None
    if "\x00" in text:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   "the file is binary, not YAML text; remove it from the "
                                   "story folder", "encoding"))
        return None
    return text


def _folder_error(path: Path, message: str) -> Diagnostic:
    loc = SourceLoc(str(path), 1, 1) if path.is_file() else None
    return Diagnostic(loc, Severity.ERROR, message, "story-folder")


def fingerprint(files: Iterable[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in sorted(files, key=lambda f: f.relative):
        for part in (source.relative, source.text):
            encoded = part.encode("utf-8")
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
    return digest.hexdigest()


def parse_story(files: Sequence[SourceFile]) -> Story:
    """Build a story from its files' text (the first is the manifest).

    Raises:
        StoryError: with every problem found, sorted by file and line.
    """
    builder = _Builder()
    story = builder.build(files)
    if story is None or builder.has_errors:
        raise StoryError(builder.diagnostics)
    return story


@dataclass
class _Header:
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


@dataclass
class _Ids:
    """Every id the content files declare, with where, from the first pass."""

    scenes: dict[str, SourceLoc] = field(default_factory=dict)
    documents: dict[str, SourceLoc] = field(default_factory=dict)
    beats: dict[str, SourceLoc] = field(default_factory=dict)


class _Builder:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.header = _Header()
        self.ids = _Ids()
        self.scope: expr.Scope | None = None
        self.conditions: dict[str, Condition] = {}

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def build(self, files: Sequence[SourceFile]) -> Story | None:
        manifest, *content = files
        trees = [(source, self._compose(source)) for source in content]
        manifest_tree = self._compose(manifest)
        if manifest_tree is not None:
            self._read_manifest(manifest.name, manifest_tree)
        for source, tree in trees:
            if tree is not None:
                self._collect_ids(source.name, tree)
        clock = self.header.clock
        if clock is None:
            return None
        self.scope = expr.Scope(
            variables={n: v.type for n, v in self.header.variables.items()},
            scenes=self.ids.scenes, documents=self.ids.documents, beats=self.ids.beats,
            roles=self.header.roles, clock=clock,
        )
        scenes: dict[str, Scene] = {}
        documents: dict[str, Document] = {}
        beats: dict[str, Beat] = {}
        for source, tree in trees:
            if tree is not None:
                self._read_content(source.name, tree, scenes, documents, beats)
        self._check_role_starts()
        return Story(
            id=self.header.id, title=self.header.title, version=self.header.version,
            format=FORMAT_VERSION, clock=clock, roles=self.header.roles,
            variables=self.header.variables, locations=self.header.locations,
            scenes=scenes, documents=documents, beats=beats,
            maps=self.header.maps,
            subtitle=self.header.subtitle, author=self.header.author, intro=self.header.intro,
            fingerprint=fingerprint(files), files=tuple(f.relative for f in files),
        )

    def _compose(self, source: SourceFile) -> Node | None:
        tree, problem = compose(source.text, source.name)
        if problem is not None:
            self.diagnostics.append(problem)
            return None
        if tree is None:
            loc = SourceLoc(source.name, 1, 1)
            self.diagnostics.append(Diagnostic(loc, Severity.ERROR, "the file is empty; give "
                                               "it 'scenes:', 'documents:' or 'beats:', or "
                                               "delete it", "empty-file"))
        return tree

    # --- the manifest -------------------------------------------------------------

    def _read_manifest(self, name: str, tree: Node) -> None:
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
        if not node.style and value.lstrip("-+").isdigit():
            return Variable(name, expr.Type.NUMBER, int(value))
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
            initial = self._value(reader, found["initial"], kind, f"initial value of '{name}'")
        if initial is None:  # reported; declared anyway so its uses are not reported too
            initial = _DEFAULT_INITIAL[kind]
        description = reader.text(found["description"], "description") if (
            "description" in found) else ""
        return Variable(name, kind, initial, description or "")

    def _value(self, reader: FileReader, node: Node, kind: expr.Type, what: str) -> Value | None:
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
            clock_start = self._time_of_day(reader, found["clock"], "the role's clock")
        description = reader.text(found["description"], "description") if (
            "description" in found) else ""
        if start is None:
            return
        name = reader.text(found["name"], "name") if "name" in found else role_id
        self.header.roles[role_id] = Role(role_id, name or role_id, start, description or "",
                                          clock_start, reader.loc(key_node))
        self.header.role_starts[role_id] = found["start"]

    def _time_of_day(self, reader: FileReader, node: Node, what: str) -> int | None:
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

    def _check_role_starts(self) -> None:
        for role in self.header.roles.values():
            if role.start not in self.ids.scenes:
                node = self.header.role_starts[role.id]
                self.diagnostics.append(Diagnostic(
                    _node_loc(role.loc, node), Severity.ERROR,
                    f"role '{role.id}' starts at unknown scene '{role.start}'"
                    f"{suggest(role.start, self.ids.scenes)}", "missing-target"))

    # --- first pass: ids ----------------------------------------------------------

    def _collect_ids(self, name: str, tree: Node) -> None:
        # A throwaway reader: the second pass reports any problem with these nodes.
        probe = FileReader(name, [])
        found = probe.fields(tree, "a story file", CONTENT_FIELDS)
        if not found:
            return
        tables = {"scenes": self.ids.scenes, "documents": self.ids.documents,
                  "beats": self.ids.beats}
        for key, table in tables.items():
            if key not in found:
                continue
            for item in probe.sequence(found[key], key):
                item_fields = FileReader(name, []).fields(item, key, {"id": True} | {
                    k: False for k in _ITEM_FIELDS[key] if k != "id"})
                if item_fields and "id" in item_fields:
                    item_id = FileReader(name, []).identifier(item_fields["id"], "id")
                    if item_id is not None:
                        self._declare(table, key, item_id, item_fields["id"], name)

    def _declare(self, table: dict[str, SourceLoc], kind: str, item_id: str, node: Node,
                 name: str) -> None:
        loc = SourceLoc(name, node.start_mark.line + 1, node.start_mark.column + 1)
        if item_id in table:
            first = table[item_id]
            self.diagnostics.append(Diagnostic(
                loc, Severity.ERROR, f"{kind[:-1]} id '{item_id}' is already used at {first}; "
                "ids must be unique", "duplicate-id"))
            return
        table[item_id] = loc

    # --- second pass: content -----------------------------------------------------

    def _read_content(self, name: str, tree: Node, scenes: dict[str, Scene],
                      documents: dict[str, Document], beats: dict[str, Beat]) -> None:
        reader = FileReader(name, self.diagnostics)
        found = reader.fields(tree, "a story file", CONTENT_FIELDS)
        if found is None:
            return
        content = _ContentReader(self, reader)
        if "scenes" in found:
            for item in reader.sequence(found["scenes"], "scenes"):
                scene = content.scene(item)
                if scene is not None:
                    scenes.setdefault(scene.id, scene)
        if "documents" in found:
            for item in reader.sequence(found["documents"], "documents"):
                document = content.document(item)
                if document is not None:
                    documents.setdefault(document.id, document)
        if "beats" in found:
            for item in reader.sequence(found["beats"], "beats"):
                beat = content.beat(item)
                if beat is not None:
                    beats.setdefault(beat.id, beat)


def _next_free(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}.{number}" in taken:
        number += 1
    return f"{base}.{number}"


_ITEM_FIELDS = {"scenes": SCENE_FIELDS, "documents": DOCUMENT_FIELDS, "beats": BEAT_FIELDS}


def _node_loc(fallback: SourceLoc | None, node: Node) -> SourceLoc | None:
    if fallback is None:
        return None
    return SourceLoc(fallback.file, node.start_mark.line + 1, node.start_mark.column + 1)


class _ContentReader:
    """Builds scenes, documents and beats from one file's nodes against the story's ids."""

    def __init__(self, builder: _Builder, reader: FileReader) -> None:
        self.builder = builder
        self.reader = reader
        assert builder.scope is not None
        self.scope: expr.Scope = builder.scope
        self.header = builder.header

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
        effects = self._effects(found["effects"]) if "effects" in found else Effects()
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
        if not items and isinstance(found["choices"], Node):
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
        effects = self._effects(found["effects"]) if "effects" in found else Effects()
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
        if word not in {v.value for v in Visibility}:
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
        kinds = {k.value for k in EndingKind}
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
        accounts = {a.value for a in Account}
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
            return Effects()
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
            until = self.builder._time_of_day(reader, found["until"], "until")
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
            value = self.builder._value(self.reader, value_node, variable.type,
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
        time = self.builder._time_of_day(reader, found["time"], "time") if (
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

    def _reference(self, node: Node | None, known: Mapping[str, object] | object,
                   kind: str) -> str | None:
        if node is None:
            return None
        value = self.reader.identifier(node, f"{kind} id")
        if value is None:
            return None
        names = known if isinstance(known, Mapping) else {}
        if value not in names:
            self.reader.error(node, f"unknown {kind} '{value}'{suggest(value, names)}",
                              "missing-target")
            return None
        return value

    def _condition(self, node: Node) -> Condition | None:
        source = self.reader.scalar(node, "a condition")
        if source is None:
            return None
        known = self.builder.conditions.get(source)
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
        self.builder.conditions[source] = condition
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
