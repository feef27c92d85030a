"""Reading what a content file names: ids, conditions and the variables in its text.

The manifest's names (locations, roles, variables) are all known before any content
file is read, and a reference to one is checked at once. A scene, document or beat
may be declared by a later file, so a reference to one not declared yet is handed
to ``ForwardRefs``, and so is a condition naming one: it is checked again, against
every id, once every file is read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from yaml.nodes import Node

from palace import expr
from palace.errors import Diagnostic, ExpressionError, Severity, suggest
from palace.forwardrefs import DeclaredIds, ForwardRefs, Spot
from palace.model import Condition, Tag
from palace.state import Account
from palace.storyformat import ITEM_FIELDS
from palace.text import TEXT_BUILTINS, Template, parse_template
from palace.yamlsource import FileReader


_ACCOUNTS = frozenset(a.value for a in Account)
_KINDS = {"scenes": "scene", "documents": "document", "beats": "beat"}


class Names:
    """What every content file is read against, shared by all of them: the scope of
    conditions (its ids grow as files are read), and the conditions built so far."""

    def __init__(self, scope: expr.Scope, ids: DeclaredIds, forward: ForwardRefs) -> None:
        self.scope = scope
        self.ids = ids
        self.forward = forward
        self.watched = tuple(_Watched(table) for table in (ids.scenes, ids.documents,
                                                           ids.beats))
        scenes, documents, beats = self.watched
        self.lenient = expr.Scope(variables=scope.variables, scenes=scenes,
                                  documents=documents, beats=beats, roles=scope.roles,
                                  clock=scope.clock)
        """The scope with every scene, document and beat taken as known, noting those
        that are not (yet): a condition is checked against it as it is read."""
        self.conditions: dict[str, Condition] = {}
        """The conditions already built, by their source: stories repeat them."""
        self.waiting: set[str] = set()
        """The sources of those that name an id no file had declared when first read."""

    def check_leniently(self, tree: expr.Node) -> tuple[ExpressionError | None, bool]:
        """The problem with ``tree`` as a condition, if any, and whether it names an
        id not declared yet (on which the problem, or its absence, may depend)."""
        for watched in self.watched:
            watched.unseen = False
        try:
            check_condition(tree, self.lenient)
            problem = None
        except ExpressionError as error:
            problem = error
        return problem, any(watched.unseen for watched in self.watched)


class _Watched(Collection[str]):
    """Ids of one kind, as a condition's check sees them: all there, noting any not."""

    def __init__(self, table: Collection[str]) -> None:
        self.table = table
        self.unseen = False

    def __contains__(self, item: object) -> bool:
        if item not in self.table:
            self.unseen = True
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


def check_condition(tree: expr.Node, scope: expr.Scope) -> None:
    """Raise ``ExpressionError`` unless ``tree`` is a condition: true or false."""
    kind = expr.check(tree, scope)
    if kind is not expr.Type.BOOL:
        raise ExpressionError(f"a condition must be true or false, but this is a {kind}; "
                              "compare it with something", 0)


def _message(source: str, error: ExpressionError) -> str:
    return f"bad condition '{source}': {error.message}"


@dataclass(frozen=True, slots=True)
class _LateCondition:
    """A condition naming an id not declared when it was read, checked once all are."""

    tree: expr.Node
    source: str
    spot: Spot
    scope: expr.Scope
    lenient: expr.Scope
    """The scope taking every id as declared, for a story with a file unread."""

    def problems(self, complete: bool) -> list[Diagnostic]:
        try:
            check_condition(self.tree, self.scope if complete else self.lenient)
        except ExpressionError as error:
            return [Diagnostic(self.spot.at(error.offset), Severity.ERROR,
                               _message(self.source, error), error.code)]
        return []


