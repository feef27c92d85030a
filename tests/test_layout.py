"""Layout: wrapping, headings, menus, the status line and pages, against expected text."""

from __future__ import annotations

from palace.glyphs import FANCY, PLAIN
from palace.layout import (
    MenuItem,
    Status,
    heading,
    menu_lines,
    next_selection,
    paginate,
    paragraphs,
    plain_text,
    reading_width,
    selected_in,
    status_line,
    table,
    telling,
    wrap,
)


PROSE = ("The bridge is long and the wind comes off the river in gusts that smell of coal "
         "smoke and wet stone.")


def text_of(lines) -> str:
    return plain_text(lines)


class TestWrapping:
    def test_reading_width_follows_the_terminal_up_to_80_columns(self):
        assert [reading_width(w) for w in (10, 40, 60, 81, 120, 300)] == [20, 39, 59, 80, 80, 80]

    def test_paragraphs_wrap_at_word_boundaries_with_a_blank_line_between(self):
        assert text_of(paragraphs([PROSE, "Behind you the factories."], 30)) == (
            "The bridge is long and the\n"
            "wind comes off the river in\n"
            "gusts that smell of coal smoke\n"
            "and wet stone.\n"
            "\n"
            "Behind you the factories.")

    def test_hanging_indent_lines_up_under_the_first_line_text(self):
        lines = wrap(" 1  21:40  The signal gun: one blank round.", 24, hang=" " * 11)
        assert text_of(lines) == (" 1  21:40  The signal\n"
                                  "           gun: one\n"
                                  "           blank round.")

    def test_every_line_of_a_wrapped_paragraph_fits(self):
        for width in (20, 59, 80):
            assert all(len(line) <= width for line in text_of(paragraphs([PROSE * 3], width))
                       .splitlines())


class TestHeadings:
    def test_terminal_heading_separates_place_and_time_with_a_dot(self):
        lines = heading("Palace Square", ["Palace Square", "25 October 1917, 21:40"], 80)
        assert text_of(lines) == "\nPALACE SQUARE\nPalace Square  ·  25 October 1917, 21:40\n"
        assert lines[1] == [("class:heading", "PALACE SQUARE")]

    def test_plain_heading_separates_them_as_sentences(self):
        lines = heading("Palace Square", ["Palace Square", "21:40"], 80, glyphs=PLAIN)
        assert text_of(lines) == "\nPALACE SQUARE\nPalace Square. 21:40\n"

    def test_the_followed_telling_is_marked_by_a_symbol_or_in_words(self):
        assert text_of(telling("The record", "One blank.", 80, followed=True)) == \
            "▸ The record: One blank."
        assert text_of(telling("The legend", "A storm.", 80, followed=False)) == \
            "  The legend: A storm."
        assert text_of(telling("The record", "One blank.", 80, followed=True,
                               glyphs=PLAIN)) == "The record (your night): One blank."


MENU = (
    MenuItem("Take a rifle"),
    MenuItem("Charge the gate", available=False, reason="You need a rifle."),
    MenuItem("Walk in by a side door, slowly, keeping to the wall"),
)


class TestMenus:
    def test_plain_menu_is_a_numbered_list(self):
        assert text_of(menu_lines(MENU, 80, glyphs=PLAIN)) == (
            "1. Take a rifle\n"
            "2. Charge the gate (You need a rifle.)\n"
            "3. Walk in by a side door, slowly, keeping to the wall")

    def test_terminal_menu_points_at_the_selection_and_keeps_a_gutter(self):
        lines = menu_lines(MENU, 30, selected=3)
        assert text_of(lines) == (
            "  1. Take a rifle\n"
            "  2. Charge the gate (You need\n"
            "     a rifle.)\n"
            "› 3. Walk in by a side door,\n"
            "     slowly, keeping to the\n"
            "     wall")
        assert lines[3][-1] == ("class:selected", "Walk in by a side door,")
        assert lines[1][-1] == ("class:greyed", "Charge the gate (You need")

    def test_details_are_indented_under_their_item(self):
        roles = (MenuItem("Red Guard", detail="A lathe hand with a rifle."), MenuItem("Cadet"))
        assert text_of(menu_lines(roles, 80, glyphs=PLAIN)) == (
            "1. Red Guard\n   A lathe hand with a rifle.\n2. Cadet")

    def test_only_an_available_number_is_a_selection(self):
        assert [selected_in(MENU, answer) for answer in ("1", " 3 ", "2", "4", "look", "")] \
            == [1, 3, None, None, None, None]

    def test_selection_moves_over_what_cannot_be_taken_and_goes_round(self):
        assert next_selection(MENU, None, 1) == 1
        assert next_selection(MENU, None, -1) == 3
        assert next_selection(MENU, 1, 1) == 3
        assert next_selection(MENU, 3, 1) == 1
        assert next_selection(MENU, 1, -1) == 3
        assert next_selection((MenuItem("No", available=False),), None, 1) is None


class TestStatusLine:
    STATUS = Status("The Night", role="Red Guard", clock="25 Oct 21:40 (7 Nov)",
                    location="The Jordan (state) Staircase", unread=2)

    def test_everything_fits_at_120_columns(self):
        assert text_of([status_line(self.STATUS, 120)]) == (
            " Red Guard │ 25 Oct 21:40 (7 Nov) │ The Jordan (state) Staircase │ 2 unread")

    def test_a_long_place_is_shortened_first_at_60_columns(self):
        text = text_of([status_line(self.STATUS, 60)])
        assert text == " Red Guard │ 25 Oct 21:40 (7 Nov) │ The Jordan (… │ 2 unread"
        assert len(text) <= 60

    def test_a_very_narrow_bar_is_cut_with_an_ellipsis(self):
        text = text_of([status_line(self.STATUS, 30)])
        assert len(text) == 30
        assert text.endswith("…")

    def test_before_the_night_begins_it_shows_the_title(self):
        assert text_of([status_line(Status("The Night"), 60)]) == " The Night"


def test_key_table_wraps_the_meaning_in_its_own_column():
    lines = table([("Tab", "complete a command, or the word after it"),
                   ("Ctrl-D", "leave")], 30)
    assert text_of(lines) == ("  Tab     complete a command,\n"
                              "          or the word after it\n"
                              "  Ctrl-D  leave")


def test_the_meanings_start_two_spaces_after_the_longest_key():
    lines = table([("transcript FILE", "copy"), ("saves [folder DIR]", "list")], 80)
    assert text_of(lines) == ("  transcript FILE     copy\n"
                              "  saves [folder DIR]  list")


LINES = [[("", str(number))] for number in range(1, 24)]


class TestPaging:
    def test_pages_are_as_tall_as_asked(self):
        pages = paginate(LINES, height=10)
        assert [len(page) for page in pages] == [10, 10, 3]
        assert pages[1][0] == [("", "11")]

    def test_rows_already_on_the_screen_shorten_the_first_page(self):
        assert [len(page) for page in paginate(LINES, height=10, used=7)] == [3, 10, 10]

    def test_a_full_screen_pauses_before_the_first_line(self):
        assert [len(page) for page in paginate(LINES[:4], height=10, used=10)] == [0, 4]

    def test_text_that_fits_is_one_page(self):
        assert paginate(LINES[:5], height=10) == [LINES[:5]]
        assert paginate([], height=10) == [[]]


def test_fancy_and_plain_glyphs_differ_only_where_plain_text_needs_words():
    assert FANCY.here == PLAIN.here == "@"
    assert all(ord(char) < 128 for char in PLAIN.separator + PLAIN.pointer + "".join(PLAIN.bar))
