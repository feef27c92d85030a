"""The ``timeline`` command's drawing: the night's hours as two bars, one for the moments
the player lived and one for the hours history gives them, with a numbered list.

The night runs from the hour the story's clock starts to the later of the
present moment and the latest hour the story's beats give, whole hours each end.

Rule: pure. Story and state in, styled lines out.
"""

from __future__ import annotations

from dataclasses import dataclass

from palace.clock import format_hhmm
from palace.glyphs import FANCY, Glyphs
from palace.layout import StyledLine, wrap
from palace.model import Story
from palace.state import Account, GameState


HOUR = 60
_LABEL = "history  "
# Letters, not digits: a mark beside another must not read as an hour ("23").
_MARKS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LABEL_STEPS = (1, 2, 3, 4, 6, 12)
_HANG = " " * len(" A  21:40  ")


@dataclass(frozen=True, slots=True)
class Moment:
    """A beat of the night as the player witnessed it."""

    clock: int
    title: str
    account: Account
    history: int | None
    """When history puts it, in story minutes, if the story says."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Night:
    """The player's night for the timeline: its span in story minutes, now, the beats lived."""

    start: int
    end: int
    now: int
    moments: tuple[Moment, ...]


def night_of(story: Story, state: GameState) -> Night:
    """The player's night so far: its span, the present moment and the beats lived."""
    moments = tuple(
        Moment(entry.clock, story.beats[entry.beat].title, entry.account,
               story.beats[entry.beat].time, story.beats[entry.beat].time_note)
        for entry in state.accounts if entry.beat in story.beats
    )
    start = story.clock.start_minute // HOUR * HOUR
    latest = [state.clock, start + HOUR, *(m.clock for m in moments)]
    latest += [beat.time for beat in story.beats.values() if beat.time is not None]
    end = -(-max(latest) // HOUR) * HOUR
    return Night(start, end, state.clock, moments)


def render_timeline(night: Night, width: int, *, glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """The bars and the list in ``width`` columns; plain text puts the list first."""
    title: list[StyledLine] = [[], *wrap("THE NIGHT SO FAR", width, style="class:heading")]
    summary = wrap(f"From {format_hhmm(night.start)} to {format_hhmm(night.end)}; it is now "
                   f"{format_hhmm(night.now)}.", width, style="class:meta")
    bars = _bars(night, width, glyphs)
    listing = _listing(night, width, glyphs)
    if glyphs.plain:
        return [*title, *summary, [], *listing, [], *wrap("Drawn as bars:", width), *bars]
    return [*title, *summary, [], *bars, [], *listing]


def _bars(night: Night, width: int, glyphs: Glyphs) -> list[StyledLine]:
    length = max(2, width - len(_LABEL))
    lived = _bar(night, length, glyphs)
    history = _bar(night, length, glyphs)
    for number, moment in enumerate(night.moments):
        mark = _MARKS[number % len(_MARKS)]
        _place(lived, _column(night, moment.clock, length), mark, glyphs)
        if moment.history is not None:
            _place(history, _column(night, moment.history, length), mark, glyphs)
    _place(lived, _column(night, night.now, length), glyphs.here, glyphs)
    hours = " " * len(_LABEL) + _hour_labels(night, length)
    return [
        [("class:meta", hours)],
        _styled_bar("you", lived, glyphs),
        _styled_bar("history", history, glyphs),
    ]


def _bar(night: Night, length: int, glyphs: Glyphs) -> list[str]:
    start, tick, fill, end = glyphs.bar
    bar = [start, *([fill] * (length - 2)), end]
    for minute in range(night.start + HOUR, night.end, HOUR):
        bar[_column(night, minute, length)] = tick
    return bar


def _column(night: Night, minute: int, length: int) -> int:
    span = max(1, night.end - night.start)
    offset = min(max(minute, night.start), night.end) - night.start
    return round(offset * (length - 1) / span)


def _place(bar: list[str], column: int, mark: str, glyphs: Glyphs) -> None:
    """Put ``mark`` at ``column``, or at the nearest column after it not yet marked."""
    for candidate in range(column, len(bar)):
        if bar[candidate] in glyphs.bar:
            bar[candidate] = mark
            return


def _hour_labels(night: Night, length: int) -> str:
    """Every hour's label over its tick, or every second (third...) when they would
    crowd each other."""
    columns_per_hour = (length - 1) * HOUR / max(1, night.end - night.start)
    step = next((s for s in _LABEL_STEPS if columns_per_hour * s >= 3), _LABEL_STEPS[-1])
    row = [" "] * length
    next_free = 0
    for minute in range(night.start, night.end + 1, HOUR * step):
        label = format_hhmm(minute)[:2]
        column = min(_column(night, minute, length), length - len(label))
        if column >= next_free:
            row[column:column + len(label)] = label
            next_free = column + len(label) + 1
    return "".join(row).rstrip()


def _styled_bar(label: str, bar: list[str], glyphs: Glyphs) -> StyledLine:
    fragments: StyledLine = [("class:meta", label.ljust(len(_LABEL)))]
    for char in bar:
        style = "class:timeline.bar" if char in glyphs.bar else (
            "class:timeline.now" if char == glyphs.here else "class:timeline.mark")
        if fragments[-1][0] == style:
            fragments[-1] = (style, fragments[-1][1] + char)
        else:
            fragments.append((style, char))
    return fragments


def _listing(night: Night, width: int, glyphs: Glyphs) -> list[StyledLine]:
    if not night.moments:
        return wrap("You have not yet witnessed any of the moments the legend and the record "
                    "tell differently.", width, style="class:prose")
    lines: list[StyledLine] = []
    for number, moment in enumerate(night.moments):
        lived = "the legend" if moment.account is Account.MYTH else "the record"
        text = f"{moment.title}: you lived it as {lived} tells it"
        if moment.history is not None:
            text += f"; history puts it at {format_hhmm(moment.history)}"
        text += "." + (f" {moment.note}" if moment.note else "")
        mark = _MARKS[number % len(_MARKS)]
        lines += wrap(f"{mark:>2}  {format_hhmm(moment.clock)}  {text}", width,
                      style="class:prose", hang=_HANG)
    lines += wrap(f"{glyphs.here:>2}  {format_hhmm(night.now)}  Now.", width,
                  style="class:timeline.now")
    return lines
