"""Reading YAML into checked values with their line and column: the loader's toolkit.

Rule: this module and ``loader`` are the only ones that import ``yaml``. Files are
*composed* (parsed into nodes that keep their marks), never *constructed*, so no
YAML tag can build a Python object, and scalars are interpreted here by what the
story format expects, not by YAML 1.1's guesses (``no`` stays a word, ``1.10``
stays a version, ``21:40`` stays a time).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Mapping
from itertools import accumulate

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from palace.errors import Diagnostic, Severity, SourceLoc, suggest
from palace.forwardrefs import Spot
from palace.state import MAX_DIGITS
from palace.yamlerrors import character_diagnostic, syntax_diagnostic


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _SEQ, _MAP = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:seq",
                    "tag:yaml.org,2002:map")


class _StoryLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader, minus YAML 1.1's guessing of scalar types.

    Palace reads every scalar by what the format expects there, so resolving
    ``no`` to a boolean or ``21:40`` to a number would only cost time (about a
    third of composing). Explicit tags never reach ``resolve`` and are refused
    by the reader.
    """

    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        if kind is ScalarNode:
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # Path resolvers are never registered, so the composer's calls to these, one
    # pair per node, have nothing to do.
    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]")
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_PLAIN_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:value",
    "tag:yaml.org,2002:merge",
})

FieldSpec = Mapping[str, bool]
"""Field name -> whether it is required."""


MAX_DEPTH = 200
"""Deeper nesting than any story needs; past it the composer's recursion could crash."""

