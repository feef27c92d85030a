"""The in-game clock: minutes counted from midnight of the story's first day.

The story is dated in the Julian calendar (Russia's until February 1918); the game
shows each moment with its Gregorian date beside it. Conversions go through the
Julian Day Number, so they hold for any date, not only for 1917's thirteen days.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


MINUTES_PER_DAY = 24 * 60

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_TIME = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_START = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[ T](?P<time>.+)")


class Calendar(enum.StrEnum):
    JULIAN = "julian"
    GREGORIAN = "gregorian"


@dataclass(frozen=True, slots=True)
class Date:
    """A day: year, month and day, in whichever calendar the story counts."""

    year: int
    month: int
    day: int


@dataclass(frozen=True, slots=True)
class ClockConfig:
    """Where the story's clock starts; minute 0 is midnight of ``first_day``."""

    first_day: Date
    start_minute: int
    calendar: Calendar = Calendar.JULIAN

    def resolve_time_of_day(self, hour: int, minute: int) -> int:
        """The first ``hour:minute`` at or after the clock's start, in story minutes.

        A story runs through one night, so ``02:10`` in a story that starts at
        18:00 means 02:10 on the next day.
        """
        value = hour * 60 + minute
        while value < self.start_minute:
            value += MINUTES_PER_DAY
        return value

    def describe(self, minutes: int, *, weekday: bool = False) -> str:
        """``25 October 1917, 21:40 (7 November N.S.)`` for a story minute."""
        day = _date_at(self, minutes)
        hhmm = format_hhmm(minutes)
        text = f"{day.day} {MONTHS[day.month - 1]} {day.year}, {hhmm}"
        if weekday:
            text = f"{WEEKDAYS[_weekday(self, day)]} {text}"
        if self.calendar is Calendar.JULIAN:
            other = jdn_to_gregorian(julian_to_jdn(day))
            text += f" ({other.day} {MONTHS[other.month - 1]} N.S.)"
        return text

    def short(self, minutes: int) -> str:
        """``25 Oct 21:40 (7 Nov)`` for a status line."""
        day = _date_at(self, minutes)
        text = f"{day.day} {MONTHS[day.month - 1][:3]} {format_hhmm(minutes)}"
        if self.calendar is Calendar.JULIAN:
            other = jdn_to_gregorian(julian_to_jdn(day))
            text += f" ({other.day} {MONTHS[other.month - 1][:3]})"
        return text


def parse_time(text: str) -> tuple[int, int]:
    """Parse ``HH:MM`` (24-hour); raise ``ValueError`` with a readable reason."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time; write it as HH:MM, for example 21:40")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a time of day (hours 00-23, minutes 00-59)")
    return hour, minute


def parse_start(text: str, calendar: Calendar) -> ClockConfig:
    """Parse a clock start such as ``1917-10-25 18:00``."""
    match = _START.fullmatch(text.strip())
    if not match:
        raise ValueError(
            f"'{text}' is not a start time; write it as YYYY-MM-DD HH:MM, "
            "for example 1917-10-25 18:00"
        )
    day = Date(int(match["year"]), int(match["month"]), int(match["day"]))
    if not 1 <= day.month <= 12 or not 1 <= day.day <= _month_length(day, calendar):
        raise ValueError(f"'{text}' names a day that does not exist")
    hour, minute = parse_time(match["time"])
    return ClockConfig(first_day=day, start_minute=hour * 60 + minute, calendar=calendar)


def format_hhmm(minutes: int) -> str:
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def julian_to_jdn(day: Date) -> int:
    a = (14 - day.month) // 12
    y = day.year + 4800 - a
    m = day.month + 12 * a - 3
    return day.day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083


def gregorian_to_jdn(day: Date) -> int:
    a = (14 - day.month) // 12
    y = day.year + 4800 - a
    m = day.month + 12 * a - 3
    return day.day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def jdn_to_julian(jdn: int) -> Date:
    c = jdn + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return Date(d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1)


def jdn_to_gregorian(jdn: int) -> Date:
    a = jdn + 32044
    b = (4 * a + 3) // 146097
    c = a - 146097 * b // 4
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return Date(
        100 * b + d - 4800 + m // 10,
        m + 3 - 12 * (m // 10),
        e - (153 * m + 2) // 5 + 1,
    )


def _to_jdn(day: Date, calendar: Calendar) -> int:
    return julian_to_jdn(day) if calendar is Calendar.JULIAN else gregorian_to_jdn(day)


def _from_jdn(jdn: int, calendar: Calendar) -> Date:
    return jdn_to_julian(jdn) if calendar is Calendar.JULIAN else jdn_to_gregorian(jdn)


def _date_at(config: ClockConfig, minutes: int) -> Date:
    jdn = _to_jdn(config.first_day, config.calendar) + minutes // MINUTES_PER_DAY
    return _from_jdn(jdn, config.calendar)


def _weekday(config: ClockConfig, day: Date) -> int:
    return _to_jdn(day, config.calendar) % 7


def _month_length(day: Date, calendar: Calendar) -> int:
    first = Date(day.year, day.month, 1)
    following = Date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return _to_jdn(following, calendar) - _to_jdn(first, calendar)
