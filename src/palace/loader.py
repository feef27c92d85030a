"""Loading a story folder: YAML files in, an immutable ``Story`` out, or every error at once.

A story folder holds a manifest, ``story.yaml``, and any number of content files
(``*.yaml``/``*.yml`` in any sub-folder), each with optional ``scenes``,
``documents`` and ``beats`` lists. Reading happens in two passes: the first
collects every id, the second builds the model and resolves references against
them, so an error can say "did you mean ..." and all errors arrive in one run.

The parts: ``storyfiles`` finds and reads the files, ``yamlsource`` turns YAML into
checked values with their line and column, ``manifestreader`` reads ``story.yaml``,
``contentreader`` the scenes, documents and beats, and ``saverules`` the rules for
old saves; this module runs the two passes.

Rule: these modules are the only code that knows about YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import Node

from palace import expr
from palace.collector import collector_paused
from palace.contentreader import ContentReader
from palace.errors import Diagnostic, Severity, SourceLoc, StoryError, suggest
from palace.manifestreader import ManifestReader
from palace.model import FORMAT_VERSION, Beat, Condition, Document, MigrationRule, Scene, Story
from palace.saverules import StoryIds, read_checkpoints, read_migrations
from palace.storyfiles import SourceFile, fingerprint, read_story_files
from palace.storyformat import CONTENT_FIELDS, ITEM_FIELDS, MANIFEST_FIELDS
from palace.yamlsource import FileReader, compose


__all__ = ["SourceFile", "load_story", "parse_story", "read_story_files"]


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


def parse_story(files: Sequence[SourceFile]) -> Story:
    """Build a story from its files' text (the first is the manifest).

    Raises:
        StoryError: with every problem found, sorted by file and line.
    """
    builder = _Builder()
    with collector_paused():
        story = builder.build(files)
    if story is None or builder.has_errors:
        raise StoryError(builder.diagnostics)
    return story


@dataclass
class _Ids:
    """Every id the content files declare, with where, from the first pass."""

    scenes: dict[str, SourceLoc] = field(default_factory=dict)
    documents: dict[str, SourceLoc] = field(default_factory=dict)
    beats: dict[str, SourceLoc] = field(default_factory=dict)


class _Builder:
    """Both passes over one story's files, collecting every diagnostic."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.manifest = ManifestReader(self.diagnostics)
        self.header = self.manifest.header
        self.ids = _Ids()
        self.scope: expr.Scope | None = None
        self.conditions: dict[str, Condition] = {}

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def build(self, files: Sequence[SourceFile]) -> Story | None:
        manifest, *content = files
        trees = [(source, self._compose(source, "a story file")) for source in content]
        manifest_tree = self._compose(manifest, "the manifest")
        if self.has_errors:
            # A file that cannot be read as YAML hides its ids: every reference to them
            # would be reported too, and only mislead. Its own errors come first.
            return None
        assert manifest_tree is not None
        self.manifest.read(manifest.name, manifest_tree)
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
        for index, (source, tree) in enumerate(trees):
            # A file's nodes take ten times its text in memory: let each go once read.
            trees[index] = (source, None)
            if tree is not None:
                self._read_content(source.name, tree, scenes, documents, beats)
        self._check_role_starts()
        migrations, checkpoints = self._read_promises()
        return Story(
            id=self.header.id, title=self.header.title, version=self.header.version,
            format=FORMAT_VERSION, clock=clock, roles=self.header.roles,
            variables=self.header.variables, locations=self.header.locations,
            scenes=scenes, documents=documents, beats=beats, maps=self.header.maps,
            subtitle=self.header.subtitle, author=self.header.author, intro=self.header.intro,
            fingerprint=fingerprint(files), files=tuple(f.relative for f in files),
            migrations=migrations, checkpoints=checkpoints,
        )

    def _compose(self, source: SourceFile, what: str) -> Node | None:
        """The file's YAML tree if it is a mapping; otherwise report why not."""
        tree, problem = compose(source.text, source.name)
        if problem is not None:
            self.diagnostics.append(problem)
            return None
        if tree is None:
            loc = SourceLoc(source.name, 1, 1)
            empty = "the file is empty" if not source.text.strip() else (
                "the file holds only comments")
            required = ", ".join(k for k, needed in MANIFEST_FIELDS.items() if needed)
            hint = ("give it 'scenes:', 'documents:' or 'beats:', or delete it"
                    if what == "a story file" else
                    f"a manifest needs {required} (see docs/story-format.md)")
            self.diagnostics.append(Diagnostic(loc, Severity.ERROR, f"{empty}; {hint}",
                                               "empty-file"))
            return None
        reader = FileReader(source.name, self.diagnostics)
        if what == "a story file":
            # Its outline too: a misspelt 'scenes:' would hide every scene under it.
            return tree if reader.fields(tree, what, CONTENT_FIELDS) is not None else None
        return tree if reader.is_fields(tree, what) else None


    def _read_promises(self) -> tuple[tuple[MigrationRule, ...], dict[str, tuple[str, ...]]]:
        """The manifest's rules for old saves, checked against every id of the story."""
        header, nodes = self.header, self.header.promises
        reader = FileReader(header.manifest_name, self.diagnostics)
        ids = StoryIds(scenes=self.ids.scenes, variables=header.variables,
                       documents=self.ids.documents, beats=self.ids.beats, roles=header.roles)
        migrations = (read_migrations(reader, nodes["migrations"], ids, self.manifest.value)
                      if "migrations" in nodes else ())
        checkpoints = (read_checkpoints(reader, nodes["checkpoints"], ids)
                       if "checkpoints" in nodes else {})
        return migrations, checkpoints

    def _check_role_starts(self) -> None:
        for role in self.header.roles.values():
            if role.start not in self.ids.scenes:
                node = self.header.role_starts[role.id]
                self.diagnostics.append(Diagnostic(
                    _node_loc(role.loc, node), Severity.ERROR,
                    f"role '{role.id}' starts at unknown scene '{role.start}'"
                    f"{suggest(role.start, self.ids.scenes)}", "missing-target"))


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
                    k: False for k in ITEM_FIELDS[key] if k != "id"})
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


    def _read_content(self, name: str, tree: Node, scenes: dict[str, Scene],
                      documents: dict[str, Document], beats: dict[str, Beat]) -> None:
        reader = FileReader(name, self.diagnostics)
        found = reader.fields(tree, "a story file", CONTENT_FIELDS)
        if found is None:
            return
        assert self.scope is not None
        content = ContentReader(reader, manifest=self.manifest, scope=self.scope,
                                conditions=self.conditions)
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


def _node_loc(fallback: SourceLoc | None, node: Node) -> SourceLoc | None:
    if fallback is None:
        return None
    return SourceLoc(fallback.file, node.start_mark.line + 1, node.start_mark.column + 1)