_BRACKET_STEPS = bytes.maketrans(b"[{]}", bytes([1, 1, 255, 255]))  # 255 is -1 signed
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def compose(text: str, name: str) -> tuple[Node | None, Diagnostic | None]:
    """Parse YAML text into a node tree, or a diagnostic for its first syntax error."""
    try:
        too_deep = _too_deep(text)
        if too_deep is not None:
            loc = SourceLoc(name, too_deep[0] + 1, too_deep[1] + 1)
            return None, Diagnostic(loc, Severity.ERROR, f"the YAML is nested more than "
                                    f"{MAX_DEPTH} levels deep here; flatten it", "yaml-syntax")
        anchor = _first_anchor(text)
        if anchor is not None:
            loc = SourceLoc(name, anchor[0] + 1, anchor[1] + 1)
            return None, Diagnostic(loc, Severity.ERROR, "YAML anchors and aliases (&name, "
                                    "*name) are not supported in stories; write the value "
                                    "out in full", "yaml-alias")
        return yaml.compose(text, Loader=_StoryLoader), None
    except yaml.MarkedYAMLError as error:
        return None, syntax_diagnostic(error, name)
    except yaml.reader.ReaderError as error:
        return None, character_diagnostic(text, error.character, name)
    except yaml.YAMLError as error:
        message = f"YAML could not be read: {error}"
        return None, Diagnostic(SourceLoc(name, 1, 1), Severity.ERROR, message, "yaml-syntax")
    except RecursionError:
        message = "the YAML is nested too deeply to read; flatten it"
        return None, Diagnostic(SourceLoc(name, 1, 1), Severity.ERROR, message, "yaml-syntax")
    except UnicodeEncodeError as error:  # a lone surrogate, from text not read from a file
        return None, character_diagnostic(text, ord(error.object[error.start]), name)


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where (line, column, from 0) nesting passes ``MAX_DEPTH``, or None. The event
    scan runs only when the text could nest that deep at all: brackets nested that
    deep, or lines indented that far."""
    deep_block = " " * MAX_DEPTH in text or "- " * (MAX_DEPTH // 2) in text
    if not deep_block and _bracket_depth(text) <= MAX_DEPTH:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            mark = event.start_mark
            if depth > MAX_DEPTH and mark is not None:
                return mark.line, mark.column
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _first_anchor(text: str) -> tuple[int, int] | None:
    """Where (line, column, from 0) the first anchor is, or None. Refusing anchors
    refuses every alias, and so every alias bomb, before anything is composed."""
    if "&" not in text or not _ANCHOR.search(text):
        return None
    for event in yaml.parse(text, Loader=_SafeLoader):
        anchor = getattr(event, "anchor", None)
        mark = event.start_mark
        if anchor is not None and mark is not None:
            return mark.line, mark.column
    return None


def _bracket_depth(text: str) -> int:
    """An upper bound on flow nesting: brackets inside quotes count too.

    The text is reduced to its brackets, as steps of +1 and -1, and the deepest
    running total is the depth; each stage runs in C, which matters for stories of
    many megabytes, where a loop over the brackets in Python took a twentieth of
    the whole load.
    """
    steps = text.encode("utf-8").translate(_BRACKET_STEPS, _NOT_BRACKETS)
    return max(accumulate(array("b", steps)), default=0)


def _kind_of(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    return f"'{node.value}'" if len(str(node.value)) <= 40 else "text"


class FileReader:
    """Reads the nodes of one file, adding a diagnostic for each problem it meets."""

    def __init__(self, name: str, diagnostics: list[Diagnostic]) -> None:
        self.name = name
        self.diagnostics = diagnostics

    def loc(self, node: Node, offset: int = 0) -> SourceLoc:
        mark = node.start_mark
        column = mark.column + 1
        if offset and isinstance(node, ScalarNode) and mark.line == node.end_mark.line:
            column += offset + (1 if node.style in ("'", '"') else 0)
        return SourceLoc(self.name, mark.line + 1, column)

    def spot(self, node: Node) -> Spot:
        """Where ``node`` starts, placing offsets into its text as ``loc`` does, for a
        problem found once the node is gone."""
        mark = node.start_mark
        shift = None
        if isinstance(node, ScalarNode) and mark.line == node.end_mark.line:
            shift = 1 if node.style in ("'", '"') else 0
        return Spot(SourceLoc(self.name, mark.line + 1, mark.column + 1), shift)

    def error(self, node: Node, message: str, code: str, offset: int = 0) -> None:
        self.diagnostics.append(Diagnostic(self.loc(node, offset), Severity.ERROR, message, code))

    def _enter(self, node: Node) -> bool:
        """Refuse explicit tags (anchors and aliases were refused while composing)."""
        if node.tag not in _PLAIN_TAGS:
            written = re.sub(r"^tag:yaml\.org,2002:", "!!", str(node.tag))
            self.error(node, f"YAML tag '{written}' is not allowed in a story; remove it",
                       "yaml-tag")
            return False
        return True

    def is_fields(self, node: Node, kind: str) -> bool:
        """Whether ``node`` is an untagged mapping of fields, reporting it if not."""
        if not self._enter(node):
            return False
        if isinstance(node, MappingNode):
            return True
        self.error(node, f"{kind} must be a mapping of fields, found {_kind_of(node)}",
                   "wrong-type")
        return False

    def fields(self, node: Node, kind: str, spec: FieldSpec) -> dict[str, Node] | None:
        """Read a mapping whose keys must come from ``spec``; report unknown,
        duplicate and missing keys. Returns key -> value node."""
        if not self.is_fields(node, kind):
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, kind)
            if key is None:
                continue
            if key in found:
                first = found[key].start_mark.line + 1
                self.error(key_node, f"duplicate field '{key}' in {kind} (first given on line "
                           f"{first}); keep one", "duplicate-key")
                continue
            if key not in spec:
                self.error(key_node, f"unknown field '{key}' in {kind}{suggest(key, spec)}; "
                           f"allowed: {', '.join(spec)}", "unknown-field")
                continue
            found[key] = value_node
        missing = [k for k, required in spec.items() if required and k not in found]
        for key in missing:
            self.error(node, f"{kind} is missing the required field '{key}'", "missing-field")
        return found

    def entries(self, node: Node, kind: str) -> list[tuple[Node, Node]]:
        """Read a mapping keyed by identifiers (roles, variables, locations); an empty
        value (a key with only comments under it) is an empty mapping."""
        if not self._enter(node) or is_null(node):
            return []
        if not isinstance(node, MappingNode):
            self.error(node, f"{kind} must be a mapping of names to definitions, "
                       f"found {_kind_of(node)}", "wrong-type")
            return []
        seen: dict[str, Node] = {}
        result = []
        for key_node, value_node in node.value:
            key = self.identifier(key_node, f"a name in {kind}")
            if key is None:
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.error(key_node, f"'{key}' is defined twice in {kind} (first on line "
                           f"{first}); keep one", "duplicate-key")
                continue
            seen[key] = key_node
            result.append((key_node, value_node))
        return result

    def _key(self, node: Node, kind: str) -> str | None:
        if not self._enter(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"a field name in {kind} must be a plain word, found "
                       f"{_kind_of(node)}", "wrong-type")
            return None
        return str(node.value)

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not self._enter(node):
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list (lines starting with '- '), "
                       f"found {_kind_of(node)}", "wrong-type")
            return []
        return list(node.value)

    def scalar(self, node: Node, what: str) -> str | None:
        if not self._enter(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, found {_kind_of(node)}", "wrong-type")
            return None
        if is_null(node):
            self.error(node, f"{what} is empty; give it a value", "wrong-type")
            return None
        return str(node.value)

    text = scalar
    """Text in the story's prose sense; read as any scalar is (the same method)."""

    def identifier(self, node: Node, what: str) -> str | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        if not IDENTIFIER.fullmatch(value):
            self.error(node, f"{what} '{value}' is not a valid id: use lower-case letters, "
                       "digits and '_', starting with a letter", "bad-id")
            return None
        return value

    def integer(self, node: Node, what: str) -> int | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        if not is_plain_integer(node):
            self.error(node, f"{what} must be a whole number, found {_kind_of(node)}",
                       "wrong-type")
            return None
        if len(value.lstrip("-+")) > MAX_DIGITS:
            self.error(node, f"{what} is too large: a whole number in a story has at most "
                       f"{MAX_DIGITS} digits", "wrong-value")
            return None
        return int(value)

    def flag(self, node: Node, what: str) -> bool | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        if _plain(node) and value in ("true", "false"):
            return value == "true"
        if _plain(node) and value.lower() in _YAML11_BOOLEANS | {"true", "false"}:
            self.error(node, f"{what} is '{value}', which YAML reads as a yes/no by accident; "
                       "write true or false", "yaml-bool")
            return None
        self.error(node, f"{what} must be true or false, found {_kind_of(node)}", "wrong-type")
        return None

    def one_or_many(self, node: Node, what: str) -> list[Node]:
        """A single scalar or a list of scalars (``role: cadet`` or ``role: [a, b]``)."""
        if isinstance(node, SequenceNode):
            return self.sequence(node, what)
        return [node]


def _plain(node: Node) -> bool:
    # The C parser marks plain scalars with style '' and the Python one with None.
    return not getattr(node, "style", None)


def is_null(node: Node) -> bool:
    """An empty value: a key with nothing after it, or a plain ``~`` or ``null``."""
    return isinstance(node, ScalarNode) and node.value in _NULL_WORDS and _plain(node)


def is_plain_integer(node: Node) -> bool:
    """True for an unquoted whole number in ASCII digits (``²`` is a digit to Python)."""
    return (isinstance(node, ScalarNode) and _plain(node)
            and _INTEGER.fullmatch(str(node.value)) is not None)


def is_plain_boolean_word(node: Node) -> bool:
    """True for an unquoted ``yes``/``no``/``on``/``off``: likely an accidental boolean."""
    return (isinstance(node, ScalarNode) and _plain(node)
            and str(node.value).lower() in _YAML11_BOOLEANS)


def is_mapping(node: Node) -> bool:
    return isinstance(node, MappingNode)


def is_scalar(node: Node) -> bool:
    return isinstance(node, ScalarNode)
