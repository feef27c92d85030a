"""The timeline: the night's span, the moments lived and history's hours, drawn as bars."""

from __future__ import annotations

from palace import engine
from palace.glyphs import PLAIN
from palace.layout import plain_text
from palace.state import Account
from palace.timeline import Moment, Night, night_of, render_timeline


def crossed_then_waited(story):
    """A Red Guard night that crossed to the square (90 minutes, recorded on arrival)."""
    state = engine.start(story, "guard")
    return engine.choose(story, state, "bridge.square")


class TestTheNight:
    def test_span_runs_from_the_story_start_to_the_latest_historical_hour(self, mapped_story):
        night = night_of(mapped_story, engine.start(mapped_story, "guard"))
        assert (night.start, night.end, night.now) == (18 * 60, 22 * 60, 18 * 60)
        assert night.moments == ()

    def test_moments_carry_the_players_clock_and_historys(self, mapped_story):
        night = night_of(mapped_story, crossed_then_waited(mapped_story))
        assert night.moments == (
            Moment(19 * 60 + 30, "The crossing", Account.MYTH, 20 * 60 + 15,
                   "Accounts differ by an hour."),)

    def test_a_night_that_runs_late_stretches_the_span(self, mapped_story):
        from dataclasses import replace

        late = replace(engine.start(mapped_story, "guard"), clock=26 * 60 + 5)
        assert night_of(mapped_story, late).end == 27 * 60


NIGHT = Night(
    start=15 * 60, end=27 * 60, now=23 * 60 + 10,
    moments=(
        Moment(18 * 60 + 5, "The parley", Account.ARCHIVE, 18 * 60),
        Moment(21 * 60 + 52, "The signal gun", Account.MYTH, 21 * 60 + 40,
               "Also given as 21:00 and 21:45."),
        Moment(22 * 60, "The congress", Account.ARCHIVE, None),
    ),
)


class TestRendering:
    def test_terminal_timeline_draws_two_bars_and_numbers_the_moments(self):
        assert plain_text(render_timeline(NIGHT, 60)) == "\n".join([
            "",
            "THE NIGHT SO FAR",
            "From 15:00 to 03:00; it is now 23:10.",
            "",
            "         15  16  17  18   19  20  21  22  23   00  01  02 03",
            "you      ├───┼───┼───┼A───┼───┼───┼───BC──┼@───┼───┼───┼───┤",
            "history  ├───┼───┼───A────┼───┼───┼──B┼───┼────┼───┼───┼───┤",
            "",
            " A  18:05  The parley: you lived it as the record tells it;",
            "           history puts it at 18:00.",
            " B  21:52  The signal gun: you lived it as the legend tells",
            "           it; history puts it at 21:40. Also given as 21:00",
            "           and 21:45.",
            " C  22:00  The congress: you lived it as the record tells",
            "           it.",
            " @  23:10  Now.",
        ])

    def test_hour_labels_thin_out_when_there_is_no_room(self):
        narrow = plain_text(render_timeline(NIGHT, 44)).split("\n")[4]
        assert narrow.split() == ["15", "17", "19", "21", "23", "01", "03"]
        wide = plain_text(render_timeline(NIGHT, 60)).split("\n")[4]
        assert len(wide.split()) == 13

    def test_plain_timeline_lists_first_and_draws_in_ascii(self):
        text = plain_text(render_timeline(NIGHT, 60, glyphs=PLAIN))
        assert text.startswith("\nTHE NIGHT SO FAR\nFrom 15:00 to 03:00; it is now 23:10.\n\n"
                               " A  18:05  The parley:")
        assert text.endswith(
            "Drawn as bars:\n"
            "         15  16  17  18   19  20  21  22  23   00  01  02 03\n"
            "you      |---+---+---+A---+---+---+---BC--+@---+---+---+---|\n"
            "history  |---+---+---A----+---+---+--B+---+----+---+---+---|")

    def test_a_night_with_nothing_witnessed_says_so(self):
        quiet = Night(15 * 60, 18 * 60, 16 * 60, ())
        assert "You have not yet witnessed any of the moments the legend and the record " \
               "tell" in plain_text(render_timeline(quiet, 80))
