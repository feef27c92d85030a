"""Laying out what the player reads: wrapped paragraphs, headings, menus, the status
line and pages.

Rule: pure functions from data to styled lines. A styled line is a list of
``(style, text)`` fragments, the shape prompt-toolkit prints; the plain console
just joins the texts. Style names are classes of the theme (``class:heading``).
Symbols come from a ``Glyphs`` set, so plain text gets words where a terminal
gets a symbol.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from palace.engine import ChoiceView
from palace.glyphs import FANCY, Glyphs


Fragment = tuple[str, str]
StyledLine = list[Fragment]

MAX_WIDTH = 80
MIN_WIDTH = 20


def reading_width(terminal_width: int) -> int:
    """Lines as wide as the terminal but never more than about 80 columns."""
    return max(MIN_WIDTH, min(MAX_WIDTH, terminal_width - 1))


def line(text: str = "", style: str = "") -> StyledLine:
    return [(style, text)] if text else []


def wrap(text: str, width: int, *, style: str = "", indent: str = "",
         hang: str = "") -> list[StyledLine]:
    """Wrap ``text`` to ``width``: every line starts with ``indent``, and every line
    after the first with ``hang`` too."""
    lines = textwrap.wrap(text, width=width, initial_indent=indent,
                          subsequent_indent=indent + hang, break_long_words=True,
                          break_on_hyphens=False) or [""]
    return [line(text_line, style) for text_line in lines]


def paragraphs(texts: Iterable[str], width: int, *, style: str = "class:prose") -> list[StyledLine]:
    """Wrap each paragraph to ``width``, with a blank line between paragraphs."""
    result: list[StyledLine] = []
    for text in texts:
        if result:
            result.append([])
        result.extend(wrap(text, width, style=style))
    return result


def heading(title: str, details: Sequence[str], width: int, *,
            glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """A scene heading: the title, then place and time on one dim line."""
    lines: list[StyledLine] = [[], *wrap(title.upper(), width, style="class:heading")]
    if details:
        lines.extend(wrap(glyphs.separator.join(details), width, style="class:meta"))
    lines.append([])
    return lines


def telling(label: str, text: str, width: int, *, followed: bool,
            glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """One telling of a beat in the debrief, marked when the player's night followed it."""
    marker = glyphs.followed if followed else glyphs.not_followed
    suffix = glyphs.followed_label if followed else ""
    return wrap(f"{marker}{label}{suffix}: {text}", width, style="class:prose")


# --- menus ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One numbered answer: a choice, or a role in the role question."""

    text: str
    available: bool = True
    reason: str | None = None
    """Why an unavailable item cannot be taken now."""
    detail: str = ""
    """A dim line or two under the item (a role's description)."""


Menu = tuple[MenuItem, ...]


def menu_of(choices: Sequence[ChoiceView]) -> Menu:
    return tuple(MenuItem(c.text, c.available, c.reason) for c in choices)


def menu_lines(menu: Menu, width: int, *, selected: int | None = None,
               glyphs: Glyphs = FANCY) -> list[StyledLine]:
    """Number the items; an unavailable one is greyed with its reason.

    ``selected`` (counted from 1) is highlighted and pointed at; the other items
    leave a gutter as wide as the pointer, so nothing moves when the highlight does.
    """
    gutter = " " * len(glyphs.pointer)
    result: list[StyledLine] = []
    for number, item in enumerate(menu, start=1):
        label = f"{number}. "
        body = item.text if item.available else f"{item.text} ({item.reason})"
        style = "class:choice" if item.available else "class:greyed"
        pointer: Fragment = ("class:pointer", glyphs.pointer) if number == selected else (
            "", gutter)
        if number == selected:
            style = "class:selected"
        texts = textwrap.wrap(body, width=max(1, width - len(gutter) - len(label))) or [""]
        first: StyledLine = [("class:number", label), (style, texts[0])]
        result.append([pointer, *first] if gutter else first)
        indent = gutter + " " * len(label)
        result.extend([[(style, indent + rest)] for rest in texts[1:]])
        if item.detail:
            result.extend(wrap(item.detail, width, style="class:meta", indent=indent))
    return result


def selected_in(menu: Menu, answer: str) -> int | None:
    """The number of the available item ``answer`` names, if it names one."""
    text = answer.strip()
    # ASCII digits only: '²' is a digit to Python, and int() refuses it.
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None
    number = int(text)
    return number if 1 <= number <= len(menu) and menu[number - 1].available else None


def next_selection(menu: Menu, current: int | None, step: int) -> int | None:
    """The available item ``step`` places from ``current`` (counted from 1), going round;
    from no selection, the first item going down and the last going up."""
    numbers = [n for n, item in enumerate(menu, start=1) if item.available]
    if not numbers:
        return None
    if current not in numbers:
        return numbers[0] if step > 0 else numbers[-1]
    return numbers[(numbers.index(current) + step) % len(numbers)]


def table(rows: Iterable[tuple[str, str]], width: int) -> list[StyledLine]:
    """Two columns, a key and what it means, the meaning wrapped in its own column,
    which starts two spaces after the longest key (but no further than mid-line)."""
    rows = list(rows)
    key_width = min(max((len(key) for key, _ in rows), default=0) + 2, width // 2)
    indent = " " * (2 + key_width)
    result: list[StyledLine] = []
    for key, meaning in rows:
        texts = textwrap.wrap(meaning, width=max(1, width - len(indent))) or [""]
        result.append([("class:number", f"  {key:<{key_width}}"), ("", texts[0])])
        result.extend([("", indent + rest)] for rest in texts[1:])
    return result


def notice(text: str, width: int, *, style: str = "class:notice") -> list[StyledLine]:
    return wrap(text, width, style=style)


def plain_text(lines: Iterable[StyledLine]) -> str:
    """The text of styled lines, one per line, with every style dropped."""
    return "\n".join("".join(text for _style, text in fragments) for fragments in lines)


# --- the status line ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """What the status bar tells: who, when, where, and what is waiting in the record.

    Before the night begins only ``title`` is set.
    """

    title: str
    role: str = ""
    clock: str = ""
    location: str = ""
    unread: int = 0


_SHORTEST_PLACE = 8


def status_line(status: Status, width: int, *, glyphs: Glyphs = FANCY) -> StyledLine:
    """The status as one line of at most ``width`` columns; a long place name is
    shortened first, so role, clock and the unread count stay whole."""
    if not status.role:
        return [("class:status", _fit(f" {status.title}", width))]
    unread = f"{status.unread} unread"
    fixed = [status.role, status.clock, unread]
    separators = len(glyphs.status_separator) * len(fixed)
    room = width - 1 - separators - sum(len(part) for part in fixed)
    place = _fit(status.location, max(room, _SHORTEST_PLACE))
    text = " " + glyphs.status_separator.join([status.role, status.clock, place, unread])
    return [("class:status", _fit(text, width))]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


# --- pages ----------------------------------------------------------------------


PROMPT_ROWS = 2
"""The rows of a terminal under the text: the input line and the status bar."""


def paginate(lines: Sequence[StyledLine], *, height: int,
             used: int = 0) -> list[list[StyledLine]]:
    """Split ``lines`` into pages of ``height`` lines for a pager.

    ``used`` lines are already on the screen unread, so the first page holds only
    what still fits (possibly nothing: the pager pauses before the first line).
    """
    height = max(1, height)
    room = max(0, height - used)
    pages = [list(lines[:room])]
    rest = lines[room:]
    pages.extend(list(rest[start:start + height]) for start in range(0, len(rest), height))
    return pages