class RefReader:
    """Reads one file's references, conditions and text templates."""

    def __init__(self, reader: FileReader, names: Names) -> None:
        self.reader = reader
        self.names = names
        self.quiet = FileReader(reader.name, [])
        """For ids that are declared before, or without, being read."""

    def declare(self, kind: str, item_id: str, node: Node) -> None:
        """Declare a scene, document or beat id (``kind``), read from ``node``."""
        _declare(self.reader, kind, item_id, node, self.names.ids)

    def declare_quietly(self, kind: str, found: Mapping[str, Node]) -> None:
        """Declare the id among an item's fields, if it is a good one, before the item
        is read (which reports any problem with it, if it gets that far)."""
        _declare_found(self.quiet, self.reader, kind, found, self.names.ids)

    def known(self, node: Node | None, table: Collection[str], kind: str) -> str | None:
        """An id from ``table``, which holds every id of its ``kind`` already."""
        if node is None:
            return None
        value = self.reader.identifier(node, f"{kind} id")
        if value is None:
            return None
        if value not in table:
            self.reader.error(node, f"unknown {kind} '{value}'{suggest(value, table)}",
                              "missing-target")
            return None
        return value

    def declared(self, node: Node | None, kind: str) -> str | None:
        """A scene, document or beat id (``kind``): checked now if it is declared
        already, and once every file is read if not."""
        if node is None:
            return None
        value = self.reader.identifier(node, f"{kind} id")
        if value is not None and value not in self.names.ids.table(kind):
            mark = node.start_mark
            self.names.forward.refer(kind, value, (self.reader.name, mark.line + 1,
                                                   mark.column + 1))
        return value

    def condition(self, node: Node) -> Condition | None:
        reader, names = self.reader, self.names
        source = reader.scalar(node, "a condition")
        if source is None:
            return None
        known = names.conditions.get(source)
        if known is not None:  # stories repeat their conditions; parse each once
            if source in names.waiting:
                self._check_later(known.tree, source, node)
            return Condition(source, known.tree, known.evaluate, reader.loc(node))
        try:
            tree = expr.parse(source)
        except ExpressionError as error:
            reader.error(node, _message(source, error), error.code, error.offset)
            return None
        problem, waits = names.check_leniently(tree)
        if waits:  # then the problem, or a missing id before it, is reported at the end
            self._check_later(tree, source, node)
        if problem is not None:
            if not waits:
                reader.error(node, _message(source, problem), problem.code, problem.offset)
            return None
        if waits:
            names.waiting.add(source)
        evaluate = expr.compile_node(tree, names.scope.clock)
        condition = Condition(source, tree, evaluate, reader.loc(node))
        names.conditions[source] = condition
        return condition

    def _check_later(self, tree: expr.Node, source: str, node: Node) -> None:
        self.names.forward.defer(_LateCondition(tree, source, self.reader.spot(node),
                                                self.names.scope, self.names.lenient))

    def template(self, node: Node, what: str) -> Template | None:
        reader = self.reader
        source = reader.text(node, what)
        if source is None:
            return None
        try:
            template = parse_template(source)
        except ExpressionError as error:
            reader.error(node, f"{what}: {error.message}", error.code, error.offset)
            return None
        variables = self.names.scope.variables
        for slot in template.slots:
            if slot.name not in TEXT_BUILTINS and slot.name not in variables:
                candidates = [*variables, *TEXT_BUILTINS]
                reader.error(node, f"{what} shows unknown variable '{{{slot.name}}}'"
                             f"{suggest(slot.name, candidates)}; declare it under "
                             "'variables' in story.yaml", "undeclared-variable", slot.offset)
        return template

    def tag(self, found: Mapping[str, Node], what: str, node: Node) -> Tag | None:
        """The account of a beat that an item (``what``) with fields ``found`` tells."""
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
        beat = self.declared(found["beat"], "beat")
        if word is not None and word not in accounts:
            reader.error(found["account"], f"account '{word}' is unknown"
                         f"{suggest(word, accounts)}; use myth or archive", "wrong-value")
            return None
        if word is None or beat is None:
            return None
        return Tag(beat, Account(word))


def declare_ids(reader: FileReader, found: Mapping[str, Node], ids: DeclaredIds) -> None:
    """Declare the ids of a file's items without reading the items, as when the
    manifest gives no clock to read them by; an id declared twice is reported."""
    quiet = FileReader(reader.name, [])
    for key, kind in _KINDS.items():
        if key in found:
            for item in quiet.sequence(found[key], key):
                item_fields = quiet.fields(item, key, ITEM_FIELDS[key])
                if item_fields is not None:
                    _declare_found(quiet, reader, kind, item_fields, ids)


def _declare_found(quiet: FileReader, reader: FileReader, kind: str,
                   found: Mapping[str, Node], ids: DeclaredIds) -> None:
    node = found.get("id")
    item_id = quiet.identifier(node, "id") if node is not None else None
    if node is not None and item_id is not None:
        _declare(reader, kind, item_id, node, ids)


def _declare(reader: FileReader, kind: str, item_id: str, node: Node,
             ids: DeclaredIds) -> None:
    problem = ids.declare(kind, item_id, reader.loc(node))
    if problem is not None:
        reader.diagnostics.append(problem)
