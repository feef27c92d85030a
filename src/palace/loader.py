"""Loading a story folder: YAML files in, an immutable ``Story`` out, or every error at once.

A story folder holds a manifest, ``story.yaml``, and any number of content files
(``*.yaml``/``*.yml`` in any sub-folder), each with optional ``scenes``,
``documents`` and ``beats`` lists. The manifest is read first; then each content
file is composed, read and let go in turn, so only one file's YAML nodes are alive
at once (they take about fifteen times the file's text). A reference to a scene,
document or beat that no file has declared yet is noted with where it was made,
and checked once every file is read, when every id is known: so an error can still
say "did you mean ...", and all errors arrive in one run, sorted by file and line.

The parts: ``storyfiles`` finds and reads the files, ``yamlsource`` turns YAML into
checked values with their line and column, ``manifestreader`` reads ``story.yaml``,
``contentreader`` the scenes (with ``choicereader``, ``effectsreader`` and
``refreader``), ``recordreader`` the documents and beats, ``forwardrefs`` keeps the
ids and the references waiting for them, and ``saverules`` reads the rules for old
saves; this module reads the files in turn and finishes the story.

Rule: these modules are the only code that knows about YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from yaml.nodes import Node

from palace import expr
from palace.collector import collector_paused
from palace.contentreader import ContentReader, Items
from palace.errors import Diagnostic, Severity, SourceLoc, StoryError, suggest
from palace.forwardrefs import DeclaredIds, ForwardRefs
from palace.manifestreader import ManifestReader
from palace.model import FORMAT_VERSION, MigrationRule, Story
from palace.refreader import Names, declare_ids
from palace.saverules import StoryIds, read_checkpoints, read_migrations
from palace.storyfiles import SourceFile, fingerprint, read_story_files
from palace.storyformat import CONTENT_FIELDS, MANIFEST_FIELDS
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


class _Builder:
    """One pass over a story's files, collecting every diagnostic."""

    def __init__(self) -> None:
        self.unreadable: list[Diagnostic] = []
        """Files that are not YAML, or not the mapping they must be: if any is, only
        these are reported. A file that cannot be read hides its ids, and every
        reference to them would be reported too, and only mislead."""
        self.found: list[Diagnostic] = []
        """Every other problem."""
        self.manifest = ManifestReader(self.found)
        self.header = self.manifest.header
        self.ids = DeclaredIds()
        self.forward = ForwardRefs(self.ids)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.unreadable or self.found

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def build(self, files: Sequence[SourceFile]) -> Story | None:
        manifest, *content = files
        self._read_manifest(manifest)
        clock = self.header.clock
        names = None if clock is None else Names(expr.Scope(
            variables={n: v.type for n, v in self.header.variables.items()},
            scenes=self.ids.scenes, documents=self.ids.documents, beats=self.ids.beats,
            roles=self.header.roles, clock=clock), self.ids, self.forward)
        items = Items()
        for source in content:
            # Composed, read and let go: only one file's nodes are alive at once. Past
            # an unreadable file, all that is checked is whether the others read.
            outline = self._outline(source)
            if outline is not None and not self.unreadable:
                reader = FileReader(source.name, self.found)
                if names is None:  # nothing can be read without a clock but ids used twice
                    declare_ids(reader, outline, self.ids)
                else:
                    ContentReader(reader, manifest=self.manifest, names=names).read(outline,
                                                                                    items)
            del outline
        if self.unreadable or clock is None:
            return None
        self.found.extend(self.forward.problems())
        self._check_role_starts()
        migrations, checkpoints = self._read_promises()
        return Story(
            id=self.header.id, title=self.header.title, version=self.header.version,
            format=FORMAT_VERSION, clock=clock, roles=self.header.roles,
            variables=self.header.variables, locations=self.header.locations,
            scenes=items.scenes, documents=items.documents, beats=items.beats,
            maps=self.header.maps, subtitle=self.header.subtitle, author=self.header.author,
            intro=self.header.intro, fingerprint=fingerprint(files),
            files=tuple(f.relative for f in files),
            migrations=migrations, checkpoints=checkpoints,
        )

    def _read_manifest(self, source: SourceFile) -> None:
        """Read the manifest into the header, if it is a mapping; otherwise say why not."""
        tree = self._compose(source, "the manifest")
        if tree is not None and FileReader(source.name, self.unreadable).is_fields(
                tree, "the manifest"):
            self.manifest.read(source.name, tree)

    def _outline(self, source: SourceFile) -> dict[str, Node] | None:
        """A content file's lists by name if it reads as one; otherwise report why not."""
        tree = self._compose(source, "a story file")
        if tree is None:
            return None
        # Its outline too: a misspelt 'scenes:' would hide every scene under it.
        return FileReader(source.name, self.unreadable).fields(tree, "a story file",
                                                                CONTENT_FIELDS)

    def _compose(self, source: SourceFile, what: str) -> Node | None:
        """The file's YAML tree; None, reported, if it has none."""
        tree, problem = compose(source.text, source.name)
        if problem is not None:
            self.unreadable.append(problem)
            return None
        if tree is None:
            loc = SourceLoc(source.name, 1, 1)
            empty = "the file is empty" if not source.text.strip() else (
                "the file holds only comments")
            required = ", ".join(k for k, needed in MANIFEST_FIELDS.items() if needed)
            hint = ("give it 'scenes:', 'documents:' or 'beats:', or delete it"
                    if what == "a story file" else
                    f"a manifest needs {required} (see docs/story-format.md)")
            self.unreadable.append(Diagnostic(loc, Severity.ERROR, f"{empty}; {hint}",
                                              "empty-file"))
        return tree

    def _read_promises(self) -> tuple[tuple[MigrationRule, ...], dict[str, tuple[str, ...]]]:
        """The manifest's rules for old saves, checked against every id of the story."""
        header, nodes = self.header, self.header.promises
        reader = FileReader(header.manifest_name, self.found)
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
                self.found.append(Diagnostic(
                    _node_loc(role.loc, node), Severity.ERROR,
                    f"role '{role.id}' starts at unknown scene '{role.start}'"
                    f"{suggest(role.start, self.ids.scenes)}", "missing-target"))


def _node_loc(fallback: SourceLoc | None, node: Node) -> SourceLoc | None:
    if fallback is None:
        return None
    return SourceLoc(fallback.file, node.start_mark.line + 1, node.start_mark.column + 1)
