"""The shipped story's maps: every location is drawn on one, on a marker of the art, and
the geography holds in its broad lines (north is up)."""

from __future__ import annotations

import yaml

from palace.loader import SourceFile, parse_story, read_story_files
from palace.model import Story
from palace.resources import shipped_story
from palace.storyformat import MANIFEST


def _manifest_only() -> Story:
    """The shipped manifest with stand-in scenes for those it names, so its maps can be
    checked whatever state the story's scenes are in."""
    files, problems = read_story_files(shipped_story())
    assert not problems
    manifest = next(f for f in files if f.relative == MANIFEST)
    header = yaml.safe_load(manifest.text)
    location = next(iter(header["locations"]))
    named = [role["start"] for role in header["roles"].values()]
    for checkpoints in header.get("checkpoints", {}).values():
        named += [checkpoints] if isinstance(checkpoints, str) else checkpoints
    scenes = [{"id": scene, "title": "stub", "location": location, "text": "stub",
               "ending": {"id": f"{scene}_stub", "title": "stub", "kind": "archive"}}
              for scene in dict.fromkeys(named)]
    stub = SourceFile("maps-check-stub.yaml", yaml.safe_dump({"scenes": scenes}), "stub.yaml")
    return parse_story([manifest, stub])


STORY = _manifest_only()


def _at(location: str) -> tuple[int, int]:
    at = STORY.locations[location].at
    assert at is not None
    return at


def test_every_location_is_on_a_map():
    assert sorted(STORY.maps) == ["city", "palace"]
    assert [loc.id for loc in STORY.locations.values() if loc.map is None] == []


def test_every_place_sits_on_a_marker_of_its_map():
    for location in STORY.locations.values():
        assert location.map is not None and location.at is not None
        row, column = location.at
        assert STORY.maps[location.map].art[row - 1][column - 1] == "•", location.id


def test_the_maps_fit_an_80_column_terminal():
    assert all(drawing.width <= 79 for drawing in STORY.maps.values())


def test_the_city_in_its_broad_lines():
    fortress, square, arch = _at("peter_paul"), _at("palace_square"), _at("general_staff")
    assert fortress[0] < _at("neva_embankment")[0] < square[0] < arch[0]  # north to south
    assert abs(square[1] - arch[1]) <= 2  # the arch faces the palace across the square
    assert _at("smolny")[1] > _at("liteiny_bridge")[1] > square[1]  # Smolny far to the east
    assert _at("vyborg_side")[0] < _at("liteiny_bridge")[0]  # across the bridge, north
    assert _at("nikolaevsky_bridge")[1] < _at("admiralty_side")[1] + 6 < square[1]
    assert _at("kazan_cathedral")[1] > _at("nevsky")[1]  # further along the prospect
    assert _at("telegraph")[1] < square[1]


def test_the_palace_in_its_broad_lines():
    neva_front = ("jordan_staircase", "malachite_hall", "small_dining_room", "hospital_wards")
    courtyard = _at("palace_courtyard")
    assert all(_at(room)[0] < courtyard[0] for room in neva_front)
    assert _at("jordan_staircase")[1] > courtyard[1] > _at("small_dining_room")[1]
    assert _at("cadet_billets")[0] > courtyard[0]  # on the square front
    assert _at("east_cellars")[0] > _at("cadet_billets")[0]  # below
