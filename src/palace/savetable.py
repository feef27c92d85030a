"""The list of saves as a text table, for ``palace saves`` and the in-game ``saves``.

Rule: pure. Slot entries in, lines of text out; the caller prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from palace.savefiles import SlotEntry


HEADINGS = ("slot", "role", "scene", "clock", "saved", "version")
_SHRINKABLE = 2
"""The column cut short when the table is too wide: the scene title."""
_GAP = "  "


def saved_when(moment: datetime) -> str:
    """A time of saving in the player's own time zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def saves_table(entries: Sequence[SlotEntry], *, width: int | None = None,
                current_version: str | None = None) -> list[str]:
    """The table's lines: a heading row, one row per slot, then a note per unreadable slot.

    A save read from its backup is marked ``*``. With ``width``, the scene column is cut
    short so that rows fit. When the saves belong to more than one story, the version
    column names the story too; when every save is of ``current_version``, it is left out.
    """
    headers = [e.header for e in entries if e.header is not None]
    several = len({header.story.id for header in headers}) > 1
    rows = [HEADINGS, *(_row(entry, several) for entry in entries)]
    if current_version is not None and all(h.story.version == current_version
                                           for h in headers):
        rows = [row[:-1] for row in rows]
    lines = _render(rows, width)
    if any(entry.from_backup for entry in entries):
        lines.append("* read from its backup: the save itself is damaged or missing")
    for entry in entries:
        if entry.header is None:
            lines.append(f"{entry.name}: {entry.problem}")
    return lines


def _row(entry: SlotEntry, several: bool) -> tuple[str, ...]:
    name = entry.name + ("*" if entry.from_backup else "")
    header = entry.header
    if header is None:
        return (name, "", "(cannot be read)", "", "", "")
    version = header.story.version
    if several:
        version = f"{header.story.title} {version}"
    return (name, header.summary.role, header.summary.scene, header.summary.clock,
            saved_when(header.saved_at), version)


def _render(rows: list[tuple[str, ...]], width: int | None) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    if width is not None:
        others = sum(widths) - widths[_SHRINKABLE] + len(_GAP) * (len(widths) - 1)
        widths[_SHRINKABLE] = max(len(HEADINGS[_SHRINKABLE]),
                                  min(widths[_SHRINKABLE], width - others))
    return [_GAP.join(_fit(cell, widths[column]) for column, cell in enumerate(row)).rstrip()
            for row in rows]


def _fit(cell: str, width: int) -> str:
    if len(cell) > width:
        return cell[:width - 1] + "…"
    return cell.ljust(width)
