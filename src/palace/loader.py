"""Loading a story folder: YAML files in, an immutable ``Story`` out, or every error at once.

A story folder holds a manifest, ``story.yaml``, and any number of content files
(``*.yaml``/``*.yml`` in any sub-folder), each with optional ``scenes``,
``documents`` and ``beats`` lists. The manifest is read first; then each content
file is composed, read and let go in turn, so only one file's YAML nodes are alive
at once (they take about fifteen times the file's text). A reference to a scene,
document or beat that no file has declared yet is noted with where it was made,
and checked once every file is read, when every id is known: so an error can still
say "did you mean ...", and all errors arrive in one run, sorted by file and line.

A file that cannot be read (not text, not YAML, not the mapping a story file is)
hides the ids it declares, and nothing else: every other file is still read and
its errors reported, but a reference to an id no file read declares is only
counted, and said in a note (``StoryError.note``), as the missing file may declare
it. Without a manifest, or a clock to read scenes by, the other files are checked
only for YAML and for ids used twice.

The parts: ``storyfiles`` finds and reads the files, ``yamlsource`` turns YAML into
checked values with their line and column, ``manifestreader`` reads ``story.yaml``,
``contentreader`` the scenes (with ``choicereader``, ``effectsreader`` and
``refreader``), ``recordreader`` the documents and beats, ``forwardrefs`` keeps the
ids and the references waiting for them, and ``saverules`` reads the rules for old
saves; this module reads the files in turn and finishes the story.

Rule: these modules are the only code that knows about YAML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
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
from palace.storyformat import CONTENT_FIELDS, MANIFEST, MANIFEST_FIELDS
from palace.yamlsource import FileReader, compose


__all__ = ["SourceFile", "load_story", "parse_read_files", "parse_story", "read_story_files"]


def load_story(folder: Path | str) -> Story:
    """Read every YAML file of a story folder and build the story.

    Raises:
        StoryError: with a diagnostic for every problem found in the folder.
    """
    files, problems = read_story_files(Path(folder))
    return parse_read_files(files, problems)


def parse_read_files(files: Sequence[SourceFile], problems: Sequence[Diagnostic]) -> Story:
    """Build a story from what ``read_story_files`` gave: the files it read (the
    manifest first, unless it could not be read) and the problems of those it could
    not, reported with every other file's errors.

    Raises:
        StoryError: with every problem found, sorted by file and line.
    """
    if not problems:
        return parse_story(files)
    if not files:  # no folder, no manifest, or nothing readable in it
        raise StoryError(problems)
    manifest = files[0] if files[0].relative == MANIFEST else None
    return _parse(manifest, files[1:] if manifest else files, problems)


def parse_story(files: Sequence[SourceFile]) -> Story:
    """Build a story from its files' text (the first is the manifest).

    Raises:
        StoryError: with every problem found, sorted by file and line.
    """
    manifest, *content = files
    return _parse(manifest, content, ())


def _parse(manifest: SourceFile | None, content: Sequence[SourceFile],
           unread: Sequence[Diagnostic]) -> Story:
    builder = _Builder()
    with collector_paused():
        story = builder.build(manifest, content, unread)
    if story is None or builder.has_errors:
        raise StoryError(builder.found, builder.note(bool(content)))
    return story


class _Builder:
    """One pass over a story's files, collecting every diagnostic."""

    def __init__(self) -> None:
        self.found: list[Diagnostic] = []
        """Every problem, in every file that could be read."""
        self.unread: Counter[str] = Counter()
        """How many content files (and folders) could not be read, or not whole: each
        hides some of the story's ids, so a reference to an id not found is not reported."""
        self.unreported = 0
        """How many such references there were."""
        self.manifest_read = False
        self.manifest = ManifestReader(self.found)
        self.header = self.manifest.header
        self.ids = DeclaredIds()
        self.forward = ForwardRefs(self.ids)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.found)

    def build(self, manifest: SourceFile | None, content: Sequence[SourceFile],
              unread: Sequence[Diagnostic]) -> Story | None:
        self.found.extend(unread)
        for problem in unread:  # the manifest among them leaves no clock: see ``note``
            self.unread["folder" if problem.code == "story-folder" else "file"] += 1
        if manifest is not None:
            self._read_manifest(manifest)
        clock = self.header.clock
        names = None if clock is None else Names(expr.Scope(
            variables={n: v.type for n, v in self.header.variables.items()},
            scenes=self.ids.scenes, documents=self.ids.documents, beats=self.ids.beats,
            roles=self.header.roles, clock=clock), self.ids, self.forward)
        items = Items()
        for source in content:
            # Composed, read and let go: only one file's nodes are alive at once.
            outline = self._outline(source)
            if outline is not None:
                reader = FileReader(source.name, self.found)
                if names is None:  # nothing can be read without a clock but ids used twice
                    declare_ids(reader, outline, self.ids)
                else:
                    ContentReader(reader, manifest=self.manifest, names=names).read(outline,
                                                                                    items)
            del outline
        if clock is None:
            return None
        whole: list[Diagnostic] = []
        migrations, checkpoints = self._check_whole_story(whole, complete=True)
        if self.unread:  # what the files not read may explain is counted, not reported
            partial: list[Diagnostic] = []
            self._check_whole_story(partial, complete=False)
            self.unreported = (Counter(whole) - Counter(partial)).total()
            whole = partial
        self.found.extend(whole)
        if self.unread or manifest is None:
            return None
        files = [manifest, *content]
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

    def note(self, has_content: bool) -> str | None:
        """What was not checked, and why, if anything was not: a line after the errors."""
        if has_content and self.header.clock is None:
            why = ("story.yaml could not be read" if not self.manifest_read else
                   "story.yaml has no clock that can be read")
            return (f"The other files were checked only for YAML and for ids used twice, as "
                    f"{why}: fix it and check again.")
        if not self.unreported:
            return None
        parts = [f"{count} {kind}{'s' if count != 1 else ''}"
                 for kind, count in sorted(self.unread.items())]
        them = "it" if self.unread.total() == 1 else "them"
        refs = (f"{self.unreported} references to ids not declared in the files read were"
                if self.unreported != 1 else
                "1 reference to an id not declared in the files read was")
        return (f"{refs} not reported, as {' and '.join(parts)} could not be read and may "
                f"declare {'them' if self.unreported != 1 else 'it'}: fix {them} and check "
                "again.")

    def _read_manifest(self, source: SourceFile) -> None:
        """Read the manifest into the header, if it is a mapping; otherwise say why not."""
        tree = self._compose(source, "the manifest")
        if tree is not None and FileReader(source.name, self.found).is_fields(
                tree, "the manifest"):
            self.manifest_read = True
            self.manifest.read(source.name, tree)

    def _outline(self, source: SourceFile) -> dict[str, Node] | None:
        """A content file's lists by name if it reads as one; otherwise report why not.
        A file that cannot be read whole hides ids, and is counted as unread."""
        tree = self._compose(source, "a story file")
        if tree is None:
            return None
        # Its outline too: a misspelt 'scenes:' would hide every scene under it.
        before = len(self.found)
        outline = FileReader(source.name, self.found).fields(tree, "a story file",
                                                              CONTENT_FIELDS)
        if len(self.found) > before:
            self.unread["file"] += 1
        return outline

    def _compose(self, source: SourceFile, what: str) -> Node | None:
        """The file's YAML tree; None, reported, if it has none. A content file that is
        not YAML is counted as unread; an empty one declares nothing, and is not."""
        tree, problem = compose(source.text, source.name)
        if problem is not None:
            self.found.append(problem)
            if what == "a story file":
                self.unread["file"] += 1
            return None
        if tree is None:
            loc = SourceLoc(source.name, 1, 1)
            empty = "the file is empty" if not source.text.strip() else (
                "the file holds only comments")
            required = ", ".join(k for k, needed in MANIFEST_FIELDS.items() if needed)
            hint = ("give it 'scenes:', 'documents:' or 'beats:', or delete it"
                    if what == "a story file" else
                    f"a manifest needs {required} (see docs/story-format.md)")
            self.found.append(Diagnostic(loc, Severity.ERROR, f"{empty}; {hint}",
                                         "empty-file"))
        return tree

    def _check_whole_story(self, found: list[Diagnostic], *, complete: bool) -> tuple[
            tuple[MigrationRule, ...], dict[str, tuple[str, ...]]]:
        """The checks that need every id of the story, their findings added to ``found``,
        and the manifest's rules for old saves. Unless the story is ``complete``, an id
        not declared may be declared by a file that could not be read: only what does
        not depend on such ids is reported."""
        found.extend(self.forward.problems(complete=complete))
        if complete:  # else a role may start in a scene of a file not read
            found.extend(self._role_start_problems())
        header, nodes = self.header, self.header.promises
        reader = FileReader(header.manifest_name, found)
        ids = StoryIds(scenes=self.ids.scenes, variables=header.variables,
                       documents=self.ids.documents, beats=self.ids.beats, roles=header.roles,
                       complete=complete)
        migrations = (read_migrations(reader, nodes["migrations"], ids, self.manifest.value)
                      if "migrations" in nodes else ())
        checkpoints = (read_checkpoints(reader, nodes["checkpoints"], ids)
                       if "checkpoints" in nodes else {})
        return migrations, checkpoints

    def _role_start_problems(self) -> Iterator[Diagnostic]:
        for role in self.header.roles.values():
            if role.start not in self.ids.scenes:
                node = self.header.role_starts[role.id]
                yield Diagnostic(
                    _node_loc(role.loc, node), Severity.ERROR,
                    f"role '{role.id}' starts at unknown scene '{role.start}'"
                    f"{suggest(role.start, self.ids.scenes)}", "missing-target")


def _node_loc(fallback: SourceLoc | None, node: Node) -> SourceLoc | None:
    if fallback is None:
        return None
    return SourceLoc(fallback.file, node.start_mark.line + 1, node.start_mark.column + 1)
