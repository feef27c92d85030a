"""Reading the manifest's ``maps`` and where each location sits on one.

A map is a title and a block of art; a location names its map and its place on
the art as ``at: [row, column]``, counted from 1 as editors count. Every
character of the art must have a plain-text equivalent (``glyphs.to_ascii``), so
the same drawing works in a terminal and in plain text.

Rule: like the manifest reader, which calls it, this module reads YAML nodes
through ``yamlsource`` and reports every problem as a diagnostic, with the line
and column of the mistake.
"""

from __future__ import annotations

from collections.abc import Mapping

from yaml.nodes import Node, SequenceNode

from palace.errors import suggest
from palace.glyphs import to_ascii
from palace.model import Map
from palace.storyformat import MAP_FIELDS
from palace.yamlsource import FileReader


Place = tuple[str, tuple[int, int]]
"""A map id and a [row, column] on its art."""


def read_maps(reader: FileReader, node: Node) -> dict[str, Map]:
    """The manifest's maps, by id; a map with a problem is reported and left out."""
    maps: dict[str, Map] = {}
    for key_node, value_node in reader.entries(node, "maps"):
        map_id = str(key_node.value)
        found = reader.fields(value_node, f"map '{map_id}'", MAP_FIELDS)
        if found is None or not MAP_FIELDS.keys() <= found.keys():
            continue
        title = reader.text(found["title"], "title")
        art = _read_art(reader, found["art"], map_id)
        if title is not None and art is not None:
            maps[map_id] = Map(map_id, title, art, reader.loc(key_node))
    return maps


def _read_art(reader: FileReader, node: Node, map_id: str) -> tuple[str, ...] | None:
    text = reader.text(node, f"the art of map '{map_id}'")
    if text is None:
        return None
    rows = [row.rstrip() for row in text.split("\n")]
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        reader.error(node, f"map '{map_id}' has no art; draw it in a block ('art: |')",
                     "missing-field")
        return None
    problem = _first_bad_character(rows)
    if problem is not None:
        reader.error(node, f"map '{map_id}': {problem}", "wrong-value")
        return None
    return tuple(rows)


def _first_bad_character(rows: list[str]) -> str | None:
    for row_number, row in enumerate(rows, start=1):
        for column, char in enumerate(row, start=1):
            where = f"row {row_number}, column {column} of the art"
            if char == "\t":
                return f"a tab at {where}; draw with spaces so the columns line up"
            if to_ascii(char) is None:
                return (f"'{char}' at {where} has no plain-text equivalent; draw with ASCII, "
                        "box-drawing lines or the symbols listed in docs/story-format.md")
    return None


def read_place(reader: FileReader, found: Mapping[str, Node], location_id: str,
               maps: Mapping[str, Map]) -> Place | None:
    """The ``map`` and ``at`` of a location's fields, checked against the maps."""
    if "map" not in found and "at" not in found:
        return None
    if "map" not in found or "at" not in found:
        given, missing = ("map", "at") if "map" in found else ("at", "map")
        reader.error(found[given], f"location '{location_id}' has '{given}' but no "
                     f"'{missing}'; give both 'map' and 'at: [row, column]'", "missing-field")
        return None
    map_id = reader.identifier(found["map"], "map id")
    at = _read_at(reader, found["at"])
    if map_id is None or at is None:
        return None
    if map_id not in maps:
        reader.error(found["map"], f"unknown map '{map_id}'{suggest(map_id, maps)}; "
                     "declare it under 'maps' in story.yaml", "missing-target")
        return None
    drawing = maps[map_id]
    row, column = at
    if row > len(drawing.art) or column > drawing.width:
        reader.error(found["at"], f"at [{row}, {column}] is outside map '{map_id}', which is "
                     f"{len(drawing.art)} rows by {drawing.width} columns", "wrong-value")
        return None
    return map_id, at


def _read_at(reader: FileReader, node: Node) -> tuple[int, int] | None:
    if not isinstance(node, SequenceNode) or len(node.value) != 2:
        reader.error(node, "at must be [row, column]: two whole numbers, counted from 1",
                     "wrong-type")
        return None
    row, column = (reader.integer(item, "a row or column") for item in reader.sequence(node, "at"))
    if row is None or column is None:
        return None
    if row < 1 or column < 1:
        reader.error(node, f"at [{row}, {column}] must count rows and columns from 1",
                     "wrong-value")
        return None
    return row, column
