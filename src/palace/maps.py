"""The ``map`` command's drawing: a story map with the player's place and the places
they have been marked on it, and a legend naming them.

Rule: pure. Story and state in, styled lines out. The art is the author's; this
module only overlays markers (``@`` here, ``*`` visited), colours the water, crops
a map too wide for the terminal around the player, and in plain text turns the
art into ASCII and puts the legend, in words, before the drawing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from palace.glyphs import FANCY, Glyphs, ascii_text
from palace.layout import StyledLine, notice, wrap
from palace.model import Map, Story
from palace.state import GameState


_WATER = frozenset("~≈∼")


class Mark(enum.Enum):
    HERE = "here"
    VISITED = "visited"
    NOT_YET = "not yet"


@dataclass(frozen=True, slots=True)
class Place:
    """A location as the map shows it."""

    name: str
    row: int
    column: int
    """Counted from 1, as the story writes them."""
    mark: Mark


@dataclass(frozen=True, slots=True)
class MapView:
    """One map with the player's places on it."""

    map: Map
    places: tuple[Place, ...]
    """In reading order: top to bottom, left to right."""
    location: str
    """The name of the player's location, on this map or not."""

    @property
    def is_here(self) -> bool:
        return any(place.mark is Mark.HERE for place in self.places)


def map_screen(story: Story, state: GameState, name: str, *, width: int,
               glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """What ``map NAME`` shows: the map named, or without a name the player's own;
    a sentence instead when there is no such map."""
    names = ", ".join(story.maps)
    if not story.maps:
        return notice("This story has no maps.", width)
    drawing = story.maps.get(name.lower()) if name else current_map(story, state)
    if drawing is None and name:
        return notice(f"There is no map '{name}'. Maps: {names}.", width)
    if drawing is None:
        where = story.locations[story.scenes[state.scene].location].name
        return notice(f"{where} is on none of the maps. Type 'map NAME' for one of: {names}.",
                      width)
    return render_map(view_map(story, state, drawing), width, glyphs=glyphs)


def current_map(story: Story, state: GameState) -> Map | None:
    """The map the player's location is drawn on, if any."""
    location = story.locations[story.scenes[state.scene].location]
    return story.maps.get(location.map) if location.map else None


def view_map(story: Story, state: GameState, drawing: Map) -> MapView:
    here = story.scenes[state.scene].location
    visited = {story.scenes[scene].location for scene in state.visits if scene in story.scenes}
    places = []
    for location in story.locations.values():
        if location.map != drawing.id or location.at is None:
            continue
        mark = Mark.HERE if location.id == here else (
            Mark.VISITED if location.id in visited else Mark.NOT_YET)
        places.append(Place(location.name, *location.at, mark))
    places.sort(key=lambda place: (place.row, place.column))
    return MapView(drawing, tuple(places), story.locations[here].name)


def render_map(view: MapView, width: int, *, glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """The map's title, its art with the markers and its legend, in ``width`` columns.

    A terminal gets the drawing first; plain text gets the legend first, so a screen
    reader speaks the places before it reaches the drawing.
    """
    title: list[StyledLine] = [[], *wrap(view.map.title.upper(), width, style="class:heading")]
    legend = _legend(view, width, glyphs)
    if glyphs.plain:
        art = [[("", ascii_text(row))] for row in _marked_rows(view, glyphs)]
        return [*title, *legend, [], *wrap("The drawing:", width, style="class:meta"), *art]
    left = _crop_left(view, width)
    art = [_styled_row(row[left:left + width], view, glyphs) for row in _marked_rows(view, glyphs)]
    lines = [*title, [], *art, []]
    if left or view.map.width > width:
        lines += wrap(f"The map is wider than the window: columns {left + 1} to "
                      f"{min(view.map.width, left + width)} of {view.map.width} are shown.",
                      width, style="class:meta")
    return [*lines, *legend]


def _marked_rows(view: MapView, glyphs: Glyphs) -> list[str]:
    rows = [list(row.ljust(view.map.width)) for row in view.map.art]
    # Visited places first, so the player's own mark wins where two places share a spot.
    for place in sorted(view.places, key=lambda p: p.mark is Mark.HERE):
        if place.mark is not Mark.NOT_YET:
            marker = glyphs.here if place.mark is Mark.HERE else glyphs.visited
            rows[place.row - 1][place.column - 1] = marker
    return ["".join(row).rstrip() for row in rows]


def _styled_row(row: str, view: MapView, glyphs: Glyphs) -> StyledLine:
    markers = {glyphs.here: "class:map.here", glyphs.visited: "class:map.visited"}
    fragments: StyledLine = []
    for char in row:
        style = "class:map.water" if char in _WATER else markers.get(char, "class:map")
        if fragments and fragments[-1][0] == style:
            fragments[-1] = (style, fragments[-1][1] + char)
        else:
            fragments.append((style, char))
    return fragments


def _crop_left(view: MapView, width: int) -> int:
    """The first column to show, keeping the player's mark in the middle of the window."""
    if view.map.width <= width:
        return 0
    here = next((p.column for p in view.places if p.mark is Mark.HERE), 1)
    return min(max(0, here - 1 - width // 2), view.map.width - width)


def _legend(view: MapView, width: int, glyphs: Glyphs) -> list[StyledLine]:
    here = _names(view, Mark.HERE)
    visited = _names(view, Mark.VISITED)
    not_yet = _names(view, Mark.NOT_YET)
    if glyphs.plain:
        sentences = [f"You are here: {here}, marked {glyphs.here} on the drawing." if here
                     else f"You are not on this map: you are at {view.location}."]
        if visited:
            sentences.append(f"Visited, marked {glyphs.visited}: {visited}.")
        if not_yet:
            sentences.append(f"Not yet visited: {not_yet}.")
        return [line for sentence in sentences for line in wrap(sentence, width)]
    first = (f"{glyphs.here} You are here: {here}" if here
             else f"You are not on this map: you are at {view.location}.")
    lines = wrap(first, width, style="class:map.legend", hang="  ")
    if visited:
        lines += wrap(f"{glyphs.visited} Visited: {visited}", width, style="class:map.legend",
                      hang="  ")
    if not_yet:
        lines += wrap(f"  Not yet: {not_yet}", width, style="class:meta", hang="  ")
    return lines


def _names(view: MapView, mark: Mark) -> str:
    # Semicolons, since place names may hold commas ("Smolny, the assembly hall").
    return "; ".join(_unique(place.name for place in view.places if place.mark is mark))


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
