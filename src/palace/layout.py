"""Laying out what the player reads: wrapped paragraphs, headings and choice lists.

Rule: pure functions from data to styled lines. A styled line is a list of
``(style, text)`` fragments, the shape prompt-toolkit prints; the plain console
just joins the texts. Style names are classes of the theme (``class:heading``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from palace.engine import ChoiceView


Fragment = tuple[str, str]
StyledLine = list[Fragment]

MAX_WIDTH = 80
MIN_WIDTH = 20


def reading_width(terminal_width: int) -> int:
    """Lines as wide as the terminal but never more than about 80 columns."""
    return max(MIN_WIDTH, min(MAX_WIDTH, terminal_width - 1))


def line(text: str = "", style: str = "") -> StyledLine:
    return [(style, text)] if text else []


def wrap(text: str, width: int, *, style: str = "", indent: str = "") -> list[StyledLine]:
    lines = textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent,
                          break_long_words=True, break_on_hyphens=False) or [""]
    return [line(text_line, style) for text_line in lines]


def paragraphs(texts: Iterable[str], width: int, *, style: str = "class:prose") -> list[StyledLine]:
    """Wrap each paragraph to ``width``, with a blank line between paragraphs."""
    result: list[StyledLine] = []
    for text in texts:
        if result:
            result.append([])
        result.extend(wrap(text, width, style=style))
    return result


def heading(title: str, details: Sequence[str], width: int) -> list[StyledLine]:
    """A scene heading: the title, then place and time on one dim line."""
    lines: list[StyledLine] = [[], *wrap(title.upper(), width, style="class:heading")]
    if details:
        lines.extend(wrap("  ·  ".join(details), width, style="class:meta"))
    lines.append([])
    return lines


def choice_list(choices: Sequence[ChoiceView], width: int) -> list[StyledLine]:
    """Number the choices; an unavailable one is shown greyed with its reason."""
    result: list[StyledLine] = [[]]
    for number, choice in enumerate(choices, start=1):
        label = f"{number}. "
        body = choice.text if choice.available else f"{choice.text} ({choice.reason})"
        style = "class:choice" if choice.available else "class:greyed"
        lines = textwrap.wrap(body, width=width - len(label)) or [""]
        result.append([("class:number", label), (style, lines[0])])
        result.extend([[(style, " " * len(label) + rest)] for rest in lines[1:]])
    return result


def notice(text: str, width: int, *, style: str = "class:notice") -> list[StyledLine]:
    return wrap(text, width, style=style)


def plain_text(lines: Iterable[StyledLine]) -> str:
    """The text of styled lines, one per line, with every style dropped."""
    return "\n".join("".join(text for _style, text in fragments) for fragments in lines)
