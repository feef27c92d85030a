"""The map: markers for here and for places visited, the legend, cropping, plain text."""

from __future__ import annotations

from palace import engine
from palace.glyphs import PLAIN
from palace.layout import plain_text
from palace.maps import Mark, current_map, map_screen, render_map, view_map


def at_the_square(story):
    """The Red Guard, having crossed from the bridge to the square."""
    return engine.choose(story, engine.start(story, "guard"), "bridge.wait")


class TestMapView:
    def test_places_are_marked_here_visited_or_not_yet_in_reading_order(self, mapped_story):
        state = at_the_square(mapped_story)
        view = view_map(mapped_story, state, mapped_story.maps["city"])
        assert [(p.name, p.row, p.column, p.mark) for p in view.places] == [
            ("Liteiny Bridge", 2, 29, Mark.VISITED), ("Palace Square", 6, 10, Mark.HERE)]
        assert view.is_here

    def test_the_current_map_is_the_one_the_players_place_is_on(self, mapped_story):
        state = engine.start(mapped_story, "cadet")
        assert current_map(mapped_story, state) is mapped_story.maps["palace"]
        cellar = engine.choose(mapped_story, state, "billet.cellar")
        assert current_map(mapped_story, cellar) is None


class TestRendering:
    def test_terminal_map_draws_markers_over_the_art_and_a_legend(self, mapped_story):
        state = at_the_square(mapped_story)
        lines = map_screen(mapped_story, state, "", width=79)
        assert plain_text(lines) == "\n".join([
            "",
            "THE CITY",
            "",
            "≈≈≈≈≈≈≈≈≈≈≈≈ NEVA ≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈",
            "≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈══*══≈≈",
            "  ┌─────────┐           Liteiny",
            "  │ PALACE  │",
            "  └─────────┘",
            "         @ Square",
            "",
            "@ You are here: Palace Square",
            "* Visited: Liteiny Bridge",
        ])
        assert ("class:map.here", "@") in lines[8]
        assert lines[3][0] == ("class:map.water", "≈≈≈≈≈≈≈≈≈≈≈≈")

    def test_plain_map_speaks_the_legend_first_and_draws_in_ascii(self, mapped_story):
        state = at_the_square(mapped_story)
        lines = map_screen(mapped_story, state, "", width=79, glyphs=PLAIN)
        assert plain_text(lines) == "\n".join([
            "",
            "THE CITY",
            "You are here: Palace Square, marked @ on the drawing.",
            "Visited, marked *: Liteiny Bridge.",
            "",
            "The drawing:",
            "~~~~~~~~~~~~ NEVA ~~~~~~~~~~~~~~~",
            "~~~~~~~~~~~~~~~~~~~~~~~~~~==*==~~",
            "  +---------+           Liteiny",
            "  | PALACE  |",
            "  +---------+",
            "         @ Square",
        ])

    def test_a_map_the_player_is_not_on_says_so(self, mapped_story):
        lines = map_screen(mapped_story, at_the_square(mapped_story), "palace", width=79)
        assert plain_text(lines).endswith(
            "|  o Billets |\n+------------+\n\n"
            "You are not on this map: you are at Palace Square.\n"
            "  Not yet: The Great Hall; The billets")

    def test_a_map_wider_than_the_window_is_cropped_around_the_player(self, mapped_story):
        state = engine.start(mapped_story, "guard")  # on the bridge, at column 29
        view = view_map(mapped_story, state, mapped_story.maps["city"])
        art = plain_text(render_map(view, 20)).split("\n")[3:9]
        assert art == ["NEVA ≈≈≈≈≈≈≈≈≈≈≈≈≈≈≈", "≈≈≈≈≈≈≈≈≈≈≈≈≈══@══≈≈", "           Liteiny",
                       "", "", "uare"]
        assert "columns 14 to 33 of 33 are shown" in plain_text(render_map(view, 20)) \
            .replace("\n", " ")

    def test_where_two_places_share_a_spot_the_players_own_mark_wins(self, mapped_story):
        state = at_the_square(mapped_story)
        view = view_map(mapped_story, state, mapped_story.maps["city"])
        shared = view.places[0].__class__("Elsewhere", 6, 10, Mark.VISITED)
        crowded = view.__class__(view.map, (shared, *view.places), view.location)
        assert "         @ Square" in plain_text(render_map(crowded, 79))
