"""The in-game clock: Julian dates with the Gregorian beside them."""

from __future__ import annotations

import pytest

from palace.clock import (
    Calendar,
    Date,
    gregorian_to_jdn,
    jdn_to_gregorian,
    jdn_to_julian,
    julian_to_jdn,
    parse_start,
    parse_time,
)


OCTOBER = parse_start("1917-10-25 18:00", Calendar.JULIAN)


def test_the_night_in_both_calendars():
    assert OCTOBER.describe(21 * 60 + 40) == "25 October 1917, 21:40 (7 November N.S.)"
    assert OCTOBER.describe(24 * 60 + 130, weekday=True) == \
        "Thursday 26 October 1917, 02:10 (8 November N.S.)"
    assert OCTOBER.short(21 * 60 + 40) == "25 Oct 21:40 (7 Nov)"


def test_gregorian_story_shows_no_second_date():
    clock = parse_start("1917-11-07 18:00", Calendar.GREGORIAN)
    assert clock.describe(20 * 60) == "7 November 1917, 20:00"


def test_time_of_day_resolves_to_the_first_occurrence_after_the_start():
    assert OCTOBER.resolve_time_of_day(21, 40) == 21 * 60 + 40
    assert OCTOBER.resolve_time_of_day(2, 10) == 24 * 60 + 2 * 60 + 10
    assert OCTOBER.resolve_time_of_day(18, 0) == 18 * 60


@pytest.mark.parametrize(("julian", "gregorian"), [
    (Date(1917, 10, 25), Date(1917, 11, 7)),
    (Date(1918, 1, 31), Date(1918, 2, 13)),   # the last Julian day in Soviet Russia
    (Date(1582, 10, 5), Date(1582, 10, 15)),  # the first Gregorian reform
    (Date(1900, 2, 29), Date(1900, 3, 13)),   # a Julian leap day the Gregorian lacks
])
def test_julian_to_gregorian(julian, gregorian):
    assert jdn_to_gregorian(julian_to_jdn(julian)) == gregorian
    assert jdn_to_julian(gregorian_to_jdn(gregorian)) == julian


@pytest.mark.parametrize(("text", "message"), [
    ("9pm", "write it as HH:MM"),
    ("24:00", "not a time of day"),
    ("12:60", "not a time of day"),
])
def test_bad_times(text, message):
    with pytest.raises(ValueError, match=message):
        parse_time(text)


@pytest.mark.parametrize(("text", "message"), [
    ("25 October 1917", "write it as YYYY-MM-DD HH:MM"),
    ("1917-02-30 10:00", "does not exist"),
    ("1917-10-25 25:00", "not a time of day"),
])
def test_bad_starts(text, message):
    with pytest.raises(ValueError, match=message):
        parse_start(text, Calendar.JULIAN)


def test_julian_february_of_1900_has_29_days():
    assert parse_start("1900-02-29 12:00", Calendar.JULIAN).first_day == Date(1900, 2, 29)
    with pytest.raises(ValueError):
        parse_start("1900-02-29 12:00", Calendar.GREGORIAN)
